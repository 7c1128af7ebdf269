//! Rules that read the AWS catalog: actions of services that do not exist and actions a
//! service does not define (with the nearest real names), Resources that no resource type
//! of an action can be, and `iam:PassRole` on every role.

use std::cell::RefCell;
use std::sync::{Mutex, PoisonError};

use foldhash::{HashMap, HashSet};

use super::arn::{self, OpenedResource};
use super::codes::{
    COULD_BE_SCOPED, Code, PASS_ROLE_STAR, RESOURCE_MISMATCH, UNKNOWN_ACTION, UNKNOWN_SERVICE,
};
use super::finding::{Finding, Place};
use super::grants::{self, denied_everywhere, is_catalog_pattern, may_apply, statement_actions};
use super::suggest::{self, Hints};
use super::{LISTED, esc, list, list_of};
use crate::catalog::operations::{self, Authorization};
use crate::catalog::{AccessLevel, Action, ActionPattern, Catalog};
use crate::eval::action::action_matches;
use crate::model::glob::has_wildcard;
use crate::model::{Effect, PolicyKind, Statement};

/// The ARN pattern of an IAM role, as the catalog writes it.
const ROLE_ARN: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

pub fn statement(
    place: Place,
    kind: PolicyKind,
    s: &Statement,
    names: &mut Names,
    out: &mut Vec<Finding>,
) {
    for action in s.action.iter().chain(&s.not_action).flat_map(|v| &v.items) {
        if let Some((code, message)) = names.judge(&action.value) {
            out.push(
                place
                    .finding(code, action.loc, message)
                    .about_action(&action.value),
            );
        }
    }
    resource_mismatch(place, s, out);
    if kind == PolicyKind::Identity {
        pass_role_star(place, s, out);
        could_be_scoped(place, s, out);
    }
}

/// Write and Permissions management actions granted on `"Resource": "*"` although the
/// catalog says they can be limited to resources (they list resource types). Statements
/// that grant every action (`*`, NotAction) are left to `full-admin` and
/// `not-action-with-allow`.
fn could_be_scoped(place: Place, s: &Statement, out: &mut Vec<Finding>) {
    let Some(resource) = s
        .resource
        .as_ref()
        .and_then(|r| r.items.iter().find(|r| r.value == "*"))
    else {
        return;
    };
    let Some(action) = &s.action else {
        return;
    };
    if s.effect() != Some(Effect::Allow) || action.items.iter().any(|a| a.value == "*") {
        return;
    }
    let scoped: Vec<&Action> = statement_actions(s)
        .into_iter()
        .map(|(a, _)| a)
        .filter(|a| {
            matches!(
                a.access_level,
                AccessLevel::Write | AccessLevel::PermissionsManagement
            ) && !a.resource_types.is_empty()
        })
        .collect();
    if scoped.is_empty() {
        return;
    }
    let names: Vec<String> = scoped.iter().take(LISTED).map(|a| a.full_name()).collect();
    out.push(
        place
            .finding(
                COULD_BE_SCOPED,
                resource.loc,
                format!(
                    "`\"Resource\": \"*\"` grants {} that can be limited to named resources: {}",
                    if scoped.len() == 1 {
                        "a write action"
                    } else {
                        "write actions"
                    },
                    list_of(&names, scoped.len())
                ),
            )
            .about_action(&names[0]),
    );
}

/// What the actions one source writes were found to be, so that an action written many
/// times is looked up once; and the source's "did you mean" hints.
#[derive(Default)]
pub struct Names {
    judged: HashMap<String, Option<(&'static Code, String)>>,
    pub hints: Hints,
}

impl Names {
    /// The code and message for an action the catalog does not know, as written.
    fn judge(&mut self, written: &str) -> Option<(&'static Code, String)> {
        if KNOWN.with_borrow(|known| known.contains(written)) {
            return None;
        }
        if let Some(found) = self.judged.get(written) {
            return found.clone();
        }
        let found = unknown_action(written, &mut self.hints);
        if found.is_none()
            && KNOWN.with_borrow_mut(|known| {
                grants::may_remember(known.len(), written) && known.insert(written.to_string())
            })
        {
            return None;
        }
        self.judged.insert(written.to_string(), found.clone());
        found
    }
}

thread_local! {
    /// Actions found to be fine, as written, by any source this thread checked: a folder of
    /// policies writes the same actions over and over, and whether one is known depends on
    /// nothing else. Per thread, as every action of every statement is looked up here.
    static KNOWN: RefCell<HashSet<String>> = RefCell::default();
}

/// The "did you mean" hint of each unknown action, as written, by the same reasoning:
/// shared by the threads, as the list of nearest names takes a pass over every service and
/// unknown actions are few.
static HINTS: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// The hint for the unknown action `written`: `compute`'s, worked out once per process
/// (or once per thread that asks before another has finished it).
fn remembered_hint(written: &str, compute: impl FnOnce() -> String) -> String {
    let hints = || HINTS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(hint) = hints().as_ref().and_then(|h| h.get(written).cloned()) {
        return hint;
    }
    let hint = compute();
    let mut remembered = hints();
    let remembered = remembered.get_or_insert_with(HashMap::default);
    if grants::may_remember(remembered.len(), written) {
        remembered.insert(written.to_string(), hint.clone());
    }
    hint
}

/// `` `a` or `b` ``, for suggestions.
fn one_of(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    quoted.join(" or ")
}

/// What is wrong with an action (or action pattern) the catalog does not know, with the
/// nearest real names; `None` for a known action or a pattern that matches some.
pub fn action_problem(written: &str) -> Option<String> {
    unknown_action(written, &mut Hints::default()).map(|(_, message)| message)
}

/// An API operation written where an IAM action belongs (`s3:HeadBucket`): which action
/// authorises it, from the one table of such exceptions (`catalog::operations`).
fn operation_message(written: &str, authorization: Authorization) -> String {
    match authorization {
        Authorization::Action(action) => format!(
            "`{}` is an API operation, not an IAM action; IAM authorises it as `{action}`",
            esc(written)
        ),
        Authorization::NoPermissionNeeded => format!(
            "`{}` is an API operation that needs no permission; no policy has to grant it",
            esc(written)
        ),
    }
}

/// The finding for an action whose service or name the catalog does not know.
fn unknown_action(written: &str, hints: &mut Hints) -> Option<(&'static Code, String)> {
    if !is_catalog_pattern(written) {
        return None;
    }
    let Ok(ActionPattern {
        service: Some(prefix),
        action: name,
    }) = ActionPattern::parse(written)
    else {
        return None;
    };
    let catalog = Catalog::get();
    Some(match catalog.service(prefix) {
        None => {
            let hint = hints.get(format!("action {written}"), || {
                remembered_hint(written, || {
                    // Prefer the services that define an action of that name.
                    let defining = if has_wildcard(name) {
                        Vec::new()
                    } else {
                        catalog.services_defining(name)
                    };
                    let mut near = suggest::nearest(prefix, defining.iter().copied());
                    if near.is_empty() {
                        near =
                            suggest::nearest(prefix, catalog.services().iter().map(|s| s.prefix));
                    }
                    let prefixes: Vec<String> = near
                        .into_iter()
                        .map(|p| format!("{p}:{}", esc(name)))
                        .collect();
                    if !prefixes.is_empty() {
                        format!("; did you mean {}?", one_of(&prefixes))
                    } else {
                        elsewhere(name, None)
                    }
                })
            });
            (
                UNKNOWN_SERVICE,
                format!(
                    "`{}`: no AWS service has the prefix `{}`{hint}",
                    esc(written),
                    esc(prefix)
                ),
            )
        }
        Some(service) => {
            if grants::expansion(written).is_some_and(|e| !e.is_empty()) {
                return None;
            }
            if let Some(authorization) = operations::exception(prefix, name) {
                return Some((UNKNOWN_ACTION, operation_message(written, authorization)));
            }
            let hint = if has_wildcard(name) {
                String::new()
            } else {
                hints.get(format!("action {written}"), || {
                    remembered_hint(written, || {
                        if catalog.condition_key(written).is_some() {
                            return format!("; `{}` is a condition key", esc(written));
                        }
                        let near: Vec<String> =
                            suggest::nearest(name, service.actions().iter().map(|a| a.name))
                                .into_iter()
                                .map(|n| format!("{}:{n}", service.prefix))
                                .collect();
                        if near.is_empty() {
                            elsewhere(name, Some(service.prefix))
                        } else {
                            format!("; did you mean {}?", one_of(&near))
                        }
                    })
                })
            };
            let verb = if has_wildcard(name) {
                "matches no action"
            } else {
                "is not an action"
            };
            (
                UNKNOWN_ACTION,
                format!(
                    "`{}` {verb} of {} ({}){hint}",
                    esc(written),
                    service.name,
                    service.prefix
                ),
            )
        }
    })
}

/// `; DeleteFunction is an action of cloudfront, lambda`: the services (other than
/// `except`) that define an action of this exact name.
fn elsewhere(name: &str, except: Option<&str>) -> String {
    if has_wildcard(name) {
        return String::new();
    }
    let found: Vec<String> = Catalog::get()
        .services_defining(name)
        .iter()
        .filter(|&&prefix| Some(prefix) != except)
        .map(|prefix| prefix.to_string())
        .collect();
    match found.as_slice() {
        [] => String::new(),
        several => format!("; `{}` is an action of {}", esc(name), list(several)),
    }
}

/// Exact actions that none of the statement's Resource values can apply to: each value is
/// recognisably a resource of another type of the action's own service (a role for
/// `iam:CreatePolicy`, a key alias for `kms:Decrypt`), and no resource type of the action
/// has an ARN pattern it can match. Left alone, because the catalog may lag behind AWS:
/// wildcard actions (a pattern covering many actions on one resource type is how policies
/// are written), values that fit no known type, and actions whose resources live under
/// another service's ARNs (`sagemaker-mlflow:` on `arn:aws:sagemaker:`). Placeholders,
/// variables and wildcards count as matching whatever they could be.
fn resource_mismatch(place: Place, s: &Statement, out: &mut Vec<Finding>) {
    let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
        return;
    };
    if resources.items.is_empty() || resources.iter().any(|r| arn::problem(r).is_some()) {
        return;
    }
    let opened: Vec<OpenedResource> = resources.iter().map(OpenedResource::new).collect();
    // The resource type each value is, worked out for the first action that needs it and
    // kept for the rest: a statement lists many actions on the same few resources.
    let resource_types = std::cell::OnceCell::new();
    for written in &actions.items {
        if has_wildcard(&written.value) {
            continue;
        }
        // The exact action, from this thread's remembered expansions (none for a pattern
        // that is unreadable or holds a placeholder: no action is named so).
        let Some(action) = grants::expansion(&written.value).and_then(|e| e.iter().next()) else {
            continue;
        };
        if opened.iter().any(|r| may_apply(r, action)) {
            continue;
        }
        let own_service = |arn: &str| {
            arn.split(':')
                .nth(2)
                .is_some_and(|s| s.eq_ignore_ascii_case(action.service))
        };
        if !action.resource_types.iter().all(|rt| own_service(rt.arn))
            || !resources.iter().all(own_service)
        {
            continue;
        }
        let kinds = resource_types.get_or_init(|| {
            opened
                .iter()
                .map(OpenedResource::resource_type)
                .collect::<Option<Vec<_>>>()
        });
        let Some(kinds) = kinds else {
            continue;
        };
        let types: Vec<String> = action
            .resource_types
            .iter()
            .map(|rt| format!("{} ({})", rt.name, rt.arn))
            .collect();
        let what = match (resources.items.as_slice(), kinds.as_slice()) {
            ([one], [kind]) => format!("`{}` is {}", esc(&one.value), article(kind)),
            _ => {
                let mut kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
                kinds.dedup();
                format!("the statement's resources are of type {}", list(&kinds))
            }
        };
        out.push(
            place
                .finding(
                    RESOURCE_MISMATCH,
                    written.loc,
                    format!(
                        "`{}` acts on {}; {what}, so the statement grants it on nothing",
                        esc(&written.value),
                        list(&types)
                    ),
                )
                .about_action(&action.full_name()),
        );
    }
}

/// `a role`, `an alias`.
fn article(noun: &str) -> String {
    let vowel = noun
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

/// Allow `iam:PassRole` (by name, `iam:*`, `iam:Pass*`, `*` or NotAction) on every role
/// with no `iam:PassedToService` condition.
fn pass_role_star(place: Place, s: &Statement, out: &mut Vec<Finding>) {
    if s.effect() != Some(Effect::Allow) {
        return;
    }
    let passes = |p: &str| action_matches(p, "iam:PassRole");
    let by = match (&s.action, &s.not_action) {
        (Some(a), _) => a
            .items
            .iter()
            .find(|t| passes(&t.value))
            .map(|t| (format!("`{}`", esc(&t.value)), t.loc)),
        (None, Some(n)) if !n.iter().any(passes) => Some(("NotAction".to_string(), n.loc)),
        _ => None,
    };
    let every_role = match s.resources() {
        Some((r, false)) => r
            .iter()
            .find(|r| arn::names_every(r, ROLE_ARN))
            .map(|r| format!("Resource `{}`", esc(r))),
        Some((r, true)) if !r.iter().any(|r| arn::may_name(r, ROLE_ARN)) => {
            Some("NotResource".to_string())
        }
        _ => None,
    };
    let limited = s
        .condition_keys()
        .any(|k| k.value.eq_ignore_ascii_case("iam:PassedToService"));
    // An unconditional Deny of the same policy that takes iam:PassRole away everywhere.
    let covers = |d: &Statement| match (&d.action, &d.not_action) {
        (Some(a), _) => a.iter().any(passes),
        (None, Some(n)) => !n.iter().any(passes),
        _ => false,
    };
    let denied = Catalog::get()
        .action("iam:PassRole")
        .is_some_and(|pass_role| {
            place.policy.is_some_and(|p| {
                p.statements().iter().any(|d| {
                    d.effect() == Some(Effect::Deny)
                        && d.condition.is_none()
                        && covers(d)
                        && denied_everywhere(d, pass_role)
                })
            })
        });
    if let (Some((pattern, loc)), Some(resource), false, false) = (by, every_role, limited, denied)
    {
        out.push(
            place
                .finding(
                    PASS_ROLE_STAR,
                    loc,
                    format!(
                        "{pattern} allows iam:PassRole on every role ({resource}) with no iam:PassedToService condition"
                    ),
                )
                .about_action("iam:PassRole"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::findings_of;

    const CODES: [&str; 4] = [
        "unknown-service",
        "unknown-action",
        "resource-mismatch",
        "pass-role-star",
    ];

    /// (code, message) of each finding of these rules, in order.
    fn findings(statements: &str) -> Vec<(String, String)> {
        findings_of(&CODES, statements)
            .into_iter()
            .map(|(code, _, message)| (code, message))
            .collect()
    }

    #[test]
    fn api_operations_name_the_action_that_authorises_them() {
        let found = findings(
            r#"{"Effect": "Allow", "Action": ["s3:HeadBucket", "s3:HeadObject", "s3:ListObjectsV2",
               "s3:ListObjects", "sts:GetCallerIdentity"], "Resource": "*"}"#,
        );
        let operation = |op: &str, action: &str| {
            (
                "unknown-action".to_string(),
                format!(
                    "`{op}` is an API operation, not an IAM action; IAM authorises it as `{action}`"
                ),
            )
        };
        assert_eq!(
            found,
            [
                operation("s3:HeadBucket", "s3:ListBucket"),
                operation("s3:HeadObject", "s3:GetObject"),
                operation("s3:ListObjectsV2", "s3:ListBucket"),
                operation("s3:ListObjects", "s3:ListBucket"),
            ]
        );
    }

    #[test]
    fn unknown_actions_name_the_nearest_real_ones() {
        let found = findings(
            r#"{"Effect": "Allow", "Action": ["iam:DeleteFunction", "ec2:CancelSpotRequests",
               "s3:GetObjects", "s3:Nothing*", "ec3:RunInstances", "elb:DescribeLoadBalancers",
               "s3:GetObject", "${Service}:Get*", "s3:prefix"], "Resource": "*"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "unknown-action".into(),
                    "`iam:DeleteFunction` is not an action of AWS Identity and Access Management (IAM) (iam); `DeleteFunction` is an action of appsync, cloudfront, lambda".into()
                ),
                (
                    "unknown-action".into(),
                    "`ec2:CancelSpotRequests` is not an action of Amazon EC2 (ec2); did you mean `ec2:CancelSpotFleetRequests` or `ec2:CancelSpotInstanceRequests`?".into()
                ),
                (
                    "unknown-action".into(),
                    "`s3:GetObjects` is not an action of Amazon S3 (s3); did you mean `s3:GetObject`?".into()
                ),
                (
                    "unknown-action".into(),
                    "`s3:Nothing*` matches no action of Amazon S3 (s3)".into()
                ),
                (
                    "unknown-service".into(),
                    "`ec3:RunInstances`: no AWS service has the prefix `ec3`; did you mean `ec2:RunInstances`?".into()
                ),
                (
                    "unknown-service".into(),
                    "`elb:DescribeLoadBalancers`: no AWS service has the prefix `elb`; `DescribeLoadBalancers` is an action of autoscaling, elasticloadbalancing".into()
                ),
                (
                    "unknown-action".into(),
                    "`s3:prefix` is not an action of Amazon S3 (s3); `s3:prefix` is a condition key".into()
                ),
            ]
        );
    }

    /// Each of 4,000 unknown names gets its finding; "did you mean" is worked out for the
    /// first [`HINTED_NAMES`](crate::analyze::suggest::HINTED_NAMES) different names only.
    #[test]
    fn thousands_of_unknown_actions() {
        let names: Vec<String> = (0..4000).map(|i| format!(r#""ec2:Describ{i}X""#)).collect();
        let found = findings(&format!(
            r#"{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}"#,
            names.join(", ")
        ));
        let expected: Vec<(String, String)> = (0..4000)
            .map(|i| {
                let message = format!("`ec2:Describ{i}X` is not an action of Amazon EC2 (ec2)");
                ("unknown-action".to_string(), message)
            })
            .collect();
        assert_eq!(found, expected);

        // DescribeInstancesaa, DescribeInstancesab, ...: two letters from a real name.
        let names: Vec<String> = (b'a'..=b'z')
            .flat_map(|a| {
                (b'a'..=b'z')
                    .map(move |b| format!("ec2:DescribeInstances{}{}", a as char, b as char))
            })
            .take(201)
            .collect();
        let quoted: Vec<String> = names.iter().map(|n| format!(r#""{n}""#)).collect();
        let found = findings(&format!(
            r#"{{"Effect": "Allow", "Action": [{}, "{}"], "Resource": "*"}}"#,
            quoted.join(", "),
            names[0]
        ));
        let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages[0],
            "`ec2:DescribeInstancesaa` is not an action of Amazon EC2 (ec2); did you mean `ec2:DescribeInstances`?"
        );
        assert!(messages[..200].iter().all(|m| m.contains("did you mean")));
        assert_eq!(
            messages[200],
            "`ec2:DescribeInstanceshs` is not an action of Amazon EC2 (ec2)"
        );
        assert_eq!(
            messages[201], messages[0],
            "a name written again keeps its hint"
        );
    }

    #[test]
    fn resources_no_resource_type_fits() {
        let found = findings(
            r#"{"Effect": "Allow", "Action": ["iam:CreatePolicy", "iam:GetRole", "iam:*"],
               "Resource": "arn:aws:iam::*:role/app_{name}*"},
               {"Effect": "Allow", "Action": ["ec2:DescribeInstances", "s3:GetObject"],
               "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"]},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${BucketArn}"},
               {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:CreateAlias"], "Resource": "arn:aws:kms:us-east-1:111122223333:alias/app"},
               {"Effect": "Allow", "Action": "sagemaker-mlflow:LogBatch", "Resource": "arn:aws:sagemaker:*:*:mlflow-app/*"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "resource-mismatch".into(),
                    "`iam:CreatePolicy` acts on policy (arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}); `arn:aws:iam::*:role/app_{name}*` is a role, so the statement grants it on nothing".into()
                ),
                (
                    "resource-mismatch".into(),
                    "`kms:Decrypt` acts on key (arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}); `arn:aws:kms:us-east-1:111122223333:alias/app` is an alias, so the statement grants it on nothing".into()
                ),
            ]
        );
    }

    #[test]
    fn pass_role_on_every_role_without_passed_to_service() {
        let found = findings(
            r#"{"Effect": "Allow", "Action": ["ec2:RunInstances", "iam:Pass*"], "Resource": "*"},
               {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*"},
               {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}},
               {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"},
               {"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b"}"#,
        );
        let messages: Vec<&str> = found
            .iter()
            .filter(|(c, _)| c == "pass-role-star")
            .map(|(_, m)| m.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "`iam:Pass*` allows iam:PassRole on every role (Resource `*`) with no iam:PassedToService condition",
                "`iam:PassRole` allows iam:PassRole on every role (Resource `arn:aws:iam::111122223333:role/*`) with no iam:PassedToService condition",
                "NotAction allows iam:PassRole on every role (NotResource) with no iam:PassedToService condition",
            ]
        );
    }
}

//! Rules on risky constructs: what a statement lets through that a reviewer would not want
//! to miss (everything on everything, whole services, Not- elements with Allow, public
//! principals, cross-account trust without an external ID).

use super::codes::{
    CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID, FULL_ADMIN, LONG_LIVED_CREDENTIALS,
    NOT_ACTION_WITH_ALLOW, NOT_PRINCIPAL_WITH_ALLOW, NOT_RESOURCE_WITH_ALLOW, PUBLIC_PRINCIPAL,
    SERVICE_WILDCARD,
};
use super::esc;
use super::finding::{Finding, Place};
use crate::eval::action::action_matches;
use crate::eval::{Operator, SetQualifier, ValueType, parse_operator};
use crate::model::{Effect, PolicyKind, Principal, PrincipalType, Statement};

/// Condition keys that narrow who the caller can be, so `Principal: *` is not public.
const NARROWING_KEYS: [&str; 14] = [
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:userid",
    "kms:calleraccount",
];

/// `iam:CreateAccessKey` on the caller's own user (`user/${aws:username}`): users may
/// give themselves access keys, which never expire.
fn own_access_keys(place: Place, s: &Statement, out: &mut Vec<Finding>) {
    let creates = s.action.as_ref().and_then(|a| {
        a.items
            .iter()
            .find(|t| action_matches(&t.value, "iam:CreateAccessKey"))
    });
    let own = s.resource.as_ref().and_then(|r| {
        r.items
            .iter()
            .find(|t| t.value.contains("user/${aws:username}"))
    });
    if let (Some(action), Some(resource)) = (creates, own) {
        out.push(
            place
                .finding(
                    LONG_LIVED_CREDENTIALS,
                    action.loc,
                    format!(
                        "`{}` on `{}` lets each user create access keys for itself, which do not expire",
                        esc(&action.value),
                        esc(&resource.value)
                    ),
                )
                .about_action("iam:CreateAccessKey"),
        );
    }
}

/// Whether statements of this kind grant anything (SCPs, RCPs, boundaries and session
/// policies only limit what others grant).
fn grants(kind: PolicyKind) -> bool {
    matches!(
        kind,
        PolicyKind::Identity | PolicyKind::Resource | PolicyKind::Trust
    )
}

pub fn statement(
    place: Place,
    kind: PolicyKind,
    role_arn: Option<&str>,
    s: &Statement,
    out: &mut Vec<Finding>,
) {
    if s.effect() != Some(Effect::Allow) {
        return;
    }
    if kind == PolicyKind::Identity {
        own_access_keys(place, s, out);
    }
    let mut push = |code, loc, message: String| out.push(place.finding(code, loc, message));
    if grants(kind) {
        let all_actions = s
            .action
            .as_ref()
            .and_then(|a| a.items.iter().find(|t| t.value == "*"));
        let all_resources = s
            .resource
            .as_ref()
            .is_some_and(|r| r.iter().any(|v| v == "*"));
        if let (Some(star), true) = (all_actions, all_resources) {
            let limited = if s.condition.is_some() {
                " (limited only by its Condition)"
            } else {
                ""
            };
            push(
                FULL_ADMIN,
                star.loc,
                format!("the statement allows every action on every resource{limited}"),
            );
        }
        for a in s.action.iter().flat_map(|v| &v.items) {
            if let Some(service) = a.value.strip_suffix(":*")
                && !service.contains(['*', '?'])
            {
                out.push(
                    place
                        .finding(
                            SERVICE_WILDCARD,
                            a.loc,
                            format!(
                                "`{}` allows every action of {}, present and future",
                                esc(&a.value),
                                esc(service)
                            ),
                        )
                        .about_action(&a.value),
                );
            }
        }
    }
    let mut push = |code, loc, message: String| out.push(place.finding(code, loc, message));
    let not_elements = [
        (&s.not_action, NOT_ACTION_WITH_ALLOW, "NotAction", "action"),
        (
            &s.not_resource,
            NOT_RESOURCE_WITH_ALLOW,
            "NotResource",
            "resource",
        ),
    ];
    for (values, code, element, what) in not_elements {
        if let Some(n) = values {
            let listed: Vec<String> = n.iter().map(|v| esc(v).into_owned()).collect();
            push(
                code,
                n.loc,
                format!(
                    "Allow with {element} allows every {what} except {}",
                    super::list(&listed)
                ),
            );
        }
    }
    if let Some(n) = &s.not_principal {
        push(
            NOT_PRINCIPAL_WITH_ALLOW,
            n.loc(),
            "Allow with NotPrincipal allows everyone but the principals listed, anonymous callers included".into(),
        );
    }
    if let Some(p) = &s.principal
        && is_public(p)
        && !narrows_caller(s)
    {
        push(
            PUBLIC_PRINCIPAL,
            p.loc(),
            "Principal `*` allows every caller, anonymous ones included, and no condition narrows them".into(),
        );
    }
    if kind == PolicyKind::Trust {
        cross_account_trust(place, role_arn, s, out);
    }
}

fn is_public(p: &Principal) -> bool {
    match p {
        Principal::Wildcard(_) => true,
        Principal::Map { entries, .. } => entries.iter().any(|e| {
            e.principal_type() == Some(PrincipalType::Aws) && e.values.iter().any(|v| v == "*")
        }),
    }
}

/// Whether a condition requires a key that identifies the caller to have a value it names,
/// so it limits who may call.
fn narrows_caller(s: &Statement) -> bool {
    requires_value(
        s,
        |op| op.value_type() != ValueType::Null,
        |key| NARROWING_KEYS.contains(&key.to_ascii_lowercase().as_str()),
    )
}

/// Whether a condition requires the caller to pass an `sts:ExternalId` with a value it
/// names: a String operator on the key (`StringEquals`, `StringLike`, ...).
pub(crate) fn requires_external_id(s: &Statement) -> bool {
    requires_value(
        s,
        |op| op.value_type() == ValueType::String,
        |key| key.eq_ignore_ascii_case("sts:ExternalId"),
    )
}

/// Whether a condition block of the statement, with an operator `kind` accepts, requires a
/// key `key` accepts to be present with a value it names: not an operator that holds
/// without the key (`...IfExists`, `ForAllValues:`) nor a negated one (`StringNotEquals`).
fn requires_value(
    s: &Statement,
    kind: impl Fn(&Operator) -> bool,
    key: impl Fn(&str) -> bool,
) -> bool {
    s.condition.iter().flat_map(|c| &c.operators).any(|block| {
        parse_operator(&block.operator.value).is_ok_and(|op| {
            kind(&op)
                && !op.is_negated()
                && !op.if_exists
                && op.set != Some(SetQualifier::ForAllValues)
        }) && block.entries.iter().any(|e| key(&e.key.value))
    })
}

/// The account of an AWS principal value (an account ID, or the account field of an ARN).
fn principal_account(value: &str) -> Option<&str> {
    if crate::eval::context::is_account_id(value) {
        return Some(value);
    }
    let rest = value.strip_prefix("arn:")?;
    rest.split(':').nth(3).filter(|a| !a.is_empty())
}

fn cross_account_trust(
    place: Place,
    role_arn: Option<&str>,
    s: &Statement,
    out: &mut Vec<Finding>,
) {
    let assumes = s
        .action
        .iter()
        .flat_map(|a| a.iter())
        .any(|a| action_matches(a, "sts:AssumeRole"));
    if !assumes || requires_external_id(s) {
        return;
    }
    let own_account = role_arn.and_then(principal_account);
    let Some(Principal::Map { entries, .. }) = &s.principal else {
        return;
    };
    for e in entries
        .iter()
        .filter(|e| e.principal_type() == Some(PrincipalType::Aws))
    {
        for v in &e.values.items {
            let Some(account) = principal_account(&v.value) else {
                continue;
            };
            if Some(account) == own_account || account == "*" {
                continue;
            }
            out.push(place.finding(
                CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID,
                v.loc,
                format!(
                    "{} may assume this role with no condition requiring an sts:ExternalId",
                    esc(&v.value)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::findings_of;

    #[test]
    fn only_a_condition_requiring_the_callers_identity_keeps_a_public_principal_private() {
        let statement = |condition: &str| {
            format!(
                r#"{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"{condition}}}"#
            )
        };
        let statements = [
            statement(r#", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}"#),
            statement(r#", "Condition": {"Null": {"aws:SourceAccount": "true"}}"#),
            statement(
                r#", "Condition": {"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}"#,
            ),
            statement(
                r#", "Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}}"#,
            ),
        ];
        let public: Vec<Option<usize>> = findings_of(&["public-principal"], &statements.join(", "))
            .into_iter()
            .map(|f| f.1)
            .collect();
        assert_eq!(public, [Some(2), Some(3), Some(4)]);
    }
}

//! What statements grant, in the catalog's terms: the actions an Action or NotAction
//! covers, whether a Resource can apply to an action (through its resource types' ARN
//! patterns) or names every resource of it, and which of a holder's policies count for what
//! it is granted. The risk categories and the permission matrix both read grants this way.

use std::cell::RefCell;

use foldhash::{HashMap, HashSet, HashSetExt};

use super::arn::{self, OpenedResource};
use crate::catalog::{Action, ActionSet, Catalog, Expansion};
use crate::model::{Policy, PolicyKind, Role, Source, Statement, Text, Values};
use crate::text::Caseless;

/// The catalog actions a statement's Action (or NotAction) covers, each once, with the
/// Action pattern that covers it first (`None` under NotAction, which covers every action
/// its patterns do not name). Each pattern is expanded once however often it is written
/// (in any letter case), and `*` ends the list: it covers every action.
pub fn statement_actions(s: &Statement) -> Vec<(&'static Action, Option<&Text>)> {
    let catalog = Catalog::get();
    if let Some(action) = &s.action {
        let patterns = distinct_patterns(action);
        let expansion = |pattern: &Text| expansion(&pattern.value);
        if let [pattern] = patterns.as_slice() {
            let actions = expansion(pattern);
            return actions
                .iter()
                .flat_map(Expansion::iter)
                .map(|a| (a, Some(*pattern)))
                .collect();
        }
        let mut out = Vec::new();
        SEEN.with_borrow_mut(|seen| {
            for pattern in patterns {
                for a in expansion(pattern).iter().flat_map(Expansion::iter) {
                    if seen.insert(a) {
                        out.push((a, Some(pattern)));
                    }
                }
                if pattern.value == "*" {
                    break;
                }
            }
            // Left empty for the next statement.
            out.iter().for_each(|(a, _)| seen.remove(a));
        });
        return out;
    }
    let Some(not) = &s.not_action else {
        return Vec::new();
    };
    let patterns: Vec<&str> = distinct_patterns(not)
        .into_iter()
        .map(|t| t.value.as_str())
        .collect();
    catalog
        .not_action(&patterns)
        .0
        .into_iter()
        .map(|a| (a, None))
        .collect()
}

/// How many answers the rules' memories of actions and patterns (expansions, known
/// actions, hints) keep, and of texts how long: every action and pattern the AWS managed
/// policies write, little memory for a folder of strangers' files.
const REMEMBERED: usize = 50_000;
const LONGEST_REMEMBERED: usize = 256;

/// Whether a memory already holding `len` answers keeps the one for `text`.
pub(super) fn may_remember(len: usize, text: &str) -> bool {
    len < REMEMBERED && text.len() <= LONGEST_REMEMBERED
}

thread_local! {
    /// The actions [`statement_actions`] has listed for the statement at hand: made once per
    /// thread and emptied after each statement.
    static SEEN: RefCell<ActionSet> = RefCell::default();
    /// The expansions of the patterns this thread has read, as written: a folder of
    /// policies writes the same patterns over and over, and several rules read each
    /// statement's actions.
    static EXPANSIONS: RefCell<HashMap<Box<str>, Option<Expansion<'static>>>> =
        RefCell::default();
}

/// What `pattern` covers in the embedded catalog (`None` for a pattern IAM cannot read),
/// remembered by this thread.
pub fn expansion(pattern: &str) -> Option<Expansion<'static>> {
    if let Some(known) = EXPANSIONS.with_borrow(|known| known.get(pattern).cloned()) {
        return known;
    }
    let found = Catalog::get().expansion(pattern).ok();
    EXPANSIONS.with_borrow_mut(|known| {
        if may_remember(known.len(), pattern) {
            known.insert(pattern.into(), found.clone());
        }
    });
    found
}

/// The patterns of an Action or NotAction, each once ignoring letter case (which matching
/// ignores too), in the order first written.
pub fn distinct_patterns(values: &Values) -> Vec<&Text> {
    let items = &values.items;
    if items.len() <= FEW_PATTERNS {
        // Compared with the ones kept, as most lists are short.
        let mut kept: Vec<&Text> = Vec::with_capacity(items.len());
        for t in items {
            if !kept.iter().any(|k| k.value.eq_ignore_ascii_case(&t.value)) {
                kept.push(t);
            }
        }
        return kept;
    }
    let mut seen = HashSet::with_capacity(items.len());
    items
        .iter()
        .filter(|t| seen.insert(Caseless(&t.value)))
        .collect()
}

/// Up to this many patterns, [`distinct_patterns`] compares each with those kept.
const FEW_PATTERNS: usize = 16;

/// Whether the resource ARN pattern of a catalog resource type is one iamscope can reason
/// about (every catalog pattern is today; a test keeps it so).
fn readable(template: &str) -> bool {
    template.starts_with("arn:")
}

/// Whether a Resource value may apply to `action`: `*`, or an ARN that may be one of its
/// resource types. An action the catalog gives no resource type is taken to apply to any
/// resource: the Service Authorization Reference says it takes only `"Resource": "*"`, but
/// AWS's own managed policies scope such actions often enough that the silence of the
/// reference is no proof.
pub fn may_apply(resource: &OpenedResource, action: &Action) -> bool {
    if resource.is_any() || action.resource_types.is_empty() {
        return true;
    }
    action
        .resource_types
        .iter()
        .any(|rt| !readable(rt.arn) || resource.may_name(rt.arn))
}

/// Whether the Resource values name every resource `action` can act on: `*`, or patterns
/// that cover each of its required resource types (or, with none required, one of them).
/// `names` tells whether one value names every resource of a type.
fn names_every(resources: &[Text], action: &Action, names: fn(&str, &'static str) -> bool) -> bool {
    if resources.iter().any(|r| r.value == "*") {
        return true;
    }
    let covered = |template: &'static str| resources.iter().any(|r| names(&r.value, template));
    let mut required = action.resource_types.iter().filter(|rt| rt.required);
    if action.resource_types.iter().any(|rt| rt.required) {
        required.all(|rt| covered(rt.arn))
    } else {
        action.resource_types.iter().any(|rt| covered(rt.arn))
    }
}

/// Whether the statement's resources leave `action` unconstrained: Resource naming every
/// resource of it, or NotResource (everything but what it lists).
pub fn unconstrained(s: &Statement, action: &Action) -> bool {
    match s.resources() {
        Some((_, true)) => true,
        Some((values, false)) => names_every(&values.items, action, arn::names_every),
        None => false,
    }
}

/// Whether a Deny statement's resources deny `action` everywhere: its Resource names every
/// resource of it, or its NotResource spares none of them (no value may name one of the
/// action's resource types; an action with none acts on `*`, which no ARN spares).
pub fn denied_everywhere(s: &Statement, action: &Action) -> bool {
    match s.resources() {
        Some((values, false)) => names_every(&values.items, action, arn::names_every_region),
        Some((values, true)) => !values.iter().any(|r| {
            r == "*"
                || action
                    .resource_types
                    .iter()
                    .any(|rt| arn::may_name(r, rt.arn))
        }),
        None => false,
    }
}

/// Whether an Allow statement's NotResource leaves `action` nothing to act on: it lists
/// every resource of the action (`"NotResource": "arn:aws:sqs:*:*:*"` grants no SQS queue
/// action).
pub fn excluded_everywhere(s: &Statement, action: &Action) -> bool {
    match s.resources() {
        Some((values, true)) => names_every(&values.items, action, arn::names_every_region),
        _ => false,
    }
}

/// Whether `pattern` is an action pattern the catalog can expand: valid, with no
/// placeholder in it, and not `*`.
pub fn is_catalog_pattern(pattern: &str) -> bool {
    pattern != "*"
        && crate::eval::action::action_pattern_problem(pattern).is_none()
        && !pattern.contains("${")
        && crate::model::placeholder::find(pattern, false).is_empty()
}

/// A holder's identity policies with the holder of each: its own, and for a user the
/// identity policies of its groups (when the source holds them; those it does not are
/// named by [`crate::eval::holder::groups`]).
pub fn identity_policies<'a>(source: &'a Source, role: &'a Role) -> Vec<(&'a Role, &'a Policy)> {
    let mut out: Vec<(&Role, &Policy)> = role
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Identity)
        .map(|p| (role, p))
        .collect();
    for g in crate::eval::holder::groups(source, role)
        .into_iter()
        .flatten()
    {
        out.extend(
            g.policies
                .iter()
                .filter(|p| p.kind == PolicyKind::Identity)
                .map(|p| (g, p)),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Options, load_text};

    fn statement(json: &str) -> Statement {
        let source = load_text("t.json", json, &Options::default());
        source.roles[0].policies[0].statements()[0].clone()
    }

    #[test]
    fn actions_and_not_actions_against_the_catalog() {
        let s = statement(
            r#"{"Statement": [{"Effect": "Allow", "Action": ["kms:Create*", "kms:CreateKey", "nosuch:X"], "Resource": "*"}]}"#,
        );
        let names: Vec<String> = statement_actions(&s)
            .iter()
            .map(|(a, p)| format!("{} {}", a.full_name(), p.unwrap().value))
            .collect();
        assert_eq!(
            names,
            [
                "kms:CreateAlias kms:Create*",
                "kms:CreateCustomKeyStore kms:Create*",
                "kms:CreateGrant kms:Create*",
                "kms:CreateKey kms:Create*",
            ]
        );
        let s = statement(
            r#"{"Statement": [{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}]}"#,
        );
        let catalog = Catalog::get();
        let s3 = catalog.service("s3").unwrap().actions().len();
        assert_eq!(statement_actions(&s).len(), catalog.action_count() - s3);
    }

    #[test]
    fn resources_apply_to_actions_through_their_resource_types() {
        let catalog = Catalog::get();
        let create_policy = catalog.action("iam:CreatePolicy").unwrap();
        let may_apply = |resource, action| may_apply(&OpenedResource::new(resource), action);
        assert!(!may_apply("arn:aws:iam::*:role/x*", create_policy));
        assert!(may_apply("arn:aws:iam::*:policy/x*", create_policy));
        let get = catalog.action("s3:GetObject").unwrap();
        assert!(may_apply("arn:aws:s3:::b/*", get));
        assert!(!may_apply("arn:aws:s3:::b", get));
        assert!(may_apply("*", get));
        assert!(may_apply(
            "arn:aws:ec2:*:*:instance/*",
            catalog.action("ec2:DescribeInstances").unwrap()
        ));
    }

    #[test]
    fn unconstrained_means_every_resource_of_the_action() {
        let catalog = Catalog::get();
        let pass = catalog.action("iam:PassRole").unwrap();
        let with = |resource: &str| {
            statement(&format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "{resource}"}}]}}"#
            ))
        };
        assert!(unconstrained(&with("*"), pass));
        assert!(unconstrained(&with("arn:aws:iam::*:role/*"), pass));
        assert!(!unconstrained(&with("arn:aws:iam::*:role/app-*"), pass));
    }

    #[test]
    fn a_deny_with_not_resource_denies_everywhere_only_what_it_cannot_spare() {
        let s = statement(
            r#"{"Statement": [{"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::mybucket", "arn:aws:s3:::mybucket/*"]}]}"#,
        );
        let denied = |name: &str| denied_everywhere(&s, Catalog::get().action(name).unwrap());
        assert!(!denied("s3:GetObject") && !denied("s3:ListBucket"));
        assert!(denied("s3:ListAllMyBuckets") && denied("s3:GetAccessPoint"));
    }
}

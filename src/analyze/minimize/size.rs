//! AWS's policy size quotas, counted as AWS counts them (characters, white space excluded),
//! and splitting a policy that is over its quota into several, each under it. `check`'s
//! `policy-too-large` and `minimize` use the same numbers.
//!
//! Quotas (IAM User Guide, "IAM and AWS STS quotas"; AWS Organizations quotas): a managed
//! policy 6,144 characters; inline policies 10,240 for all of a role's, 2,048 for a user's,
//! 5,120 for a group's; an SCP or RCP 5,120.

use serde::Serialize;

use crate::model::{PolicyDocument, PolicyKind, RoleKind, Statement};

/// A size quota and what it applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Quota {
    /// What it is the quota of, such as `a managed policy`.
    pub what: &'static str,
    pub characters: usize,
}

pub const MANAGED: Quota = Quota {
    what: "a managed policy",
    characters: 6_144,
};
pub const INLINE_ROLE: Quota = Quota {
    what: "a role's inline policies",
    characters: 10_240,
};
pub const INLINE_USER: Quota = Quota {
    what: "a user's inline policies",
    characters: 2_048,
};
pub const INLINE_GROUP: Quota = Quota {
    what: "a group's inline policies",
    characters: 5_120,
};
pub const ORGANIZATION: Quota = Quota {
    what: "an SCP or RCP",
    characters: 5_120,
};

/// The quota a written policy of this kind is held to: a managed policy's, or an inline
/// one's for the holder's kind, an SCP's or RCP's. None for resource, trust and session
/// policies, whose quotas are the service's own.
pub fn quota(kind: PolicyKind, holder: RoleKind, managed: bool) -> Option<Quota> {
    match (kind, holder) {
        (PolicyKind::Scp | PolicyKind::Rcp, _) => Some(ORGANIZATION),
        (PolicyKind::Identity | PolicyKind::Boundary, _) if managed => Some(MANAGED),
        (PolicyKind::Identity, RoleKind::Role) => Some(INLINE_ROLE),
        (PolicyKind::Identity, RoleKind::User) => Some(INLINE_USER),
        (PolicyKind::Identity, RoleKind::Group) => Some(INLINE_GROUP),
        (PolicyKind::Identity | PolicyKind::Boundary, _) => Some(MANAGED),
        _ => None,
    }
}

/// `policy-too-large`: a written policy over the quota for its kind. A managed policy
/// reference (customer managed, from an account dump) and a document no holder names are
/// held to the managed policy quota; a holder's other policies are inline.
pub fn check(
    place: crate::analyze::Place,
    holder: RoleKind,
    policy: &crate::model::Policy,
    doc: &PolicyDocument,
    out: &mut Vec<crate::analyze::Finding>,
) {
    let Some(q) = quota(policy.kind, holder, policy.managed.is_some()) else {
        return;
    };
    let size = characters(doc);
    if size > q.characters {
        out.push(place.finding(
            crate::analyze::codes::POLICY_TOO_LARGE,
            policy.loc,
            format!(
                "the policy is {} characters without white space, over AWS's quota of {} for {}; `iamscope minimize` writes it smaller or splits it",
                thousands(size),
                thousands(q.characters),
                q.what
            ),
        ));
    }
}

/// `6144` as `6,144`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The size AWS counts: characters of the JSON, white space outside strings excluded.
pub fn characters(doc: &PolicyDocument) -> usize {
    compact_characters(&crate::model::json::DocumentJson(doc))
}

/// The characters of `value` as `serde_json::to_string` writes it (compact), white space
/// excluded: every policy `check` reads is measured.
fn compact_characters(value: &impl Serialize) -> usize {
    // Room for most policies' text, so it is not grown again and again. Writing a model's
    // JSON cannot fail; nor can the text be other than UTF-8.
    let mut text = Vec::with_capacity(MANAGED.characters + (2 << 10));
    let _ = serde_json::to_writer(&mut text, value);
    if text.is_ascii() {
        // The compact layout has no line breaks or tabs: they are escaped in strings.
        text.len() - text.iter().filter(|&&b| b == b' ').count()
    } else {
        let text = String::from_utf8_lossy(&text);
        text.chars().filter(|c| !c.is_whitespace()).count()
    }
}

/// The statements in groups, each written as a policy under `limit` characters when it can
/// be: statements are packed in order; one too large alone is cut into several with the
/// same effect, resources and condition and part of its actions (an Action list only: a
/// NotAction cannot be cut without granting more).
pub fn split(statements: Vec<Statement>, limit: usize) -> Vec<Vec<Statement>> {
    let envelope = characters(&document(Vec::new()));
    let cost = |s: &Statement| compact_characters(&crate::model::json::StatementJson(s)) + 1;
    let mut pieces = Vec::new();
    for s in statements {
        if envelope + cost(&s) <= limit {
            pieces.push(s);
        } else {
            pieces.extend(cut(s, limit.saturating_sub(envelope), &cost));
        }
    }
    let mut groups: Vec<Vec<Statement>> = Vec::new();
    let mut used = envelope;
    for s in pieces {
        let c = cost(&s);
        match groups.last_mut() {
            Some(group) if used + c <= limit => group.push(s),
            _ => {
                groups.push(vec![s]);
                used = envelope;
            }
        }
        used += c;
    }
    groups
}

/// `s` cut by its Action list into statements of at most `room` characters each (as close as
/// the action names allow).
fn cut(s: Statement, room: usize, cost: &impl Fn(&Statement) -> usize) -> Vec<Statement> {
    let Some(action) = s.action.clone() else {
        return vec![s];
    };
    if action.items.len() < 2 {
        return vec![s];
    }
    let mut bare = s.clone();
    bare.action = Some(super::form::values(Vec::new()));
    let base = cost(&bare);
    let mut out = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut size = base;
    for item in action.items {
        let c = item.value.chars().count() + 3;
        if !current.is_empty() && size + c > room {
            out.push(with_actions(&s, std::mem::take(&mut current)));
            size = base;
        }
        size += c;
        current.push(item.value.into());
    }
    if !current.is_empty() {
        out.push(with_actions(&s, current));
    }
    out
}

fn with_actions(s: &Statement, actions: Vec<String>) -> Statement {
    Statement {
        action: Some(super::form::values(actions)),
        ..s.clone()
    }
}

/// A Version 2012-10-17 document of these statements.
pub fn document(statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        version: Some(crate::model::Text::new(
            crate::model::policy::VERSION_2012,
            crate::model::Loc::default(),
        )),
        statements,
        ..PolicyDocument::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Loc, Text};
    use serde_json::Value;

    fn statement(actions: usize) -> Statement {
        let names = (0..actions).map(|i| format!("s3:Action{i:05}")).collect();
        Statement {
            effect: Some(Text::new("Allow", Loc::default())),
            action: Some(crate::analyze::minimize::form::values(names)),
            resource: Some(crate::analyze::minimize::form::values(vec!["*".into()])),
            ..Statement::default()
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..Default::default()
        })]

        /// Counted directly, a value has the size its compact text has without white space.
        #[test]
        fn counted_as_written(value in json_value()) {
            let text = serde_json::to_string(&value).unwrap();
            proptest::prop_assert_eq!(
                compact_characters(&value),
                text.chars().filter(|c| !c.is_whitespace()).count()
            );
        }
    }

    /// Any JSON value, with strings of quotes, backslashes, control characters and white
    /// space of every kind, and numbers of every kind.
    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let text = "[\"\\\\\u{0}-\u{1f}\u{7f}\u{85}\u{a0}\u{2028}\u{3000} a-zé€😀]{0,12}";
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((text, inner), 0..6)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn size_excludes_white_space() {
        let doc = document(vec![statement(1)]);
        let compact = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Action00000","Resource":"*"}]}"#;
        assert_eq!(characters(&doc), compact.len());
    }

    #[test]
    fn a_statement_too_large_is_cut_and_every_part_fits() {
        let groups = split(vec![statement(1000), statement(3)], MANAGED.characters);
        assert!(groups.len() >= 3, "{}", groups.len());
        let mut actions = 0;
        for g in &groups {
            let size = characters(&document(g.clone()));
            assert!(size <= MANAGED.characters, "{size}");
            actions += g
                .iter()
                .map(|s| s.action.as_ref().unwrap().items.len())
                .sum::<usize>();
        }
        assert_eq!(actions, 1003);
    }

    #[test]
    fn quotas_by_kind_of_policy_and_holder() {
        assert_eq!(
            quota(PolicyKind::Identity, RoleKind::User, false),
            Some(INLINE_USER)
        );
        assert_eq!(
            quota(PolicyKind::Identity, RoleKind::User, true),
            Some(MANAGED)
        );
        assert_eq!(
            quota(PolicyKind::Identity, RoleKind::Document, false),
            Some(MANAGED)
        );
        assert_eq!(
            quota(PolicyKind::Scp, RoleKind::Document, false),
            Some(ORGANIZATION)
        );
        assert_eq!(quota(PolicyKind::Resource, RoleKind::Resource, false), None);
    }
}

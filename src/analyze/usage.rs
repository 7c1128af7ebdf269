//! Questions the viewer asks of a holder's use ([`crate::analyze::used::Usage`], from
//! `--used`): whether an action was used, how many of the actions a pattern covers were,
//! how many of a matrix cell's, which granted actions no event used, and what a trail
//! spans. Granted means what the matrix counts ([`crate::analyze::matrix`]), so a cell's
//! used count is the number of its drill-down's actions that were used.

use crate::analyze::matrix::{role_matrix, service_actions};
use crate::analyze::used::{Trail, Usage};
use crate::catalog::{AccessLevel, Catalog};
use crate::model::{Role, Source};

/// Whether an action (`s3:GetObject`, any case) was used.
pub fn is_used(usage: &Usage, action: &str) -> bool {
    usage.actions.contains_key(action)
        || usage.actions.keys().any(|a| a.eq_ignore_ascii_case(action))
}

/// Of the catalog actions an action pattern covers, how many were used and how many it
/// covers; `None` for a pattern that covers no catalog action.
pub fn pattern_use(usage: &Usage, pattern: &str) -> Option<(usize, usize)> {
    let actions = Catalog::get().expand(pattern).ok()?;
    if actions.is_empty() {
        return None;
    }
    // Both spelled as the catalog spells them: an exact look-up.
    let used = actions
        .iter()
        .filter(|a| usage.actions.contains_key(&a.full_name()))
        .count();
    Some((used, actions.len()))
}

/// How many of the actions of `service` the holder is granted were used, at each access
/// level in the console's order. Only a service some used action belongs to is looked up.
pub fn level_use(source: &Source, role: &Role, service: &str, usage: &Usage) -> [usize; 5] {
    let mut out = [0; 5];
    let prefix = format!("{service}:");
    let any = usage.actions.keys().any(|a| {
        a.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(&prefix))
    });
    if !any {
        return out;
    }
    for a in service_actions(source, role, service) {
        if is_used(usage, &a.action)
            && let Some(i) = AccessLevel::ALL
                .iter()
                .position(|l| l.as_str() == a.access_level)
        {
            out[i] += 1;
        }
    }
    out
}

/// The actions the holder is granted that no event used, service by service in the
/// matrix's order, each service's in the catalog's.
pub fn unused_grants(source: &Source, role: &Role, usage: &Usage) -> Vec<String> {
    role_matrix(source, role)
        .services
        .iter()
        .flat_map(|row| service_actions(source, role, row.service))
        .map(|a| a.action)
        .filter(|a| !is_used(usage, a))
        .collect()
}

/// How many events were read, and the earliest and latest of the calls counted.
pub fn period(trail: &Trail) -> (u64, Option<&str>, Option<&str>) {
    let mut first: Option<&str> = None;
    let mut last: Option<&str> = None;
    for u in trail.principals.values() {
        if let Some(f) = u.first.as_deref()
            && first.is_none_or(|x| f < x)
        {
            first = Some(f);
        }
        if let Some(l) = u.last.as_deref()
            && last.is_none_or(|x| l > x)
        {
            last = Some(l);
        }
    }
    (trail.records, first, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::used::{Use, UsedOn};
    use crate::assemble::{Options, load_text};

    fn usage(actions: &[&str]) -> Usage {
        let mut u = Usage::default();
        for a in actions {
            u.actions.insert(
                (*a).to_string(),
                Use {
                    count: 1,
                    on: UsedOn::Unknown,
                },
            );
        }
        u
    }

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Action": ["kms:Create*", "s3:GetObject", "s3:ListBucket"], "Resource": "*"}]}"#;

    #[test]
    fn actions_and_patterns_used() {
        let u = usage(&["kms:CreateKey", "s3:GetObject"]);
        assert!(is_used(&u, "kms:CreateKey"));
        assert!(is_used(&u, "KMS:createkey"));
        assert!(!is_used(&u, "kms:CreateAlias"));
        assert_eq!(pattern_use(&u, "kms:Create*"), Some((1, 4)));
        assert_eq!(pattern_use(&u, "s3:GetObject"), Some((1, 1)));
        assert_eq!(pattern_use(&u, "s3:PutObject"), Some((0, 1)));
        assert_eq!(pattern_use(&u, "nosuch:Thing"), None);
    }

    #[test]
    fn cells_and_unused_grants_of_a_holder() {
        let source = load_text("p.json", POLICY, &Options::default());
        let role = &source.roles[0];
        let u = usage(&["kms:CreateKey", "s3:GetObject", "s3:PutObject"]);
        // s3: ListBucket is List, GetObject Read; PutObject was used but is not granted.
        assert_eq!(level_use(&source, role, "s3", &u), [0, 1, 0, 0, 0]);
        assert_eq!(level_use(&source, role, "kms", &u), [0, 0, 1, 0, 0]);
        assert_eq!(level_use(&source, role, "ec2", &u), [0; 5]);
        assert_eq!(
            unused_grants(&source, role, &u),
            [
                "kms:CreateAlias",
                "kms:CreateCustomKeyStore",
                "kms:CreateGrant",
                "s3:ListBucket"
            ]
        );
    }

    #[test]
    fn a_trail_spans_its_calls() {
        let mut trail = Trail {
            records: 3,
            ..Trail::default()
        };
        for (who, first, last) in [
            ("a", "2024-05-02T00:00:00Z", "2024-05-03T00:00:00Z"),
            ("b", "2024-05-01T00:00:00Z", "2024-05-02T00:00:00Z"),
        ] {
            trail.principals.insert(
                who.into(),
                Usage {
                    first: Some(first.into()),
                    last: Some(last.into()),
                    ..Usage::default()
                },
            );
        }
        assert_eq!(
            period(&trail),
            (
                3,
                Some("2024-05-01T00:00:00Z"),
                Some("2024-05-03T00:00:00Z")
            )
        );
        assert_eq!(period(&Trail::default()), (0, None, None));
    }
}

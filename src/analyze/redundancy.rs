//! What a policy says twice: an action pattern another pattern of the same statement
//! already covers, and a statement another statement of the same policy already covers.
//! Conservative: a statement is redundant only when the other has the same effect, covers
//! each of its actions, resources and principals pattern by pattern, and has no condition
//! the redundant one lacks.

use std::collections::HashMap;

use super::codes::{REDUNDANT_ACTION, REDUNDANT_STATEMENT};
use super::esc;
use super::finding::{Finding, Place};
use crate::eval::action::action_pattern_problem;
use crate::eval::parse_operator;
use crate::model::glob::{covers, has_wildcard};
use crate::model::{Effect, PolicyDocument, PolicyKind, Principal, Statement, Values};

/// A list of action patterns indexed for "which of them covers this one": exact names by
/// lower-cased text, wildcards by service (only a pattern of the same service, or `*`, can
/// cover another).
struct Patterns<'a> {
    exact: HashMap<String, usize>,
    wild: HashMap<String, Vec<(usize, &'a str)>>,
}

/// The service part of an action pattern, lower-cased; `*` for `*`.
fn service_of(pattern: &str) -> String {
    pattern
        .split_once(':')
        .map_or("*", |(service, _)| service)
        .to_ascii_lowercase()
}

impl<'a> Patterns<'a> {
    fn new(items: impl Iterator<Item = &'a str>) -> Self {
        let mut patterns = Patterns {
            exact: HashMap::new(),
            wild: HashMap::new(),
        };
        for (i, p) in items.enumerate() {
            if action_pattern_problem(p).is_some() {
                continue;
            }
            if has_wildcard(p) {
                patterns.wild.entry(service_of(p)).or_default().push((i, p));
            } else {
                patterns.exact.entry(p.to_ascii_lowercase()).or_insert(i);
            }
        }
        patterns
    }

    /// The first pattern (other than the one at `skip`) that covers `pattern`, and whether
    /// it is the same text.
    fn covering(&self, pattern: &str, skip: Option<usize>) -> Option<(usize, bool)> {
        if !has_wildcard(pattern)
            && let Some(&j) = self.exact.get(&pattern.to_ascii_lowercase())
            && Some(j) != skip
        {
            return Some((j, true));
        }
        let service = service_of(pattern);
        let candidates = self.wild.get(&service).into_iter().flatten();
        let everything = self.wild.get("*").into_iter().flatten();
        candidates
            .chain(everything.filter(|_| service != "*"))
            .find(|&&(j, p)| Some(j) != skip && covers(p, pattern, true))
            .map(|&(j, p)| (j, p.eq_ignore_ascii_case(pattern)))
    }

    /// Whether every pattern of `other` is covered by one of these.
    fn cover_all(&self, other: &Values) -> bool {
        other.iter().all(|p| self.covering(p, None).is_some())
    }
}

/// Action (and NotAction) patterns covered by another pattern of the same list. Of two
/// patterns that cover each other, the later one is reported.
pub fn actions(place: Place, s: &Statement, out: &mut Vec<Finding>) {
    for values in [&s.action, &s.not_action].into_iter().flatten() {
        let items = &values.items;
        let patterns = Patterns::new(values.iter());
        for (i, a) in items.iter().enumerate() {
            if action_pattern_problem(&a.value).is_some() {
                continue;
            }
            let Some((j, same)) = patterns.covering(&a.value, Some(i)) else {
                continue;
            };
            let b = &items[j];
            let mutual = same || covers(&a.value, &b.value, true);
            if mutual && j > i {
                continue;
            }
            let message = if same {
                let at = if b.loc.is_known() {
                    format!(" (also at line {})", b.loc.line)
                } else {
                    String::new()
                };
                format!("`{}` is listed twice in this statement{at}", esc(&a.value))
            } else {
                format!(
                    "`{}` is already covered by `{}` in this statement",
                    esc(&a.value),
                    esc(&b.value)
                )
            };
            out.push(
                place
                    .finding(REDUNDANT_ACTION, a.loc, message)
                    .about_action(&a.value),
            );
        }
    }
}

/// Statements of the policy that another statement covers.
pub fn statements(place: Place, kind: PolicyKind, doc: &PolicyDocument, out: &mut Vec<Finding>) {
    let all = &doc.statements;
    let indexed: Vec<Option<Patterns>> = all
        .iter()
        .map(|s| {
            comparable(s, kind)
                .then(|| s.action.as_ref().map(|a| Patterns::new(a.iter())))
                .flatten()
        })
        .collect();
    let covers_statement = |t: usize, s: usize| match (&indexed[t], &all[s].action) {
        (Some(patterns), Some(actions)) => {
            patterns.cover_all(actions) && statement_covers(&all[t], &all[s])
        }
        _ => false,
    };
    for (i, s) in all.iter().enumerate() {
        if indexed[i].is_none() {
            continue;
        }
        let by = (0..all.len()).find(|&j| {
            j != i
                && all[j].effect() == s.effect()
                && covers_statement(j, i)
                && (j < i || !covers_statement(i, j))
        });
        let Some(j) = by else { continue };
        let t = &all[j];
        let verb = if t.effect() == Some(Effect::Deny) {
            "denies"
        } else {
            "allows"
        };
        out.push(place.with_statement(i, s).finding(
            REDUNDANT_STATEMENT,
            s.loc,
            format!(
                "statement {}{} already {verb} everything this statement does, with no more conditions",
                j + 1,
                t.sid
                    .as_ref()
                    .map(|sid| format!(" \"{}\"", esc(&sid.value)))
                    .unwrap_or_default()
            ),
        ));
    }
}

/// Statements simple enough to compare: a valid effect, Action (not NotAction), Resource
/// (or none, in trust policies), Principal or none, no element IAM does not define.
fn comparable(s: &Statement, kind: PolicyKind) -> bool {
    s.effect().is_some()
        && s.unknown.is_empty()
        && s.not_action.is_none()
        && s.not_resource.is_none()
        && s.not_principal.is_none()
        && s.action
            .as_ref()
            .is_some_and(|a| a.iter().all(|p| action_pattern_problem(p).is_none()))
        && (s.resource.is_some() || kind == PolicyKind::Trust)
}

/// Whether `t` applies to everything `s` applies to, its actions aside (compared through
/// [`Patterns`]): every resource and principal of `s` covered by one of `t`'s, and every
/// condition of `t` also in `s`.
fn statement_covers(t: &Statement, s: &Statement) -> bool {
    let resources = match (&s.resource, &t.resource) {
        (None, None) => true,
        (Some(sv), Some(tv)) => sv.iter().all(|a| tv.iter().any(|b| arn_covers(b, a))),
        _ => false,
    };
    resources
        && principal_covers(t.principal.as_ref(), s.principal.as_ref())
        && conditions_within(t, s)
}

/// ARN pattern `general` covers `specific`: part by part when both have the six parts of
/// an ARN (a wildcard never spans a colon there), whole otherwise.
fn arn_covers(general: &str, specific: &str) -> bool {
    if general == "*" {
        return true;
    }
    let g: Vec<&str> = general.splitn(6, ':').collect();
    let s: Vec<&str> = specific.splitn(6, ':').collect();
    match (g.len(), s.len()) {
        (6, 6) => g.iter().zip(&s).all(|(g, s)| covers(g, s, false)),
        (6, _) => false,
        _ => covers(general, specific, false),
    }
}

/// Every principal of `s` is one of `t`'s (or `t` names everyone).
fn principal_covers(t: Option<&Principal>, s: Option<&Principal>) -> bool {
    let pairs = |p: &Principal| -> Vec<(String, String)> {
        match p {
            Principal::Wildcard(_) => vec![("AWS".into(), "*".into())],
            Principal::Map { entries, .. } => entries
                .iter()
                .flat_map(|e| {
                    e.values
                        .iter()
                        .map(|v| (e.key.value.clone(), v.to_string()))
                })
                .collect(),
        }
    };
    match (t, s) {
        (None, None) => true,
        (Some(t), Some(s)) => {
            let t = pairs(t);
            t.iter().any(|(k, v)| k == "AWS" && v == "*") || pairs(s).iter().all(|p| t.contains(p))
        }
        _ => false,
    }
}

/// Every condition clause of `t` (operator, key, set of values) is also one of `s`'s, so
/// `t` applies whenever `s` does.
fn conditions_within(t: &Statement, s: &Statement) -> bool {
    let clauses = |st: &Statement| -> Option<Vec<(String, String, Vec<String>)>> {
        let mut out = Vec::new();
        for block in st.condition.iter().flat_map(|c| &c.operators) {
            let op = parse_operator(&block.operator.value).ok()?.canonical();
            for e in &block.entries {
                let mut values: Vec<String> = e.values.iter().map(|v| v.text.clone()).collect();
                values.sort();
                values.dedup();
                out.push((op.clone(), e.key.value.to_ascii_lowercase(), values));
            }
        }
        Some(out)
    };
    match (clauses(t), clauses(s)) {
        (Some(t), Some(s)) => t.iter().all(|c| s.contains(c)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::findings_of;

    fn found(statements: &str) -> Vec<(String, Option<usize>, String)> {
        findings_of(&["redundant-action", "redundant-statement"], statements)
    }

    #[test]
    fn actions_covered_in_the_same_statement() {
        assert_eq!(
            found(
                r#"{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject", "S3:GET*", "s3:List*", "ec2:*"], "Resource": "*"}"#
            ),
            [
                (
                    "redundant-action".into(),
                    Some(1),
                    "`s3:GetObject` is already covered by `s3:Get*` in this statement".into()
                ),
                (
                    "redundant-action".into(),
                    Some(1),
                    "`S3:GET*` is listed twice in this statement (also at line 1)".into()
                ),
            ]
        );
    }

    #[test]
    fn statements_covered_by_another_with_no_more_conditions() {
        let found = found(
            r#"{"Sid": "All", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/x/*",
                "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
               {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other/*"},
               {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
               {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "redundant-statement".into(),
                    Some(2),
                    "statement 1 \"All\" already allows everything this statement does, with no more conditions".into()
                ),
                (
                    "redundant-statement".into(),
                    Some(5),
                    "statement 1 \"All\" already allows everything this statement does, with no more conditions".into()
                ),
            ]
        );
    }
}

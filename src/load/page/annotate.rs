//! A section with both a policy and a table of actions: the policy is what is granted, the
//! table is what the vendor explains. Each statement gets, as its note, the descriptions of
//! the rows whose actions it grants; actions on one side only are reported
//! (`granted-not-documented`, `documented-not-granted`, both info). Matching ignores case,
//! and a granted wildcard (`ec2:Describe*`) covers the documented actions it matches.

use crate::model::codes;
use std::collections::{HashMap, HashSet};

use super::{add_notes, document_mut, table};
use crate::model::glob;
use crate::model::{Diagnostic, Effect, Policy, Statement, Text};
use crate::text::escape;

/// Longer "actions" are garbage (IAM's longest names are under 100 characters) and are
/// not compared.
const MAX_ACTION_CHARS: usize = 256;

/// More wildcard comparisons than this and the section is not compared (a page would need
/// thousands of wildcards and thousands of documented actions): an info diagnostic says so.
const MAX_COMPARISONS: usize = 4_000_000;

/// Whether the granted pattern `granted` covers the documented action `documented` (both
/// lower-cased).
fn covers(granted: &str, documented: &str) -> bool {
    glob::matches(granted, documented)
}

fn is_pattern(action: &str) -> bool {
    action.contains(['*', '?'])
}

/// The actions an Allow statement grants (NotAction aside), short enough to compare.
fn granted(s: &Statement) -> impl Iterator<Item = &Text> {
    let items = match (&s.action, s.effect()) {
        (Some(v), Some(Effect::Allow)) => v.items.as_slice(),
        _ => &[],
    };
    items.iter().filter(|t| t.value.len() <= MAX_ACTION_CHARS)
}

/// A documented action: lower-cased, with where it is written and the note of its row.
struct Documented<'a> {
    action: String,
    text: &'a Text,
    note: Option<&'a str>,
}

/// Annotates the statements of `policies` with the tables' descriptions and reports the
/// differences.
pub fn compare(policies: &mut [&mut Policy], tables: &[&table::Read], diags: &mut Vec<Diagnostic>) {
    let documented: Vec<Documented> = tables
        .iter()
        .flat_map(|t| &t.rows)
        .flat_map(|r| r.actions.iter().map(move |a| (a, r.note.as_deref())))
        .filter(|(a, _)| a.value.len() <= MAX_ACTION_CHARS)
        .map(|(text, note)| Documented {
            action: text.value.to_lowercase(),
            text,
            note,
        })
        .collect();
    let mut exact: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, d) in documented.iter().enumerate() {
        exact.entry(d.action.as_str()).or_default().push(i);
    }
    let patterns: Vec<String> = policies
        .iter()
        .flat_map(|p| p.statements())
        .flat_map(granted)
        .map(|t| t.value.to_lowercase())
        .filter(|a| is_pattern(a))
        .collect();
    let table_line = tables.first().map_or(0, |t| t.loc.line);
    if patterns.len().saturating_mul(documented.len()) > MAX_COMPARISONS {
        diags.push(Diagnostic::new(
            codes::DOCUMENTATION_NOT_COMPARED,
            tables.first().map(|t| t.loc).unwrap_or_default(),
            format!(
                "the table at line {table_line} and the policy of its section are too large to compare"
            ),
        ));
        return;
    }
    let mut granted_exact: HashSet<String> = HashSet::new();
    for policy in policies.iter_mut() {
        let Some(doc) = document_mut(policy) else {
            continue;
        };
        for s in &mut doc.statements {
            let mut rows: Vec<usize> = Vec::new();
            // Whether each action is documented; an action written twice is looked up once.
            let mut done: HashMap<String, bool> = HashMap::new();
            for action in granted(s) {
                let lower = action.value.to_lowercase();
                let is_documented = match done.get(&lower) {
                    Some(&d) => d,
                    None => {
                        let matched: Vec<usize> = if is_pattern(&lower) {
                            (0..documented.len())
                                .filter(|&i| covers(&lower, &documented[i].action))
                                .collect()
                        } else {
                            granted_exact.insert(lower.clone());
                            exact.get(lower.as_str()).cloned().unwrap_or_default()
                        };
                        let d = !matched.is_empty();
                        rows.extend(matched);
                        done.insert(lower, d);
                        d
                    }
                };
                if !is_documented {
                    diags.push(Diagnostic::new(
                        codes::GRANTED_NOT_DOCUMENTED,
                        action.loc,
                        format!(
                            "`{}` is granted, but the table of permissions at line {table_line} does not mention it",
                            escape(&action.value)
                        ),
                    ));
                }
            }
            add_notes(
                &mut s.note,
                rows.iter().filter_map(|&i| documented[i].note),
                "more rows of the table describe its actions",
            );
        }
    }
    for d in &documented {
        let granted =
            granted_exact.contains(&d.action) || patterns.iter().any(|p| covers(p, &d.action));
        if !granted {
            diags.push(Diagnostic::new(
                codes::DOCUMENTED_NOT_GRANTED,
                d.text.loc,
                format!(
                    "the table of permissions mentions `{}`, but no policy in this section grants it",
                    escape(&d.text.value)
                ),
            ));
        }
    }
}

//! A section with both a policy and a table of actions: the policy is what is granted, the
//! table is what the vendor explains. Each statement gets, as its note, the descriptions of
//! the rows whose actions it grants; actions on one side only are reported
//! (`granted-not-documented`, `documented-not-granted`, both info). Matching ignores case,
//! and a granted wildcard (`ec2:Describe*`) covers the documented actions it matches.

use super::{add_note, document_mut, table};
use crate::model::{Diagnostic, Effect, Policy, Statement, Text};
use crate::text::{escape, glob_match};

pub const GRANTED_NOT_DOCUMENTED: &str = "granted-not-documented";
pub const DOCUMENTED_NOT_GRANTED: &str = "documented-not-granted";

/// Whether the granted pattern `granted` covers the documented action `documented`.
fn covers(granted: &str, documented: &str) -> bool {
    glob_match(&granted.to_lowercase(), &documented.to_lowercase())
}

/// The actions an Allow statement grants (NotAction aside).
fn granted(s: &Statement) -> &[Text] {
    match (&s.action, s.effect()) {
        (Some(v), Some(Effect::Allow)) => &v.items,
        _ => &[],
    }
}

/// Annotates the statements of `policies` with the tables' descriptions and reports the
/// differences.
pub fn compare(policies: &mut [&mut Policy], tables: &[&table::Read], diags: &mut Vec<Diagnostic>) {
    let documented: Vec<(&Text, &table::ActionRow, &table::Read)> = tables
        .iter()
        .flat_map(|t| t.rows.iter().map(move |r| (r, *t)))
        .flat_map(|(r, t)| r.actions.iter().map(move |a| (a, r, t)))
        .collect();
    let mut granted_anywhere: Vec<String> = Vec::new();
    for policy in policies.iter_mut() {
        let Some(doc) = document_mut(policy) else {
            continue;
        };
        for s in &mut doc.statements {
            let mut notes: Vec<&str> = Vec::new();
            for action in granted(s) {
                granted_anywhere.push(action.value.clone());
                let rows: Vec<_> = documented
                    .iter()
                    .filter(|(d, _, _)| covers(&action.value, &d.value))
                    .collect();
                if rows.is_empty() {
                    let line = tables.first().map_or(0, |t| t.loc.line);
                    diags.push(Diagnostic::info(
                        GRANTED_NOT_DOCUMENTED,
                        action.loc,
                        format!(
                            "`{}` is granted, but the table of permissions at line {line} does not mention it",
                            escape(&action.value)
                        ),
                    ));
                }
                for (_, row, _) in rows {
                    if let Some(n) = &row.note
                        && !notes.contains(&n.as_str())
                    {
                        notes.push(n);
                    }
                }
            }
            for n in notes {
                add_note(&mut s.note, n);
            }
        }
    }
    for (action, _, _) in &documented {
        if !granted_anywhere.iter().any(|g| covers(g, &action.value)) {
            diags.push(Diagnostic::info(
                DOCUMENTED_NOT_GRANTED,
                action.loc,
                format!(
                    "the table of permissions mentions `{}`, but no policy in this section grants it",
                    escape(&action.value)
                ),
            ));
        }
    }
}

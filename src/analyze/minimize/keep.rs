//! `--keep`: narrowing statements to the actions a workload really calls. Each statement
//! keeps, of each kept pattern, what it already grants, on its own resources and conditions:
//! the kept pattern when the statement's pattern covers it, the statement's pattern when the
//! kept one covers it, else the catalog actions both cover (written out, and reported).

use crate::catalog::Catalog;
use crate::model::glob::{covers, overlaps};

use super::form::{Actions, normal_actions};

/// The part of `actions` that `keep` names, as Action patterns (empty when none), and the
/// patterns that had to be written out as catalog actions to stay exact.
pub fn narrow(actions: &Actions, keep: &[String], expanded: &mut Vec<String>) -> Vec<String> {
    let catalog = Catalog::get();
    let mut out = Vec::new();
    for k in keep {
        match actions {
            Actions::Action(patterns) => {
                for p in patterns {
                    if covers(p, k, true) {
                        out.push(k.clone());
                    } else if covers(k, p, true) {
                        out.push(p.clone());
                    } else if overlaps(k, p, true) {
                        let both: Vec<String> = catalog
                            .expand(k)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|a| a.full_name())
                            .filter(|a| crate::model::glob::matches_ignore_ascii_case(p, a))
                            .collect();
                        if !both.is_empty() {
                            expanded.push(format!("{k} ∩ {p}"));
                        }
                        out.extend(both);
                    }
                }
            }
            Actions::NotAction(not) => {
                if !not.iter().any(|n| overlaps(n, k, true)) {
                    out.push(k.clone());
                } else {
                    let left: Vec<String> = catalog
                        .expand(k)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|a| a.full_name())
                        .filter(|a| {
                            !not.iter()
                                .any(|n| crate::model::glob::matches_ignore_ascii_case(n, a))
                        })
                        .collect();
                    if !left.is_empty() {
                        expanded.push(format!("{k} less NotAction {}", not.join(", ")));
                    }
                    out.extend(left);
                }
            }
        }
    }
    normal_actions(out)
}

//! Fewer statements granting the same: an action pattern (or a whole statement) another
//! statement already grants on at least the same resources with no other condition is
//! dropped; statements with the same effect, principal, condition and resources are merged
//! into one (their actions joined), then those with the same actions (their resources
//! joined). Every step keeps the union of what the statements grant exactly, so repeating
//! them until nothing changes does too.

use std::collections::{HashMap, HashSet};

use super::form::{
    Actions, Form, Resources, Wildcards, normal_actions, normal_resources, resource_covers,
    resources_overlap,
};
use crate::model::glob::{covers, has_wildcard, overlaps};

/// What merging dropped, for the report.
#[derive(Default)]
pub struct Dropped {
    /// `origin: what, covered by origin`.
    pub lines: Vec<String>,
}

/// Merges `forms` until nothing changes, keeping the first statement's place for each group.
pub fn merge(mut forms: Vec<Form>, dropped: &mut Dropped) -> Vec<Form> {
    loop {
        let before = fingerprint(&forms);
        drop_covered_actions(&mut forms, dropped);
        forms = join(forms, |f| match (&f.actions, &f.resources) {
            (Actions::Action(_), Resources::Resource(r)) => Some(format!("R{r:?}")),
            (Actions::Action(_), Resources::NotResource(r)) => Some(format!("N{r:?}")),
            (Actions::Action(_), Resources::Unstated) => Some("U".into()),
            _ => None,
        });
        forms = join(forms, |f| match (&f.actions, &f.resources) {
            (Actions::Action(a), Resources::Resource(_)) => Some(format!("A{a:?}")),
            (Actions::NotAction(a), Resources::Resource(_)) => Some(format!("N{a:?}")),
            _ => None,
        });
        if fingerprint(&forms) == before {
            return forms;
        }
    }
}

/// A cheap summary of the statements, to tell when merging stops changing them.
fn fingerprint(forms: &[Form]) -> (usize, usize, usize) {
    let resources = |f: &Form| match &f.resources {
        Resources::Unstated => 0,
        Resources::Resource(r) | Resources::NotResource(r) => r.len(),
    };
    (
        forms.len(),
        forms.iter().map(|f| f.patterns().len()).sum(),
        forms.iter().map(resources).sum(),
    )
}

/// Joins the statements that share effect, principal, condition and the key `key` gives
/// (None: never joined): actions when the key is about resources, resources otherwise.
fn join(forms: Vec<Form>, key: impl Fn(&Form) -> Option<String>) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::with_capacity(forms.len());
    let mut groups: HashMap<String, usize> = HashMap::new();
    for f in forms {
        let Some(k) = key(&f) else {
            out.push(f);
            continue;
        };
        let k = format!("{:?}|{}|{}|{k}", f.effect, f.principal_key, f.condition_key);
        match groups.get(&k) {
            None => {
                groups.insert(k, out.len());
                out.push(f);
            }
            Some(&i) => absorb(&mut out[i], f),
        }
    }
    out
}

/// Adds to `into` what `other` grants, given they differ only in actions or only in
/// resources.
fn absorb(into: &mut Form, other: Form) {
    if into.actions != other.actions {
        if let (Actions::Action(a), Actions::Action(b)) = (&mut into.actions, other.actions) {
            a.extend(b);
            *a = normal_actions(std::mem::take(a));
        }
    } else if let (Resources::Resource(a), Resources::Resource(b)) =
        (&mut into.resources, other.resources)
    {
        a.extend(b);
        *a = normal_resources(std::mem::take(a));
    }
    into.origins.extend(other.origins);
}

/// Drops each action pattern of an Action statement that another statement (as it stands
/// then) grants on at least its resources under no other condition; a statement left with
/// no action is dropped whole, and so is any statement another covers entirely.
fn drop_covered_actions(forms: &mut Vec<Form>, dropped: &mut Dropped) {
    let mut index: Vec<Index> = forms.iter().map(|f| Index::new(&f.actions)).collect();
    // From the last statement back, so that of two that say the same, the first stays;
    // what is dropped is reported in input order.
    let mut lines: Vec<Vec<String>> = Vec::new();
    for i in (0..forms.len()).rev() {
        let mut here = Vec::new();
        let covering: Vec<usize> = (0..forms.len())
            .filter(|&j| j != i && governs(&forms[j], &forms[i]))
            .collect();
        if covering.is_empty() {
            continue;
        }
        if let Some(&j) = covering
            .iter()
            .find(|&&j| index[j].covers_all(&forms[i].actions))
        {
            here.push(format!(
                "{}: the whole statement, already granted by {}",
                forms[i].origins.join(" + "),
                forms[j].origins.join(" + ")
            ));
            forms.remove(i);
            index.remove(i);
            lines.push(here);
            continue;
        }
        if let Actions::Action(patterns) = &forms[i].actions {
            let mut kept = Vec::with_capacity(patterns.len());
            for p in patterns {
                match covering.iter().find(|&&j| index[j].covers(p)) {
                    Some(&j) => here.push(format!(
                        "{}: {p}, already granted by {}",
                        forms[i].origins.join(" + "),
                        forms[j].origins.join(" + ")
                    )),
                    None => kept.push(p.clone()),
                }
            }
            if kept.len() < patterns.len() {
                forms[i].actions = Actions::Action(kept);
                index[i] = Index::new(&forms[i].actions);
            }
        }
        lines.push(here);
    }
    dropped.lines.extend(lines.into_iter().rev().flatten());
}

/// A statement's action patterns read for "does it cover this one": exact names by
/// lower-cased text, wildcards apart.
struct Index {
    not: bool,
    exact: HashSet<String>,
    wild: Vec<String>,
    by_prefix: Wildcards,
    actions: Actions,
}

impl Index {
    fn new(actions: &Actions) -> Index {
        let (not, patterns) = match actions {
            Actions::Action(p) => (false, p),
            Actions::NotAction(p) => (true, p),
        };
        let (wild, exact): (Vec<&String>, Vec<&String>) =
            patterns.iter().partition(|p| has_wildcard(p));
        let wild: Vec<String> = wild.into_iter().cloned().collect();
        Index {
            not,
            exact: exact.iter().map(|p| p.to_ascii_lowercase()).collect(),
            by_prefix: Wildcards::new(wild.iter().map(String::as_str)),
            wild,
            actions: actions.clone(),
        }
    }

    /// Whether the statement grants every action `pattern` covers.
    fn covers(&self, pattern: &str) -> bool {
        if self.not {
            return actions_cover(&self.actions, &Actions::Action(vec![pattern.to_string()]));
        }
        (!has_wildcard(pattern) && self.exact.contains(&pattern.to_ascii_lowercase()))
            || self
                .by_prefix
                .candidates(pattern)
                .any(|g| covers(&self.wild[g], pattern, true))
    }

    /// Whether the statement grants every action `actions` covers.
    fn covers_all(&self, actions: &Actions) -> bool {
        match actions {
            Actions::Action(patterns) => patterns.iter().all(|p| self.covers(p)),
            Actions::NotAction(_) => actions_cover(&self.actions, actions),
        }
    }
}

/// Whether `general` applies wherever `specific` does, actions aside: same effect and
/// principal, no condition or the same one, and resources that cover.
fn governs(general: &Form, specific: &Form) -> bool {
    general.effect == specific.effect
        && general.principal_key == specific.principal_key
        && (general.condition.is_none() || general.condition_key == specific.condition_key)
        && resources_cover(&general.resources, &specific.resources)
}

/// Whether every action `specific` covers, `general` covers too (pattern by pattern, so
/// actions the catalog does not know yet are counted as well).
pub fn actions_cover(general: &Actions, specific: &Actions) -> bool {
    let covered = |g: &[String], p: &str| g.iter().any(|g| covers(g, p, true));
    match (general, specific) {
        (Actions::Action(g), Actions::Action(s)) => s.iter().all(|p| covered(g, p)),
        (Actions::NotAction(n), Actions::Action(s)) => {
            s.iter().all(|p| !n.iter().any(|n| overlaps(n, p, true)))
        }
        (Actions::NotAction(g), Actions::NotAction(s)) => g.iter().all(|n| covered(s, n)),
        (Actions::Action(g), Actions::NotAction(_)) => g.iter().any(|p| p == "*"),
    }
}

/// Whether `general` names every resource `specific` names.
fn resources_cover(general: &Resources, specific: &Resources) -> bool {
    let covered = |g: &[String], r: &str| g.iter().any(|g| resource_covers(g, r));
    match (general, specific) {
        (Resources::Unstated, Resources::Unstated) => true,
        (Resources::Resource(g), Resources::Resource(s)) => s.iter().all(|r| covered(g, r)),
        (Resources::NotResource(n), Resources::Resource(s)) => s
            .iter()
            .all(|r| r != "*" && !n.iter().any(|n| resources_overlap(n, r))),
        (Resources::NotResource(g), Resources::NotResource(s)) => g.iter().all(|n| covered(s, n)),
        (Resources::Resource(g), Resources::NotResource(_)) => g.iter().any(|r| r == "*"),
        _ => false,
    }
}

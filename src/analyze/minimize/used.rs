//! `--used`: narrowing statements to what CloudTrail shows a holder called
//! ([`crate::analyze::used`]), and the report of it. Each Allow statement keeps the used
//! actions it grants, each on the used resources it grants it on (a statement whose
//! resources no used one falls in drops the action), or on its own resources when the
//! events do not tell them exactly, always under its own conditions: never wider than the
//! input. A Deny keeps its resources: narrowing them would grant more.

use std::collections::BTreeMap;

use serde::Serialize;

use super::form::{Actions, Form, Resources, normal_actions, normal_resources};
use super::keep;
use crate::analyze::used::{Usage, UsedOn};
use crate::catalog::{AccessLevel, Catalog};
use crate::model::Effect;
use crate::model::glob;

/// What the events show against what the input grants.
#[derive(Clone, Debug, Default, Serialize)]
pub struct UsedReport {
    /// The callers whose events count for the holder (ARNs).
    pub principals: Vec<String>,
    pub events: u64,
    /// The earliest and latest event.
    pub first: Option<String>,
    pub last: Option<String>,
    /// Catalog actions the input's Allow statements name, and of them those used.
    pub granted: usize,
    pub used: usize,
    /// The same, by service and access level.
    pub services: Vec<ServiceUse>,
    /// Allow patterns of the input none of whose actions was used: what the reviewer takes
    /// back, with how many actions each covers.
    pub unused: Vec<String>,
    /// Allow patterns some of whose actions were used: `s3:* (2 of 150 used)`.
    pub partly_used: Vec<String>,
    /// Actions used that the input does not grant (another policy does, or none).
    pub used_not_granted: Vec<String>,
    /// Actions narrowed to the resources they were used on.
    pub narrowed: Vec<String>,
    /// Calls answered with a denial: `action (code) × count`.
    pub denied: Vec<String>,
    /// Events that map to no action: `eventSource eventName × count`.
    pub unmapped: Vec<String>,
    /// Calls no permission authorises.
    pub no_permission: Vec<String>,
}

/// One service's granted and used actions at each access level.
#[derive(Clone, Debug, Serialize)]
pub struct ServiceUse {
    pub service: &'static str,
    /// By access level, in the console's order: (level, granted, used), levels with a grant.
    pub levels: Vec<LevelUse>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LevelUse {
    pub level: &'static str,
    pub granted: usize,
    pub used: usize,
}

/// What a holder used: the callers matched to it and their use together.
#[derive(Clone, Debug, Default)]
pub struct Used {
    pub principals: Vec<String>,
    pub usage: Usage,
}

/// The statements narrowed to what `usage` used.
pub fn narrow(forms: Vec<Form>, usage: &Usage, narrowed: &mut Vec<String>) -> Vec<Form> {
    let names: Vec<String> = usage.actions.keys().cloned().collect();
    let mut out = Vec::new();
    for f in forms {
        let actions = keep::narrow(&f.actions, &names, &mut Vec::new());
        if actions.is_empty() {
            continue;
        }
        if f.effect == Effect::Deny {
            out.push(Form {
                actions: Actions::Action(actions),
                ..f
            });
            continue;
        }
        let mut groups: Vec<(Resources, Vec<String>)> = Vec::new();
        for a in actions {
            let on = usage
                .actions
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(&a))
                .map(|(_, u)| &u.on);
            let resources = match on.map(|on| within(&f.resources, on)) {
                Some(Within::Resources(list)) if list.is_empty() => continue,
                Some(Within::Resources(list)) => {
                    let list = normal_resources(list);
                    if Resources::Resource(list.clone()) != f.resources {
                        narrowed.push(format!(
                            "{a}: {} (input: {})",
                            list.join(", "),
                            written(&f.resources)
                        ));
                    }
                    Resources::Resource(list)
                }
                _ => f.resources.clone(),
            };
            match groups.iter_mut().find(|(r, _)| *r == resources) {
                Some((_, list)) => list.push(a),
                None => groups.push((resources, vec![a])),
            }
        }
        for (resources, actions) in groups {
            out.push(Form {
                actions: Actions::Action(normal_actions(actions)),
                resources,
                ..f.clone()
            });
        }
    }
    narrowed.sort();
    narrowed.dedup();
    out
}

enum Within {
    /// These used resources, which the statement's resources cover.
    Resources(Vec<String>),
    /// Keep the statement's resources.
    Keep,
}

/// The used resources `resources` cover, or Keep when they are not known or cannot be told
/// (a statement applying to the resource it is attached to, a policy variable).
fn within(resources: &Resources, on: &UsedOn) -> Within {
    let UsedOn::Resources(used) = on else {
        return Within::Keep;
    };
    let (patterns, not) = match resources {
        Resources::Unstated => return Within::Keep,
        Resources::Resource(p) => (p, false),
        Resources::NotResource(p) => (p, true),
    };
    if patterns.iter().any(|p| p.contains("${")) {
        return Within::Keep;
    }
    Within::Resources(
        used.iter()
            .filter(|arn| patterns.iter().any(|p| glob::matches(p, arn)) != not)
            .cloned()
            .collect(),
    )
}

fn written(resources: &Resources) -> String {
    match resources {
        Resources::Unstated => "the resource the policy is attached to".into(),
        Resources::Resource(r) => r.join(", "),
        Resources::NotResource(r) => format!("NotResource {}", r.join(", ")),
    }
}

/// Counts what the input's Allow statements grant and what of it was used.
pub fn report(forms: &[Form], input: &Used) -> UsedReport {
    let usage = &input.usage;
    let catalog = Catalog::get();
    let used: Vec<bool> = {
        let mut v = vec![false; catalog.action_count()];
        for name in usage.actions.keys() {
            if let Some(a) = catalog.action(name) {
                v[a.id()] = true;
            }
        }
        v
    };
    let mut granted = vec![false; catalog.action_count()];
    let mut patterns: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for f in forms.iter().filter(|f| f.effect == Effect::Allow) {
        match &f.actions {
            Actions::Action(list) => {
                for p in list {
                    let actions = catalog.expand(p).unwrap_or_default();
                    let n_used = actions.iter().filter(|a| used[a.id()]).count();
                    for a in &actions {
                        granted[a.id()] = true;
                    }
                    patterns.insert(p.clone(), (actions.len(), n_used));
                }
            }
            Actions::NotAction(list) => {
                let actions: Vec<_> = catalog
                    .actions()
                    .filter(|a| {
                        let name = a.full_name();
                        !list
                            .iter()
                            .any(|p| glob::matches_ignore_ascii_case(p, &name))
                    })
                    .collect();
                let n_used = actions.iter().filter(|a| used[a.id()]).count();
                for a in &actions {
                    granted[a.id()] = true;
                }
                patterns.insert(
                    format!("NotAction {}", list.join(", ")),
                    (actions.len(), n_used),
                );
            }
        }
    }
    let mut services: BTreeMap<&'static str, [(usize, usize); 5]> = BTreeMap::new();
    for a in catalog.actions().filter(|a| granted[a.id()]) {
        let level = AccessLevel::ALL
            .iter()
            .position(|l| *l == a.access_level)
            .unwrap_or_default();
        let cell = &mut services.entry(a.service).or_default()[level];
        cell.0 += 1;
        cell.1 += usize::from(used[a.id()]);
    }
    let actions = |n: usize| crate::text::plural(n, "action", "actions");
    let times = |n: &u64| format!(" × {n}");
    UsedReport {
        principals: input.principals.clone(),
        events: usage.events,
        first: usage.first.clone(),
        last: usage.last.clone(),
        granted: granted.iter().filter(|g| **g).count(),
        used: granted
            .iter()
            .zip(&used)
            .filter(|(g, u)| **g && **u)
            .count(),
        services: services
            .into_iter()
            .map(|(service, levels)| ServiceUse {
                service,
                levels: AccessLevel::ALL
                    .iter()
                    .zip(levels)
                    .filter(|(_, (g, _))| *g > 0)
                    .map(|(l, (granted, used))| LevelUse {
                        level: l.as_str(),
                        granted,
                        used,
                    })
                    .collect(),
            })
            .collect(),
        unused: patterns
            .iter()
            .filter(|(_, (n, u))| *n > 0 && *u == 0)
            .map(|(p, (n, _))| {
                if glob::has_wildcard(p) || p.starts_with("NotAction") {
                    format!("{p} ({})", actions(*n))
                } else {
                    p.clone()
                }
            })
            .collect(),
        partly_used: patterns
            .iter()
            .filter(|(_, (n, u))| *u > 0 && u < n)
            .map(|(p, (n, u))| format!("{p} ({u} of {n} used)"))
            .collect(),
        used_not_granted: usage
            .actions
            .keys()
            .filter(|name| catalog.action(name).is_none_or(|a| !granted[a.id()]))
            .cloned()
            .collect(),
        narrowed: Vec::new(),
        denied: usage
            .denied
            .iter()
            .flat_map(|(name, codes)| {
                codes
                    .iter()
                    .map(move |(code, n)| format!("{name} ({code}){}", times(n)))
            })
            .collect(),
        unmapped: usage
            .unmapped
            .iter()
            .map(|(name, n)| format!("{name}{}", times(n)))
            .collect(),
        no_permission: usage
            .no_permission
            .iter()
            .map(|(name, n)| format!("{name}{}", times(n)))
            .collect(),
    }
}

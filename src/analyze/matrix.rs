//! The permission matrix: what a holder is granted, service by service, as the IAM
//! console's policy summary shows it. For each service the holder's policies touch, each
//! access level (List, Read, Write, Permissions management, Tagging) is Full, Limited
//! (n of m actions) or None; with the resources the grants name, level by level, and the
//! conditions they carry. Services touched only by Deny statements are listed apart.
//!
//! Which policies count: a holder's identity policies (inline, resolved managed ones, a
//! user's groups'); a holder with none (a bucket, a key) counts its resource policies.
//! Trust policies, permissions boundaries, session policies, SCPs and RCPs limit or
//! delegate access but grant none, so they do not count. Granted counts come from
//! expanding each Allow's actions (and NotAction complements) against the catalog, minus
//! the actions an unconditional Deny covers on every resource (a Deny with NotResource
//! spares what it lists, so it removes none).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::arn;
use super::grants::{self, denied_everywhere, statement_actions};
use crate::catalog::{AccessLevel, Action, Catalog};
use crate::model::{Effect, Policy, PolicyKind, Role, RoleKind, Source, Statement, Values};

/// The matrix of one holder.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoleMatrix {
    pub name: String,
    pub kind: RoleKind,
    /// The source the holder is in.
    pub path: String,
    /// The kind of policies counted: `identity` or `resource`; `None` when the holder has
    /// neither.
    pub basis: Option<PolicyKind>,
    /// The names of the policies counted.
    pub policies: Vec<String>,
    pub services: Vec<ServiceRow>,
    /// Services that only Deny statements name.
    pub denied_only: Vec<DeniedService>,
    /// Action patterns the catalog does not know, which count for nothing.
    pub unknown_actions: Vec<String>,
    /// What was not counted for want of input (a user's group the source does not hold),
    /// said as `why` says it.
    pub notes: Vec<String>,
    /// What could not be read and may grant more than the matrix shows: "policy-name: this
    /// policy may grant more: lines 27-140 could not be read".
    pub partial: Vec<String>,
}

/// One service's row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceRow {
    /// The prefix, such as `s3`.
    pub service: &'static str,
    /// The full name, such as `Amazon S3`.
    pub name: &'static str,
    pub levels: Levels,
    /// The resources the grants name, with the access levels granted on each; `*` is all
    /// resources.
    pub resources: Vec<ResourceGrant>,
    /// The conditions on the statements that grant the service's actions.
    pub conditions: Vec<ConditionSummary>,
    /// As the console reads it: "Full access", "Limited: List, Read", "Full: List;
    /// Limited: Read".
    pub summary: String,
}

/// Granted and total actions at each access level, in the console's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Levels(pub [LevelCount; 5]);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LevelCount {
    pub granted: usize,
    pub total: usize,
}

impl LevelCount {
    /// `Full`, `None`, or `n of m` when Limited (n of the m actions at that level).
    pub fn describe(&self) -> String {
        match self.granted {
            0 => "None".into(),
            g if g == self.total => "Full".into(),
            g => format!("{g} of {}", self.total),
        }
    }
}

impl Levels {
    pub fn get(&self, level: AccessLevel) -> LevelCount {
        self.0[level_index(level)]
    }

    /// The console's summary of these levels.
    pub fn summary(&self) -> String {
        let with_actions = || {
            AccessLevel::ALL
                .into_iter()
                .filter(|l| self.get(*l).total > 0)
        };
        if with_actions().all(|l| {
            let c = self.get(l);
            c.granted == c.total
        }) {
            return "Full access".into();
        }
        let names = |full: bool| -> Vec<&str> {
            with_actions()
                .filter(|l| {
                    let c = self.get(*l);
                    c.granted > 0 && (c.granted == c.total) == full
                })
                .map(AccessLevel::as_str)
                .collect()
        };
        let mut parts = Vec::new();
        for (label, levels) in [("Full", names(true)), ("Limited", names(false))] {
            if !levels.is_empty() {
                parts.push(format!("{label}: {}", levels.join(", ")));
            }
        }
        parts.join("; ")
    }
}

impl Serialize for Levels {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5))?;
        for level in AccessLevel::ALL {
            map.serialize_entry(level.as_str(), &self.get(level))?;
        }
        map.end()
    }
}

fn level_index(level: AccessLevel) -> usize {
    AccessLevel::ALL
        .iter()
        .position(|l| *l == level)
        .unwrap_or_default()
}

/// A resource a service's grants name, and the access levels granted on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceGrant {
    /// As written; `*` for all resources.
    pub resource: String,
    /// Written as NotResource: everything but this.
    pub not: bool,
    pub levels: Vec<&'static str>,
}

/// One condition clause of a granting statement.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ConditionSummary {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

/// A service only Deny statements name, with how many of its actions they cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeniedService {
    pub service: &'static str,
    pub name: &'static str,
    pub actions: usize,
}

/// The matrix of every holder in the sources, or of the one `role` names.
pub fn matrix(sources: &[Source], role: Option<&str>) -> Result<Vec<RoleMatrix>, String> {
    match role {
        Some(name) => {
            let (source, role) = crate::eval::holder::find_role(sources, name)?;
            Ok(vec![role_matrix(source, role)])
        }
        None => Ok(sources
            .iter()
            .flat_map(|s| s.roles.iter().map(move |r| role_matrix(s, r)))
            .collect()),
    }
}

/// The policies that count for a holder, each with the holder it belongs to (a user's
/// group, for a group's policy), and their kind.
fn counted<'a>(
    source: &'a Source,
    role: &'a Role,
) -> (Option<PolicyKind>, Vec<(&'a Role, &'a Policy)>) {
    let identity = grants::identity_policies(source, role);
    if !identity.is_empty() {
        return (Some(PolicyKind::Identity), identity);
    }
    let resource: Vec<(&Role, &Policy)> = role
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Resource)
        .map(|p| (role, p))
        .collect();
    if resource.is_empty() {
        (None, Vec::new())
    } else {
        (Some(PolicyKind::Resource), resource)
    }
}

/// Which actions an unconditional Deny takes away everywhere (by action id), and how many
/// actions of each service any Deny names.
fn denies<'s>(statements: &[&'s Statement]) -> Denies<'s> {
    let catalog = Catalog::get();
    let mut denied = vec![false; catalog.action_count()];
    let mut deny_named = vec![false; catalog.action_count()];
    // The unconditional Deny statements, each with the actions it names (by catalog id).
    let mut unconditional: Vec<(&Statement, Vec<bool>)> = Vec::new();
    let mut deny_named_services: BTreeMap<&'static str, usize> = BTreeMap::new();
    for s in statements
        .iter()
        .filter(|s| s.effect() == Some(Effect::Deny))
    {
        let mut named = s
            .condition
            .is_none()
            .then(|| vec![false; catalog.action_count()]);
        for (a, _) in statement_actions(s) {
            if !std::mem::replace(&mut deny_named[a.id()], true) {
                *deny_named_services.entry(a.service).or_default() += 1;
            }
            if let Some(named) = named.as_mut() {
                named[a.id()] = true;
                if !denied[a.id()] && denied_everywhere(s, a) {
                    denied[a.id()] = true;
                }
            }
        }
        if let Some(named) = named {
            unconditional.push((*s, named));
        }
    }
    Denies {
        denied,
        named_services: deny_named_services,
        unconditional,
    }
}

/// What the Deny statements of a holder take away, from [`denies`].
struct Denies<'s> {
    /// By action id: an unconditional Deny takes the action away on every resource.
    denied: Vec<bool>,
    /// How many actions of each service any Deny names.
    named_services: BTreeMap<&'static str, usize>,
    /// The unconditional Deny statements, each with the actions it names (by action id).
    unconditional: Vec<(&'s Statement, Vec<bool>)>,
}

/// One service's grants while a matrix is built.
#[derive(Default)]
struct ServiceGrants {
    /// Each granted action once.
    granted: Vec<&'static Action>,
    /// Resource → access levels granted on it, keyed to sort all resources first.
    resources: BTreeMap<(bool, bool, String), [bool; 5]>,
    /// The granting statements, by index.
    statements: Vec<usize>,
}

/// What one holder is granted. Each statement's actions are expanded, read and dropped in
/// turn, so the work and memory follow the statements and the catalog, never their
/// product.
pub fn role_matrix(source: &Source, role: &Role) -> RoleMatrix {
    let catalog = Catalog::get();
    let (basis, policies) = counted(source, role);
    let statements: Vec<&Statement> = policies.iter().flat_map(|(_, p)| p.statements()).collect();
    let mut unknown = BTreeSet::new();
    for s in &statements {
        for pattern in s.action.iter().flat_map(grants::distinct_patterns) {
            if grants::is_catalog_pattern(&pattern.value)
                && catalog.expand(&pattern.value).is_ok_and(|a| a.is_empty())
            {
                unknown.insert(pattern.value.to_string());
            }
        }
    }
    let Denies {
        denied,
        named_services: deny_named_services,
        unconditional,
    } = denies(&statements);
    let mut seen = vec![false; catalog.action_count()];
    let mut by_service: BTreeMap<&'static str, ServiceGrants> = BTreeMap::new();
    for (k, s) in statements.iter().enumerate() {
        if s.effect() != Some(Effect::Allow) || names_no_resource(s) {
            continue;
        }
        let covering = covering_denies(s, &unconditional);
        // Whether some Deny covers some value: only then are actions looked up one by one.
        let covered = covering.iter().any(|denies| !denies.is_empty());
        // Whether an unconditional Deny takes `a` away on the statement's value `i`.
        let denied_on = |i: usize, a: &Action| {
            covering.get(i).is_some_and(|sets| {
                sets.iter()
                    .any(|set| set.iter().all(|d| unconditional[*d].1[a.id()]))
            })
        };
        let mut actions: Vec<&'static Action> = statement_actions(s)
            .into_iter()
            .map(|(a, _)| a)
            .filter(|a| !denied[a.id()] && !grants::excluded_everywhere(s, a))
            .filter(|a| !covered || !(0..covering.len()).all(|i| denied_on(i, a)))
            .collect();
        // Catalog order, which groups each service's actions.
        actions.sort_unstable_by_key(|a| a.id());
        let mut fits = Fits::new(s);
        for here in actions.chunk_by(|a, b| a.service == b.service) {
            let grants = by_service.entry(here[0].service).or_default();
            for a in here {
                if !std::mem::replace(&mut seen[a.id()], true) {
                    grants.granted.push(a);
                }
            }
            grants.statements.push(k);
            fits.add_resources(here, &mut grants.resources, covered.then_some(&denied_on));
        }
    }
    let services: Vec<ServiceRow> = by_service
        .into_iter()
        .filter_map(|(service, grants)| service_row(service, grants, &statements))
        .collect();
    let granted: HashSet<&str> = services.iter().map(|row| row.service).collect();
    let denied_only = deny_named_services
        .into_iter()
        .filter(|(service, _)| !granted.contains(service))
        .filter_map(|(service, actions)| {
            let s = catalog.service(service)?;
            Some(DeniedService {
                service: s.prefix,
                name: s.name,
                actions,
            })
        })
        .collect();
    RoleMatrix {
        name: role.name.clone(),
        kind: role.kind,
        path: source.path.clone(),
        basis,
        policies: policies.iter().map(|(_, p)| p.name.to_string()).collect(),
        services,
        denied_only,
        unknown_actions: unknown.into_iter().collect(),
        partial: crate::load::partial::warnings(
            role,
            &policies.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        ),
        notes: crate::eval::holder::groups(source, role)
            .into_iter()
            .filter_map(Result::err)
            .map(|group| crate::eval::holder::missing_group_note(group, &role.name))
            .collect(),
    }
}

/// For an Allow statement: for each of its Resource values, the sets of unconditional
/// Deny statements (by index in `denies`) that together take in every resource the value
/// names: one Deny that does alone, or a Deny with NotResource together with, for each
/// resource it spares that the value may name, a Deny whose Resource takes that one in.
/// For NotResource, the same sets for every value: the Deny statements that spare nothing
/// the Allow grants on. An action is granted nowhere when, for every value, every Deny of
/// one of its sets names the action.
fn covering_denies(s: &Statement, denies: &[(&Statement, Vec<bool>)]) -> Vec<Vec<Vec<usize>>> {
    let Some((values, not)) = s.resources() else {
        return Vec::new();
    };
    let covering = |covers: &dyn Fn(&Statement) -> bool| -> Vec<usize> {
        let applies = |(_, (d, _)): &(usize, &(&Statement, _))| covers(d);
        denies
            .iter()
            .enumerate()
            .filter(applies)
            .map(|(i, _)| i)
            .collect()
    };
    if not {
        // Everything but `values` is granted on: a Deny covers it when it spares only
        // resources the Allow leaves out too.
        let all = covering(&|d| match d.resources() {
            Some((spared, true)) => spared
                .iter()
                .all(|x| values.iter().any(|y| arn::covers(y, x))),
            Some((listed, false)) => listed.iter().any(|w| w == "*"),
            None => false,
        });
        let alone: Vec<Vec<usize>> = all.into_iter().map(|d| vec![d]).collect();
        return vec![alone; values.items.len()];
    }
    // The first Deny whose Resource takes in every resource `x` names.
    let listing = |x: &str| {
        denies.iter().position(|(d, _)| {
            matches!(d.resources(), Some((listed, false)) if listed.iter().any(|w| arn::covers(w, x)))
        })
    };
    values
        .iter()
        .map(|v| {
            let mut sets: Vec<Vec<usize>> = covering(&|d| match d.resources() {
                Some((listed, false)) => listed.iter().any(|w| arn::covers(w, v)),
                Some((spared, true)) => !spared.iter().any(|x| arn::overlaps(x, v)),
                None => false,
            })
            .into_iter()
            .map(|d| vec![d])
            .collect();
            for (i, (d, _)) in denies.iter().enumerate() {
                let Some((spared, true)) = d.resources() else {
                    continue;
                };
                let others: Option<Vec<usize>> = spared
                    .iter()
                    .filter(|x| arn::overlaps(x, v))
                    .map(listing)
                    .collect();
                if let Some(others) = others.filter(|o| !o.is_empty()) {
                    sets.push([vec![i], others].concat());
                }
            }
            sets
        })
        .collect()
}

/// Whether the statement's Resource is an empty list, which no request matches.
fn names_no_resource(s: &Statement) -> bool {
    s.resources()
        .is_some_and(|(values, not)| !not && values.items.is_empty())
}

fn service_row(
    prefix: &str,
    grants: ServiceGrants,
    statements: &[&Statement],
) -> Option<ServiceRow> {
    let service = Catalog::get().service(prefix)?;
    let mut levels = Levels::default();
    for a in service.actions() {
        levels.0[level_index(a.access_level)].total += 1;
    }
    for a in &grants.granted {
        levels.0[level_index(a.access_level)].granted += 1;
    }
    let conditions: BTreeSet<ConditionSummary> = grants
        .statements
        .iter()
        .flat_map(|k| conditions(statements[*k]))
        .collect();
    Some(ServiceRow {
        service: service.prefix,
        name: service.name,
        summary: levels.summary(),
        levels,
        resources: grants
            .resources
            .into_iter()
            .map(|((_, not, resource), levels)| ResourceGrant {
                resource,
                not,
                levels: AccessLevel::ALL
                    .into_iter()
                    .filter(|l| levels[level_index(*l)])
                    .map(AccessLevel::as_str)
                    .collect(),
            })
            .collect(),
        conditions: conditions.into_iter().collect(),
    })
}

/// One granted action of a service, as the IAM console's service detail lists it: its
/// access level and every statement that grants it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionGrant {
    pub action: String,
    pub access_level: &'static str,
    pub statements: Vec<Granting>,
}

/// A statement that grants an action: where it is, the resources it grants the action on
/// (those that can be of the action's resource types, as the matrix shows them) and the
/// conditions that gate it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Granting {
    /// The holder of the policy (a user's group, for a group's policy).
    pub holder: String,
    pub policy: String,
    /// The statement's number in its policy, from 1.
    pub statement: usize,
    pub sid: Option<String>,
    pub resources: Vec<String>,
    /// The resources are NotResource: everything but these.
    pub not_resource: bool,
    pub conditions: Vec<ConditionSummary>,
    pub line: u32,
    pub column: u32,
    /// The holder's and the policy's index in the source, to find the statement again.
    #[serde(skip)]
    pub at: (usize, usize),
}

/// Every action of `service` (a prefix, any case) the holder is granted, in the catalog's
/// order, with the statements that grant it: the actions the matrix counts in that
/// service's row, so each cell's count is the number listed at its level.
pub fn service_actions(source: &Source, role: &Role, service: &str) -> Vec<ActionGrant> {
    let (_, policies) = counted(source, role);
    let statements: Vec<&Statement> = policies.iter().flat_map(|(_, p)| p.statements()).collect();
    let denied = denies(&statements).denied;
    let mut out: Vec<ActionGrant> = Vec::new();
    let mut by_id: HashMap<usize, usize> = HashMap::new();
    for (holder, policy) in &policies {
        let at = (
            index_of(&source.roles, holder),
            index_of(&holder.policies, policy),
        );
        for (i, s) in policy.statements().iter().enumerate() {
            if s.effect() != Some(Effect::Allow) {
                continue;
            }
            let mut fits = Fits::new(s);
            let here = statement_actions(s)
                .into_iter()
                .map(|(a, _)| a)
                .filter(|a| a.service.eq_ignore_ascii_case(service) && !denied[a.id()]);
            for a in here {
                let (resources, not_resource) = match fits.values {
                    None => (Vec::new(), false),
                    Some((values, true)) => (values.iter().map(str::to_string).collect(), true),
                    Some((values, false)) => {
                        let applying = fits.applying(values, a);
                        (
                            applying
                                .iter()
                                .map(|&k| values.items[k].value.to_string())
                                .collect(),
                            false,
                        )
                    }
                };
                let granting = Granting {
                    holder: holder.name.clone(),
                    policy: policy.name.to_string(),
                    statement: i + 1,
                    sid: s.sid.as_ref().map(|t| t.value.to_string()),
                    resources,
                    not_resource,
                    conditions: conditions(s).collect(),
                    line: s.loc.line,
                    column: s.loc.column,
                    at,
                };
                let k = *by_id.entry(a.id()).or_insert_with(|| {
                    out.push(ActionGrant {
                        action: a.full_name(),
                        access_level: a.access_level.as_str(),
                        statements: Vec::new(),
                    });
                    out.len() - 1
                });
                out[k].statements.push(granting);
            }
        }
    }
    let catalog = Catalog::get();
    out.sort_by_key(|g| catalog.action(&g.action).map(Action::id));
    out
}

/// Where `item` is in `items`, by identity.
fn index_of<T>(items: &[T], item: &T) -> usize {
    items
        .iter()
        .position(|x| std::ptr::eq(x, item))
        .unwrap_or_default()
}

/// A statement's condition clauses, one per key.
fn conditions(s: &Statement) -> impl Iterator<Item = ConditionSummary> + '_ {
    s.condition
        .iter()
        .flat_map(|c| &c.operators)
        .flat_map(|block| {
            block.entries.iter().map(|e| ConditionSummary {
                operator: block.operator.value.to_string(),
                key: e.key.value.to_string(),
                values: e.values.iter().map(|v| v.text.clone()).collect(),
            })
        })
}

/// Whether an unconditional Deny takes an action away on a statement's value (by index).
type DeniedOn<'a> = dyn Fn(usize, &Action) -> bool + 'a;

/// A statement's Resource (or NotResource) values and which of them fit each resource
/// type's ARN pattern, each pattern read once.
struct Fits<'s> {
    /// The values, and whether written as NotResource.
    values: Option<(&'s Values, bool)>,
    /// Per ARN pattern, per value: whether it likely names that type, and whether it also
    /// has as many `/` as the pattern.
    by_pattern: HashMap<&'static str, Vec<(bool, bool)>>,
}

impl<'s> Fits<'s> {
    fn new(s: &'s Statement) -> Self {
        Fits {
            values: s.resources(),
            by_pattern: HashMap::new(),
        }
    }

    /// Adds to `resources` the access levels these actions are granted on each value.
    /// `denied_on(i, a)`, when a Deny covers some value: whether an unconditional Deny takes
    /// `a` away on value `i`.
    fn add_resources(
        &mut self,
        actions: &[&'static Action],
        resources: &mut BTreeMap<(bool, bool, String), [bool; 5]>,
        denied_on: Option<&DeniedOn<'_>>,
    ) {
        let Some((values, not)) = self.values else {
            return;
        };
        let levels_of = |actions: &[&Action]| {
            let mut levels = [false; 5];
            for a in actions {
                levels[level_index(a.access_level)] = true;
            }
            levels
        };
        if values.items.is_empty() {
            // `"NotResource": []` spares nothing: the grant is on every resource. (`"Resource":
            // []` names none and grants nothing; such a statement is not counted at all.)
            if not {
                let have = resources
                    .entry((false, false, "*".to_string()))
                    .or_default();
                for (have, new) in have.iter_mut().zip(levels_of(actions)) {
                    *have |= new;
                }
            }
            return;
        }
        // The levels granted on each value, gathered here and added once per value.
        let mut granted = vec![[false; 5]; values.items.len()];
        let alike = not || values.items.len() == 1 || values.iter().all(|r| r == "*");
        if let Some(denied_on) = denied_on {
            for a in actions {
                let applying = if alike {
                    (0..values.items.len()).collect()
                } else {
                    self.applying(values, a)
                };
                for i in applying.into_iter().filter(|&i| !denied_on(i, a)) {
                    granted[i][level_index(a.access_level)] = true;
                }
            }
        } else if alike {
            // Every value applies to every action alike.
            granted.fill(levels_of(actions));
        } else {
            for a in actions {
                for i in self.applying(values, a) {
                    granted[i][level_index(a.access_level)] = true;
                }
            }
        }
        for (r, levels) in values.iter().zip(granted) {
            if levels.iter().any(|&g| g) {
                let have = resources.entry((r != "*", not, r.to_string())).or_default();
                for (have, new) in have.iter_mut().zip(levels) {
                    *have |= new;
                }
            }
        }
    }

    /// The Resource values (by index) that apply to `action`, as shown in the matrix: the
    /// values that are likely one of its resource types (and of those, when some have as
    /// many `/` as that type's ARN pattern, only those, so `s3:ListBucket` shows on
    /// `arn:aws:s3:::b` rather than also on `arn:aws:s3:::b/*`); all of them when none is
    /// (the grant is shown as written).
    fn applying(&mut self, values: &'s Values, action: &Action) -> Vec<usize> {
        let all = || (0..values.items.len()).collect();
        if action.resource_types.is_empty() {
            return all();
        }
        let slashes = |s: &str| s.splitn(6, ':').nth(5).map(|p| p.matches('/').count());
        for rt in &action.resource_types {
            self.by_pattern.entry(rt.arn).or_insert_with(|| {
                values
                    .iter()
                    .map(|r| {
                        let likely = arn::likely_names(r, rt.arn);
                        (likely, likely && slashes(r) == slashes(rt.arn))
                    })
                    .collect()
            });
        }
        let fitting = |shaped: bool| -> Vec<usize> {
            values
                .iter()
                .enumerate()
                .filter(|(i, r)| {
                    *r == "*"
                        || action.resource_types.iter().any(|rt| {
                            let (likely, same_shape) = self.by_pattern[rt.arn][*i];
                            if shaped { same_shape } else { likely }
                        })
                })
                .map(|(i, _)| i)
                .collect()
        };
        let shaped = fitting(true);
        if !shaped.is_empty() {
            return shaped;
        }
        let loose = fitting(false);
        if loose.is_empty() { all() } else { loose }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Options, load_text};

    fn one(text: &str) -> RoleMatrix {
        let sources = [load_text("p.json", text, &Options::default())];
        matrix(&sources, None).unwrap().remove(0)
    }

    #[test]
    fn levels_read_like_the_console() {
        let full = Levels(
            [LevelCount {
                granted: 3,
                total: 3,
            }; 5],
        );
        assert_eq!(full.summary(), "Full access");
        let mut some = Levels::default();
        some.0[0] = LevelCount {
            granted: 2,
            total: 2,
        };
        some.0[1] = LevelCount {
            granted: 1,
            total: 5,
        };
        some.0[2].total = 4;
        assert_eq!(some.summary(), "Full: List; Limited: Read");
        assert_eq!(some.get(AccessLevel::Read).describe(), "1 of 5");
        assert_eq!(some.get(AccessLevel::List).describe(), "Full");
        assert_eq!(some.get(AccessLevel::Write).describe(), "None");
    }

    #[test]
    fn grants_minus_unconditional_denies_with_resources_by_level() {
        let m = one(r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]},
                {"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
                {"Effect": "Deny", "Action": ["kms:Decrypt", "ec2:TerminateInstances"], "Resource": "*"},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
                {"Effect": "Allow", "Action": "ec2:NoSuchAction", "Resource": "*"}
            ]}"#);
        assert_eq!(m.basis, Some(PolicyKind::Identity));
        let services: Vec<(&str, String)> = m
            .services
            .iter()
            .map(|s| (s.service, s.summary.clone()))
            .collect();
        assert_eq!(
            services,
            [
                (
                    "kms",
                    "Full: List, Read, Permissions management, Tagging; Limited: Write".to_string()
                ),
                ("s3", "Limited: List, Read".to_string())
            ]
        );
        let s3 = &m.services[1];
        assert_eq!(s3.levels.get(AccessLevel::List).granted, 1);
        assert_eq!(s3.levels.get(AccessLevel::Read).granted, 1);
        assert_eq!(
            s3.resources,
            [
                ResourceGrant {
                    resource: "arn:aws:s3:::b".into(),
                    not: false,
                    levels: vec!["List"]
                },
                ResourceGrant {
                    resource: "arn:aws:s3:::b/*".into(),
                    not: false,
                    levels: vec!["Read"]
                },
            ]
        );
        let denied: Vec<&str> = m.denied_only.iter().map(|d| d.service).collect();
        assert!(
            denied.contains(&"iam") && denied.contains(&"ec2"),
            "{denied:?}"
        );
        assert_eq!(m.unknown_actions, ["ec2:NoSuchAction"]);
    }

    /// A Deny with NotResource spares what it lists, so it takes no action away: s3 stays
    /// granted (on mybucket), as `why s3:GetObject` on mybucket says, rather than "denied
    /// only".
    #[test]
    fn a_deny_with_not_resource_takes_away_only_what_it_spares_nowhere() {
        let m = one(r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": ["s3:*", "iam:*"], "NotResource": ["arn:aws:s3:::mybucket", "arn:aws:s3:::mybucket/*"]}
            ]}"#);
        // Bucket and object actions stay granted on mybucket; s3:ListAllMyBuckets (no
        // resource type) and access point actions are denied everywhere.
        let s3 = m.services.iter().find(|s| s.service == "s3").unwrap();
        let cells: Vec<String> = AccessLevel::ALL
            .into_iter()
            .map(|l| s3.levels.get(l).describe())
            .collect();
        assert_eq!(
            cells,
            ["7 of 18", "41 of 66", "41 of 57", "9 of 27", "8 of 12"]
        );
        assert!(m.services.iter().all(|s| s.service != "iam"));
        assert!(m.denied_only.iter().any(|d| d.service == "iam"));
    }

    /// 2,000 `*` in one Action grant every action of the catalog once, on every resource.
    #[test]
    fn two_thousand_stars_grant_every_action_once() {
        let stars = vec![r#""*""#; 2000].join(", ");
        let m = one(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": [{stars}], "Resource": "*"}}]}}"#
        ));
        let catalog = Catalog::get();
        let services = catalog.services().iter();
        assert_eq!(
            m.services.len(),
            services.filter(|s| !s.actions().is_empty()).count()
        );
        let granted: usize = m
            .services
            .iter()
            .flat_map(|s| s.levels.0.iter().map(|l| l.granted))
            .sum();
        assert_eq!(granted, catalog.action_count());
        assert!(m.services.iter().all(|s| s.resources.len() == 1
            && s.resources[0].resource == "*"
            && s.levels.0.iter().all(|l| l.granted == l.total)));
        assert!(m.denied_only.is_empty() && m.unknown_actions.is_empty());
    }

    #[test]
    fn a_resource_policy_counts_when_there_is_no_identity_policy() {
        let m = one(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]}"#,
        );
        assert_eq!(m.basis, Some(PolicyKind::Resource));
        assert_eq!(
            m.services[0].conditions,
            [ConditionSummary {
                operator: "StringEquals".into(),
                key: "aws:SourceVpce".into(),
                values: vec!["vpce-1".into()]
            }]
        );
    }

    /// `"Resource": []` names no resource, so its Allow grants nothing; `"NotResource": []`
    /// spares none, so its Allow grants on every resource. Both once made the matrix panic.
    #[test]
    fn empty_resource_lists_grant_nothing_or_everywhere() {
        let m = one(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":[]}]}"#,
        );
        assert!(m.services.is_empty());
        let m = one(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","NotResource":[]}]}"#,
        );
        assert_eq!(m.services.len(), 1);
        assert_eq!(m.services[0].service, "s3");
        assert_eq!(m.services[0].levels.get(AccessLevel::Read).granted, 1);
        assert_eq!(
            m.services[0].resources,
            [ResourceGrant {
                resource: "*".into(),
                not: false,
                levels: vec!["Read"],
            }]
        );
    }

    /// The drill-down lists exactly the actions each cell counts, with the statements that
    /// grant them, the resources they apply on and the conditions that gate them.
    #[test]
    fn service_actions_list_what_each_cell_counts() {
        let text = r#"{"Version": "2012-10-17", "Statement": [
                {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
                {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:GetObjectAcl", "Resource": "*"}
            ]}"#;
        let sources = [load_text("p.json", text, &Options::default())];
        let (source, role) = (&sources[0], &sources[0].roles[0]);
        let row = role_matrix(source, role).services.remove(0);
        let actions = service_actions(source, role, "S3");
        for level in AccessLevel::ALL {
            let listed = actions
                .iter()
                .filter(|a| a.access_level == level.as_str())
                .count();
            assert_eq!(listed, row.levels.get(level).granted, "{level:?}");
        }
        assert!(actions.iter().all(|a| a.action != "s3:GetObjectAcl"));
        let get = actions.iter().find(|a| a.action == "s3:GetObject").unwrap();
        assert_eq!(get.access_level, "Read");
        let by: Vec<(usize, Option<&str>, &[String], usize)> = get
            .statements
            .iter()
            .map(|g| {
                (
                    g.statement,
                    g.sid.as_deref(),
                    g.resources.as_slice(),
                    g.conditions.len(),
                )
            })
            .collect();
        assert_eq!(
            by,
            [
                (1, Some("Objects"), &["arn:aws:s3:::b/*".to_string()][..], 1),
                (2, None, &["*".to_string()][..], 0)
            ]
        );
        let list = actions
            .iter()
            .find(|a| a.action == "s3:ListBucket")
            .unwrap();
        assert_eq!(list.statements[0].resources, ["arn:aws:s3:::b"]);
        assert_eq!(list.statements[0].conditions[0].key, "aws:SecureTransport");
        assert!(service_actions(source, role, "kms").is_empty());
    }
}

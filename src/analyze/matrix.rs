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
//! the actions an unconditional Deny covers on every resource.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::arn;
use super::grants::{self, covered, unconstrained};
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
    /// "Full", "Limited (n of m)" or "None".
    pub fn describe(&self) -> String {
        match self.granted {
            0 => "None".into(),
            g if g == self.total => "Full".into(),
            g => format!("Limited ({g} of {})", self.total),
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

/// The policies that count for a holder and their kind.
fn counted<'a>(source: &'a Source, role: &'a Role) -> (Option<PolicyKind>, Vec<&'a Policy>) {
    let identity: Vec<&Policy> = grants::identity_policies(source, role)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    if !identity.is_empty() {
        return (Some(PolicyKind::Identity), identity);
    }
    let resource: Vec<&Policy> = role
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Resource)
        .collect();
    if resource.is_empty() {
        (None, Vec::new())
    } else {
        (Some(PolicyKind::Resource), resource)
    }
}

/// One service's grants while a matrix is built.
#[derive(Default)]
struct ServiceGrants {
    /// Each granted action once.
    granted: Vec<&'static Action>,
    /// Each granting statement with the actions of the service it grants.
    by_statement: Vec<(usize, Vec<&'static Action>)>,
}

/// What one holder is granted.
pub fn role_matrix(source: &Source, role: &Role) -> RoleMatrix {
    let catalog = Catalog::get();
    let (basis, policies) = counted(source, role);
    let statements: Vec<&Statement> = policies.iter().flat_map(|p| p.statements()).collect();
    let mut unknown = BTreeSet::new();
    let mut covers: Vec<Vec<&'static Action>> = Vec::with_capacity(statements.len());
    for s in &statements {
        for pattern in s.action.iter().flat_map(|a| &a.items) {
            if grants::is_catalog_pattern(&pattern.value)
                && catalog.expand(&pattern.value).is_ok_and(|a| a.is_empty())
            {
                unknown.insert(pattern.value.clone());
            }
        }
        let mut actions: Vec<&'static Action> = covered(s).into_iter().map(|(a, _)| a).collect();
        actions.sort_by_key(|a| a.service);
        covers.push(actions);
    }
    let mut denied = vec![false; catalog.action_count()];
    let mut deny_named: BTreeMap<&'static str, HashSet<usize>> = BTreeMap::new();
    for (s, actions) in statements.iter().zip(&covers) {
        if s.effect() != Some(Effect::Deny) {
            continue;
        }
        for a in actions {
            deny_named.entry(a.service).or_default().insert(a.id());
            if s.condition.is_none() && unconstrained(s, a) {
                denied[a.id()] = true;
            }
        }
    }
    let mut seen = vec![false; catalog.action_count()];
    let mut by_service: BTreeMap<&'static str, ServiceGrants> = BTreeMap::new();
    for (k, (s, actions)) in statements.iter().zip(&covers).enumerate() {
        if s.effect() != Some(Effect::Allow) {
            continue;
        }
        for chunk in actions.chunk_by(|a, b| a.service == b.service) {
            let grants = by_service.entry(chunk[0].service).or_default();
            let mut here = Vec::new();
            for a in chunk.iter().filter(|a| !denied[a.id()]) {
                if !seen[a.id()] {
                    seen[a.id()] = true;
                    grants.granted.push(a);
                }
                here.push(*a);
            }
            if !here.is_empty() {
                grants.by_statement.push((k, here));
            }
        }
    }
    by_service.retain(|_, g| !g.granted.is_empty());
    let services: Vec<ServiceRow> = by_service
        .iter()
        .filter_map(|(service, grants)| service_row(service, grants, &statements))
        .collect();
    let denied_only = deny_named
        .into_iter()
        .filter(|(service, _)| !by_service.contains_key(service))
        .filter_map(|(service, ids)| {
            let s = catalog.service(service)?;
            Some(DeniedService {
                service: s.prefix,
                name: s.name,
                actions: ids.len(),
            })
        })
        .collect();
    RoleMatrix {
        name: role.name.clone(),
        kind: role.kind,
        path: source.path.clone(),
        basis,
        policies: policies.iter().map(|p| p.name.clone()).collect(),
        services,
        denied_only,
        unknown_actions: unknown.into_iter().collect(),
    }
}

fn service_row(
    prefix: &str,
    grants: &ServiceGrants,
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
    // Resource → levels granted on it (all resources first).
    let mut resources: BTreeMap<(bool, bool, &str), [bool; 5]> = BTreeMap::new();
    for (k, actions) in &grants.by_statement {
        let Some((values, not)) = statements[*k].resources() else {
            continue;
        };
        let mut add = |r, level| {
            resources.entry((r != "*", not, r)).or_default()[level_index(level)] = true;
        };
        if not || values.iter().all(|r| r == "*") {
            // Every value applies to every action alike.
            for r in values.iter() {
                for a in actions {
                    add(r, a.access_level);
                }
            }
        } else {
            for a in actions {
                for r in applying(values, a) {
                    add(r, a.access_level);
                }
            }
        }
    }
    let conditions: BTreeSet<ConditionSummary> = grants
        .by_statement
        .iter()
        .flat_map(|(k, _)| statements[*k].condition.iter().flat_map(|c| &c.operators))
        .flat_map(|block| {
            block.entries.iter().map(|e| ConditionSummary {
                operator: block.operator.value.clone(),
                key: e.key.value.clone(),
                values: e.values.iter().map(|v| v.text.clone()).collect(),
            })
        })
        .collect();
    Some(ServiceRow {
        service: service.prefix,
        name: service.name,
        summary: levels.summary(),
        levels,
        resources: resources
            .into_iter()
            .map(|((_, not, resource), levels)| ResourceGrant {
                resource: resource.to_string(),
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

/// The Resource values of a statement that apply to `action`, as shown in the matrix:
/// the values that are likely one of its resource types (and
/// of those, when some have as many `/` as that type's ARN pattern, only those, so
/// `s3:ListBucket` shows on `arn:aws:s3:::b` rather than also on `arn:aws:s3:::b/*`); all
/// of them when none is (the grant is shown as written).
fn applying<'a>(values: &'a Values, action: &Action) -> Vec<&'a str> {
    if action.resource_types.is_empty() {
        return values.iter().collect();
    }
    let slashes = |s: &str| s.splitn(6, ':').nth(5).map(|p| p.matches('/').count());
    let fitting = |shaped: bool| -> Vec<&str> {
        values
            .iter()
            .filter(|r| {
                *r == "*"
                    || action.resource_types.iter().any(|rt| {
                        (!shaped || slashes(r) == slashes(rt.arn)) && arn::likely_names(r, rt.arn)
                    })
            })
            .collect()
    };
    let shaped = fitting(true);
    if !shaped.is_empty() {
        return shaped;
    }
    let loose = fitting(false);
    if loose.is_empty() {
        values.iter().collect()
    } else {
        loose
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Options, load_text};

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
        assert_eq!(some.get(AccessLevel::Read).describe(), "Limited (1 of 5)");
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
}

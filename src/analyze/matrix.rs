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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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

/// What one holder is granted.
pub fn role_matrix(source: &Source, role: &Role) -> RoleMatrix {
    let (basis, policies) = counted(source, role);
    let statements: Vec<&Statement> = policies.iter().flat_map(|p| p.statements()).collect();
    // For each action granted, the statements that grant it.
    let mut allowed: HashMap<usize, (&'static Action, Vec<usize>)> = HashMap::new();
    let mut denied: HashSet<usize> = HashSet::new();
    let mut deny_named: BTreeMap<&'static str, HashSet<usize>> = BTreeMap::new();
    let mut unknown = BTreeSet::new();
    for (k, s) in statements.iter().enumerate() {
        let actions = covered(s);
        for pattern in s.action.iter().flat_map(|a| &a.items) {
            if grants::is_catalog_pattern(&pattern.value)
                && Catalog::get()
                    .expand(&pattern.value)
                    .is_ok_and(|a| a.is_empty())
            {
                unknown.insert(pattern.value.clone());
            }
        }
        match s.effect() {
            Some(Effect::Allow) => {
                for (a, _) in actions {
                    allowed.entry(a.id()).or_insert((a, Vec::new())).1.push(k);
                }
            }
            Some(Effect::Deny) => {
                for (a, _) in actions {
                    deny_named.entry(a.service).or_default().insert(a.id());
                    if s.condition.is_none() && unconstrained(s, a) {
                        denied.insert(a.id());
                    }
                }
            }
            None => {}
        }
    }
    allowed.retain(|id, _| !denied.contains(id));
    let mut by_service: BTreeMap<&'static str, Vec<(&'static Action, &[usize])>> = BTreeMap::new();
    for (a, ks) in allowed.values() {
        by_service.entry(a.service).or_default().push((a, ks));
    }
    let services: Vec<ServiceRow> = by_service
        .iter()
        .filter_map(|(service, granted)| service_row(service, granted, &statements))
        .collect();
    let denied_only = deny_named
        .into_iter()
        .filter(|(service, _)| !by_service.contains_key(service))
        .filter_map(|(service, ids)| {
            let s = Catalog::get().service(service)?;
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
    granted: &[(&'static Action, &[usize])],
    statements: &[&Statement],
) -> Option<ServiceRow> {
    let service = Catalog::get().service(prefix)?;
    let mut levels = Levels::default();
    for a in service.actions() {
        levels.0[level_index(a.access_level)].total += 1;
    }
    for (a, _) in granted {
        levels.0[level_index(a.access_level)].granted += 1;
    }
    // Resource → levels granted on it; conditions of the granting statements.
    let mut resources: BTreeMap<(bool, bool, String), BTreeSet<AccessLevel>> = BTreeMap::new();
    let mut conditions = BTreeSet::new();
    for (a, ks) in granted {
        for &k in *ks {
            let s = statements[k];
            if let Some((values, not)) = s.resources() {
                for r in applying(values, not, a) {
                    resources
                        .entry((r != "*", not, r.to_string()))
                        .or_default()
                        .insert(a.access_level);
                }
            }
            for block in s.condition.iter().flat_map(|c| &c.operators) {
                for e in &block.entries {
                    conditions.insert(ConditionSummary {
                        operator: block.operator.value.clone(),
                        key: e.key.value.clone(),
                        values: e.values.iter().map(|v| v.text.clone()).collect(),
                    });
                }
            }
        }
    }
    Some(ServiceRow {
        service: service.prefix,
        name: service.name,
        summary: levels.summary(),
        levels,
        resources: resources
            .into_iter()
            .map(|((_, not, resource), levels)| ResourceGrant {
                resource,
                not,
                levels: levels.into_iter().map(AccessLevel::as_str).collect(),
            })
            .collect(),
        conditions: conditions.into_iter().collect(),
    })
}

/// The statement's resources that apply to `action`, as shown in the matrix: every
/// NotResource; else the Resource values that are likely one of its resource types (and
/// of those, when some have as many `/` as that type's ARN pattern, only those, so
/// `s3:ListBucket` shows on `arn:aws:s3:::b` rather than also on `arn:aws:s3:::b/*`); all
/// of them when none is (the grant is shown as written).
fn applying<'a>(values: &'a Values, not: bool, action: &Action) -> Vec<&'a str> {
    if not || action.resource_types.is_empty() {
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
    [fitting(true), fitting(false)]
        .into_iter()
        .find(|found| !found.is_empty())
        .unwrap_or_else(|| values.iter().collect())
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

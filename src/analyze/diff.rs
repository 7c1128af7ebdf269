//! What changed between two versions of a vendor's permissions, in what they grant rather
//! than in their text. Each holder of OLD is matched with the holder of NEW of the same name
//! (a document that names no holder with the other such document, and when one holder is
//! left on each side, those two). For each, its statements are flattened into grants (one
//! per catalog action, Resource value, principal and set of conditions), so reordering,
//! reformatting, Sid renames and splitting or merging statements change nothing; the grants
//! NEW has and OLD had not are added, the reverse removed. Beside them: access-level
//! changes per service (from the permission matrix), findings new and gone (from `check`),
//! and trust changes (principals that may newly assume the role, external IDs no longer
//! required).
//!
//! NEW grants more when an added Allow is not inside one OLD had (same action, an OLD
//! Resource covering the new one, no condition or the same), a Deny is removed, a principal
//! may newly assume a role, or an external ID is no longer required.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use serde::Serialize;

use super::Finding;
use super::arn;
use super::grants::{identity_policies, statement_actions};
use super::matrix::role_matrix;
use super::review::holder_key;
use crate::catalog::{AccessLevel, Action};
use crate::model::{Effect, Policy, PolicyKind, Principal, Role, Source, Statement, glob};

/// Every holder's changes, and whether NEW grants more than OLD.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Diff {
    pub holders: Vec<HolderDiff>,
    /// Holders only OLD has.
    pub removed_holders: Vec<String>,
    /// Holders only NEW has (what they grant is in `holders`, all added).
    pub added_holders: Vec<String>,
    pub grants_more: bool,
}

/// What changed for one holder.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HolderDiff {
    pub name: String,
    /// The holder's name in OLD when it differs (paired as the one holder left).
    pub old_name: Option<String>,
    pub added: Vec<GrantGroup>,
    pub removed: Vec<GrantGroup>,
    pub levels: Vec<LevelChange>,
    pub new_findings: Vec<FindingLine>,
    pub gone_findings: Vec<FindingLine>,
    pub trust: Vec<TrustChange>,
    pub grants_more: bool,
}

impl HolderDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.levels.is_empty()
            && self.new_findings.is_empty()
            && self.gone_findings.is_empty()
            && self.trust.is_empty()
    }
}

/// Actions granted (or denied) alike: same policy kind, effect, resource, principal and
/// conditions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrantGroup {
    /// The kind of policy: `identity`, `resource`, `boundary`, ...
    pub kind: &'static str,
    pub effect: &'static str,
    /// A Resource value, or `NotResource: a, b` for everything but those.
    pub resource: String,
    /// For a resource policy, who is granted: `AWS=arn:...`.
    pub principal: Option<String>,
    /// `StringEquals aws:SourceAccount = 111122223333`, clauses joined with `; `.
    pub conditions: String,
    pub actions: Vec<String>,
    /// For an added Allow: whether OLD granted it already more widely (a narrowing).
    pub within_old: bool,
}

/// One service whose access levels changed, with each level before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LevelChange {
    pub service: String,
    /// Per access level in the console's order (List, Read, Write, Permissions
    /// management, Tagging): (old, new), as the matrix writes them (`Full`, `2 of 66`).
    pub levels: Vec<(String, String)>,
}

/// A finding as compared across versions: its code and message.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingLine {
    pub severity: String,
    pub code: String,
    pub message: String,
}

/// A change of who may assume a role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum TrustChange {
    /// May newly assume it.
    Added {
        principal: String,
        external_id: bool,
    },
    /// May no longer assume it.
    Removed { principal: String },
    /// Still may, but no longer has to give an external ID.
    ExternalIdRemoved { principal: String },
    /// Now has to give an external ID.
    ExternalIdAdded { principal: String },
}

/// One flattened grant. Its texts are shared by every action of a statement.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Grant {
    kind: &'static str,
    effect: &'static str,
    resource: Rc<str>,
    principal: Option<Rc<str>>,
    conditions: Rc<str>,
    action: ActionRef,
}

/// A catalog action compared, ordered and hashed by its id (catalog order).
#[derive(Clone, Copy, Debug)]
struct ActionRef(&'static Action);

impl PartialEq for ActionRef {
    fn eq(&self, other: &Self) -> bool {
        self.0.id() == other.0.id()
    }
}

impl Eq for ActionRef {}

impl PartialOrd for ActionRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ActionRef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.id().cmp(&other.0.id())
    }
}

impl std::hash::Hash for ActionRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.id().hash(state);
    }
}

/// A holder with the source it is in.
type Held<'a> = (&'a Source, &'a Role);

/// The diff between `old` and `new`, of every holder or of the one named `role`.
pub fn diff(
    old: &[Source],
    new: &[Source],
    old_findings: &[Finding],
    new_findings: &[Finding],
    role: Option<&str>,
) -> Result<Diff, String> {
    let mut olds = holders_of(old, role);
    let mut news = holders_of(new, role);
    if let Some(name) = role
        && olds.is_empty()
        && news.is_empty()
    {
        return Err(format!("no role named `{name}` in either version"));
    }
    // With --role, a version with no holder of that name but only one holder (a policy
    // document) is compared as that holder.
    for (found, sources) in [(&mut olds, old), (&mut news, new)] {
        let all = holders_of(sources, None);
        if found.is_empty() && all.len() == 1 {
            *found = all;
        }
    }
    let mut out = Diff::default();
    let mut paired: Vec<(Option<Held>, Option<Held>)> = Vec::new();
    let mut unmatched_old: Vec<(&Source, &Role)> = Vec::new();
    let mut new_left: Vec<Option<(&Source, &Role)>> = news.iter().copied().map(Some).collect();
    for o in &olds {
        let key = holder_key(o.1);
        match new_left
            .iter_mut()
            .find(|n| n.is_some_and(|n| holder_key(n.1) == key))
        {
            Some(slot) => paired.push((Some(*o), slot.take())),
            None => unmatched_old.push(*o),
        }
    }
    let rest_new: Vec<(&Source, &Role)> = new_left.into_iter().flatten().collect();
    if let ([o], [n]) = (unmatched_old.as_slice(), rest_new.as_slice()) {
        paired.push((Some(*o), Some(*n)));
    } else {
        paired.extend(unmatched_old.iter().map(|o| (Some(*o), None)));
        paired.extend(rest_new.iter().map(|n| (None, Some(*n))));
    }
    for (o, n) in paired {
        match (o, n) {
            (Some(o), None) => out.removed_holders.push(o.1.name.clone()),
            (o, Some(n)) => {
                if o.is_none() {
                    out.added_holders.push(n.1.name.clone());
                }
                let h = holder_diff(o, n, old_findings, new_findings);
                out.grants_more |= h.grants_more;
                if !h.is_empty() {
                    out.holders.push(h);
                }
            }
            (None, None) => {}
        }
    }
    Ok(out)
}

fn holders_of<'a>(sources: &'a [Source], role: Option<&str>) -> Vec<(&'a Source, &'a Role)> {
    sources
        .iter()
        .flat_map(|s| s.roles.iter().map(move |r| (s, r)))
        .filter(|(_, r)| role.is_none_or(|name| r.name.eq_ignore_ascii_case(name)))
        .collect()
}

/// The policies that say what a holder may do: its own (a user's groups' identity policies
/// too).
fn policies<'a>(source: &'a Source, role: &'a Role) -> Vec<&'a Policy> {
    let mut out: Vec<&Policy> = role.policies.iter().collect();
    out.extend(
        identity_policies(source, role)
            .into_iter()
            .filter(|(holder, _)| !std::ptr::eq(*holder, role))
            .map(|(_, p)| p),
    );
    out
}

fn grants(source: &Source, role: &Role) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for policy in policies(source, role) {
        if policy.kind == PolicyKind::Trust {
            continue;
        }
        for s in policy.statements() {
            let Some(effect) = s.effect() else { continue };
            let actions = statement_actions(s);
            let resources: Vec<Rc<str>> = match s.resources() {
                Some((values, false)) => values.iter().map(Rc::from).collect(),
                Some((values, true)) => {
                    let set: BTreeSet<&str> = values.iter().collect();
                    let all = set.into_iter().collect::<Vec<_>>().join(", ");
                    vec![Rc::from(format!("NotResource: {all}"))]
                }
                None => vec![Rc::from("")],
            };
            let principals: Vec<Option<Rc<str>>> = principal_values(s)
                .into_iter()
                .map(|p| p.map(Rc::from))
                .collect();
            let conditions: Rc<str> = Rc::from(condition_text(s));
            let not = matches!(s.resources(), Some((_, true)));
            for (a, _) in &actions {
                // The Resource values that can name one of the action's resources (all of
                // them when none can: the grant is kept as written).
                let applying: Vec<&Rc<str>> = resources
                    .iter()
                    .filter(|r| not || likely_applies(r, a))
                    .collect();
                let applying = if applying.is_empty() {
                    resources.iter().collect()
                } else {
                    applying
                };
                for r in applying {
                    for p in &principals {
                        out.insert(Grant {
                            kind: policy.kind.as_str(),
                            effect: effect.as_str(),
                            resource: r.clone(),
                            principal: p.clone(),
                            conditions: conditions.clone(),
                            action: ActionRef(a),
                        });
                    }
                }
            }
        }
    }
    out
}

/// Whether a Resource value most likely names a resource of `action`: `*`, an action with
/// no resource type, or a value shaped like one of its types (a placeholder taken for one
/// name, so `arn:aws:s3:::logs-${AccountId}` is a bucket, not an object).
fn likely_applies(resource: &str, action: &crate::catalog::Action) -> bool {
    resource == "*"
        || action.resource_types.is_empty()
        || action
            .resource_types
            .iter()
            .any(|rt| arn::likely_names(resource, rt.arn))
}

/// Each principal value of a statement on its own (`AWS=arn:...`), or one `None` when it
/// names none.
fn principal_values(s: &Statement) -> Vec<Option<String>> {
    match s.principals() {
        None => vec![None],
        Some((p, not)) => {
            let prefix = if not { "NotPrincipal " } else { "" };
            match p {
                Principal::Wildcard(_) => vec![Some(format!("{prefix}*"))],
                Principal::Map { entries, .. } => entries
                    .iter()
                    .flat_map(|e| {
                        e.values
                            .iter()
                            .map(move |v| Some(format!("{prefix}{}={v}", e.key.value)))
                    })
                    .collect(),
            }
        }
    }
}

/// A statement's conditions as sorted clauses, `StringEquals sts:ExternalId = a, b`,
/// joined with `; `.
fn condition_text(s: &Statement) -> String {
    let mut clauses = BTreeSet::new();
    for block in s.condition.iter().flat_map(|c| &c.operators) {
        for e in &block.entries {
            let values: BTreeSet<&str> = e.values.iter().map(|v| v.text.as_str()).collect();
            clauses.insert(format!(
                "{} {} = {}",
                block.operator.value,
                e.key.value,
                values.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    clauses.into_iter().collect::<Vec<_>>().join("; ")
}

fn holder_diff(
    old: Option<(&Source, &Role)>,
    new: (&Source, &Role),
    old_findings: &[Finding],
    new_findings: &[Finding],
) -> HolderDiff {
    let before = old.map(|(s, r)| grants(s, r)).unwrap_or_default();
    let after = grants(new.0, new.1);
    // OLD's grants by (kind, effect, action), to tell a widening from a narrowing.
    let mut index: HashMap<(&str, &str, ActionRef), Vec<&Grant>> = HashMap::new();
    for g in &before {
        index
            .entry((g.kind, g.effect, g.action))
            .or_default()
            .push(g);
    }
    let within_old = |g: &Grant| {
        index
            .get(&(g.kind, g.effect, g.action))
            .is_some_and(|olds| {
                olds.iter().any(|o| {
                    o.principal == g.principal
                        && (o.conditions.is_empty() || o.conditions == g.conditions)
                        && (o.resource == g.resource
                            || (!o.resource.starts_with("NotResource")
                                && glob::covers(&o.resource, &g.resource, false)))
                })
            })
    };
    let added: Vec<(&Grant, bool)> = after
        .difference(&before)
        .map(|g| (g, g.effect == "Allow" && within_old(g)))
        .collect();
    let removed: Vec<&Grant> = before.difference(&after).collect();
    let mut out = HolderDiff {
        name: new.1.name.clone(),
        old_name: old
            .map(|(_, r)| r.name.clone())
            .filter(|n| *n != new.1.name),
        ..HolderDiff::default()
    };
    out.grants_more = added
        .iter()
        .any(|(g, within)| g.effect == "Allow" && !within)
        || removed.iter().any(|g| g.effect == "Deny");
    out.added = group(added.iter().map(|(g, w)| (*g, *w)));
    out.removed = group(removed.iter().map(|g| (*g, false)));
    out.levels = level_changes(old, new);
    let lines = |findings: &[Finding], name: Option<&str>| -> BTreeSet<FindingLine> {
        findings
            .iter()
            .filter(|f| name.is_some() && f.role.as_deref() == name)
            .map(|f| FindingLine {
                severity: f.severity.as_str().into(),
                code: f.code.into(),
                message: without_positions(&f.message),
            })
            .collect()
    };
    let was = lines(old_findings, old.map(|(_, r)| r.name.as_str()));
    let now = lines(new_findings, Some(new.1.name.as_str()));
    out.new_findings = now.difference(&was).cloned().collect();
    out.gone_findings = was.difference(&now).cloned().collect();
    out.trust = trust_changes(old.map(|(_, r)| r), new.1);
    out.grants_more |= out.trust.iter().any(|t| {
        matches!(
            t,
            TrustChange::Added { .. } | TrustChange::ExternalIdRemoved { .. }
        )
    });
    out
}

/// A finding's message with the positions it names (`line 12`, `statement 3`) and the
/// number of places a placeholder is written blanked, so moving a statement or changing the
/// shape does not make its findings new and gone.
fn without_positions(message: &str) -> String {
    let mut out = message.to_string();
    for word in ["line ", "statement ", "Statement "] {
        let mut from = 0;
        while let Some(at) = out[from..].find(word).map(|i| i + from) {
            let start = at + word.len();
            let digits = out[start..].bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 {
                out.replace_range(start..start + digits, "…");
            }
            from = start;
        }
    }
    // `(9 places)`: how often a placeholder is written depends on the shape, not the grant.
    let mut from = 0;
    while let Some(open) = out[from..].find('(').map(|i| i + from) {
        let digits = out[open + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let end = open + 1 + digits;
        if digits > 0 && out[end..].starts_with(" place") {
            out.replace_range(open + 1..end, "…");
        }
        from = open + 1;
    }
    out
}

/// Grants gathered by everything but their action, in a stable order.
fn group<'a>(grants: impl Iterator<Item = (&'a Grant, bool)>) -> Vec<GrantGroup> {
    type Key = (
        &'static str,
        &'static str,
        Rc<str>,
        Option<Rc<str>>,
        Rc<str>,
        bool,
    );
    let mut groups: BTreeMap<Key, Vec<String>> = BTreeMap::new();
    for (g, within) in grants {
        let key = (
            g.kind,
            g.effect,
            g.resource.clone(),
            g.principal.clone(),
            g.conditions.clone(),
            within,
        );
        groups.entry(key).or_default().push(g.action.0.full_name());
    }
    groups
        .into_iter()
        .map(
            |((kind, effect, resource, principal, conditions, within_old), actions)| GrantGroup {
                kind,
                effect,
                resource: resource.to_string(),
                principal: principal.map(|p| p.to_string()),
                conditions: conditions.to_string(),
                actions,
                within_old,
            },
        )
        .collect()
}

/// Services whose access levels differ between the holder's two matrices.
fn level_changes(old: Option<(&Source, &Role)>, new: (&Source, &Role)) -> Vec<LevelChange> {
    let rows = |m: super::matrix::RoleMatrix| -> BTreeMap<&'static str, Vec<String>> {
        m.services
            .iter()
            .map(|row| {
                (
                    row.service,
                    AccessLevel::ALL
                        .map(|l| row.levels.get(l).describe())
                        .to_vec(),
                )
            })
            .collect()
    };
    let before = old
        .map(|(s, r)| rows(role_matrix(s, r)))
        .unwrap_or_default();
    let after = rows(role_matrix(new.0, new.1));
    let none = || vec!["None".to_string(); 5];
    let services: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
    services
        .into_iter()
        .filter_map(|service| {
            let b = before.get(service).cloned().unwrap_or_else(none);
            let a = after.get(service).cloned().unwrap_or_else(none);
            (a != b).then(|| LevelChange {
                service: service.into(),
                levels: b.into_iter().zip(a).collect(),
            })
        })
        .collect()
}

/// Who may assume the role (each principal value of an Allow in its trust policies), and
/// whether every statement letting them requires an external ID.
fn trusted(role: &Role) -> BTreeMap<String, bool> {
    let mut out: BTreeMap<String, bool> = BTreeMap::new();
    for policy in role.policies.iter().filter(|p| p.kind == PolicyKind::Trust) {
        for s in policy.statements() {
            if s.effect() != Some(Effect::Allow) {
                continue;
            }
            let external = super::security::requires_external_id(s);
            for p in principal_values(s).into_iter().flatten() {
                let required = out.entry(p).or_insert(true);
                *required &= external;
            }
        }
    }
    out
}

fn trust_changes(old: Option<&Role>, new: &Role) -> Vec<TrustChange> {
    let before = old.map(trusted).unwrap_or_default();
    let after = trusted(new);
    let mut out = Vec::new();
    for (p, external) in &after {
        match before.get(p) {
            None => out.push(TrustChange::Added {
                principal: p.clone(),
                external_id: *external,
            }),
            Some(true) if !external => out.push(TrustChange::ExternalIdRemoved {
                principal: p.clone(),
            }),
            Some(false) if *external => out.push(TrustChange::ExternalIdAdded {
                principal: p.clone(),
            }),
            _ => {}
        }
    }
    for p in before.keys().filter(|p| !after.contains_key(*p)) {
        out.push(TrustChange::Removed {
            principal: p.clone(),
        });
    }
    out
}

//! The policies of a template's resources: documents evaluated into one policy per
//! condition outcome, inline policy lists, managed policy ARNs, and the attachment of
//! policies to the roles, users, groups and resources they name.

use crate::model::codes;
use std::collections::{BTreeMap, BTreeSet};

use super::intrinsic::{Template, World, variants};
use super::{first_string, join_notes, resource_type, seed};
use crate::load::document;
use crate::load::holders::{Holders, managed_ref};
use crate::load::node::{Member, Node, Value};
use crate::model::{
    Diagnostic, ManagedRef, Policy, PolicyDocument, PolicyKind, Role, RoleKind, Text,
};

/// Resource types that hold a resource policy: the property with the policy and the one
/// naming the protected resource (empty when the policy is on the resource itself).
const RESOURCE_POLICIES: [(&str, &str, &str); 6] = [
    ("AWS::S3::BucketPolicy", "PolicyDocument", "Bucket"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument", "Queues"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument", "Topics"),
    ("AWS::KMS::Key", "KeyPolicy", ""),
    (
        "AWS::SecretsManager::ResourcePolicy",
        "ResourcePolicy",
        "SecretId",
    ),
    ("AWS::ECR::Repository", "RepositoryPolicyText", ""),
];

/// The template's `AWS::IAM::ManagedPolicy` resources, and which of them something uses.
#[derive(Default)]
pub struct Managed {
    by_logical_id: BTreeMap<String, Vec<Policy>>,
    used: BTreeSet<String>,
}

fn properties(resource: &Node) -> Option<&Node> {
    resource.get("Properties")
}

fn prop<'n>(resource: &'n Node, name: &str) -> Option<&'n Node> {
    properties(resource)?.get(name)
}

/// "only when condition X is true" for a resource with a `Condition` attribute.
fn condition_note(resource: &Node) -> Option<String> {
    resource
        .get("Condition")
        .and_then(Node::as_str)
        .map(|c| format!("only when condition {} is true", crate::text::escape(c)))
}

/// Evaluates every `AWS::IAM::ManagedPolicy` of the template.
pub fn managed_policies(
    t: &Template<'_>,
    resources: &[Member],
    diags: &mut Vec<Diagnostic>,
) -> Managed {
    let mut managed = Managed::default();
    for m in resources {
        if resource_type(&m.value) != "AWS::IAM::ManagedPolicy" {
            continue;
        }
        let world = seed(&m.value);
        let logical = &m.key.value.to_string();
        let name = first_string(t, prop(&m.value, "ManagedPolicyName"), &world, diags)
            .unwrap_or_else(|| logical.clone());
        let cond = condition_note(&m.value);
        let policies = documents(t, prop(&m.value, "PolicyDocument"), &world, diags)
            .into_iter()
            .map(|(doc, note)| {
                let mut p = Policy::new(name.clone(), PolicyKind::Identity, doc);
                p.managed = Some(ManagedRef {
                    name: name.as_str().into(),
                    arn: format!("${{{logical}}}").into(),
                    resolved: true,
                });
                p.note = join_notes(&[cond.as_deref(), note.as_deref()]);
                p
            })
            .collect();
        managed.by_logical_id.insert(logical.clone(), policies);
    }
    managed
}

/// The name a role, user or group resource gets: its name property, else its logical ID.
fn holder_name(
    t: &Template<'_>,
    logical: &str,
    resource: &Node,
    kind: RoleKind,
    diags: &mut Vec<Diagnostic>,
) -> String {
    let property = match kind {
        RoleKind::User => "UserName",
        RoleKind::Group => "GroupName",
        _ => "RoleName",
    };
    // A name computed at deployment reads worse than the logical ID.
    first_string(t, prop(resource, property), &seed(resource), diags)
        .filter(|name| !name.contains("Fn::"))
        .unwrap_or_else(|| logical.to_string())
}

/// An `AWS::IAM::Role`, `User` or `Group` with the policies its own properties give.
pub fn principal(
    t: &Template<'_>,
    resources: &[Member],
    key: &Text,
    resource: &Node,
    kind: RoleKind,
    managed: &mut Managed,
    diags: &mut Vec<Diagnostic>,
) -> Role {
    let world = seed(resource);
    let name = holder_name(t, &key.value, resource, kind, diags);
    let mut role = Role::new(name.clone(), kind);
    role.loc = key.loc;
    let logical = (name != key.value).then(|| format!("logical ID {}", key.value));
    role.note = join_notes(&[logical.as_deref(), condition_note(resource).as_deref()]);
    if kind == RoleKind::Role {
        for (doc, note) in documents(t, prop(resource, "AssumeRolePolicyDocument"), &world, diags) {
            let mut p = Policy::new("trust policy", PolicyKind::Trust, doc);
            p.note = note;
            role.policies.push(p);
        }
    }
    if let Some(list) = prop(resource, "Policies") {
        role.policies
            .extend(inline_policies(t, list, &world, diags));
    }
    if let Some(arns) = prop(resource, "ManagedPolicyArns") {
        role.policies.extend(managed_refs(
            t,
            arns,
            &world,
            PolicyKind::Identity,
            managed,
            diags,
        ));
    }
    if let Some(arn) = prop(resource, "PermissionsBoundary") {
        role.policies.extend(managed_refs(
            t,
            arn,
            &world,
            PolicyKind::Boundary,
            managed,
            diags,
        ));
    }
    for group in prop(resource, "Groups")
        .and_then(Node::as_array)
        .unwrap_or(&[])
    {
        let target = t.ref_target(group).and_then(|logical| {
            let m = resources.iter().find(|m| m.key.value == logical)?;
            Some(holder_name(t, logical, &m.value, RoleKind::Group, diags))
        });
        if let Some(name) = target.or_else(|| first_string(t, Some(group), &world, diags)) {
            role.groups.push(name);
        }
    }
    role
}

/// Attaches the policies a resource holds or attaches: `AWS::IAM::Policy`,
/// `ManagedPolicy`, `RolePolicy`, `UserPolicy`, `GroupPolicy` and resource policies.
pub fn attached(
    t: &Template<'_>,
    key: &Text,
    resource: &Node,
    holders: &mut Holders,
    managed: &mut Managed,
    diags: &mut Vec<Diagnostic>,
) {
    let world = seed(resource);
    let kind = resource_type(resource);
    let lists = [
        ("Roles", RoleKind::Role),
        ("Users", RoleKind::User),
        ("Groups", RoleKind::Group),
    ];
    let (policies, targets) = match kind {
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
            let mut targets = Vec::new();
            for (list, kind) in lists {
                let list = prop(resource, list);
                targets.extend(holders_of(t, list, kind, true, holders, &world, diags));
            }
            if kind == "AWS::IAM::Policy" {
                let policies = named_documents(t, key, resource, "PolicyName", &world, diags);
                return attach_all(holders, &targets, &policies);
            }
            if !targets.is_empty() {
                managed.used.insert(key.value.to_string());
            }
            let policies = managed
                .by_logical_id
                .get(key.value.as_str())
                .cloned()
                .unwrap_or_default();
            (policies, targets)
        }
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            let (property, kind) = match kind {
                "AWS::IAM::RolePolicy" => ("RoleName", RoleKind::Role),
                "AWS::IAM::UserPolicy" => ("UserName", RoleKind::User),
                _ => ("GroupName", RoleKind::Group),
            };
            let policies = named_documents(t, key, resource, "PolicyName", &world, diags);
            let targets = holders_of(
                t,
                prop(resource, property),
                kind,
                false,
                holders,
                &world,
                diags,
            );
            (policies, targets)
        }
        _ => match RESOURCE_POLICIES.iter().find(|(k, _, _)| *k == kind) {
            Some(&(_, property, target)) => {
                resource_policy(t, key, resource, property, target, holders, &world, diags);
                return;
            }
            None => return,
        },
    };
    attach_all(holders, &targets, &policies);
}

fn attach_all(holders: &mut Holders, targets: &[usize], policies: &[Policy]) {
    for &i in targets {
        holders.roles[i].policies.extend(policies.iter().cloned());
    }
}

/// The documents of a policy resource, named by its name property or logical ID.
fn named_documents(
    t: &Template<'_>,
    key: &Text,
    resource: &Node,
    name_property: &str,
    world: &World,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Policy> {
    let name = first_string(t, prop(resource, name_property), world, diags)
        .unwrap_or_else(|| key.value.to_string());
    let cond = condition_note(resource);
    documents(t, prop(resource, "PolicyDocument"), world, diags)
        .into_iter()
        .map(|(doc, note)| {
            let mut p = Policy::new(name.clone(), PolicyKind::Identity, doc);
            p.note = join_notes(&[cond.as_deref(), note.as_deref()]);
            p
        })
        .collect()
}

/// A resource policy, held by the resource it protects.
#[allow(clippy::too_many_arguments)]
fn resource_policy(
    t: &Template<'_>,
    key: &Text,
    resource: &Node,
    property: &str,
    target: &str,
    holders: &mut Holders,
    world: &World,
    diags: &mut Vec<Diagnostic>,
) {
    let target_node = (!target.is_empty())
        .then(|| prop(resource, target))
        .flatten();
    let items: Vec<&Node> = match target_node {
        Some(n) => n.as_array().map_or_else(|| vec![n], |a| a.iter().collect()),
        None => Vec::new(),
    };
    let names: Vec<String> = items
        .iter()
        .filter_map(|item| {
            t.ref_target(item)
                .map(str::to_string)
                .or_else(|| first_string(t, Some(item), world, diags))
        })
        .collect();
    let name = if names.is_empty() {
        key.value.to_string()
    } else {
        names.join(", ")
    };
    let i = holders.named(&name, RoleKind::Resource, key.loc);
    let kind = resource_type(resource).to_string();
    holders.roles[i].note.get_or_insert(kind.clone());
    let cond = condition_note(resource);
    for (doc, note) in documents(t, prop(resource, property), world, diags) {
        let mut p = Policy::new(kind.clone(), PolicyKind::Resource, doc);
        p.note = join_notes(&[cond.as_deref(), note.as_deref()]);
        holders.roles[i].policies.push(p);
    }
}

/// The holders a `Roles`/`Users`/`Groups` list (or a single `RoleName`) names: by `Ref` to
/// a resource of the template, else by name (a holder defined elsewhere is created).
fn holders_of(
    t: &Template<'_>,
    node: Option<&Node>,
    kind: RoleKind,
    list: bool,
    holders: &mut Holders,
    world: &World,
    diags: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let Some(node) = node else {
        return Vec::new();
    };
    let items: Vec<&Node> = match (list, node.as_array()) {
        (true, Some(items)) => items.iter().collect(),
        _ => vec![node],
    };
    let mut out = Vec::new();
    for item in items {
        if let Some(&i) = t
            .ref_target(item)
            .and_then(|logical| holders.by_key.get(logical))
        {
            out.push(i);
        } else if let Some(name) = first_string(t, Some(item), world, diags) {
            out.push(holders.named(&name, kind, item.loc));
        }
    }
    out
}

/// The managed policies the template defines that nothing attaches.
pub fn unattached(managed: &Managed) -> Vec<Policy> {
    managed
        .by_logical_id
        .iter()
        .filter(|(logical, _)| !managed.used.contains(*logical))
        .flat_map(|(_, policies)| policies.iter().cloned())
        .collect()
}

/// A `Policies` list of inline policies (`{PolicyName, PolicyDocument}` items).
fn inline_policies(
    t: &Template<'_>,
    list: &Node,
    world: &World,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Policy> {
    let mut out = Vec::new();
    for lv in variants(t, world, diags, |r| r.shallow(list)) {
        let Some(list) = lv.value else { continue };
        let Some(items) = list.as_array() else {
            diags.push(Diagnostic::new(
                codes::CFN_NOT_A_POLICY,
                list.loc,
                format!("Policies must be a list; found {}", list.kind_name()),
            ));
            continue;
        };
        for item in items {
            for iv in variants(t, &lv.world, diags, |r| r.shallow(item)) {
                let Some(policy) = iv.value else { continue };
                let name = first_string(t, policy.get("PolicyName"), &iv.world, diags)
                    .unwrap_or_else(|| "inline policy".to_string());
                for (doc, note) in documents(t, policy.get("PolicyDocument"), &iv.world, diags) {
                    let mut p = Policy::new(name.clone(), PolicyKind::Identity, doc);
                    p.note = join_notes(&[lv.note.as_deref(), iv.note.as_deref(), note.as_deref()]);
                    out.push(p);
                }
            }
        }
    }
    out
}

/// The managed policy `{"Fn::GetAtt": "Policy.PolicyArn"}` names.
fn policy_arn_of(node: &Node) -> Option<&str> {
    let ("Fn::GetAtt", arg) = super::intrinsic::function(node)? else {
        return None;
    };
    let path = match arg.as_array() {
        Some([resource, attribute]) if attribute.as_str() == Some("PolicyArn") => {
            return resource.as_str();
        }
        _ => arg.as_str()?,
    };
    path.strip_suffix(".PolicyArn")
}

/// Managed policy references from `ManagedPolicyArns` (a list) or `PermissionsBoundary`
/// (one ARN). A `Ref` to a managed policy of the template brings its document.
fn managed_refs(
    t: &Template<'_>,
    node: &Node,
    world: &World,
    kind: PolicyKind,
    managed: &mut Managed,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Policy> {
    let mut out = Vec::new();
    let node = &lists_evaluated(node, 0);
    for lv in variants(t, world, diags, |r| r.shallow(node)) {
        let Some(value) = lv.value else { continue };
        let items: Vec<&Node> = match value.as_array() {
            Some(items) => items.iter().collect(),
            None => vec![&value],
        };
        for item in items {
            if let Some(logical) = t.ref_target(item).or_else(|| policy_arn_of(item))
                && let Some(policies) = managed.by_logical_id.get(logical)
            {
                managed.used.insert(logical.to_string());
                out.extend(policies.iter().cloned().map(|mut p| {
                    p.kind = kind;
                    p.note = join_notes(&[lv.note.as_deref(), p.note.as_deref()]);
                    p
                }));
                continue;
            }
            for iv in variants(t, &lv.world, diags, |r| r.string(item)) {
                if let Some(arn) = iv.value {
                    let note = join_notes(&[lv.note.as_deref(), iv.note.as_deref()]);
                    out.push(managed_ref(arn.into(), kind, item.loc, note));
                }
            }
        }
    }
    out
}

/// A list of ARNs with `Fn::Split` of a `Fn::Join` on the same delimiter, and `Fn::Select`
/// from a written list, evaluated over their parts (in either branch of an `Fn::If`), so
/// that a `Ref` to a managed policy of the template among them stays a `Ref` and brings
/// its document: `!Split [",", !Join [",", [ViewOnlyArn, !Ref PolicyA]]]` is the list
/// `[ViewOnlyArn, !Ref PolicyA]`. Anything else is kept for the evaluator.
fn lists_evaluated(node: &Node, depth: usize) -> Node {
    const MAX_DEPTH: usize = 16;
    if depth > MAX_DEPTH {
        return node.clone();
    }
    let each = |nodes: &[Node]| -> Vec<Node> {
        nodes
            .iter()
            .map(|n| lists_evaluated(n, depth + 1))
            .collect()
    };
    let args = |arg: &Node| arg.as_array().map(<[Node]>::to_vec).unwrap_or_default();
    match super::intrinsic::function(node) {
        Some(("Fn::If", arg)) => match args(arg).as_slice() {
            [condition, a, b] => {
                let branches = vec![
                    condition.clone(),
                    lists_evaluated(a, depth + 1),
                    lists_evaluated(b, depth + 1),
                ];
                call(
                    "Fn::If",
                    Node::new(Value::Array(branches), arg.loc),
                    node.loc,
                )
            }
            _ => node.clone(),
        },
        Some(("Fn::Split", arg)) => match args(arg).as_slice() {
            [delimiter, joined] => {
                let parts = delimiter.as_str().and_then(|d| joined_parts(joined, d));
                match parts {
                    Some(parts) => Node::new(Value::Array(each(&parts)), node.loc),
                    None => node.clone(),
                }
            }
            _ => node.clone(),
        },
        Some(("Fn::Select", arg)) => match args(arg).as_slice() {
            [index, list] => {
                let list = lists_evaluated(list, depth + 1);
                let i = super::intrinsic::scalar_text(index).and_then(|i| i.parse::<usize>().ok());
                match (i, list.as_array()) {
                    (Some(i), Some(items)) if i < items.len() => items[i].clone(),
                    _ => node.clone(),
                }
            }
            _ => node.clone(),
        },
        None => match node.as_array() {
            Some(items) => Node::new(Value::Array(each(items)), node.loc),
            None => node.clone(),
        },
        Some(_) => node.clone(),
    }
}

/// The parts of `!Join [delimiter, [parts]]` when none of its written parts holds the
/// delimiter (splitting the joined text on it gives the parts back).
fn joined_parts(joined: &Node, delimiter: &str) -> Option<Vec<Node>> {
    let (name, arg) = super::intrinsic::function(joined)?;
    let [d, parts] = arg.as_array()? else {
        return None;
    };
    let parts = parts.as_array()?;
    let clean = parts
        .iter()
        .all(|p| p.as_str().is_none_or(|s| !s.contains(delimiter)));
    (name == "Fn::Join" && d.as_str() == Some(delimiter) && !delimiter.is_empty() && clean)
        .then(|| parts.to_vec())
}

/// `{"name": arg}`: an intrinsic function call.
fn call(name: &str, arg: Node, loc: crate::model::Loc) -> Node {
    let member = Member {
        key: Text::new(name, loc),
        value: arg,
    };
    Node::new(Value::Object(vec![member]), loc)
}

/// Evaluates a policy document into one document per outcome of the conditions that shape
/// it, each with a note saying which outcome; statements that exist only under a
/// condition carry that in their own note.
pub fn documents(
    t: &Template<'_>,
    node: Option<&Node>,
    world: &World,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(PolicyDocument, Option<String>)> {
    let Some(node) = node else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dv in variants(t, world, diags, |r| r.shallow(node)) {
        let Some(shell) = dv.value else { continue };
        let shell = match &shell.value {
            // Positions count from the character after the opening quote.
            Value::String(s) => match crate::load::json::first_value(
                s,
                crate::model::Loc::new(shell.loc.line, shell.loc.column + 1),
                diags,
            ) {
                Some(parsed) => parsed,
                None => continue,
            },
            _ => shell,
        };
        let Some(members) = shell.as_object() else {
            diags.push(Diagnostic::new(
                codes::CFN_NOT_A_POLICY,
                shell.loc,
                format!(
                    "a policy document must be an object; found {}",
                    shell.kind_name()
                ),
            ));
            continue;
        };
        let statement = members
            .iter()
            .find(|m| m.key.value.eq_ignore_ascii_case("Statement"));
        let Some(statement) = statement else {
            let doc = resolved_document(t, &shell, &dv.world, diags);
            out.push((document::build(&doc, diags), dv.note));
            continue;
        };
        for sv in variants(t, &dv.world, diags, |r| r.shallow(&statement.value)) {
            let Some(list) = sv.value else { continue };
            let (items, single) = match &list.value {
                Value::Array(items) => (items.clone(), false),
                _ => (vec![list.clone()], true),
            };
            let mut resolved = Vec::new();
            let mut notes = Vec::new();
            for item in &items {
                for v in variants(t, &sv.world, diags, |r| r.resolve(item)) {
                    if let Some(node) = v.value {
                        if node.as_object().is_some() {
                            notes.push(v.note);
                        }
                        resolved.push(node);
                    }
                }
            }
            let statements = if single && resolved.len() == 1 {
                resolved
                    .pop()
                    .unwrap_or_else(|| Node::new(Value::Null, list.loc))
            } else {
                Node::new(Value::Array(resolved), list.loc)
            };
            let mut doc = resolved_document(t, &shell, &sv.world, diags);
            if let Value::Object(members) = &mut doc.value {
                for m in members.iter_mut() {
                    if m.key.value.eq_ignore_ascii_case("Statement") {
                        m.value = statements.clone();
                    }
                }
            }
            let mut built = document::build(&doc, diags);
            for (s, note) in built.statements.iter_mut().zip(notes) {
                s.note = note;
            }
            out.push((built, join_notes(&[dv.note.as_deref(), sv.note.as_deref()])));
        }
    }
    out
}

/// The document's members other than `Statement` evaluated (`Statement` kept as written).
fn resolved_document(
    t: &Template<'_>,
    shell: &Node,
    world: &World,
    diags: &mut Vec<Diagnostic>,
) -> Node {
    let mut members = Vec::new();
    for m in shell.as_object().unwrap_or(&[]) {
        if m.key.value.eq_ignore_ascii_case("Statement") {
            members.push(m.clone());
            continue;
        }
        let value = variants(t, world, diags, |r| r.resolve(&m.value))
            .into_iter()
            .find_map(|v| v.value);
        if let Some(value) = value {
            members.push(Member {
                key: m.key.clone(),
                value,
            });
        }
    }
    Node::new(Value::Object(members), shell.loc)
}

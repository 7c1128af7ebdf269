//! CloudFormation templates, YAML or JSON: IAM roles, users and groups with their trust,
//! inline, managed and boundary policies; policies attached to them by `Ref` or by name
//! (`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`, `UserPolicy`, `GroupPolicy`); and
//! resource policies (S3 buckets, KMS keys, SQS queues, SNS topics, Secrets Manager
//! secrets, ECR repositories), each held by the resource it protects.
//!
//! Intrinsic functions are evaluated by [`intrinsic`]; a value that depends on a condition
//! gives one policy or statement per outcome, with a note saying which.

pub mod intrinsic;
mod policies;

use crate::load::holders::Holders;
use crate::load::node::Node;
use crate::model::codes;
use crate::model::{Diagnostic, Loc, Role, RoleKind, Source};
use intrinsic::{Template, World, variants};

/// Whether a text is a CloudFormation template: JSON with `AWSTemplateFormatVersion` or
/// resources of an `AWS::` type, or YAML with such a key at the start of a line (and no
/// Markdown fence, which makes it a page showing a template).
pub fn looks_like_cloudformation(text: &str) -> bool {
    if super::looks_like_json(text) {
        return text.contains("\"AWSTemplateFormatVersion\"")
            || (text.contains("\"Resources\"") && text.contains("\"AWS::"));
    }
    let mut version = false;
    let mut resources = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
            return false;
        }
        version |= line.starts_with("AWSTemplateFormatVersion:");
        resources |= line.starts_with("Resources:");
    }
    version || (resources && text.contains("AWS::"))
}

/// Adds the holders and policies of the template `text` (YAML or JSON) to `source`.
pub fn load(text: &str, source: &mut Source) {
    load_at(text, Loc::new(1, 1), source);
}

/// Like [`load`], for a template whose first character stands at `origin` in its file
/// (a template inside a Markdown fence).
pub fn load_at(text: &str, origin: Loc, source: &mut Source) {
    let roots = if super::looks_like_json(text) {
        let parsed = super::json::parse::parse(text, origin);
        source.diagnostics.extend(parsed.diagnostics);
        parsed.values
    } else {
        let parsed = super::yaml::parse(text, origin);
        source.diagnostics.extend(parsed.diagnostics);
        parsed.documents
    };
    for root in &roots {
        load_template(root, source);
    }
    let mut seen = std::collections::HashSet::new();
    source
        .diagnostics
        .retain(|d| seen.insert((d.code, d.loc, d.message.clone())));
}

/// Adds the holders and policies of one template to `source`.
pub fn load_template(root: &Node, source: &mut Source) {
    let diags = &mut source.diagnostics;
    if let Some(transform) = root.get("Transform") {
        diags.push(Diagnostic::skipped(
            codes::CFN_MACRO,
            transform.loc,
            "the template is transformed when it is deployed; resources and policies the transform generates are not shown",
        ));
    }
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        diags.push(Diagnostic::new(
            codes::CFN_NO_RESOURCES,
            root.loc,
            "this CloudFormation template has no Resources section",
        ));
        return;
    };
    let t = Template::new(root);
    let mut managed = policies::managed_policies(&t, resources, diags);
    let mut holders = Holders::default();
    for m in resources {
        let kind = match resource_type(&m.value) {
            "AWS::IAM::Role" => RoleKind::Role,
            "AWS::IAM::User" => RoleKind::User,
            "AWS::IAM::Group" => RoleKind::Group,
            _ => continue,
        };
        let role = policies::principal(&t, resources, &m.key, &m.value, kind, &mut managed, diags);
        holders.define(&m.key.value, role);
    }
    for m in resources {
        policies::attached(&t, &m.key, &m.value, &mut holders, &mut managed, diags);
    }
    let unattached = policies::unattached(&managed);
    if !unattached.is_empty() {
        let mut role = Role::new(super::file_name(&source.path), RoleKind::Document);
        role.loc = root.loc;
        role.note = Some("managed policies this template attaches to nothing".into());
        role.policies = unattached;
        holders.roles.push(role);
    }
    source.roles.extend(holders.roles);
}

fn resource_type(resource: &Node) -> &str {
    resource.get("Type").and_then(Node::as_str).unwrap_or("")
}

/// The conditions a resource exists under: its `Condition` attribute, assumed true.
fn seed(resource: &Node) -> World {
    resource
        .get("Condition")
        .and_then(Node::as_str)
        .map(|c| vec![(c.to_string(), true)])
        .unwrap_or_default()
}

/// The first value a name evaluates to (names rarely depend on conditions).
fn first_string(
    t: &Template<'_>,
    node: Option<&Node>,
    world: &World,
    diags: &mut Vec<Diagnostic>,
) -> Option<String> {
    let node = node?;
    variants(t, world, diags, |r| r.string(node))
        .into_iter()
        .find_map(|v| v.value)
}

/// Joins notes that are present.
fn join_notes(notes: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = notes.iter().flatten().copied().collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

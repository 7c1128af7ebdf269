//! Terraform configurations: IAM roles, users and groups with their trust, inline,
//! managed and boundary policies; `aws_iam_role_policy`, `aws_iam_policy` and the
//! attachment resources; resource policies (S3 buckets, SQS queues, SNS topics, KMS keys,
//! ECR repositories, Secrets Manager secrets). Policies may be `aws_iam_policy_document`
//! data blocks, `jsonencode(...)`, heredoc or string JSON.
//!
//! Parsed with hcl-edit, which keeps every expression's span (so diagnostics carry line
//! and column) and bounds nesting. A syntax error is reported where it is, and the rest of
//! the file is still read: each top-level block is parsed on its own, and a heredoc opened
//! as `<< EOF` or a list missing a comma is repaired (and reported) when that is the only
//! problem of its block.

pub mod document;
pub mod expr;

use crate::model::codes;
use std::collections::HashMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body};

use self::document::DataDocuments;
use self::expr::Source as Hcl;
use crate::load::holders::{Holders, managed_ref};
use crate::model::{Diagnostic, Loc, ManagedRef, Policy, PolicyKind, Role, RoleKind, Source};

/// How many repairs one block may get before it is given up.
const MAX_REPAIRS: usize = 8;

/// How many bytes recovery may parse in all (each block is parsed within the whole text,
/// the rest blanked), so a large broken file cannot take long.
const RECOVERY_BUDGET: usize = 16 << 20;

/// Whether a text is a Terraform configuration: a top-level `resource "…"`, `data "…"`,
/// `variable "…"`, `module "…"`, `provider "…"`, `output "…"`, `locals {` or
/// `terraform {` line, outside any Markdown fence.
pub fn looks_like_terraform(text: &str) -> bool {
    if super::looks_like_json(text) {
        return false;
    }
    let mut found = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            return false;
        }
        found |= block_start(line);
    }
    found
}

/// Whether a line opens a top-level Terraform block.
fn block_start(line: &str) -> bool {
    let labeled = [
        "resource", "data", "variable", "module", "provider", "output",
    ];
    let bare = ["locals", "terraform"];
    let Some((word, rest)) = line.split_once([' ', '{']) else {
        return false;
    };
    let rest = rest.trim_start();
    (labeled.contains(&word) && rest.starts_with('"'))
        || (bare.contains(&word) && (rest.starts_with('{') || line.ends_with('{')))
}

/// Adds the holders and policies of the configuration `text` to `source`.
pub fn load(text: &str, source: &mut Source) {
    load_at(text, Loc::new(1, 1), source);
}

/// Like [`load`], for HCL whose first character stands at `origin` in its file (a
/// Markdown fence).
pub fn load_at(text: &str, origin: Loc, source: &mut Source) {
    let hcl = Hcl::new(text, origin);
    let bodies = parse(&hcl, &mut source.diagnostics);
    let blocks: Vec<&Block> = bodies.iter().flat_map(|b| b.blocks()).collect();
    let data: DataDocuments<'_> = blocks
        .iter()
        .filter(|b| b.ident.as_str() == "data" && label(b, 0) == Some("aws_iam_policy_document"))
        .filter_map(|b| Some((label(b, 1)?.to_string(), *b)))
        .collect();
    let mut config = Config {
        hcl: &hcl,
        data: &data,
        holders: Holders::default(),
        managed: Vec::new(),
        managed_at: HashMap::new(),
        diags: &mut source.diagnostics,
    };
    // Managed policies first: holders defined before them refer to them.
    let resources: Vec<&Block> = blocks
        .iter()
        .copied()
        .filter(|b| b.ident.as_str() == "resource")
        .collect();
    let (policies, others): (Vec<&Block>, Vec<&Block>) = resources
        .iter()
        .partition(|b| label(b, 0) == Some("aws_iam_policy"));
    for b in policies.into_iter().chain(others) {
        config.define(b);
    }
    for b in resources {
        config.attach(b);
    }
    let mut roles = config.holders.roles;
    let unattached: Vec<Policy> = config
        .managed
        .into_iter()
        .filter(|(_, used)| !used)
        .map(|(p, _)| p)
        .collect();
    if !unattached.is_empty() {
        let mut role = Role::new(super::file_name(&source.path), RoleKind::Document);
        role.loc = origin;
        role.note = Some("policies this configuration attaches to nothing".into());
        role.policies = unattached;
        roles.push(role);
    }
    source.roles.extend(roles);
    source.loop_variables.extend(hcl.loop_variables.take());
}

fn label(block: &Block, i: usize) -> Option<&str> {
    block.labels.get(i).map(|l| l.as_str())
}

/// Parses the text; on a syntax error, reports it and reads each top-level block alone,
/// repairing the usual slips.
fn parse(hcl: &Hcl<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Body> {
    match hcl_edit::parser::parse_body(hcl.text) {
        Ok(body) => vec![body],
        Err(e) => {
            let at = hcl.loc(e.location().offset());
            let mut found = Vec::new();
            let mut budget = RECOVERY_BUDGET;
            let bodies = chunks(hcl.text)
                .into_iter()
                .filter_map(|range| parse_chunk(hcl, range, &mut budget, &mut found))
                .collect();
            // Reading block by block says more (a repair, the block given up); the error
            // of the whole file is reported only when no block reported it.
            if !found.iter().any(|d| d.loc == at) {
                diags.push(Diagnostic::new(
                    codes::MALFORMED_HCL,
                    at,
                    format!(
                        "HCL syntax error: {}; the other blocks are still read",
                        crate::text::escape(e.message())
                    ),
                ));
            }
            diags.append(&mut found);
            bodies
        }
    }
}

/// The byte ranges of the top-level blocks (from one block-opening line to the next).
fn chunks(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut starts: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if block_start(line) {
            starts.push(offset);
        }
        offset += line.len();
    }
    let ends = starts.iter().skip(1).copied().chain([text.len()]);
    starts.iter().zip(ends).map(|(&s, e)| s..e).collect()
}

/// Parses one block of the text, everything else blanked (lines kept, so spans and
/// positions stay those of the file), with length-preserving repairs.
fn parse_chunk(
    hcl: &Hcl<'_>,
    range: std::ops::Range<usize>,
    budget: &mut usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Body> {
    let from = (
        hcl.loc(range.start),
        hcl.loc(hcl.text.trim_end().len()).line,
    );
    if !spend(budget, 0, hcl.text.len(), from, diags) {
        return None;
    }
    let mut bytes: Vec<u8> = hcl
        .text
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            if range.contains(&i) || c == b'\n' {
                c
            } else {
                b' '
            }
        })
        .collect();
    for _ in 0..MAX_REPAIRS {
        if !spend(budget, bytes.len(), bytes.len(), from, diags) {
            return None;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let e = match hcl_edit::parser::parse_body(&text) {
            Ok(body) => return Some(body),
            Err(e) => e,
        };
        let offset = e.location().offset();
        let at = hcl.loc(offset);
        match repair(&mut bytes, offset) {
            Some(what) => diags.push(Diagnostic::new(codes::MALFORMED_HCL, at, what)),
            None => {
                diags.push(
                    Diagnostic::new(
                        codes::MALFORMED_HCL,
                        at,
                        format!(
                            "HCL syntax error: {}; this block is not read",
                            crate::text::escape(e.message())
                        ),
                    )
                    .unread_to(
                        hcl.loc(range.start + hcl.text[range.clone()].trim_end().len())
                            .line,
                    ),
                );
                return None;
            }
        }
    }
    None
}

/// Takes `cost` bytes from the recovery budget when `needed` are left; when they are not,
/// reports (once) that recovery stops here.
fn spend(
    budget: &mut usize,
    cost: usize,
    needed: usize,
    (at, last_line): (Loc, u32),
    diags: &mut Vec<Diagnostic>,
) -> bool {
    if *budget >= needed {
        *budget -= cost;
        return true;
    }
    if *budget > 0 {
        diags.push(Diagnostic::new(
            codes::MALFORMED_HCL,
            at,
            "too many broken blocks to recover them all; this block and the ones after it are not read",
        ).unread_to(last_line));
    }
    *budget = 0;
    false
}

/// Repairs the slip at `offset`, keeping every other byte where it is: a heredoc opened
/// as `<< EOF` (the space moved before `<<`), or a missing comma between two list items
/// (written over the white space between them). Says what it did.
fn repair(bytes: &mut [u8], offset: usize) -> Option<String> {
    let line_start = bytes[..offset.min(bytes.len())]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |i| i + 1);
    let line_end = bytes[line_start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(bytes.len(), |i| line_start + i);
    if let Some(i) = bytes[line_start..line_end]
        .windows(3)
        .position(|w| w == b"<< ")
        .map(|i| line_start + i)
    {
        bytes[i..i + 3].copy_from_slice(b" <<");
        return Some("heredoc opened with `<< ` (a space before its marker); read as `<<`".into());
    }
    // A missing comma: the previous item ended just before white space that reaches here.
    let before = bytes[..offset.min(bytes.len())]
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())?;
    let gap = before + 1;
    let next = bytes.get(offset).copied().unwrap_or(b' ');
    let ends_item =
        matches!(bytes[before], b'"' | b']' | b'}' | b')') || bytes[before].is_ascii_alphanumeric();
    let starts_item = matches!(next, b'"' | b'[' | b'{') || next.is_ascii_alphanumeric();
    if gap < offset && ends_item && starts_item {
        bytes[gap] = b',';
        return Some("missing `,` between list items; inserted".into());
    }
    None
}

/// The resource a reference names: `aws_iam_role.app` for `${aws_iam_role.app.name}` or
/// `${aws_iam_role.app[0].id}`.
fn referenced_address(text: &str) -> Option<&str> {
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    let base = inner.split('[').next().unwrap_or(inner);
    let address = match base.matches('.').count() {
        1 => base,
        n if n >= 2 => base.rsplit_once('.').map_or(base, |(a, _)| a),
        _ => return None,
    };
    let (kind, name) = address.split_once('.')?;
    let is_name = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    };
    (is_name(kind) && is_name(name) && !matches!(kind, "var" | "local" | "data")).then_some(address)
}

/// Notes joined with `; `, `None` when there are none.
fn join_notes<const N: usize>(notes: [Option<String>; N]) -> Option<String> {
    let notes: Vec<String> = notes.into_iter().flatten().collect();
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// What one configuration defines, as it is read.
struct Config<'a, 'd> {
    hcl: &'a Hcl<'a>,
    data: &'a DataDocuments<'a>,
    holders: Holders,
    /// `aws_iam_policy` resources in the order defined, each with whether something
    /// attaches it.
    managed: Vec<(Policy, bool)>,
    /// Where each `aws_iam_policy` address is in `managed`.
    managed_at: HashMap<String, usize>,
    diags: &'d mut Vec<Diagnostic>,
}

/// Role, user and group resources, and the argument naming each in attachment resources.
const PRINCIPALS: [(&str, RoleKind); 3] = [
    ("aws_iam_role", RoleKind::Role),
    ("aws_iam_user", RoleKind::User),
    ("aws_iam_group", RoleKind::Group),
];

/// Resources holding a resource policy, and the argument naming what they protect.
const RESOURCE_POLICIES: [(&str, &str); 6] = [
    ("aws_s3_bucket_policy", "bucket"),
    ("aws_sqs_queue_policy", "queue_url"),
    ("aws_sns_topic_policy", "arn"),
    ("aws_kms_key", ""),
    ("aws_ecr_repository_policy", "repository"),
    ("aws_secretsmanager_secret_policy", "secret_arn"),
];

impl Config<'_, '_> {
    fn attribute<'b>(block: &'b Block, name: &str) -> Option<&'b Attribute> {
        block.body.get_attribute(name)
    }

    /// A string argument: literal or template text, else the placeholder of its source.
    fn text(&self, block: &Block, name: &str) -> Option<String> {
        let a = Self::attribute(block, name)?;
        self.hcl.node(&a.value, true).as_str().map(str::to_string)
    }

    /// The policy a `policy`-like argument gives, noted when its data block exists only for
    /// some variable values. One that could not be read (a variable, a file) is kept without
    /// statements, at the argument, so that it is marked partial rather than left out.
    fn policy(&mut self, name: String, kind: PolicyKind, expr: &Expression) -> Option<Policy> {
        let before = self.diags.len();
        match document::from_expression(self.hcl, expr, self.data, self.diags) {
            Some(followed) => {
                let mut policy = Policy::new(name, kind, followed.document);
                policy.note = followed.note;
                Some(policy)
            }
            None if self.diags[before..].iter().any(|d| d.unread_to.is_some()) => Some(Policy {
                name: name.into(),
                kind,
                loc: self.hcl.at(expr),
                ..Policy::default()
            }),
            None => None,
        }
    }

    /// Defines holders (roles, users, groups) and managed policies (`aws_iam_policy`).
    fn define(&mut self, block: &Block) {
        let (Some(kind), Some(name)) = (label(block, 0), label(block, 1)) else {
            return;
        };
        let address = format!("{kind}.{name}");
        if kind == "aws_iam_policy" {
            let shown = self.shown_name(block, &address);
            if let Some(a) = Self::attribute(block, "policy")
                && let Some(mut p) = self.policy(shown.clone(), PolicyKind::Identity, &a.value)
            {
                if p.document.is_some() {
                    p.managed = Some(ManagedRef {
                        name: shown.into(),
                        arn: format!("${{{address}.arn}}").into(),
                        resolved: true,
                    });
                }
                let exists = document::conditional(self.hcl, block, &format!("{address} exists"));
                p.note = join_notes([exists, p.note.take()]);
                self.managed_at.entry(address).or_insert(self.managed.len());
                self.managed.push((p, false));
            }
            return;
        }
        let Some(&(_, role_kind)) = PRINCIPALS.iter().find(|(k, _)| *k == kind) else {
            return;
        };
        let shown = self.shown_name(block, &address);
        let mut role = Role::new(shown.clone(), role_kind);
        role.loc = self.hcl.at(block);
        // The address when the name does not show it, and how many instances there are.
        let repeat = ["count", "for_each"].iter().find_map(|arg| {
            let a = Self::attribute(block, arg)?;
            Some(format!("{arg} = {}", self.hcl.source_of(&a.value)))
        });
        let notes: Vec<&str> = [
            (shown != address).then_some(address.as_str()),
            repeat.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !notes.is_empty() {
            role.note = Some(notes.join("; "));
        }
        if let Some(a) = Self::attribute(block, "assume_role_policy")
            && let Some(p) = self.policy("trust policy".into(), PolicyKind::Trust, &a.value)
        {
            role.policies.push(p);
        }
        for inline in block.body.get_blocks("inline_policy") {
            let name = self
                .text(inline, "name")
                .unwrap_or_else(|| "inline policy".into());
            if let Some(a) = Self::attribute(inline, "policy")
                && let Some(p) = self.policy(name, PolicyKind::Identity, &a.value)
            {
                role.policies.push(p);
            }
        }
        if let Some(a) = Self::attribute(block, "managed_policy_arns") {
            let arns = self.arn_items(&a.value);
            role.policies.extend(
                arns.into_iter()
                    .map(|(arn, loc)| self.managed_policy(&arn, PolicyKind::Identity, loc)),
            );
        }
        if let Some(a) = Self::attribute(block, "permissions_boundary") {
            let (arn, loc) = self.arn(&a.value);
            role.policies
                .push(self.managed_policy(&arn, PolicyKind::Boundary, loc));
        }
        self.holders.define(&address, role);
    }

    /// The `name` argument when it is text (or a template), else the resource address.
    fn shown_name(&self, block: &Block, address: &str) -> String {
        match Self::attribute(block, "name").map(|a| &a.value) {
            Some(Expression::String(_) | Expression::StringTemplate(_)) => self
                .text(block, "name")
                .unwrap_or_else(|| address.to_string()),
            _ => address.to_string(),
        }
    }

    /// An ARN argument as text (a reference to an `aws_iam_policy` as `${address.arn}`).
    fn arn(&self, expr: &Expression) -> (String, Loc) {
        let node = self.hcl.node(expr, true);
        (node.as_str().unwrap_or_default().to_string(), node.loc)
    }

    fn arn_items(&self, expr: &Expression) -> Vec<(String, Loc)> {
        match expr {
            Expression::Array(items) => items.iter().map(|e| self.arn(e)).collect(),
            other => vec![self.arn(other)],
        }
    }

    /// The policy an ARN names: an `aws_iam_policy` of this file (with its document), else
    /// a reference for the catalog to resolve.
    fn managed_policy(&mut self, arn: &str, kind: PolicyKind, loc: Loc) -> Policy {
        let found = referenced_address(arn).and_then(|a| self.managed_at.get(a));
        if let Some(&i) = found {
            let (policy, used) = &mut self.managed[i];
            *used = true;
            let mut p = policy.clone();
            p.kind = kind;
            p.loc = loc;
            return p;
        }
        managed_ref(arn.into(), kind, loc, None)
    }

    /// The holder an argument names: a reference to a role, user or group of this file, or
    /// a name (a holder defined elsewhere is created).
    fn holder(&mut self, expr: &Expression, kind: RoleKind) -> usize {
        let node = self.hcl.node(expr, true);
        let text = node.as_str().unwrap_or_default();
        if let Some(&i) = referenced_address(text).and_then(|a| self.holders.by_key.get(a)) {
            return i;
        }
        self.holders.named(text, kind, node.loc)
    }

    /// Attaches policies: inline policy resources, attachments, resource policies.
    fn attach(&mut self, block: &Block) {
        let Some(kind) = label(block, 0) else { return };
        let at = self.hcl.at(block);
        match kind {
            "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
                let (argument, holder_kind) = match kind {
                    "aws_iam_role_policy" => ("role", RoleKind::Role),
                    "aws_iam_user_policy" => ("user", RoleKind::User),
                    _ => ("group", RoleKind::Group),
                };
                let address = format!("{kind}.{}", label(block, 1).unwrap_or_default());
                let name = self.shown_name(block, &address);
                let (Some(target), Some(policy)) = (
                    Self::attribute(block, argument),
                    Self::attribute(block, "policy"),
                ) else {
                    return;
                };
                let i = self.holder(&target.value, holder_kind);
                if let Some(mut p) = self.policy(name, PolicyKind::Identity, &policy.value) {
                    let exists = document::conditional(self.hcl, block, "attached");
                    p.note = join_notes([exists, p.note.take()]);
                    self.holders.roles[i].policies.push(p);
                }
            }
            "aws_iam_role_policy_attachment"
            | "aws_iam_user_policy_attachment"
            | "aws_iam_group_policy_attachment"
            | "aws_iam_role_policy_attachments_exclusive"
            | "aws_iam_policy_attachment" => self.attachment(block, kind),
            _ => {
                if let Some(&(_, target)) = RESOURCE_POLICIES.iter().find(|(k, _)| *k == kind) {
                    self.resource_policy(block, kind, target, at);
                }
            }
        }
    }

    fn attachment(&mut self, block: &Block, kind: &str) {
        let targets: &[(&str, RoleKind)] = match kind {
            "aws_iam_role_policy_attachment" => &[("role", RoleKind::Role)],
            "aws_iam_user_policy_attachment" => &[("user", RoleKind::User)],
            "aws_iam_group_policy_attachment" => &[("group", RoleKind::Group)],
            "aws_iam_role_policy_attachments_exclusive" => &[("role_name", RoleKind::Role)],
            _ => &[
                ("roles", RoleKind::Role),
                ("users", RoleKind::User),
                ("groups", RoleKind::Group),
            ],
        };
        let arns = ["policy_arn", "policy_arns"]
            .iter()
            .filter_map(|a| Self::attribute(block, a))
            .flat_map(|a| self.arn_items(&a.value))
            .collect::<Vec<_>>()
            .into_iter()
            .flat_map(|(arn, loc)| self.each(block, arn, loc))
            .collect::<Vec<_>>();
        let exists = document::conditional(self.hcl, block, "attached");
        for (argument, holder_kind) in targets {
            let Some(a) = Self::attribute(block, argument) else {
                continue;
            };
            let exprs: Vec<&Expression> = match &a.value {
                Expression::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            for e in exprs {
                let i = self.holder(e, *holder_kind);
                for (arn, loc) in &arns {
                    let mut p = match arn {
                        Some(arn) => self.managed_policy(arn, PolicyKind::Identity, *loc),
                        None => Policy {
                            name: format!("policy_arn of {}", label(block, 1).unwrap_or(kind))
                                .into(),
                            loc: *loc,
                            ..Policy::default()
                        },
                    };
                    p.note = join_notes([exists.clone(), p.note.take()]);
                    self.holders.roles[i].policies.push(p);
                }
            }
        }
    }

    /// The ARNs an attachment's `policy_arn` stands for: `each.value` (or `each.key`) is
    /// each element of the block's `for_each` when it is written out (`toset([...])`, a
    /// list); when it is known only when Terraform runs, `None`, said as not read.
    fn each(&mut self, block: &Block, arn: String, loc: Loc) -> Vec<(Option<String>, Loc)> {
        if arn != "${each.value}" && arn != "${each.key}" {
            return vec![(Some(arn), loc)];
        }
        let for_each = Self::attribute(block, "for_each").map(|a| &a.value);
        let mut listed = for_each;
        if let Some(Expression::FuncCall(call)) = listed
            && matches!(call.name.name.as_str(), "toset" | "tolist")
        {
            listed = call.args.iter().next();
        }
        if let Some(Expression::Array(items)) = listed {
            return items
                .iter()
                .map(|e| {
                    let (arn, loc) = self.arn(e);
                    (Some(arn), loc)
                })
                .collect();
        }
        let written = for_each.map_or_else(String::new, |e| expr::one_line(self.hcl.source_of(e)));
        self.diags.push(
            Diagnostic::skipped(
                codes::TERRAFORM_POLICY_NOT_FOLLOWED,
                loc,
                format!(
                    "the policy ARN is each element of `for_each = {}`, known only when Terraform runs; not shown",
                    crate::text::escape(&written)
                ),
            ),
        );
        vec![(None, loc)]
    }

    fn resource_policy(&mut self, block: &Block, kind: &str, target: &str, at: Loc) {
        let address = format!("{kind}.{}", label(block, 1).unwrap_or_default());
        let name = if target.is_empty() {
            address
        } else {
            match Self::attribute(block, target) {
                Some(a) => {
                    let text = self.hcl.node(&a.value, true);
                    let text = text.as_str().unwrap_or_default();
                    // `aws_s3_bucket.logs.id` names the bucket resource `aws_s3_bucket.logs`.
                    referenced_address(text).unwrap_or(text).to_string()
                }
                None => address,
            }
        };
        let Some(policy) = Self::attribute(block, "policy") else {
            return;
        };
        let Some(p) = self.policy(kind.to_string(), PolicyKind::Resource, &policy.value) else {
            return;
        };
        let i = self.holders.named(&name, RoleKind::Resource, at);
        self.holders.roles[i]
            .note
            .get_or_insert_with(|| kind.to_string());
        self.holders.roles[i].policies.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_keep_every_byte_in_place() {
        let mut b = b"  policy = << EOF\n".to_vec();
        assert!(repair(&mut b, 11).is_some());
        assert_eq!(b, b"  policy =  <<EOF\n");
        let mut b = b"x = [\"a\" \"b\"]".to_vec();
        assert!(repair(&mut b, 9).is_some());
        assert_eq!(b, b"x = [\"a\",\"b\"]");
        let mut b = b"x = = 1".to_vec();
        assert!(repair(&mut b, 4).is_none());
    }

    #[test]
    fn references_name_resources() {
        assert_eq!(
            referenced_address("${aws_iam_role.app.name}"),
            Some("aws_iam_role.app")
        );
        assert_eq!(
            referenced_address("${aws_iam_role.app[0].id}"),
            Some("aws_iam_role.app")
        );
        assert_eq!(
            referenced_address("${aws_iam_policy.p.arn}"),
            Some("aws_iam_policy.p")
        );
        assert_eq!(referenced_address("${var.role}"), None);
        assert_eq!(referenced_address("${local.a.b}"), None);
        assert_eq!(referenced_address("app-role"), None);
    }

    #[test]
    fn detection_needs_a_top_level_block() {
        assert!(looks_like_terraform(
            "resource \"aws_iam_role\" \"r\" {\n}\n"
        ));
        assert!(looks_like_terraform("# c\nlocals {\n  a = 1\n}\n"));
        assert!(!looks_like_terraform("resources are listed below\n"));
        assert!(!looks_like_terraform(
            "```hcl\nresource \"a\" \"b\" {}\n```\n"
        ));
        assert!(!looks_like_terraform("{\"resource\": 1}"));
    }
}

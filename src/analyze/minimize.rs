//! Minimization: the least policy that grants exactly what a holder's policies grant (or,
//! with a keep-list, exactly that part of it), in fewer, cleaner statements, with a report
//! of what changed. `iamscope minimize` prints it; the viewer's copy keys call [`minimize`]
//! on the selection.
//!
//! The steps, each exact: statements are put in a normal form (`form`); redundant actions
//! and statements are dropped and statements merged (`merge`); lists of actions become
//! wildcards only when the catalog says the wildcard covers exactly the list, or every
//! wildcard is written out (`wildcard`); the result is split when over AWS's size quota
//! (`size`). A test evaluates every catalog action on every resource the input names against
//! the input and the output and finds the same decisions.

pub mod form;
mod keep;
mod merge;
pub mod size;
pub mod used;
mod wildcard;

use serde::Serialize;

use crate::model::json::document_text;
use crate::model::{Effect, Policy, PolicyDocument, PolicyKind, Role, Source, Statement};
use crate::text::escape;
use form::{Actions, Form, Noted, Reading};
use size::Quota;

/// What to minimize: one holder's policies of one kind.
#[derive(Clone, Debug)]
pub struct Selection<'a> {
    pub role: &'a Role,
    pub kind: PolicyKind,
    /// The policies, with the holder of each (a user's groups hold some).
    pub policies: Vec<&'a Policy>,
    /// The holder's policies left out, and why, for the report.
    pub left_out: Vec<String>,
}

/// How to minimize.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Keep only these actions or patterns (empty: keep everything).
    pub keep: Vec<String>,
    /// Write every wildcard as the catalog actions it covers.
    pub no_wildcards: bool,
    /// Keep only what CloudTrail shows the holder used (`--used`).
    pub used: Option<used::Used>,
}

/// A minimized policy: its name and document.
#[derive(Clone, Debug)]
pub struct Named {
    pub name: String,
    pub document: PolicyDocument,
    pub characters: usize,
}

/// The result for one selection: one policy, or several when one would be over its quota.
#[derive(Clone, Debug)]
pub struct Minimized {
    pub policies: Vec<Named>,
    pub report: Report,
}

/// What minimization did, for a reviewer (standard error, `--format json`, the viewer).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub holder: String,
    pub kind: PolicyKind,
    /// The policies read.
    pub policies: Vec<String>,
    pub left_out: Vec<String>,
    pub statements_before: usize,
    pub statements_after: usize,
    /// Action patterns written, before and after.
    pub actions_before: usize,
    pub actions_after: usize,
    /// Statements that grant nothing, with why.
    pub skipped: Vec<String>,
    /// Actions and statements dropped as already granted elsewhere.
    pub redundant: Vec<String>,
    /// Output statements made of several input statements, with where each came from.
    pub merged: Vec<String>,
    /// Action patterns that never match (dropped).
    pub invalid: Vec<String>,
    /// Action patterns that match no catalog action (dropped).
    pub unknown: Vec<String>,
    /// API operations written where an action belongs, replaced by the action that
    /// authorises them (`s3:HeadBucket → s3:ListBucket`).
    pub operations: Vec<String>,
    /// Patterns written out as catalog actions to stay exact.
    pub expanded: Vec<String>,
    /// Wildcards `--no-wildcards` could not write out (no catalog action matches them).
    pub kept_wildcards: Vec<String>,
    /// `--keep` patterns the input does not grant.
    pub not_granted: Vec<String>,
    /// The quota the output is held to, when it has one.
    pub quota: Option<Quota>,
    /// The holder's inline quota, when it differs from `quota`.
    pub inline_quota: Option<Quota>,
    /// With `--used`: what was used of what the input grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used: Option<used::UsedReport>,
}

/// The holder `role` names, or every holder with policies, in input order.
pub fn holders<'a>(
    sources: &'a [Source],
    role: Option<&str>,
) -> Result<Vec<(&'a Source, &'a Role)>, String> {
    match role {
        Some(name) => Ok(vec![crate::eval::holder::find_role(sources, name)?]),
        None => Ok(sources
            .iter()
            .flat_map(|s| s.roles.iter().map(move |r| (s, r)))
            .filter(|(_, r)| !r.policies.is_empty())
            .collect()),
    }
}

/// What `iamscope minimize` prints: each policy's JSON; when there are several, each after a
/// `# name` line. The viewer's `y` copies this.
pub fn text(results: &[Minimized]) -> String {
    let all: Vec<_> = results
        .iter()
        .flat_map(|r| &r.policies)
        .filter(|p| !p.document.statements.is_empty())
        .collect();
    let mut out = String::new();
    for p in &all {
        if all.len() > 1 {
            out.push_str(&format!(
                "# {} ({} characters)\n",
                escape(&p.name),
                p.characters
            ));
        }
        out.push_str(&document_text(&p.document));
    }
    out
}

/// The policies of `role` that minimization reads: its identity policies (a user's groups'
/// too), or for a holder with none its resource policies, or else all of the first kind
/// it holds (an SCP document, a boundary...). The others are listed as left out.
pub fn select<'a>(source: &'a Source, role: &'a Role) -> Selection<'a> {
    let identity: Vec<&Policy> = super::grants::identity_policies(source, role)
        .into_iter()
        .map(|(_, p)| p)
        .collect();
    let kind = if !identity.is_empty() {
        PolicyKind::Identity
    } else if role.policies.iter().any(|p| p.kind == PolicyKind::Resource) {
        PolicyKind::Resource
    } else {
        role.policies
            .first()
            .map_or(PolicyKind::Identity, |p| p.kind)
    };
    let policies = if kind == PolicyKind::Identity {
        identity
    } else {
        role.policies.iter().filter(|p| p.kind == kind).collect()
    };
    let left_out = role
        .policies
        .iter()
        .filter(|p| p.kind != kind)
        .map(|p| {
            format!(
                "{} ({} policy: it {})",
                p.name,
                p.kind.as_str(),
                match p.kind {
                    PolicyKind::Trust => "says who may assume the role, it grants the role nothing",
                    PolicyKind::Boundary | PolicyKind::Session =>
                        "limits what the identity policies grant, it grants nothing",
                    _ => "is of another kind",
                }
            )
        })
        .collect();
    Selection {
        role,
        kind,
        policies,
        left_out,
    }
}

/// Minimizes the selected policies.
pub fn minimize(selection: &Selection, options: &Options) -> Minimized {
    let mut report = Report {
        holder: selection.role.name.clone(),
        kind: selection.kind,
        left_out: selection.left_out.clone(),
        ..Report::default()
    };
    let mut forms = Vec::new();
    for policy in &selection.policies {
        report.policies.push(policy.name.to_string());
        let Some(doc) = policy.document.as_deref() else {
            report.skipped.push(format!(
                "{}: a managed policy whose document is not known",
                policy.name
            ));
            continue;
        };
        forms.extend(read(policy, doc, &mut report));
    }
    if !options.keep.is_empty() {
        forms = narrow(forms, &options.keep, &mut report);
    }
    if let Some(u) = &options.used {
        let mut used_report = used::report(&forms, u);
        forms = used::narrow(forms, &u.usage, &mut used_report.narrowed);
        report.used = Some(used_report);
    }
    let mut dropped = merge::Dropped::default();
    let mut forms = merge::merge(forms, &mut dropped);
    report.redundant = dropped.lines;
    if options.no_wildcards {
        for f in &mut forms {
            let (Actions::Action(a) | Actions::NotAction(a)) = &mut f.actions;
            let (out, kept) = wildcard::expand(a);
            report.kept_wildcards.extend(kept);
            *a = out;
        }
    }
    finish(selection, forms, options, report)
}

/// What `role` used of what its policies grant, by the events of `trail` (`review --used`);
/// None when no event is the holder's.
pub fn used_report(
    source: &Source,
    role: &crate::model::Role,
    trail: &crate::analyze::used::Trail,
) -> Option<used::UsedReport> {
    let (principals, usage) = trail.for_holder(role);
    if principals.is_empty() {
        return None;
    }
    let options = Options {
        used: Some(used::Used { principals, usage }),
        ..Options::default()
    };
    minimize(&select(source, role), &options).report.used
}

/// Writes the statements as one policy, or several each under the quota.
fn finish(
    selection: &Selection,
    mut forms: Vec<Form>,
    options: &Options,
    mut report: Report,
) -> Minimized {
    if !options.no_wildcards {
        for f in &mut forms {
            if let Actions::Action(a) = &mut f.actions {
                *a = wildcard::compress(std::mem::take(a));
            }
        }
    }
    report.statements_after = forms.len();
    report.merged = forms
        .iter()
        .enumerate()
        .filter(|(_, f)| f.origins.len() > 1)
        .map(|(i, f)| format!("statement {}: {}", i + 1, f.origins.join(" + ")))
        .collect();
    report.actions_after = forms.iter().map(|f| f.patterns().len()).sum();
    report.kept_wildcards.sort();
    report.kept_wildcards.dedup();
    let statements: Vec<Statement> = forms.iter().map(Form::to_statement).collect();
    let holder = selection.role.kind;
    report.quota = size::quota(selection.kind, holder, true);
    report.inline_quota =
        size::quota(selection.kind, holder, false).filter(|q| Some(*q) != report.quota);
    let base = policy_name(&selection.role.name);
    let groups = match report.quota {
        Some(q) if size::characters(&size::document(statements.clone())) > q.characters => {
            size::split(statements, q.characters)
        }
        _ => vec![statements],
    };
    let count = groups.len();
    let policies = groups
        .into_iter()
        .enumerate()
        .map(|(i, statements)| {
            let document = size::document(statements);
            Named {
                name: if count == 1 {
                    format!("{base}-minimal")
                } else {
                    format!("{base}-minimal-{}", i + 1)
                },
                characters: size::characters(&document),
                document,
            }
        })
        .collect();
    Minimized { policies, report }
}

/// The normal forms of a policy's statements; what cannot grant anything is reported.
fn read(policy: &Policy, doc: &PolicyDocument, report: &mut Report) -> Vec<Form> {
    let reading = Reading {
        variables: doc.has_policy_variables(),
        unstated_any: doc.synthesized,
        on_resource: matches!(policy.kind, PolicyKind::Resource | PolicyKind::Trust),
    };
    let mut out = Vec::new();
    for (i, s) in doc.statements.iter().enumerate() {
        report.statements_before += 1;
        report.actions_before += s.actions().map_or(0, |(v, _)| v.items.len());
        let origin = match &s.sid {
            Some(sid) => format!("{} statement {} \"{}\"", policy.name, i + 1, sid.value),
            None => format!("{} statement {}", policy.name, i + 1),
        };
        let mut noted = Noted::default();
        match Form::new(s, reading, origin.clone(), &mut noted) {
            Ok(f) => out.push(f),
            Err(skip) => report.skipped.push(format!("{origin}: {}", skip.reason())),
        }
        let placed = |items: Vec<String>| items.into_iter().map(|p| format!("{origin}: {p}"));
        report.invalid.extend(placed(noted.invalid));
        report.unknown.extend(placed(noted.unknown));
        report.operations.extend(placed(noted.operations));
    }
    out
}

/// Narrows every statement to the kept actions and reports the kept patterns no Allow
/// statement grants.
fn narrow(forms: Vec<Form>, keep: &[String], report: &mut Report) -> Vec<Form> {
    let mut granted = vec![false; keep.len()];
    let mut out = Vec::new();
    for mut f in forms {
        let narrowed = keep::narrow(&f.actions, keep, &mut report.expanded);
        if narrowed.is_empty() {
            continue;
        }
        if f.effect == Effect::Allow {
            for (k, g) in keep.iter().zip(&mut granted) {
                *g |=
                    !keep::narrow(&f.actions, std::slice::from_ref(k), &mut Vec::new()).is_empty();
            }
        }
        f.actions = Actions::Action(narrowed);
        out.push(f);
    }
    report.not_granted = keep
        .iter()
        .zip(granted)
        .filter(|(_, g)| !g)
        .map(|(k, _)| k.clone())
        .collect();
    report.expanded.sort();
    report.expanded.dedup();
    out
}

/// A policy name IAM accepts (letters, digits and `+=,.@_-`), from a holder's name.
fn policy_name(holder: &str) -> String {
    let name: String = holder
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-');
    if name.is_empty() {
        "policy".into()
    } else {
        name.chars().take(100).collect()
    }
}

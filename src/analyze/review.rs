//! The review walkthrough: every statement of the loaded sources once, riskiest first, each
//! with what a reviewer needs to decide on it (where it is, a plain-language summary, its
//! access levels, findings, the vendor's own words, the actions it covers) and a fingerprint
//! of its meaning that keys the reviewer's decision in the review file (`review_file`).
//!
//! Order: statements with an error finding, then with a warning, then by the riskiest access
//! level they grant (Permissions management, Write, Tagging, Read, List), then the rest;
//! within a rank, in input order (source, then position). The order is stable: it depends
//! only on the input. Two statements of the same meaning (the same holder, effect,
//! actions, resources, principals and conditions) share one fingerprint, so one decision.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Finding;
use super::grants::{distinct_patterns, statement_actions};
use crate::catalog::{AccessLevel, Catalog};
use crate::model::{
    Loc, Policy, PolicyKind, Principal, Role, Severity, Source, Statement, glob::has_wildcard,
};

pub use super::review_file::{
    Entry, FileError, Merge, Opened, Previous, Progress, Review, ReviewFile, Status, Verdict,
    default_path, fresh_path_beside, utc_now,
};

/// Access levels from the riskiest, the order steps and counts are shown in.
pub const RISK_ORDER: [AccessLevel; 5] = [
    AccessLevel::PermissionsManagement,
    AccessLevel::Write,
    AccessLevel::Tagging,
    AccessLevel::Read,
    AccessLevel::List,
];

/// Where a statement is in the loaded sources, by index: `sources[source].roles[role]
/// .policies[policy].statements()[statement]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StatementRef {
    pub source: usize,
    pub role: usize,
    pub policy: usize,
    pub statement: usize,
}

/// Why a step comes where it does, riskiest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rank {
    Error,
    Warning,
    PermissionsManagement,
    Write,
    Tagging,
    Read,
    List,
    /// Grants no action of the catalog (unknown actions only, or none).
    Other,
}

impl Rank {
    fn of_level(level: AccessLevel) -> Rank {
        match level {
            AccessLevel::PermissionsManagement => Rank::PermissionsManagement,
            AccessLevel::Write => Rank::Write,
            AccessLevel::Tagging => Rank::Tagging,
            AccessLevel::Read => Rank::Read,
            AccessLevel::List => Rank::List,
        }
    }

    /// As shown beside a step: `error`, `warning`, `Write`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Rank::Error => "error",
            Rank::Warning => "warning",
            Rank::PermissionsManagement => "Permissions management",
            Rank::Write => "Write",
            Rank::Tagging => "Tagging",
            Rank::Read => "Read",
            Rank::List => "List",
            Rank::Other => "no known action",
        }
    }
}

/// One statement to decide on.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The fingerprint of the statement's meaning (see [`fingerprint`]).
    pub fingerprint: String,
    /// The fingerprint with the action patterns as written instead of the actions they
    /// cover: it stays the same when the catalog grows under a wildcard.
    pub patterns: String,
    pub at: StatementRef,
    pub path: String,
    pub holder: String,
    pub policy: String,
    pub kind: PolicyKind,
    pub sid: Option<String>,
    pub line: u32,
    pub column: u32,
    pub rank: Rank,
    /// What the statement does, in words, from the catalog.
    pub summary: String,
    /// How many of the actions it covers are at each access level, riskiest first, only
    /// the levels it has.
    pub levels: Vec<(AccessLevel, usize)>,
    /// The findings about this statement, as `check` reports them.
    pub findings: Vec<Finding>,
    /// The source's own words about the statement: its note (a table's description, a
    /// scope note), then its policy's note.
    pub notes: Vec<String>,
    /// The catalog actions the statement covers (its Action expanded, or what its
    /// NotAction leaves), sorted.
    pub actions: Vec<String>,
    /// Action patterns the catalog does not know, which cover nothing.
    pub unknown_actions: Vec<String>,
    /// Whether a wildcard or NotAction decides what it covers, so the catalog growing
    /// changes it.
    pub wildcard: bool,
}

impl Step {
    /// `holder › policy › Sid file:line`, as the step is headed.
    pub fn location(&self) -> String {
        let mut out = format!("{} › {}", self.holder, self.policy);
        match &self.sid {
            Some(sid) => out.push_str(&format!(" › {sid}")),
            None => out.push_str(&format!(" › Statement {}", self.at.statement + 1)),
        }
        out.push_str(&format!(" {}:{}", self.path, self.line));
        out
    }

    pub fn loc(&self) -> Loc {
        Loc::new(self.line, self.column)
    }
}

/// Every statement of the sources as a step, in review order. `findings` are those
/// `analyze::check` returned for the same sources.
pub fn steps(sources: &[Source], findings: &[Finding]) -> Vec<Step> {
    let mut by_statement: HashMap<(&str, &str, &str, usize), Vec<&Finding>> = HashMap::new();
    for f in findings {
        if let (Some(role), Some(policy), Some(n)) = (&f.role, &f.policy, f.statement) {
            by_statement
                .entry((f.path.as_str(), role.as_str(), policy.as_str(), n))
                .or_default()
                .push(f);
        }
    }
    let mut out = Vec::new();
    for (si, source) in sources.iter().enumerate() {
        for (ri, role) in source.roles.iter().enumerate() {
            for (pi, policy) in role.policies.iter().enumerate() {
                for (i, s) in policy.statements().iter().enumerate() {
                    let key = (
                        source.path.as_str(),
                        role.name.as_str(),
                        policy.name.as_str(),
                    );
                    let found: Vec<Finding> = by_statement
                        .get(&(key.0, key.1, key.2, i + 1))
                        .map(|f| f.iter().map(|f| (*f).clone()).collect())
                        .unwrap_or_default();
                    let at = StatementRef {
                        source: si,
                        role: ri,
                        policy: pi,
                        statement: i,
                    };
                    let mut step = step(source, role, policy, s, at, found);
                    if step.line == 0 {
                        // A managed policy's statements have no position in the input: they
                        // are where the policy is referenced.
                        (step.line, step.column) = (policy.loc.line, policy.loc.column);
                    }
                    out.push(step);
                }
            }
        }
    }
    out.sort_by_key(|s| (s.rank, s.at.source, s.loc(), s.at));
    out
}

fn step(
    source: &Source,
    role: &Role,
    policy: &Policy,
    s: &Statement,
    at: StatementRef,
    findings: Vec<Finding>,
) -> Step {
    let covered = statement_actions(s);
    let mut counts = [0usize; 5];
    for (a, _) in &covered {
        counts[RISK_ORDER
            .iter()
            .position(|l| *l == a.access_level)
            .unwrap_or(0)] += 1;
    }
    let levels: Vec<(AccessLevel, usize)> = RISK_ORDER
        .into_iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .collect();
    let worst = findings.iter().map(|f| f.severity).max();
    let rank = match worst {
        Some(Severity::Error) => Rank::Error,
        Some(Severity::Warning) => Rank::Warning,
        _ => levels
            .first()
            .map_or(Rank::Other, |(level, _)| Rank::of_level(*level)),
    };
    let mut actions: Vec<String> = covered.iter().map(|(a, _)| a.full_name()).collect();
    actions.sort_unstable();
    let unknown_actions = unknown_patterns(s);
    let unknown: Vec<String> = unknown_actions
        .iter()
        .map(|a| a.to_ascii_lowercase())
        .collect();
    let wildcard =
        s.not_action.is_some() || s.action.iter().flat_map(|v| v.iter()).any(has_wildcard);
    let notes = [s.note.as_deref(), policy.note.as_deref()]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .chain(s.inferred.iter().map(|i| i.from.clone()))
        .collect::<Vec<_>>();
    let actions_ref: Vec<&crate::catalog::Action> = covered.iter().map(|(a, _)| *a).collect();
    let holder = holder_key(role);
    Step {
        fingerprint: fingerprint(holder, policy.kind, s, Some((&actions, &unknown))),
        patterns: fingerprint(holder, policy.kind, s, None),
        at,
        path: source.path.clone(),
        holder: role.name.clone(),
        policy: policy.name.to_string(),
        kind: policy.kind,
        sid: s.sid.as_ref().map(|t| t.value.to_string()),
        line: s.loc.line,
        column: s.loc.column,
        rank,
        summary: super::review_summary::summary(role, policy.kind, s, &actions_ref, &levels),
        levels,
        findings,
        notes: dedup(notes),
        actions,
        unknown_actions,
        wildcard,
    }
}

/// The holder as the fingerprint names it: its name, except for a document that names no
/// holder, whose name is only its file's.
pub fn holder_key(role: &Role) -> &str {
    if role.kind == crate::model::RoleKind::Document {
        ""
    } else {
        &role.name
    }
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items
        .into_iter()
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

/// The Action (or NotAction) patterns of `s` the catalog does not know, as written.
fn unknown_patterns(s: &Statement) -> Vec<String> {
    let catalog = Catalog::get();
    s.actions()
        .map(|(values, _)| distinct_patterns(values))
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.value != "*" && catalog.expand(&p.value).is_ok_and(|a| a.is_empty()))
        .map(|p| p.value.to_string())
        .collect()
}

/// The fingerprint of a statement's meaning: SHA-256 (first 16 hex digits) of its holder's
/// name, its policy kind, effect, the actions it covers (`covered`, sorted names; with
/// `None`, its action patterns as written, lower-cased and sorted, plus whether they are
/// NotAction), the action patterns the catalog does not know (lower-cased), its resources, principals and conditions, each as
/// a sorted set. Neither its position, Sid, letter case of names IAM reads without case,
/// nor formatting takes part, so a reordered or reformatted copy has the same
/// fingerprints, and Action `s3:Get*` the same as the list of actions it covers.
pub fn fingerprint(
    holder: &str,
    kind: PolicyKind,
    s: &Statement,
    covered: Option<(&[String], &[String])>,
) -> String {
    let mut canon = vec![
        format!("holder {holder}"),
        format!("kind {}", kind.as_str()),
        format!(
            "effect {}",
            s.effect.as_ref().map_or("", |t| t.value.as_str())
        ),
    ];
    match covered {
        Some((actions, unknown)) => {
            canon.push(format!("actions {}", actions.join(",")));
            canon.push(format!(
                "unknown {}",
                sorted(unknown.iter().map(String::as_str))
            ));
        }
        None => {
            if let Some((values, not)) = s.actions() {
                let written = distinct_patterns(values)
                    .into_iter()
                    .map(|t| t.value.to_string())
                    .collect();
                canon.push(format!("patterns {not} {}", sorted_lower(written)));
            }
        }
    }
    if let Some((values, not)) = s.resources() {
        canon.push(format!("resource {not} {}", sorted(values.iter())));
    }
    if let Some((principal, not)) = s.principals() {
        canon.push(format!("principal {not} {}", principal_canon(principal)));
    }
    let mut clauses: Vec<String> = Vec::new();
    for block in s.condition.iter().flat_map(|c| &c.operators) {
        for e in &block.entries {
            clauses.push(format!(
                "{}\u{1f}{}\u{1f}{}",
                block.operator.value,
                e.key.value.to_ascii_lowercase(),
                sorted(e.values.iter().map(|v| v.text.as_str()))
            ));
        }
    }
    canon.push(format!(
        "condition {}",
        sorted(clauses.iter().map(String::as_str))
    ));
    let digest = Sha256::digest(canon.join("\n").as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn sorted<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let set: BTreeSet<&str> = items.collect();
    set.into_iter().collect::<Vec<_>>().join("\u{1e}")
}

fn sorted_lower(items: Vec<String>) -> String {
    let lower: Vec<String> = items.iter().map(|s| s.to_ascii_lowercase()).collect();
    sorted(lower.iter().map(String::as_str))
}

/// A principal as a sorted set of `type=value`.
fn principal_canon(p: &Principal) -> String {
    match p {
        Principal::Wildcard(_) => "*".into(),
        Principal::Map { entries, .. } => {
            let all: Vec<String> = entries
                .iter()
                .flat_map(|e| e.values.iter().map(move |v| format!("{}={v}", e.key.value)))
                .collect();
            sorted(all.iter().map(String::as_str))
        }
    }
}

//! The text of the evaluator's answers, one line per element, as `why` prints them and the
//! viewer's trace pane shows them: a decision with its request, deciding statements, trace
//! and notes; a pattern's table of actions. Lines are not escaped: the caller escapes them
//! for its output.

use crate::eval::Explanation;
use crate::eval::table::ActionTable;
use crate::eval::trace::{ClauseTrace, ElementTrace, PolicyResult, PolicyTrace, StatementTrace};
use crate::model::PolicyKind;

/// The text of a pattern's answer: a summary line, the request, then one row per action
/// with its decision and the statement that decided it.
pub fn table(t: &ActionTable) -> Vec<String> {
    let s = &t.summary;
    let mut out = vec![format!(
        "{}: {} actions: {} Allowed, {} ImplicitDeny, {} ExplicitDeny",
        t.pattern,
        t.actions.len(),
        s.allowed,
        s.implicit_deny,
        s.explicit_deny
    )];
    out.push(format!(
        "  request: on {} by {}",
        t.request.resource, t.request.principal
    ));
    out.push(String::new());
    let width = t.actions.iter().map(|a| a.action.len()).max().unwrap_or(0);
    for row in &t.actions {
        let by = match row.deciding.first() {
            Some(d) => format!(
                "{} {}, statement {}{}{}",
                kind_name(d.kind, false),
                quoted(&d.policy),
                d.statement,
                sid(&d.sid),
                if row.deciding.len() > 1 {
                    format!(" (+{} more)", row.deciding.len() - 1)
                } else {
                    String::new()
                }
            ),
            None => row.reason.clone(),
        };
        out.push(format!(
            "  {:width$}  {:12}  {by}",
            row.action,
            row.decision.as_str()
        ));
    }
    if !t.notes.is_empty() {
        out.push(String::new());
        out.push("Notes:".into());
        out.extend(t.notes.iter().map(|n| format!("  {n}")));
    }
    out
}

/// The text output, one line per element; escaped by the caller.
pub fn explanation(e: &Explanation) -> Vec<String> {
    let mut out = vec![format!("{}: {}", e.decision.as_str(), e.reason)];
    let r = &e.request;
    out.push(format!(
        "  request: {} on {} by {}",
        r.action, r.resource, r.principal
    ));
    let accounts = match (&r.principal_account, &r.resource_account) {
        (Some(p), Some(res)) if p != res => {
            format!("cross-account: caller in {p}, resource in {res}")
        }
        (_, Some(res)) => format!("same account ({res})"),
        _ => "accounts unknown (taken as the same)".into(),
    };
    out.push(format!("  {accounts}"));
    for (key, values) in &r.context {
        out.push(format!("  context: {key} = {}", values.join(", ")));
    }
    for (key, values) in &r.derived_context {
        out.push(format!("  derived: {key} = {}", values.join(", ")));
    }
    out.push(String::new());
    out.push("Deciding statements:".into());
    if let Some(rule) = e.rule {
        out.push(format!(
            "  none; the AWS rule `{}` decided, whatever the policies say",
            rule.as_str()
        ));
    } else if e.deciding.is_empty() {
        let by = e.denied_by.as_ref().map_or(String::new(), |d| {
            let level = d
                .level
                .map(|l| format!(" at level {l}"))
                .unwrap_or_default();
            format!(
                "; nothing allowed it in the {}{level}",
                kind_name(d.kind, true)
            )
        });
        out.push(format!("  none{by}"));
    }
    for d in &e.deciding {
        let role = d
            .role
            .as_deref()
            .map(|r| format!(" of {r}"))
            .unwrap_or_default();
        out.push(format!(
            "  {} {}{role}, statement {}{} ({}, {}:{})",
            kind_name(d.kind, false),
            quoted(&d.policy),
            d.statement,
            sid(&d.sid),
            d.effect,
            d.line,
            d.column
        ));
    }
    out.push(String::new());
    out.push("Trace:".into());
    for p in &e.policies {
        policy(p, &mut out);
    }
    if !e.notes.is_empty() {
        out.push(String::new());
        out.push("Notes:".into());
        out.extend(e.notes.iter().map(|n| format!("  {n}")));
    }
    out
}

pub fn kind_name(kind: PolicyKind, plural: bool) -> &'static str {
    match (kind, plural) {
        (PolicyKind::Identity, false) => "identity policy",
        (PolicyKind::Identity, true) => "identity policies",
        (PolicyKind::Trust, _) => "trust policy",
        (PolicyKind::Resource, _) => "resource policy",
        (PolicyKind::Boundary, _) => "permissions boundary",
        (PolicyKind::Scp, false) => "SCP",
        (PolicyKind::Scp, true) => "SCPs",
        (PolicyKind::Rcp, false) => "RCP",
        (PolicyKind::Rcp, true) => "RCPs",
        (PolicyKind::Session, _) => "session policy",
    }
}

fn quoted(s: &str) -> String {
    format!("\"{s}\"")
}

fn sid(sid: &Option<String>) -> String {
    sid.as_deref().map(|s| format!(" {s}")).unwrap_or_default()
}

fn policy(p: &PolicyTrace, out: &mut Vec<String>) {
    let role = p
        .role
        .as_deref()
        .map(|r| format!(" of {r}"))
        .unwrap_or_default();
    let level = p.level.map(|l| format!(" (level {l})")).unwrap_or_default();
    let result = match p.result {
        PolicyResult::Allow => "allows",
        PolicyResult::Deny => "denies",
        PolicyResult::NoMatch => "no statement applies",
        PolicyResult::NotApplicable => "does not apply",
    };
    out.push(format!(
        "  {} {}{role}{level}: {result}",
        kind_name(p.kind, false),
        quoted(&p.name)
    ));
    if let Some(note) = &p.note {
        out.push(format!("    {note}"));
    }
    for s in &p.statements {
        statement(s, out);
    }
}

fn statement(s: &StatementTrace, out: &mut Vec<String>) {
    let effect = s.effect.as_deref().unwrap_or("no Effect");
    let head = format!(
        "    statement {}{} ({effect}, {}:{})",
        s.index,
        sid(&s.sid),
        s.line,
        s.column
    );
    match &s.reason {
        None => {
            out.push(format!("{head}: applies"));
            element("action", &s.action, out);
            element("resource", &s.resource, out);
            if s.principal.grant.is_some() {
                element("principal", &s.principal, out);
            }
        }
        Some(reason) if s.condition.clauses.is_empty() || !condition_failed_only(s) => {
            out.push(format!("{head}: does not apply: {reason}"));
            return;
        }
        Some(_) => out.push(format!("{head}: does not apply: a condition is false")),
    }
    for c in &s.condition.clauses {
        clause(c, out);
    }
}

fn element(name: &str, e: &ElementTrace, out: &mut Vec<String>) {
    let grant = e
        .grant
        .map(|g| format!(" [{}]", g.as_str()))
        .unwrap_or_default();
    out.push(format!("      {name}: {}{grant}", e.reason));
}

fn clause(c: &ClauseTrace, out: &mut Vec<String>) {
    let values = |v: &[String]| v.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", ");
    let request = if c.request_values.is_empty() {
        "(key missing)".to_string()
    } else {
        values(&c.request_values)
    };
    let mut policy = values(&c.policy_values);
    if let Some(resolved) = &c.resolved_policy_values {
        policy.push_str(&format!(" = {}", values(resolved)));
    }
    out.push(format!(
        "      condition {} {}: request {request} | policy {policy} → {}: {}",
        c.operator,
        c.key,
        if c.matched { "true" } else { "false" },
        c.reason
    ));
}

/// Whether everything but the condition matched (so the clauses are worth showing).
fn condition_failed_only(s: &StatementTrace) -> bool {
    s.effect.is_some()
        && s.action.matched
        && s.resource.matched
        && s.principal.matched
        && !s.condition.matched
}

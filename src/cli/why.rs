//! `iamscope why`: is a request allowed, and why. Reads the request from the options (and
//! the policies from the loaded PATHs) or from a scenario file, then prints the decision on
//! the first line, the deciding statements, and the trace of every policy and statement;
//! or the `why` JSON of DESIGN.md.

use std::path::Path;
use std::process::ExitCode;

use super::args::{OutputFormat, WhyArgs};
use super::output::{emit, emit_json};
use super::{Common, EXIT_FINDINGS, EXIT_USAGE};
use crate::analyze::action_problem;
use crate::catalog::Catalog;
use crate::eval::action::action_pattern_problem;
use crate::eval::holder::{self, Question};
use crate::eval::scenario::{self, check_context_value};
use crate::eval::table::{ActionTable, explain_each};
use crate::eval::trace::{ClauseTrace, ElementTrace, PolicyResult, PolicyTrace, StatementTrace};
use crate::eval::{Context, Decision, Explanation, PolicySet, Request, explain};
use crate::model::glob::has_wildcard;
use crate::model::{Loc, PolicyKind};
use crate::text::escape;

pub fn run(args: &WhyArgs) -> ExitCode {
    if let Some(file) = &args.scenarios {
        return super::why_batch::run(args, file);
    }
    let common = &args.common;
    let question = match &args.scenario {
        Some(_) if !common.vars.is_empty() || common.input_format.is_some() => Err(
            "--var and --input-format apply to PATHs; a scenario file holds its policies as JSON"
                .to_string(),
        ),
        Some(file) => from_scenario(file),
        None => from_paths(args, common),
    };
    let answer = match question.and_then(answer) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("iamscope: {}", escape(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let (lines, allowed) = match &answer {
        Answer::One(e) => (render(e), e.decision == Decision::Allowed),
        Answer::Table(t) => (render_table(t), t.summary.allowed == t.actions.len()),
    };
    match (args.format.unwrap_or(OutputFormat::Text), &answer) {
        (OutputFormat::Json, Answer::One(e)) => emit_json(e),
        (OutputFormat::Json, Answer::Table(t)) => emit_json(t),
        (OutputFormat::Text, _) => {
            let text: String = lines
                .iter()
                .map(|line| escape(line).into_owned() + "\n")
                .collect();
            emit(&text);
        }
    }
    if allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_FINDINGS)
    }
}

/// A question ready to judge: the policies, the request, and what was assumed.
struct Judged {
    set: PolicySet,
    request: Request,
    notes: Vec<String>,
}

/// One decision, or one per action of a pattern.
enum Answer {
    One(Explanation),
    Table(ActionTable),
}

/// Checks the question's action and answers it: an unknown action is an error naming the
/// nearest real ones (a typo must not answer ImplicitDeny); a pattern answers for every
/// action it covers.
fn answer(judged: Judged) -> Result<Answer, String> {
    let Judged {
        set,
        request,
        notes,
    } = judged;
    let action = request.action();
    if let Some(problem) = action_pattern_problem(action) {
        return Err(format!("--action `{action}`: {problem}"));
    }
    if let Some(problem) = action_problem(action) {
        return Err(format!("--action: {problem}"));
    }
    if !has_wildcard(action) {
        let mut e = explain(&set, &request);
        e.notes.extend(notes);
        return Ok(Answer::One(e));
    }
    let actions: Vec<String> = Catalog::get()
        .expand(action)
        .map_err(|e| format!("--action `{action}`: {}", e.reason()))?
        .into_iter()
        .map(|a| a.full_name())
        .collect();
    let mut table = explain_each(&set, &request, action, &actions);
    table.notes.extend(notes);
    Ok(Answer::Table(table))
}

fn from_scenario(file: &str) -> Result<Judged, String> {
    let bytes = crate::load::files::read(Path::new(file)).map_err(|e| format!("{file}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{file}: not valid UTF-8"))?;
    let scenario = scenario::parse(&text).map_err(|e| format!("{file}:{e}"))?;
    // Errors are escaped where they are printed; warnings are printed here.
    let file = escape(file);
    for w in &scenario.warnings {
        eprintln!(
            "iamscope: {file}:{}: {}: {}",
            w.loc,
            w.severity,
            escape(&w.message)
        );
    }
    Ok(Judged {
        set: scenario.set,
        request: scenario.request,
        notes: scenario.notes,
    })
}

fn from_paths(args: &WhyArgs, common: &Common) -> Result<Judged, String> {
    let action = args.action.as_deref().unwrap_or_default();
    let mut context = Context::default();
    for (key, value) in &args.context {
        context.push(key, value);
    }
    for entry in context.entries() {
        check_context_value(&entry.key, &entry.values, Loc::default())
            .map_err(|e| format!("--context: {}", e.message))?;
    }
    let (sources, all_read) = super::load_reporting(&args.paths, common);
    if !all_read {
        return Err("stopped: some input could not be read".into());
    }
    let prepared = holder::prepare(
        &sources,
        Question {
            action,
            resource: args.resource.as_deref(),
            principal: args.principal.as_deref(),
            role: args.role.as_deref(),
            resource_account: args.resource_account.as_deref(),
            context,
        },
    )?;
    let mut notes = prepared.notes;
    notes.extend(partial_notes(&sources, args.role.as_deref()));
    Ok(Judged {
        set: prepared.set,
        request: prepared.request,
        notes,
    })
}

/// The text of a pattern's answer: a summary line, the request, then one row per action
/// with its decision and the statement that decided it.
pub fn render_table(t: &ActionTable) -> Vec<String> {
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

/// What could not be read in the holders the question reads (the one named by `--role`,
/// else every one): the decision may differ once it is.
fn partial_notes(sources: &[crate::model::Source], role: Option<&str>) -> Vec<String> {
    let asked = |r: &crate::model::Role| {
        role.is_none_or(|name| r.name == name || r.title.as_deref() == Some(name))
    };
    sources
        .iter()
        .flat_map(|s| &s.roles)
        .filter(|r| asked(r))
        .flat_map(|r| {
            let all: Vec<&crate::model::Policy> = r.policies.iter().collect();
            crate::load::partial::warnings(r, &all)
                .into_iter()
                .map(move |w| format!("{} › {w}", r.name))
        })
        .collect()
}

/// The text output, one line per element; escaped by the caller.
pub fn render(e: &Explanation) -> Vec<String> {
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

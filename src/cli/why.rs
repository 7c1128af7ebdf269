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
use crate::eval::text;
use crate::eval::{Context, Decision, Explanation, PolicySet, Request, explain};
use crate::model::Loc;
use crate::model::glob::has_wildcard;
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
        Answer::One(e) => (text::explanation(e), e.decision == Decision::Allowed),
        Answer::Table(t) => (text::table(t), t.summary.allowed == t.actions.len()),
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

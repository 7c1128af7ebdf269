//! `iamscope why --scenarios FILE`: many decisions in one run. Reads the JSON Lines file
//! (or standard input), has the core judge every line on every core, and prints one result
//! per line in input order: JSON Lines, or one readable line each. Lines with `"expect"`
//! make the run a test: a summary on standard error, and exit 1 when an expectation fails.

use std::path::Path;
use std::process::ExitCode;

use super::args::{OutputFormat, WhyArgs};
use super::output::{Sink, Stdout, to_json_line};
use super::{EXIT_FINDINGS, EXIT_USAGE};
use crate::analyze::action_problem;
use crate::eval::Decision;
use crate::eval::batch::{self, Decided, Judged, Options, Outcome, Summary};
use crate::eval::text::{explanation, kind_name};
use crate::eval::trace::DeniedBy;
use crate::text::escape;

pub fn run(args: &WhyArgs, file: &str) -> ExitCode {
    let common = &args.common;
    if !common.vars.is_empty() || common.input_format.is_some() {
        eprintln!(
            "iamscope: --var and --input-format apply to PATHs; a scenario line holds its policies as JSON"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let text = match read(file) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("iamscope: {}: {}", escape(file), escape(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let options = Options {
        explain: args.explain,
        action_problem: &action_problem,
        jobs: crate::pool::jobs(common.jobs),
    };
    let mut out = Stdout::new();
    let mut summary = Summary::default();
    let mut problems = Vec::new();
    batch::run(&text, &options, |outcome| {
        summary.add(&outcome);
        if let Some(problem) = problem(&outcome) {
            problems.push(problem);
        }
        let text = match args.format.unwrap_or(OutputFormat::Json) {
            OutputFormat::Json => to_json_line(&outcome) + "\n",
            OutputFormat::Text => text_lines(&outcome),
        };
        out.write(&text);
    });
    out.finish();
    let tested = summary.passed + summary.failed > 0;
    if tested || summary.errors > 0 {
        for p in &problems {
            eprintln!("iamscope: {}", escape(p));
        }
        eprintln!("iamscope: {}", summary_line(&summary));
    }
    // A line that could not be judged fails the run as an unmet expectation does; 2 is
    // for input that could not be read at all.
    if summary.errors + summary.failed > 0 {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

fn read(file: &str) -> Result<String, String> {
    let bytes = if file == "-" {
        crate::load::files::read_at_most(std::io::stdin().lock())?
    } else {
        crate::load::files::read(Path::new(file))?
    };
    String::from_utf8(bytes).map_err(|e| {
        let line = 1 + e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        format!("line {line} is not valid UTF-8")
    })
}

/// How the run went, e.g. "12 scenarios: 10 passed, 1 failed, 1 could not be read".
fn summary_line(s: &Summary) -> String {
    let mut parts = Vec::new();
    if s.passed + s.failed > 0 {
        parts.push(format!("{} passed", s.passed));
        parts.push(format!("{} failed", s.failed));
    }
    if s.errors > 0 {
        parts.push(format!("{} could not be read", s.errors));
    }
    let plural = if s.scenarios == 1 { "" } else { "s" };
    format!("{} scenario{plural}: {}", s.scenarios, parts.join(", "))
}

/// A failed expectation or an unread line, said on standard error.
fn problem(o: &Outcome) -> Option<String> {
    let at = name(o);
    match &o.result {
        Judged::Unread { error } => Some(format!("{at}: {}", error.message)),
        Judged::Decided(d) => match (d.expect, d.pass) {
            (Some(expect), Some(false)) => Some(format!(
                "{at}: expected {}, got {}{}",
                expect.as_str(),
                d.decision.as_str(),
                by(d)
            )),
            _ => None,
        },
    }
}

/// "line 3" or "line 3 (vendor-no-payroll)".
fn name(o: &Outcome) -> String {
    match &o.id {
        Some(id) => format!("line {} ({id})", o.line),
        None => format!("line {}", o.line),
    }
}

/// The text of one outcome: a line, and with --explain the indented `why` text after it.
fn text_lines(o: &Outcome) -> String {
    let head = match &o.result {
        Judged::Unread { error } => {
            let column = error
                .column
                .map(|c| format!(" at column {c}"))
                .unwrap_or_default();
            format!("{}: error{column}: {}", name(o), error.message)
        }
        Judged::Decided(d) => {
            let expect = match (d.expect, d.pass) {
                (Some(e), Some(true)) => format!(" (expected {}: pass)", e.as_str()),
                (Some(e), _) => format!(" (expected {}: FAIL)", e.as_str()),
                _ => String::new(),
            };
            format!("{}: {}{}{expect}", name(o), d.decision.as_str(), by(d))
        }
    };
    let mut out = escape(&head).into_owned() + "\n";
    if let Judged::Decided(d) = &o.result
        && let Some(e) = &d.explanation
    {
        for line in explanation(e) {
            if !line.is_empty() {
                out.push_str("    ");
                out.push_str(&escape(&line));
            }
            out.push('\n');
        }
    }
    out
}

/// What decided, for the one-line text: the first deciding statement, the rule, or the
/// policy type that did not allow.
fn by(d: &Decided) -> String {
    if let Some(rule) = d.rule {
        return format!(" by the AWS rule `{}`", rule.as_str());
    }
    if let Some(first) = d.deciding.first() {
        let sid = first
            .sid
            .as_deref()
            .map(|s| format!(" {s}"))
            .unwrap_or_default();
        let more = match d.deciding.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        return format!(
            " by {} \"{}\", statement {}{sid}{more}",
            kind_name(first.kind, false),
            first.policy,
            first.statement
        );
    }
    match (&d.denied_by, d.decision) {
        (Some(DeniedBy { kind, level }), Decision::ImplicitDeny) => {
            let level = level.map(|l| format!(" at level {l}")).unwrap_or_default();
            format!(
                ": nothing allowed it in the {}{level}",
                kind_name(*kind, true)
            )
        }
        _ => String::new(),
    }
}

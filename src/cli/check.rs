//! `iamscope check`: findings as text grouped by source, role and policy, as JSON, or as
//! SARIF; exit 1 when one is at or above `--fail-on`.

use std::process::ExitCode;

use serde_json::json;

use super::args::{CheckArgs, CheckFormat, FailOn};
use super::output::{emit, emit_json};
use super::style::Style;
use super::{EXIT_FINDINGS, EXIT_USAGE};
use crate::analyze::ignore::{self, Suppressed};
use crate::analyze::{self, Finding};
use crate::model::Severity;
use crate::text::{escape, plural};

/// The ignore file read from the current directory when `--ignore-file` is not given.
pub const IGNORE_FILE: &str = ".iamscope-ignore";

pub fn run(args: &CheckArgs) -> ExitCode {
    let common = &args.common;
    let rules = match ignore_rules(args) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let (sources, all_read) = super::load_reporting(&args.paths, common);
    let mut findings = analyze::check(&sources);
    let suppressed = ignore::apply(&mut findings, &args.ignore, &rules);
    match args.format {
        CheckFormat::Text => emit(&text(&findings, suppressed, Style::for_stdout(common))),
        CheckFormat::Json => emit_json(&report_json(&findings, suppressed)),
        CheckFormat::Sarif => emit_json(&super::sarif::log(&findings)),
    }
    if !all_read {
        ExitCode::from(EXIT_USAGE)
    } else if fails(&findings, args.fail_on) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The rules of the ignore file, reporting unreadable files and lines (exit 2).
fn ignore_rules(args: &CheckArgs) -> Result<Vec<ignore::Rule>, ExitCode> {
    let (path, required) = match &args.ignore_file {
        Some(p) => (p.clone(), true),
        None => (IGNORE_FILE.into(), false),
    };
    let text = match crate::load::files::read(&path)
        .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string()))
    {
        Ok(text) => text,
        Err(_) if !required => return Ok(Vec::new()),
        Err(e) => {
            eprintln!("iamscope: {}: {e}", escape(&path.to_string_lossy()));
            return Err(ExitCode::from(EXIT_USAGE));
        }
    };
    let (rules, bad) = ignore::parse(&text);
    for b in &bad {
        eprintln!(
            "iamscope: {}:{}: {}",
            escape(&path.to_string_lossy()),
            b.line,
            b.message
        );
    }
    if bad.is_empty() {
        Ok(rules)
    } else {
        Err(ExitCode::from(EXIT_USAGE))
    }
}

fn fails(findings: &[Finding], fail_on: FailOn) -> bool {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return false,
    };
    findings.iter().any(|f| f.severity >= threshold)
}

fn count(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|f| f.severity == severity).count()
}

/// The `check` JSON of DESIGN.md.
pub fn report_json(findings: &[Finding], suppressed: Suppressed) -> serde_json::Value {
    json!({
        "findings": findings,
        "summary": {
            "error": count(findings, Severity::Error),
            "warning": count(findings, Severity::Warning),
            "info": count(findings, Severity::Info),
            "suppressed": suppressed,
        },
    })
}

/// Findings grouped by source, then by role and policy, one line each with
/// `path:line:column`, and a summary line.
pub fn text(findings: &[Finding], suppressed: Suppressed, style: Style) -> String {
    let mut out = String::new();
    let mut source: Option<&str> = None;
    let mut holder: Option<(Option<&str>, Option<&str>)> = None;
    for f in findings {
        if source != Some(f.path.as_str()) {
            if source.is_some() {
                out.push('\n');
            }
            out.push_str(&style.bold(&escape(&f.path)));
            out.push('\n');
            source = Some(&f.path);
            holder = None;
        }
        let this = (f.role.as_deref(), f.policy.as_deref());
        if holder != Some(this) {
            match this {
                (Some(role), Some(policy)) => {
                    out.push_str(&format!("  {} › {}\n", escape(role), escape(policy)));
                }
                (Some(role), None) => out.push_str(&format!("  {}\n", escape(role))),
                _ => {}
            }
            holder = Some(this);
        }
        let at = if f.line > 0 {
            format!("{}:{}:{}", escape(&f.path), f.line, f.column)
        } else {
            escape(&f.path).into_owned()
        };
        let statement = match (f.statement, &f.sid) {
            (Some(n), Some(sid)) => format!(" [statement {n} \"{}\"]", escape(sid)),
            (Some(n), None) => format!(" [statement {n}]"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "    {}  {}  {}  {}{}\n",
            style.dim(&at),
            style.severity(f.severity),
            f.code,
            escape(&f.message),
            style.dim(&statement)
        ));
    }
    if !findings.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(findings, suppressed));
    out.push('\n');
    out
}

fn summary(findings: &[Finding], suppressed: Suppressed) -> String {
    let mut s = if findings.is_empty() {
        "no findings".to_string()
    } else {
        format!(
            "{}: {}, {}, {}",
            plural(findings.len(), "finding", "findings"),
            plural(count(findings, Severity::Error), "error", "errors"),
            plural(count(findings, Severity::Warning), "warning", "warnings"),
            plural(count(findings, Severity::Info), "info", "info"),
        )
    };
    let total = suppressed.ignore_option + suppressed.ignore_file;
    if total > 0 {
        s.push_str(&format!(
            "; {total} suppressed ({} by --ignore, {} by the ignore file)",
            suppressed.ignore_option, suppressed.ignore_file
        ));
    }
    s
}

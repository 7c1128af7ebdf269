//! `iamscope check`: findings as text grouped by source, role and policy, as JSON, or as
//! SARIF; exit 1 when one is at or above `--fail-on`.

use std::process::ExitCode;

use serde_json::json;

use super::args::{CheckArgs, CheckFormat, FailOn};
use super::output::{JsonArray, Sink, Stdout, to_json, to_json_at};
use super::style::Style;
use super::{EXIT_FINDINGS, EXIT_USAGE};
use crate::analyze::ignore::{self, Suppressed};
use crate::analyze::{self, Finding};
use crate::model::Severity;
use crate::model::Source;
use crate::session::for_each_source;
use crate::text::{escape, plural};

/// The depth of the `findings` array in the JSON output.
const FINDINGS_INDENT: usize = 1;

/// The ignore file read from the current directory when `--ignore-file` is not given.
pub const IGNORE_FILE: &str = ".iamscope-ignore";

pub fn run(args: &CheckArgs) -> ExitCode {
    let common = &args.common;
    let rules = match ignore_rules(args) {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let style = Style::for_stdout(common);
    let format = args.format;
    let mut out = Stdout::new();
    let mut tally = Tally::default();
    let mut sarif = Vec::new();
    let mut json = (format == CheckFormat::Json)
        .then(|| JsonArray::open(&mut out, "{\n  \"findings\": ", FINDINGS_INDENT));
    // Each source is checked, counted and printed on the thread that loaded it; this
    // thread writes what comes back in input order. Only SARIF needs the findings back;
    // otherwise they are freed where they were made (freed here, each would go back to
    // another thread's arena).
    let check = |source: Source| {
        let mut findings = analyze::check(std::slice::from_ref(&source));
        // The findings own what they say: the source is freed before they are written.
        drop(source);
        let suppressed = ignore::apply(&mut findings, &args.ignore, &rules);
        let counted = Tally::of(&findings, suppressed);
        let printed = match format {
            CheckFormat::Text => vec![source_text(&findings, style)],
            // Each finding freed as it is written.
            CheckFormat::Json => findings
                .drain(..)
                .map(|f| JsonArray::element(&f, FINDINGS_INDENT))
                .collect(),
            CheckFormat::Sarif => Vec::new(),
        };
        let kept = if format == CheckFormat::Sarif {
            findings
        } else {
            Vec::new()
        };
        (counted, printed, kept)
    };
    let all_read = for_each_source(&args.paths, common, check, |(counted, printed, kept)| {
        tally.merge(&counted);
        match &mut json {
            Some(array) => printed.iter().for_each(|f| array.item(&mut out, f)),
            None if format == CheckFormat::Text => {
                for text in printed.iter().filter(|t| !t.is_empty()) {
                    if tally.sources_printed > 0 {
                        out.write("\n");
                    }
                    tally.sources_printed += 1;
                    out.write(text);
                }
            }
            None => sarif.extend(kept),
        }
    });
    match (format, json) {
        (CheckFormat::Text, _) => {
            if tally.total() > 0 {
                out.write("\n");
            }
            out.write(&tally.summary());
            out.write("\n");
        }
        (_, Some(array)) => {
            array.close(&mut out);
            out.write(",\n  \"summary\": ");
            out.write(&to_json_at(&tally.summary_json(), 1));
            out.write("\n}\n");
        }
        _ => out.write(&(to_json(&super::sarif::log(&sarif)) + "\n")),
    }
    out.finish();
    if !all_read {
        ExitCode::from(EXIT_USAGE)
    } else if tally.fails(args.fail_on) {
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

/// What a run found, counted as sources come in.
#[derive(Default)]
struct Tally {
    /// Findings by severity: error, warning, info.
    counts: [usize; 3],
    suppressed: Suppressed,
    /// How many sources had findings printed as text.
    sources_printed: usize,
}

impl Tally {
    /// The counts of one source's findings, and what was suppressed from them.
    fn of(findings: &[Finding], suppressed: Suppressed) -> Tally {
        let mut tally = Tally {
            suppressed,
            ..Tally::default()
        };
        for f in findings {
            tally.counts[Self::slot(f.severity)] += 1;
        }
        tally
    }

    /// Adds the counts of another run's tally (one source's, counted where it was checked).
    fn merge(&mut self, other: &Tally) {
        for (count, more) in self.counts.iter_mut().zip(other.counts) {
            *count += more;
        }
        self.suppressed.ignore_option += other.suppressed.ignore_option;
        self.suppressed.ignore_file += other.suppressed.ignore_file;
    }

    fn slot(severity: Severity) -> usize {
        match severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        }
    }

    fn count(&self, severity: Severity) -> usize {
        self.counts[Self::slot(severity)]
    }

    fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    fn fails(&self, fail_on: FailOn) -> bool {
        let threshold = match fail_on {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
            FailOn::Never => return false,
        };
        [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .any(|s| s >= threshold && self.count(s) > 0)
    }

    /// The `summary` of the `check` JSON of DESIGN.md.
    fn summary_json(&self) -> serde_json::Value {
        json!({
            "error": self.count(Severity::Error),
            "warning": self.count(Severity::Warning),
            "info": self.count(Severity::Info),
            "suppressed": self.suppressed,
        })
    }

    /// The last line of the text output.
    fn summary(&self) -> String {
        let mut s = if self.total() == 0 {
            "no findings".to_string()
        } else {
            format!(
                "{}: {}, {}, {}",
                plural(self.total(), "finding", "findings"),
                plural(self.count(Severity::Error), "error", "errors"),
                plural(self.count(Severity::Warning), "warning", "warnings"),
                plural(self.count(Severity::Info), "info", "info"),
            )
        };
        let suppressed = self.suppressed;
        let total = suppressed.ignore_option + suppressed.ignore_file;
        if total > 0 {
            s.push_str(&format!(
                "; {total} suppressed ({} by --ignore, {} by the ignore file)",
                suppressed.ignore_option, suppressed.ignore_file
            ));
        }
        s
    }
}

/// One source's findings as text: its path, then its findings grouped by role and policy,
/// one line each with `path:line:column`. Empty when it has none.
pub fn source_text(findings: &[Finding], style: Style) -> String {
    let mut out = String::new();
    let Some(first) = findings.first() else {
        return out;
    };
    out.push_str(&style.bold(&escape(&first.path)));
    out.push('\n');
    let mut holder: Option<(Option<&str>, Option<&str>)> = None;
    for f in findings {
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
    out
}

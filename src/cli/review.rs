//! `iamscope review`: the onboarding walkthrough without the viewer. Prints where the review
//! stands (counts, then every flagged and undecided statement with its fingerprint),
//! records decisions given by fingerprint (`--accept`, `--flag`, `--comment`, `--clear`),
//! exports the report as Markdown or HTML, and exits 1 while anything is at or above
//! `--fail-on`, so CI can hold a change of a vendor's permissions until it is reviewed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use sha2::{Digest, Sha256};

use super::output::emit;
use super::style::Style;
use super::{EXIT_FINDINGS, EXIT_USAGE};
use crate::analyze::minimize::{self, used::UsedReport};
use crate::analyze::review::{self, Merge, Opened, Review, Verdict};
use crate::analyze::{self, review_export};
use crate::model::Source;
use crate::session::{Common, parse_key_value};
use crate::text::{escape, plural};

pub const HELP: &str = "\
The walkthrough visits every statement once, riskiest first: statements with an error
finding, then a warning, then by the riskiest access level they grant (Permissions
management, Write, Tagging, Read, List); within a level, in file order. Each decision is kept
in the review file (default: <first PATH>.review.json) under the statement's fingerprint,
a digest of its meaning (holder, effect, the actions it covers, resources, principals,
conditions; not its position, Sid or formatting): a reformatted or reordered page keeps its
decisions, a changed statement comes back undecided with its previous decision shown, and a
wildcard comes back when the catalog covers new actions under it. Placeholders filled with
--var are part of what a statement means: review with the same --var values each time.

Examples:
  iamscope review vendor.md                          where the review stands
  iamscope review vendor.md --accept 1ed818ba --accept e9ede6f4
  iamscope review vendor.md --flag 24c90d66 --comment '24c90d66=PutBucketPolicy is not needed'
  iamscope review vendor.md --export review.md       a report for GitHub
  iamscope review vendor.md --export review.html     one printable HTML file
  iamscope review vendor.md --fail-on flagged        in CI: fail only on flagged statements
  iamscope review vendor.md --var AccountId=111122223333 --used AWSLogs/
                                                     with what CloudTrail shows each role used

--used EVENTS (CloudTrail log files, directories of them, or lookup-events output) adds to
the report, for each holder whose events they hold, what it was granted and used by service
and access level, the grants nobody used and the calls it was denied (see `iamscope minimize
--help` for how events are read).

Exit codes: 0 nothing at or above --fail-on; 1 something is (undecided: any statement
undecided or flagged; flagged: any flagged); 2 bad usage, unreadable input or --used
events, an unreadable review file when decisions were given, or a review file another
writer changed in a way that conflicts.";

#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// Files, directories (walked, in name order) or `-` for standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub file: ReviewFile,

    /// Write the report to FILE: Markdown for a name ending in .md, HTML for .html.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,

    /// Exit 1 when a statement is at or above this state.
    #[arg(long, value_enum, default_value_t = FailOn::Undecided)]
    pub fail_on: FailOn,

    /// Accept the statement whose fingerprint starts with this (at least 4 digits;
    /// repeatable).
    #[arg(long, value_name = "FINGERPRINT")]
    pub accept: Vec<String>,

    /// Flag the statement whose fingerprint starts with this (repeatable).
    #[arg(long, value_name = "FINGERPRINT")]
    pub flag: Vec<String>,

    /// Comment on a statement: `FINGERPRINT=TEXT` (an empty TEXT removes the comment;
    /// repeatable).
    #[arg(long, value_name = "FINGERPRINT=TEXT", value_parser = parse_key_value)]
    pub comment: Vec<(String, String)>,

    /// Remove the decision and comment of a statement (repeatable).
    #[arg(long, value_name = "FINGERPRINT")]
    pub clear: Vec<String>,

    /// CloudTrail events: add what each holder used and was denied to the report.
    #[arg(long, value_name = "EVENTS", num_args = 1..)]
    pub used: Vec<String>,

    #[command(flatten)]
    pub common: Common,
}

/// The review file option, the same for `review` and the viewer.
#[derive(Args, Debug, Clone, Default)]
pub struct ReviewFile {
    /// The review file to read and write (default: <first PATH>.review.json).
    #[arg(long, value_name = "FILE")]
    pub review: Option<PathBuf>,
}

impl ReviewFile {
    /// The file given, else the one beside the first input; `None` for standard input.
    pub fn path(&self, paths: &[String]) -> Option<PathBuf> {
        self.review.clone().or_else(|| review::default_path(paths))
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FailOn {
    Flagged,
    #[default]
    Undecided,
    Never,
}

impl ReviewArgs {
    fn records(&self) -> bool {
        !(self.accept.is_empty()
            && self.flag.is_empty()
            && self.comment.is_empty()
            && self.clear.is_empty())
    }
}

pub fn run(args: &ReviewArgs) -> ExitCode {
    let Some(path) = args.file.path(&args.paths) else {
        eprintln!(
            "iamscope: standard input has no name to keep a review file beside: give --review FILE"
        );
        return ExitCode::from(EXIT_USAGE);
    };
    let (sources, all_read) = super::load_reporting(&args.paths, &args.common);
    let findings = analyze::check(&sources);
    let steps = review::steps(&sources, &findings);
    let mut review = match Review::open(steps.clone(), &path) {
        Ok(review) => review,
        Err(e) => {
            let what = if args.records() {
                "nothing was recorded"
            } else {
                "showing the review without its decisions"
            };
            eprintln!(
                "iamscope: the review file cannot be read: {e}\niamscope: it is left untouched; {what} (to start another beside it: --review {})",
                escape(&review::fresh_path_beside(&path).to_string_lossy())
            );
            if args.records() {
                return ExitCode::from(EXIT_USAGE);
            }
            Review::read_only(steps, e)
        }
    };
    if args.records()
        && let Err(message) = record(args, &mut review)
    {
        eprintln!("iamscope: {message}");
        return ExitCode::from(EXIT_USAGE);
    }
    let style = Style::for_stdout(&args.common);
    let (used, events_read) = used_reports(&args.used, &sources);
    if let Some(export) = &args.export {
        if let Err(message) = write_export(export, &review, &sources, &findings, &used) {
            eprintln!("iamscope: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
        emit(&format!(
            "wrote {} ({})\n",
            escape(&export.to_string_lossy()),
            review.progress()
        ));
    } else {
        let mut text = state(&review, style);
        for (holder, report) in &used {
            text.push_str(&format!(
                "\n{} {}:\n{}",
                style.bold("Used"),
                escape(holder),
                super::minimize::used_summary(report)
            ));
        }
        emit(&text);
    }
    let progress = review.progress();
    let fails = match args.fail_on {
        FailOn::Flagged => progress.flagged > 0,
        FailOn::Undecided => progress.flagged + progress.undecided > 0,
        FailOn::Never => false,
    };
    if !all_read || !events_read {
        ExitCode::from(EXIT_USAGE)
    } else if fails {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// With `--used`: each holder's use, for holders the events hold; and whether every event
/// file was read (problems are said on standard error).
fn used_reports(paths: &[String], sources: &[Source]) -> (Vec<(String, UsedReport)>, bool) {
    if paths.is_empty() {
        return (Vec::new(), true);
    }
    let trail = crate::analyze::used::read(paths);
    for p in &trail.problems {
        eprintln!("iamscope: {p}");
    }
    let reports: Vec<(String, UsedReport)> = sources
        .iter()
        .flat_map(|s| s.roles.iter().map(move |r| (s, r)))
        .filter(|(_, r)| !r.policies.is_empty())
        .filter_map(|(s, r)| Some((r.name.clone(), minimize::used_report(s, r, &trail)?)))
        .collect();
    if reports.is_empty() {
        eprintln!(
            "iamscope: --used: no event of {} is a holder's of the input",
            plural(trail.records as usize, "event", "events")
        );
    }
    (reports, trail.problems.is_empty() && trail.records > 0)
}

/// Applies the decisions the options give, then saves them, saying what was recorded.
fn record(args: &ReviewArgs, review: &mut Review) -> Result<(), String> {
    let mut count = 0;
    for fp in &args.clear {
        review.clear(review.find(fp)?)?;
        count += 1;
    }
    for (fps, verdict) in [
        (&args.accept, Verdict::Accepted),
        (&args.flag, Verdict::Flagged),
    ] {
        for fp in fps {
            review.decide(review.find(fp)?, verdict)?;
            count += 1;
        }
    }
    for (fp, text) in &args.comment {
        review.comment(review.find(fp)?, text)?;
        count += 1;
    }
    let merged = review.save()?;
    let mut line = format!(
        "recorded {} in {}",
        plural(count, "change", "changes"),
        escape(&review.path.to_string_lossy())
    );
    if let Merge::Merged(n) = merged {
        line.push_str(&format!(
            " (merged with {} another writer saved meanwhile)",
            plural(n, "decision", "decisions")
        ));
    }
    eprintln!("iamscope: {line}");
    Ok(())
}

/// Where the review stands: counts, then every flagged and undecided statement.
pub fn state(review: &Review, style: Style) -> String {
    let mut o = String::new();
    let shown = escape(&review.path.to_string_lossy()).into_owned();
    let file = match &review.opened {
        Opened::ReadOnly(_) => format!("{shown} (unreadable, left untouched)"),
        Opened::ReadWrite if review.path.exists() => shown,
        Opened::ReadWrite => format!("{shown} (none yet)"),
    };
    o.push_str(&format!(
        "{}\nreview file: {file}\n",
        style.bold(&review.progress().to_string())
    ));
    if review.steps.is_empty() {
        o.push_str("no statements in the input to review (see `iamscope check` for why)\n");
    }
    for (title, flagged) in [("Flagged", true), ("Undecided", false)] {
        let listed: Vec<usize> = (0..review.steps.len())
            .filter(|i| {
                let v = review.statuses[*i].verdict();
                if flagged {
                    v == Some(Verdict::Flagged)
                } else {
                    v.is_none()
                }
            })
            .collect();
        if listed.is_empty() {
            continue;
        }
        o.push_str(&format!("\n{} ({}):\n", style.bold(title), listed.len()));
        for i in listed {
            step_text(review, i, style, &mut o);
        }
    }
    if review.progress().undecided > 0 {
        o.push_str(
            "\nDecide with: --accept FINGERPRINT, --flag FINGERPRINT, --comment FINGERPRINT=TEXT\n",
        );
    }
    o
}

fn step_text(review: &Review, i: usize, style: Style, o: &mut String) {
    let step = &review.steps[i];
    o.push_str(&format!(
        "  {:>3}. {} {}  {}\n       {}\n",
        i + 1,
        step.fingerprint,
        style.dim(step.rank.as_str()),
        escape(&step.location()),
        step.summary
    ));
    let status = &review.statuses[i];
    if let Some(c) = status.entry.as_ref().and_then(|e| e.comment.as_ref()) {
        o.push_str(&format!("       comment: {}\n", escape(c)));
    }
    if let Some(p) = &status.previous {
        let was = p.entry.decision.map_or("commented", Verdict::as_str);
        let mut line = format!("       previously {was}");
        if let Some(c) = &p.entry.comment {
            line.push_str(&format!(": {}", escape(c)));
        }
        if p.new_actions.is_empty() {
            line.push_str("; the statement changed since\n");
        } else {
            let names: Vec<String> = p
                .new_actions
                .iter()
                .map(|a| escape(a).into_owned())
                .collect();
            line.push_str(&format!(
                "; the catalog now also covers {}\n",
                analyze::list(&names)
            ));
        }
        o.push_str(&line);
    }
}

/// Writes the report in the format the file name asks for.
fn write_export(
    path: &Path,
    review: &Review,
    sources: &[crate::model::Source],
    findings: &[analyze::Finding],
    used: &[(String, UsedReport)],
) -> Result<(), String> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    let markdown = name.ends_with(".md") || name.ends_with(".markdown");
    if !(markdown || name.ends_with(".html") || name.ends_with(".htm")) {
        return Err(format!(
            "--export {}: the name must end in .md (Markdown) or .html",
            escape(&path.to_string_lossy())
        ));
    }
    let mut inputs: Vec<(String, Option<String>)> = Vec::new();
    for s in sources {
        if inputs.iter().any(|(p, _)| *p == s.path) {
            continue;
        }
        let sha = (s.path != "-")
            .then(|| std::fs::read(&s.path).ok())
            .flatten()
            .map(|bytes| {
                Sha256::digest(&bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            });
        inputs.push((s.path.clone(), sha));
    }
    let info = crate::catalog::info();
    let header = review_export::Header {
        inputs: &inputs,
        catalog: format!("{} ({})", info.source, info.updated),
        date: review::utc_now(),
    };
    let matrices = analyze::matrix::matrix(sources, None)?;
    let report = review_export::Report {
        header: &header,
        review,
        sources,
        matrices: &matrices,
        findings,
        used,
    };
    let text = if markdown {
        review_export::markdown(&report)
    } else {
        review_export::html(&report)
    };
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", escape(&path.to_string_lossy())))
}

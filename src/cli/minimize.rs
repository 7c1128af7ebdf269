//! `iamscope minimize`: the least policy granting what a holder's policies grant (or the
//! `--keep` part of it), printed as IAM JSON on standard output, with what changed on
//! standard error; `--format json` prints both as one JSON document.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::EXIT_USAGE;
use super::args::{MinimizeArgs, OutputFormat};
use super::output::{emit, emit_json};
use crate::analyze::minimize::size::thousands;
use crate::analyze::minimize::used::{Used, UsedReport};
use crate::analyze::minimize::{self, Minimized, Options, Report};
use crate::analyze::used::{self, Trail};
use crate::eval::action::action_pattern_problem;
use crate::model::json::document_to_json;
use crate::model::{Role, Source};
use crate::text::{escape, plural};

pub fn run(args: &MinimizeArgs) -> ExitCode {
    if let Some((k, problem)) = args
        .keep
        .iter()
        .find_map(|k| action_pattern_problem(k).map(|p| (k, p)))
    {
        eprintln!("iamscope: --keep {}: {problem}", escape(k));
        return ExitCode::from(EXIT_USAGE);
    }
    let (sources, all_read) = super::load_reporting(&args.paths, &args.common);
    let holders = match minimize::holders(&sources, args.role.as_deref()) {
        Ok(h) => h,
        Err(message) => {
            eprintln!("iamscope: {}", escape(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let options = Options {
        keep: args.keep.clone(),
        no_wildcards: args.no_wildcards,
        used: None,
    };
    let trail = (!args.used.is_empty()).then(|| used::read(&args.used));
    if let Some(trail) = &trail
        && let Err(message) = events_found(trail, &holders)
    {
        eprint!("{}", events_summary(trail));
        eprintln!("iamscope: {}", escape(&message));
        return ExitCode::from(EXIT_USAGE);
    }
    let results: Vec<Minimized> = holders
        .iter()
        .map(|(source, role)| {
            let options = Options {
                used: trail.as_ref().map(|t| {
                    let (principals, usage) = t.for_holder(role);
                    Used { principals, usage }
                }),
                ..options.clone()
            };
            minimize::minimize(&minimize::select(source, role), &options)
        })
        .collect();
    match args.format {
        OutputFormat::Json => {
            let mut out = json_output(&results);
            if let (Some(t), Some(map)) = (&trail, out.as_object_mut()) {
                map.insert("events".into(), events_json(t));
            }
            emit_json(&out);
        }
        OutputFormat::Text => {
            if let Some(t) = &trail {
                eprint!("{}", events_summary(t));
            }
            for r in &results {
                eprint!("{}", summary(&r.report, r));
            }
            emit(&minimize::text(&results));
        }
    }
    let events_read = trail.as_ref().is_none_or(|t| t.problems.is_empty());
    if all_read && events_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_USAGE)
    }
}

/// `{"policies": [{"name", "holder", "kind", "characters", "document"}], "reports": [...]}`.
pub fn json_output(results: &[Minimized]) -> Value {
    let policies: Vec<Value> = results
        .iter()
        .flat_map(|r| {
            r.policies.iter().map(|p| {
                json!({
                    "name": p.name,
                    "holder": r.report.holder,
                    "kind": r.report.kind,
                    "characters": p.characters,
                    "document": document_to_json(&p.document),
                })
            })
        })
        .collect();
    let reports: Vec<&Report> = results.iter().map(|r| &r.report).collect();
    json!({ "policies": policies, "reports": reports })
}

/// What changed, for standard error (every input string escaped).
pub fn summary(report: &Report, result: &Minimized) -> String {
    let e = |s: &str| escape(s).into_owned();
    let mut out = format!(
        "iamscope minimize: {} ({} policies: {})\n",
        e(&report.holder),
        report.kind.as_str(),
        report
            .policies
            .iter()
            .map(|p| e(p))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out.push_str(&format!(
        "  statements {} → {}, action patterns {} → {}\n",
        report.statements_before,
        report.statements_after,
        report.actions_before,
        report.actions_after
    ));
    let list = |title: &str, items: &[String], out: &mut String| {
        if !items.is_empty() {
            out.push_str(&format!("  {title}:\n"));
            for i in items {
                out.push_str(&format!("    {}\n", e(i)));
            }
        }
    };
    list("left out", &report.left_out, &mut out);
    list("granting nothing, dropped", &report.skipped, &mut out);
    list("never matching, dropped", &report.invalid, &mut out);
    list(
        "matching no action of the catalog (retired, misspelt or newer), dropped",
        &report.unknown,
        &mut out,
    );
    list(
        "API operations, replaced by the action IAM authorises them with",
        &report.operations,
        &mut out,
    );
    list("redundant, dropped", &report.redundant, &mut out);
    list(
        "merged (same effect, resources and conditions, or same actions)",
        &report.merged,
        &mut out,
    );
    list(
        "written out as actions to stay exact",
        &report.expanded,
        &mut out,
    );
    list(
        "kept as written (no catalog action matches them)",
        &report.kept_wildcards,
        &mut out,
    );
    list(
        "not granted by the input (--keep)",
        &report.not_granted,
        &mut out,
    );
    if let Some(used) = &report.used {
        out.push_str(&used_summary(used));
    }
    if result
        .policies
        .iter()
        .all(|p| p.document.statements.is_empty())
    {
        out.push_str("  grants nothing: no policy printed\n");
        return out;
    }
    if let Some(q) = report.quota {
        let size: usize = result.policies.iter().map(|p| p.characters).sum();
        out.push_str(&format!(
            "  size {} characters without white space; AWS's quota {} for {}",
            thousands(size),
            thousands(q.characters),
            q.what
        ));
        if let Some(inline) = report.inline_quota {
            out.push_str(&format!(
                ", {} for {}",
                thousands(inline.characters),
                inline.what
            ));
        }
        out.push('\n');
        if result.policies.len() > 1 {
            out.push_str(&format!(
                "  over the quota: split into {}: {}\n",
                plural(result.policies.len(), "policy", "policies"),
                result
                    .policies
                    .iter()
                    .map(|p| format!("{} ({})", e(&p.name), thousands(p.characters)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    out
}

/// Whether the events can answer: some were read, and some are a holder's; else why not,
/// naming the callers the events hold.
fn events_found(trail: &Trail, holders: &[(&Source, &Role)]) -> Result<(), String> {
    if trail.records == 0 {
        return Err("--used: no CloudTrail event was read".into());
    }
    if holders
        .iter()
        .any(|(_, role)| !trail.for_holder(role).0.is_empty())
    {
        return Ok(());
    }
    let callers: Vec<&str> = trail
        .principals
        .keys()
        .map(String::as_str)
        .take(10)
        .collect();
    let more = trail.principals.len().saturating_sub(callers.len());
    Err(format!(
        "--used: no event is {}'s; the events' callers are {}{}",
        holders
            .iter()
            .map(|(_, r)| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        if callers.is_empty() {
            "none".to_string()
        } else {
            callers.join(", ")
        },
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        }
    ))
}

/// What reading the events went through, for standard error.
fn events_summary(trail: &Trail) -> String {
    let mut out = format!(
        "iamscope minimize --used: {} read from {}",
        plural(trail.records as usize, "event", "events"),
        plural(trail.files, "file", "files")
    );
    let mut apart = Vec::new();
    for (kind, n) in &trail.not_calls {
        apart.push(format!("{n} {} (not an API call)", escape(kind)));
    }
    if trail.without_principal > 0 {
        apart.push(format!(
            "{} without a caller ARN (an AWS service's own)",
            trail.without_principal
        ));
    }
    if trail.unreadable > 0 {
        apart.push(format!(
            "{} without eventSource and eventName",
            trail.unreadable
        ));
    }
    if trail.other_principals > 0 {
        apart.push(format!(
            "{} of callers past the first 10000",
            trail.other_principals
        ));
    }
    if !apart.is_empty() {
        out.push_str(&format!("; not counted: {}", apart.join(", ")));
    }
    out.push('\n');
    for p in &trail.problems {
        out.push_str(&format!("iamscope: {p}\n"));
    }
    out
}

fn events_json(trail: &Trail) -> Value {
    json!({
        "files": trail.files,
        "records": trail.records,
        "problems": trail.problems.iter().map(|p| format!("{}: {}", p.path, p.message)).collect::<Vec<_>>(),
        "callers": trail.principals.keys().collect::<Vec<_>>(),
        "not_calls": trail.not_calls,
        "without_principal": trail.without_principal,
        "unreadable": trail.unreadable,
        "other_principals": trail.other_principals,
    })
}

/// The `--used` part of a holder's report (every input string escaped).
pub fn used_summary(used: &UsedReport) -> String {
    let e = |s: &str| escape(s).into_owned();
    let mut out = String::new();
    if used.principals.is_empty() {
        out.push_str("  used: no event is this holder's: it used nothing\n");
    } else {
        out.push_str(&format!(
            "  used: {} of {}",
            plural(used.events as usize, "event", "events"),
            used.principals
                .iter()
                .map(|p| e(p))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if let (Some(first), Some(last)) = (&used.first, &used.last) {
            out.push_str(&format!(", {} to {}", e(first), e(last)));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "  granted {}, used {}\n",
        plural(used.granted, "action", "actions"),
        used.used
    ));
    let width = used
        .services
        .iter()
        .map(|s| s.service.len())
        .max()
        .unwrap_or(0);
    for s in &used.services {
        let levels: Vec<String> = s
            .levels
            .iter()
            .map(|l| format!("{} {}/{}", l.level, l.used, l.granted))
            .collect();
        out.push_str(&format!(
            "    {:width$}  {} (used/granted)\n",
            s.service,
            levels.join(", ")
        ));
    }
    let list = |title: &str, items: &[String], out: &mut String| {
        if !items.is_empty() {
            out.push_str(&format!("  {title}:\n"));
            for i in items {
                out.push_str(&format!("    {}\n", e(i)));
            }
        }
    };
    list("unused grants (take them back)", &used.unused, &mut out);
    list("partly used grants", &used.partly_used, &mut out);
    list("narrowed to the resources used", &used.narrowed, &mut out);
    list(
        "used but not granted by the input",
        &used.used_not_granted,
        &mut out,
    );
    list("denied (tried, not granted)", &used.denied, &mut out);
    list(
        "mapping to no action (not counted, never guessed)",
        &used.unmapped,
        &mut out,
    );
    list("needing no permission", &used.no_permission, &mut out);
    out
}

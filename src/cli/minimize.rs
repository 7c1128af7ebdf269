//! `iamscope minimize`: the least policy granting what a holder's policies grant (or the
//! `--keep` part of it), printed as IAM JSON on standard output, with what changed on
//! standard error; `--format json` prints both as one JSON document.

use std::process::ExitCode;

use serde_json::{Value, json};

use super::EXIT_USAGE;
use super::args::{MinimizeArgs, OutputFormat};
use super::output::{emit, emit_json};
use crate::analyze::minimize::size::thousands;
use crate::analyze::minimize::{self, Minimized, Options, Report};
use crate::eval::action::action_pattern_problem;
use crate::model::json::document_to_json;
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
    };
    let results: Vec<Minimized> = holders
        .iter()
        .map(|(source, role)| minimize::minimize(&minimize::select(source, role), &options))
        .collect();
    match args.format {
        OutputFormat::Json => emit_json(&json_output(&results)),
        OutputFormat::Text => {
            for r in &results {
                eprint!("{}", summary(&r.report, r));
            }
            emit(&minimize::text(&results));
        }
    }
    if all_read {
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

//! `iamscope diff OLD NEW`: what NEW grants that OLD did not, and the reverse, compared as
//! grants rather than text (see `analyze::diff`); text for a person, JSON for a script.
//! Exits 1 when NEW grants more, so CI can hold a widened vendor policy for review.

use std::process::ExitCode;

use clap::Args;

use super::args::OutputFormat;
use super::output::{emit, emit_json};
use super::style::Style;
use super::{EXIT_FINDINGS, EXIT_USAGE};
use crate::analyze;
use crate::analyze::diff::{Diff, GrantGroup, HolderDiff, TrustChange, diff};
use crate::session::Common;
use crate::text::escape;

pub const HELP: &str = "\
Holders are matched by name (a document that names none with the other such document, and
the one holder left on each side with each other), so OLD may be a vendor's Markdown page and
NEW the CloudFormation template of the same role. Each statement is flattened into grants
(one per catalog action, Resource value, principal and set of conditions): reordering,
reformatting, Sid renames and splitting or merging statements make no difference.

Examples:
  iamscope diff vendor-2025.md vendor-2026.md
  iamscope diff old/template.yaml new/template.yaml --role DatadogIntegrationRole
  iamscope diff page.md template.yaml --format json

JSON: {\"holders\": [{\"name\", \"old_name\", \"added\": [{\"kind\", \"effect\", \"resource\",
\"principal\", \"conditions\", \"actions\", \"within_old\"}], \"removed\", \"levels\": [{\"service\",
\"levels\": [[old, new], ...]}], \"new_findings\", \"gone_findings\", \"trust\": [{\"change\",
\"principal\", ...}], \"grants_more\"}], \"removed_holders\", \"added_holders\", \"grants_more\"}

Exit codes: 0 NEW grants nothing beyond OLD; 1 it grants more (an Allow not inside one OLD
had, a Deny removed, a new principal trusted, an external ID no longer required); 2 bad
usage, unreadable input or no role of that name.";

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier version: a file, a directory or `-`.
    #[arg(value_name = "OLD")]
    pub old: String,

    /// The later version.
    #[arg(value_name = "NEW")]
    pub new: String,

    /// Only the role (or user, group, resource) of this name.
    #[arg(long, value_name = "NAME")]
    pub role: Option<String>,

    /// Output format: text, or JSON.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &DiffArgs) -> ExitCode {
    let (old, old_read) = super::load_reporting(std::slice::from_ref(&args.old), &args.common);
    let (new, new_read) = super::load_reporting(std::slice::from_ref(&args.new), &args.common);
    if !(old_read && new_read) {
        return ExitCode::from(EXIT_USAGE);
    }
    let result = diff(
        &old,
        &new,
        &analyze::check(&old),
        &analyze::check(&new),
        args.role.as_deref(),
    );
    let d = match result {
        Ok(d) => d,
        Err(message) => {
            eprintln!("iamscope: {}", escape(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match args.format {
        OutputFormat::Json => emit_json(&d),
        OutputFormat::Text => emit(&text(&d, Style::for_stdout(&args.common))),
    }
    if d.grants_more {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// How many actions a grant line names before it says how many more.
const SHOWN_ACTIONS: usize = 12;

/// The diff as text.
pub fn text(d: &Diff, style: Style) -> String {
    let mut o = String::new();
    for name in &d.removed_holders {
        o.push_str(&format!("- {} (only in OLD)\n", style.bold(&escape(name))));
    }
    for h in &d.holders {
        holder_text(h, d.added_holders.contains(&h.name), style, &mut o);
    }
    if o.is_empty() {
        o.push_str("no difference in what they grant\n");
    } else if d.grants_more {
        o.push_str("\nNEW grants more than OLD\n");
    } else {
        o.push_str("\nNEW grants nothing beyond OLD\n");
    }
    o
}

fn holder_text(h: &HolderDiff, added: bool, style: Style, o: &mut String) {
    let mut title = style.bold(&escape(&h.name));
    if added {
        title.push_str(" (only in NEW)");
    } else if let Some(old) = &h.old_name {
        title.push_str(&format!(" (in OLD: {})", escape(old)));
    }
    o.push_str(&format!("{title}\n"));
    for (sign, groups) in [('+', &h.added), ('-', &h.removed)] {
        for g in groups {
            grant_text(sign, g, o);
        }
    }
    if !h.levels.is_empty() {
        o.push_str("  access levels (OLD → NEW):\n");
        for c in &h.levels {
            let cells: Vec<String> = ["List", "Read", "Write", "Perm mgmt", "Tagging"]
                .iter()
                .zip(&c.levels)
                .filter(|(_, (a, b))| a != b)
                .map(|(name, (a, b))| format!("{name} {a} → {b}"))
                .collect();
            o.push_str(&format!("    {}: {}\n", c.service, cells.join(", ")));
        }
    }
    for t in &h.trust {
        let line = match t {
            TrustChange::Added {
                principal,
                external_id,
            } => format!(
                "+ {} may assume it{}",
                escape(principal),
                if *external_id {
                    " with an external ID"
                } else {
                    " with no external ID"
                }
            ),
            TrustChange::Removed { principal } => {
                format!("- {} may no longer assume it", escape(principal))
            }
            TrustChange::ExternalIdRemoved { principal } => format!(
                "! {} no longer has to give an external ID",
                escape(principal)
            ),
            TrustChange::ExternalIdAdded { principal } => {
                format!("~ {} now has to give an external ID", escape(principal))
            }
        };
        o.push_str(&format!("  trust: {line}\n"));
    }
    for (sign, findings) in [('+', &h.new_findings), ('-', &h.gone_findings)] {
        for f in findings {
            o.push_str(&format!(
                "  finding {sign} {} {}: {}\n",
                f.severity,
                f.code,
                escape(&f.message)
            ));
        }
    }
}

fn grant_text(sign: char, g: &GrantGroup, o: &mut String) {
    let names: Vec<String> = g.actions.iter().map(|a| escape(a).into_owned()).collect();
    let shown = if names.len() > SHOWN_ACTIONS {
        format!(
            "{} and {} more (--format json lists all)",
            names[..SHOWN_ACTIONS].join(", "),
            names.len() - SHOWN_ACTIONS
        )
    } else {
        names.join(", ")
    };
    let kind = if g.kind == "identity" {
        String::new()
    } else {
        format!(" ({} policy)", g.kind)
    };
    o.push_str(&format!("  {sign} {}{kind} {shown}\n", g.effect));
    let resource = match g.resource.as_str() {
        "" => "no Resource".to_string(),
        "*" => "all resources".to_string(),
        r => escape(r).into_owned(),
    };
    o.push_str(&format!("      on {resource}\n"));
    if let Some(p) = &g.principal {
        o.push_str(&format!("      to {}\n", escape(p)));
    }
    if !g.conditions.is_empty() {
        o.push_str(&format!("      if {}\n", escape(&g.conditions)));
    }
    if g.within_old {
        o.push_str("      (within what OLD granted: narrower)\n");
    }
}

//! `iamscope matrix`: what each role is granted, service by service. Text is one aligned
//! table per role (a row per service; under it the resources and conditions of the grants)
//! that fits an 80-column terminal; JSON is the `matrix` shape of DESIGN.md.

use std::process::ExitCode;

use super::EXIT_USAGE;
use super::args::{MatrixArgs, OutputFormat};
use super::holders::Memo;
use super::output::{JsonArray, Sink, Stdout, emit, emit_json};
use super::style::Style;
use crate::analyze::matrix::{
    ActionGrant, RoleMatrix, ServiceRow, matrix, role_matrix, service_actions,
};
use crate::catalog::AccessLevel;
use crate::model::PolicyKind;
use crate::model::{Role, RoleKind, Source};
use crate::pool;
use crate::session::for_each_source;
use crate::text::{escape, plural};

pub fn run(args: &MatrixArgs) -> ExitCode {
    let common = &args.common;
    let style = Style::for_stdout(common);
    if let Some(service) = &args.service {
        return run_service(args, service, style);
    }
    let mut out = Stdout::new();
    let all_read = match &args.role {
        // One role, looked for across every source.
        Some(name) => {
            let (sources, all_read) = super::load_reporting(&args.paths, common);
            let roles = match matrix(&sources, Some(name)) {
                Ok(roles) => roles,
                Err(message) => {
                    eprintln!("iamscope: {}", escape(&message));
                    return ExitCode::from(EXIT_USAGE);
                }
            };
            let mut printed = Printed::new(args.format, &mut out);
            printed.roles(&mut out, roles.iter().map(|r| print(r, args.format, style)));
            printed.close(&mut out);
            all_read
        }
        // Every role, each source on the thread that loaded it, written in input order; a
        // source of many holders (an account dump) is worked on in pieces on every core.
        None => {
            let mut printed = Printed::new(args.format, &mut out);
            let source_roles = |source: Source| {
                if source.roles.len() > CHUNK {
                    return Work::Large(source);
                }
                let roles = source.roles.iter().map(|r| role_matrix(&source, r));
                Work::Printed(roles.map(|r| print(&r, args.format, style)).collect())
            };
            let jobs = pool::jobs(common.jobs);
            let all_read = for_each_source(&args.paths, common, source_roles, |work| match work {
                Work::Printed(roles) => printed.roles(&mut out, roles.into_iter()),
                Work::Large(source) => {
                    let memo = Memo::default();
                    let chunks: Vec<&[Role]> = source.roles.chunks(CHUNK).collect();
                    let print = |roles: &&[Role]| -> Vec<String> {
                        let print = |r| print_role(&memo, &source, r, args.format, style);
                        roles.iter().map(print).collect()
                    };
                    pool::ordered(&chunks, jobs, print, |roles| {
                        printed.roles(&mut out, roles.into_iter());
                    });
                }
            });
            printed.close(&mut out);
            all_read
        }
    };
    out.finish();
    if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_USAGE)
    }
}

/// `--service`: the drill-down of one service for each holder (or the one `--role` names).
fn run_service(args: &MatrixArgs, service: &str, style: Style) -> ExitCode {
    let service = service.trim();
    if crate::catalog::Catalog::get().service(service).is_none() {
        eprintln!(
            "iamscope: no service `{}` in the catalog; name it by its prefix, such as s3 or ec2",
            escape(service)
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let (sources, all_read) = super::load_reporting(&args.paths, &args.common);
    let roles = match matrix(&sources, args.role.as_deref()) {
        Ok(roles) => roles,
        Err(message) => {
            eprintln!("iamscope: {}", escape(&message));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let detail = service_detail(&sources, &roles, service);
    match args.format {
        OutputFormat::Json => emit_json(&serde_json::json!({ "roles": detail })),
        OutputFormat::Text => emit(&service_text(&detail, style)),
    }
    if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_USAGE)
    }
}

/// What a loading thread hands on: the roles of a source printed, or a source of many
/// holders to work on in pieces.
enum Work {
    Printed(Vec<String>),
    Large(Source),
}

/// One holder's matrix, printed; worked out once for all holders of the same key.
fn print_role(
    memo: &Memo<Shared>,
    source: &Source,
    role: &Role,
    format: OutputFormat,
    style: Style,
) -> String {
    let shared = memo.get(source, role, |source, role| {
        let matrix = role_matrix(source, role);
        let mut body = String::new();
        if format == OutputFormat::Text {
            role_body(&matrix, style, &mut body);
        }
        Shared { matrix, body }
    });
    match format {
        // Holders of the same policies print the same table under their own name: the
        // text below the name line is printed once and copied.
        OutputFormat::Text => {
            let mut text = String::with_capacity(shared.body.len() + 64);
            role_header(&role.name, role.kind, style, &mut text);
            text.push_str(&shared.body);
            text
        }
        OutputFormat::Json => {
            let mut matrix = shared.matrix.clone();
            matrix.name.clone_from(&role.name);
            matrix.kind = role.kind;
            print(&matrix, format, style)
        }
    }
}

/// A matrix worked out for the first holder of a key, with its text below the name line.
struct Shared {
    matrix: RoleMatrix,
    body: String,
}

/// The depth of the `roles` array in the JSON output.
const ROLES_INDENT: usize = 1;

/// One role's matrix as text (its table) or as pretty JSON, an element of `roles`.
pub fn print(role: &RoleMatrix, format: OutputFormat, style: Style) -> String {
    match format {
        OutputFormat::Json => JsonArray::element(role, ROLES_INDENT),
        OutputFormat::Text => {
            let mut text = String::new();
            role_header(&role.name, role.kind, style, &mut text);
            role_body(role, style, &mut text);
            text
        }
    }
}

/// The output written role by role: `{"roles": [...]}`, or the tables one after the other
/// and a legend.
enum Printed {
    Json(JsonArray),
    Text { roles: usize },
}

impl Printed {
    fn new(format: OutputFormat, out: &mut Stdout) -> Printed {
        match format {
            OutputFormat::Json => {
                Printed::Json(JsonArray::open(out, "{\n  \"roles\": ", ROLES_INDENT))
            }
            OutputFormat::Text => Printed::Text { roles: 0 },
        }
    }

    fn roles(&mut self, out: &mut Stdout, printed: impl Iterator<Item = String>) {
        for role in printed {
            match self {
                Printed::Json(array) => array.item(out, &role),
                Printed::Text { roles } => {
                    if *roles > 0 {
                        out.write("\n");
                    }
                    *roles += 1;
                    out.write(&role);
                }
            }
        }
    }

    fn close(self, out: &mut Stdout) {
        match self {
            Printed::Json(array) => {
                array.close(out);
                out.write("\n}\n");
            }
            Printed::Text { roles: 0 } => out.write(NO_ROLES),
            Printed::Text { .. } => out.write(LEGEND),
        }
    }
}

/// Holders per piece of work when one source holds many. A holder's matrix prints to
/// about 20 KB of text and 170 KB of JSON (every service), and a few pieces per thread are
/// in flight: pieces of 4 holders keep that to about a megabyte (the 100 MB dump's JSON,
/// 11 GB of it, took 39 s and 506 MB in pieces of 256 holders, 20 s and 295 MB in these).
const CHUNK: usize = 4;

const NO_ROLES: &str = "no roles or policies in the input\n";

const LEGEND: &str = "\nn of m: Limited, n of the service's m actions at that level.\n";

/// The column headings, in the console's order of access levels.
const HEADINGS: [&str; 5] = ["List", "Read", "Write", "Perm mgmt", "Tagging"];

/// The name line of a holder's matrix: `Name (role)`.
fn role_header(name: &str, kind: RoleKind, style: Style, out: &mut String) {
    out.push_str(&format!(
        "{} ({})\n",
        style.bold(&escape(name)),
        kind.as_str()
    ));
}

/// A holder's matrix below its name line: where it is, what it counts, the table.
fn role_body(role: &RoleMatrix, style: Style, out: &mut String) {
    out.push_str(&format!("  in {}\n", escape(&role.path)));
    let names: Vec<String> = role
        .policies
        .iter()
        .map(|p| escape(p).into_owned())
        .collect();
    // What could not be read or counted comes first: it holds even when nothing is granted.
    for warning in &role.partial {
        out.push_str(&format!(
            "  {} {}\n",
            style.bold("partial:"),
            escape(warning)
        ));
    }
    for note in &role.notes {
        out.push_str(&format!("  note: {}\n", escape(note)));
    }
    match role.basis {
        None => {
            out.push_str("  grants nothing: no identity or resource policy (trust policies, boundaries, SCPs and RCPs grant nothing)\n");
            return;
        }
        Some(kind) => out.push_str(&format!(
            "  from {} {}: {}\n",
            if kind == PolicyKind::Resource {
                "resource"
            } else {
                "identity"
            },
            if names.len() == 1 {
                "policy"
            } else {
                "policies"
            },
            names.join(", ")
        )),
    }
    if role.services.is_empty() {
        out.push_str("  no action of the catalog is granted\n");
    } else {
        table(role, style, out);
    }
    if !role.denied_only.is_empty() {
        let denied: Vec<String> = role
            .denied_only
            .iter()
            .map(|d| format!("{} ({})", d.service, plural(d.actions, "action", "actions")))
            .collect();
        out.push_str(&format!("  denied only: {}\n", denied.join(", ")));
    }
    if !role.unknown_actions.is_empty() {
        let unknown: Vec<String> = role
            .unknown_actions
            .iter()
            .map(|a| escape(a).into_owned())
            .collect();
        out.push_str(&format!(
            "  not counted, not in the catalog: {}\n",
            unknown.join(", ")
        ));
    }
}

/// The aligned table: a row per service, then its resources and conditions indented.
fn table(role: &RoleMatrix, style: Style, out: &mut String) {
    let rows: Vec<(&ServiceRow, Vec<String>)> = role
        .services
        .iter()
        .map(|row| {
            (
                row,
                AccessLevel::ALL
                    .map(|l| row.levels.get(l).describe())
                    .to_vec(),
            )
        })
        .collect();
    let service_width = rows
        .iter()
        .map(|(r, _)| r.service.len())
        .max()
        .unwrap_or(0)
        .max("Service".len());
    let widths: Vec<usize> = (0..HEADINGS.len())
        .map(|c| {
            rows.iter()
                .map(|(_, cells)| cells[c].len())
                .max()
                .unwrap_or(0)
                .max(HEADINGS[c].len())
        })
        .collect();
    let line = |first: &str, cells: &[&str]| -> String {
        let mut l = format!("  {first:service_width$}");
        for (c, text) in cells.iter().enumerate() {
            l.push_str(&format!("  {text:w$}", w = widths[c]));
        }
        l.trim_end().to_string() + "\n"
    };
    out.push_str(&style.dim(&line("Service", &HEADINGS)));
    for (row, cells) in &rows {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        out.push_str(&line(row.service, &cells));
        details(row, out);
    }
}

/// The resources a service's grants name (with the levels on each) and their conditions.
fn details(row: &ServiceRow, out: &mut String) {
    let granted: Vec<&str> = AccessLevel::ALL
        .into_iter()
        .filter(|l| row.levels.get(*l).granted > 0)
        .map(AccessLevel::as_str)
        .collect();
    for r in &row.resources {
        let what = match (r.not, r.resource.as_str()) {
            (false, "*") => "All resources".to_string(),
            (true, resource) => format!("Everything but {}", escape(resource)),
            (false, resource) => escape(resource).into_owned(),
        };
        if row.resources.len() == 1 && r.levels == granted {
            out.push_str(&format!("      {what}\n"));
        } else {
            out.push_str(&format!("      {what}: {}\n", r.levels.join(", ")));
        }
    }
    for c in &row.conditions {
        let values: Vec<String> = c.values.iter().map(|v| escape(v).into_owned()).collect();
        out.push_str(&format!(
            "      if {} {} = {}\n",
            escape(&c.operator),
            escape(&c.key),
            values.join(", ")
        ));
    }
}

/// One holder's grants in one service, for `--service`.
#[derive(serde::Serialize)]
struct ServiceDetail<'a> {
    name: &'a str,
    kind: crate::model::RoleKind,
    path: &'a str,
    service: String,
    actions: Vec<ActionGrant>,
}

/// The drill-down of `service` for each holder in `roles`.
fn service_detail<'a>(
    sources: &'a [crate::model::Source],
    roles: &'a [RoleMatrix],
    service: &str,
) -> Vec<ServiceDetail<'a>> {
    let service = service.to_ascii_lowercase();
    let holders = sources
        .iter()
        .flat_map(|s| s.roles.iter().map(move |r| (s, r)));
    roles
        .iter()
        .filter_map(|m| {
            let (source, role) = holders
                .clone()
                .find(|(s, r)| s.path == m.path && r.name == m.name)?;
            Some(ServiceDetail {
                name: &m.name,
                kind: m.kind,
                path: &m.path,
                service: service.clone(),
                actions: service_actions(source, role, &service),
            })
        })
        .collect()
}

/// Each holder's granted actions in the service, with the statements, resources and
/// conditions behind each.
fn service_text(holders: &[ServiceDetail], style: Style) -> String {
    let mut out = String::new();
    for (i, h) in holders.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{} ({})\n  in {}\n",
            style.bold(&escape(h.name)),
            h.kind.as_str(),
            escape(h.path)
        ));
        if h.actions.is_empty() {
            out.push_str(&format!("  no action of {} is granted\n", h.service));
            continue;
        }
        out.push_str(&format!(
            "  {}: {} granted\n",
            h.service,
            plural(h.actions.len(), "action", "actions")
        ));
        let width = h.actions.iter().map(|a| a.action.len()).max().unwrap_or(0);
        for a in &h.actions {
            out.push_str(&format!("  {:width$}  {}\n", a.action, a.access_level));
            for g in &a.statements {
                let sid = g
                    .sid
                    .as_deref()
                    .map(|s| format!(" {}", escape(s)))
                    .unwrap_or_default();
                let resources: Vec<String> =
                    g.resources.iter().map(|r| escape(r).into_owned()).collect();
                let on = match (g.not_resource, resources.is_empty()) {
                    (_, true) => "no Resource".to_string(),
                    (true, false) => format!("everything but {}", resources.join(", ")),
                    (false, false) => resources.join(", "),
                };
                out.push_str(&format!(
                    "      by \"{}\" statement {}{sid} ({}:{}) on {on}\n",
                    escape(&g.policy),
                    g.statement,
                    g.line,
                    g.column
                ));
                for c in &g.conditions {
                    let values: Vec<String> =
                        c.values.iter().map(|v| escape(v).into_owned()).collect();
                    out.push_str(&format!(
                        "        if {} {} = {}\n",
                        escape(&c.operator),
                        escape(&c.key),
                        values.join(", ")
                    ));
                }
            }
        }
    }
    if holders.is_empty() {
        out.push_str("no roles or policies in the input\n");
    }
    out
}

//! The detail pane: everything about the selected node. A source lists its format,
//! placeholders and diagnostics; a role its policies; a policy and a statement show their
//! IAM JSON as the source wrote it, with where they start (`path:line:column`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::theme::Theme;
use super::{field, json, location, plain};
use crate::catalog::{Action as CatalogAction, Catalog};
use crate::model::json::statement_to_json;
use crate::model::outline::{At, Element, Node, NodeKind, severity_counts, statement_label};
use crate::model::{Diagnostic, Loc, Placeholder, Policy, Role, RoleKind, Severity, Source};
use crate::text::{escape, plural};
use crate::tui::action::View;
use crate::tui::app::App;

/// How many positions of one placeholder the detail lists before `…`.
const PLACES_SHOWN: usize = 6;

pub fn render(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    // Only what fits is built: a policy of thousands of statements costs one screen.
    let scroll = app.detail_scroll();
    let budget = usize::from(block.inner(area).height) + scroll;
    let (title, mut lines) = match app.shown() {
        Some(node) => (title(app, node), lines(app, node, theme, budget)),
        None => (" Detail ".to_string(), Vec::new()),
    };
    if let Some(f) = app
        .findings()
        .current()
        .filter(|_| app.view() == View::Findings)
    {
        let mut head = vec![
            Line::from(vec![
                Span::styled(f.severity.as_str(), theme.severity(f.severity)),
                Span::styled(format!(" {} ", f.code), theme.dim()),
                plain(escape(&f.message).into_owned()),
            ]),
            Line::default(),
        ];
        head.append(&mut lines);
        lines = head;
    }
    super::scrolled(frame, app, block, title, lines, area);
}

/// The pane's title: what the node is (a statement with its number and Sid).
fn title(app: &App, node: &Node) -> String {
    let name = match node.kind {
        NodeKind::Source => "Source",
        NodeKind::Role => "Holder",
        NodeKind::Policy => "Policy",
        NodeKind::Statement => {
            return match (node.at.statement(app.sources()), node.at.statement) {
                (Some(s), Some(i)) => format!(" Statement {} ", escape(&statement_label(i, s))),
                _ => " Statement ".to_string(),
            };
        }
        NodeKind::Element(e) | NodeKind::Value(e) => e.as_str(),
        NodeKind::Note => "Note",
        NodeKind::Inferred => "Inferred condition",
        NodeKind::Unknown => "Unknown element",
        NodeKind::Placeholders => "Placeholders",
        NodeKind::Placeholder => "Placeholder",
        NodeKind::Diagnostics => "Diagnostics",
        NodeKind::Diagnostic(_) => "Diagnostic",
        NodeKind::SharedDocuments => "Shared documents",
        NodeKind::Covered => "Action",
    };
    format!(" {name} ")
}

/// Where the thing shown starts, as the detail's first line: `path:line:column`.
fn place(source: &Source, loc: Loc, theme: Theme) -> Line<'static> {
    Line::styled(location(source, loc), theme.dim())
}

fn heading(text: &str, theme: Theme) -> Line<'static> {
    Line::styled(text.to_string(), theme.title())
}

fn note(note: &str, theme: Theme) -> Line<'static> {
    field(
        "Note",
        vec![Span::styled(escape(note).into_owned(), theme.note())],
        theme,
    )
}

fn lines(app: &App, node: &Node, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    let sources = app.sources();
    let Some(source) = node.at.source(sources) else {
        return Vec::new();
    };
    match node.kind {
        NodeKind::Source => source_lines(source, theme, budget),
        NodeKind::Role => node
            .at
            .role(sources)
            .map(|r| role_lines(source, r, theme, budget))
            .unwrap_or_default(),
        NodeKind::Policy => node
            .at
            .policy(sources)
            .map(|p| policy_lines(source, p, theme, budget))
            .unwrap_or_default(),
        NodeKind::Statement => statement_lines(app, node.at, theme, budget),
        NodeKind::Placeholders => placeholders_lines(source, theme, budget),
        NodeKind::Placeholder => node
            .at
            .item
            .and_then(|i| source.placeholders.get(i))
            .map(|p| placeholder_lines(source, p, theme, budget))
            .unwrap_or_default(),
        NodeKind::Diagnostics => diagnostics_lines(source, theme, budget),
        NodeKind::Diagnostic(_) => node
            .at
            .item
            .and_then(|i| source.diagnostics.get(i))
            .map(|d| diagnostic_lines(source, d, theme))
            .unwrap_or_default(),
        NodeKind::Element(_)
        | NodeKind::Value(_)
        | NodeKind::Note
        | NodeKind::Inferred
        | NodeKind::Unknown
        | NodeKind::SharedDocuments
        | NodeKind::Covered => part_lines(app, source, node, theme, budget),
    }
}

fn source_lines(source: &Source, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    let policies: Vec<&Policy> = source.policies().map(|(_, p)| p).collect();
    let statements: usize = policies.iter().map(|p| p.statements().len()).sum();
    let holders = source
        .roles
        .iter()
        .filter(|r| r.kind != RoleKind::Document)
        .count();
    let mut holds = vec![
        plural(policies.len(), "policy", "policies"),
        plural(statements, "statement", "statements"),
    ];
    if holders > 0 {
        holds.insert(0, plural(holders, "holder", "holders"));
    }
    let mut out = vec![
        place(source, Loc::default(), theme),
        field("Format", vec![plain(source.format.as_str())], theme),
        field("Holds", vec![plain(holds.join(", "))], theme),
    ];
    if !source.placeholders.is_empty() {
        out.push(Line::default());
        out.extend(placeholders_lines(source, theme, budget));
    }
    out.push(Line::default());
    out.extend(diagnostics_lines(source, theme, budget));
    out
}

fn placeholders_lines(source: &Source, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    let mut out = vec![heading("Placeholders", theme)];
    for p in source.placeholders.iter().take(budget) {
        let mut spans = vec![
            plain("  "),
            Span::styled(
                escape(&p.syntax.join(" ")).into_owned(),
                theme.placeholder(),
            ),
            plain("  "),
        ];
        spans.push(match &p.value {
            Some(v) => plain(format!("= {}", escape(v))),
            None => Span::styled("unfilled", theme.severity(Severity::Warning)),
        });
        spans.push(Span::styled(format!("  at {}", places(p)), theme.dim()));
        out.push(Line::from(spans));
    }
    out
}

/// "12:5, 20:7, … (9 places)".
fn places(p: &Placeholder) -> String {
    let shown: Vec<String> = p
        .locations
        .iter()
        .take(PLACES_SHOWN)
        .map(Loc::to_string)
        .collect();
    let more = if p.locations.len() > PLACES_SHOWN {
        ", …"
    } else {
        ""
    };
    format!(
        "{}{more} ({})",
        shown.join(", "),
        plural(p.locations.len(), "place", "places")
    )
}

fn diagnostics_lines(source: &Source, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    if source.diagnostics.is_empty() {
        return vec![Line::styled("No diagnostics.", theme.dim())];
    }
    let mut out = vec![heading(
        &format!("Diagnostics ({})", severity_counts(source)),
        theme,
    )];
    for d in source.diagnostics.iter().take(budget) {
        out.push(Line::from(vec![
            plain("  "),
            Span::styled(d.severity.as_str(), theme.severity(d.severity)),
            Span::styled(format!(" {} {}  ", d.loc, d.code), theme.dim()),
            plain(escape(&d.message)),
        ]));
    }
    out
}

fn placeholder_lines(
    source: &Source,
    p: &Placeholder,
    theme: Theme,
    budget: usize,
) -> Vec<Line<'static>> {
    let value = match &p.value {
        Some(v) => plain(escape(v)),
        None => Span::styled(
            "unfilled (fill it with --var NAME=VALUE)",
            theme.severity(Severity::Warning),
        ),
    };
    let written = escape(&p.syntax.join(" ")).into_owned();
    let mut out = vec![
        field("Name", vec![plain(escape(&p.name))], theme),
        field(
            "Written",
            vec![Span::styled(written, theme.placeholder())],
            theme,
        ),
        field("Value", vec![value], theme),
        Line::default(),
        heading(&format!("Found at ({})", p.locations.len()), theme),
    ];
    out.extend(
        p.locations
            .iter()
            .take(budget)
            .map(|&loc| Line::from(plain(format!("  {}", location(source, loc))))),
    );
    out
}

fn diagnostic_lines(source: &Source, d: &Diagnostic, theme: Theme) -> Vec<Line<'static>> {
    vec![
        place(source, d.loc, theme),
        field(
            "Severity",
            vec![Span::styled(
                d.severity.as_str(),
                theme.severity(d.severity),
            )],
            theme,
        ),
        field("Code", vec![plain(d.code)], theme),
        Line::default(),
        Line::from(plain(escape(&d.message))),
    ]
}

fn role_lines(source: &Source, role: &Role, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    let name = escape(&role.name).into_owned();
    let mut out = vec![
        place(source, role.loc, theme),
        field("Name", vec![Span::styled(name, theme.role())], theme),
        field("Kind", vec![plain(role.kind.as_str())], theme),
    ];
    if let Some(arn) = &role.arn {
        out.push(field("ARN", vec![plain(escape(arn))], theme));
    }
    if !role.groups.is_empty() {
        let groups = escape(&role.groups.join(", ")).into_owned();
        out.push(field("Groups", vec![plain(groups)], theme));
    }
    out.extend(role.note.as_deref().map(|n| note(n, theme)));
    out.push(Line::default());
    out.push(heading(
        &format!("Policies ({})", role.policies.len()),
        theme,
    ));
    for p in role.policies.iter().take(budget) {
        let count = plural(p.statements().len(), "statement", "statements");
        out.push(Line::from(vec![
            plain("  "),
            Span::styled(escape(&p.name).into_owned(), theme.policy()),
            Span::styled(format!("  {}, {count}", p.kind.as_str()), theme.dim()),
        ]));
    }
    out
}

fn policy_lines(
    source: &Source,
    policy: &Policy,
    theme: Theme,
    budget: usize,
) -> Vec<Line<'static>> {
    let name = escape(&policy.name).into_owned();
    let count = plural(policy.statements().len(), "statement", "statements");
    let mut out = vec![
        place(source, policy.loc, theme),
        field("Name", vec![Span::styled(name, theme.policy())], theme),
        field("Kind", vec![plain(policy.kind.as_str())], theme),
        field("Holds", vec![plain(count)], theme),
    ];
    if let Some(m) = &policy.managed {
        let state = if m.resolved {
            "resolved"
        } else {
            "not resolved"
        };
        let managed = format!("{} ({state})", escape(&m.arn));
        out.push(field("Managed", vec![plain(managed)], theme));
    }
    out.extend(policy.note.as_deref().map(|n| note(n, theme)));
    out.push(Line::default());
    match policy.document.as_deref() {
        Some(doc) => out.extend(json::document_lines(doc, theme, budget)),
        None => out.push(Line::styled(
            "No document: this managed policy was not found.",
            theme.dim(),
        )),
    }
    out
}

fn statement_lines(app: &App, at: At, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    let (Some(source), Some(s)) = (at.source(app.sources()), at.statement(app.sources())) else {
        return Vec::new();
    };
    let mut out = vec![place(source, s.loc, theme)];
    out.extend(s.note.as_deref().map(|n| note(n, theme)));
    for i in &s.inferred {
        let condition = format!("{} {} = {}", i.operator, i.key, i.values.join(" | "));
        out.push(field(
            "Inferred",
            vec![
                plain(escape(&condition)),
                Span::styled(
                    format!("  from prose, never evaluated: “{}”", escape(&i.from)),
                    theme.dim(),
                ),
            ],
            theme,
        ));
    }
    out.push(Line::default());
    out.extend(json::lines(&statement_to_json(s), theme, budget));
    out
}

/// What the catalog says of one action: what it does, its access level, the resource types
/// it works on and the condition keys it supports.
fn action_lines(action: &CatalogAction, theme: Theme) -> Vec<Line<'static>> {
    let mut out = vec![
        field("Access", vec![plain(action.access_level.as_str())], theme),
        field("Does", vec![plain(action.description())], theme),
    ];
    if action.resource_types.is_empty() {
        out.push(field(
            "Resources",
            vec![plain("* only (no resource-level permissions)")],
            theme,
        ));
    }
    for r in &action.resource_types {
        let required = if r.required { " (required)" } else { "" };
        out.push(field(
            "Resource",
            vec![plain(format!("{}{required}  {}", r.name, r.arn))],
            theme,
        ));
    }
    let keys: Vec<&str> = action.condition_keys().collect();
    if !keys.is_empty() {
        out.push(field("Keys", vec![plain(keys.join(", "))], theme));
    }
    out
}

/// A node inside a statement (or a policy, or a holder): what it is and where, then the
/// statement (or policy, or holder) it belongs to, in full.
fn part_lines(
    app: &App,
    source: &Source,
    node: &Node,
    theme: Theme,
    budget: usize,
) -> Vec<Line<'static>> {
    let name = title(app, node).trim().to_string();
    let mut value = vec![plain(escape(&node.label))];
    if !node.summary.is_empty() {
        value.push(Span::styled(
            format!("  {}", escape(&node.summary)),
            theme.dim(),
        ));
    }
    let mut out = vec![place(source, node.loc, theme), field(&name, value, theme)];
    if matches!(
        node.kind,
        NodeKind::Covered | NodeKind::Value(Element::Action | Element::NotAction)
    ) && let Some(action) = Catalog::get().action(&node.label)
    {
        out.extend(action_lines(action, theme));
    }
    out.push(Line::default());
    let sources = app.sources();
    let at = node.at;
    if let (Some(s), Some(i)) = (at.statement(sources), at.statement) {
        let label = escape(&statement_label(i, s)).into_owned();
        out.push(heading(&format!("In statement {label}"), theme));
        out.extend(statement_lines(app, at, theme, budget));
    } else if let Some(p) = at.policy(sources) {
        out.push(heading(&format!("In policy {}", escape(&p.name)), theme));
        out.extend(policy_lines(source, p, theme, budget));
    } else if let Some(r) = at.role(sources) {
        out.push(heading(&format!("In {}", escape(&r.name)), theme));
        out.extend(role_lines(source, r, theme, budget));
    }
    out
}

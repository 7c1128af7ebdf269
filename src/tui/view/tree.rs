//! The tree pane: one row per shown node, built only for the rows on screen, with a gutter
//! marking the worst finding under each node (E, W, i), then, once the review started, each
//! statement's decision, and once something is marked for copying, the marked nodes (●).
//! With `--used`, each granted action says whether its holder used it (`used`, `unused`,
//! `used 2 of 4` for a wildcard).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme::Theme;
use super::{fit, plain};
use crate::model::Severity;
use crate::model::describe::statement_does;
use crate::model::outline::{Node, NodeId, NodeKind};
use crate::text::{escape, plural};
use crate::tui::app::App;

pub fn render(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    // Never partial in silence: a part of the input could not be read. The mark is kept
    // whole and the title shortened to leave room for it.
    let partial = app.sources().iter().any(|s| !s.unread.is_empty());
    let mark = match (partial, area.width >= 60) {
        (false, _) => "",
        (true, true) => " PARTIAL: part of the input not read ",
        (true, false) => " PARTIAL ",
    };
    let room = area.width.saturating_sub(mark.chars().count() as u16);
    let mut block = block.title(title(app, room));
    if partial {
        block = block.title(Line::styled(mark, theme.severity(Severity::Error)).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let lines: Vec<Line> = if app.outline().is_empty() {
        vec![Line::styled("Nothing was loaded.", theme.dim())]
    } else {
        app.visible_rows()
            .map(|id| row(app, id, width, theme))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

/// " Tree · 9 sources · 15 policies · 89 statements ", shortened to fit.
fn title(app: &App, width: u16) -> String {
    let t = app.totals();
    let policies = plural(t.policies, "policy", "policies");
    let statements = plural(t.statements, "statement", "statements");
    let sources = plural(t.sources, "source", "sources");
    [
        format!(" Tree · {sources} · {policies} · {statements} "),
        format!(" Tree · {policies} · {statements} "),
        format!(" Tree · {policies} "),
    ]
    .into_iter()
    .find(|title| title.chars().count() + 4 <= usize::from(width))
    .unwrap_or_else(|| " Tree ".to_string())
}

/// How a node marked for copying is shown (in the tree and the search results).
pub const MARKED: &str = "●";

fn row(app: &App, id: NodeId, width: usize, theme: Theme) -> Line<'static> {
    let Some(node) = app.outline().get(id) else {
        return Line::default();
    };
    let selected = id == app.selected_id();
    let dim = if selected {
        theme.dim_selected()
    } else {
        theme.dim()
    };
    let glyph = if !app.outline().has_children(id) {
        "·"
    } else if app.is_open(id) {
        "▾"
    } else {
        "▸"
    };
    let gutter = match app.mark(id) {
        Some(severity) => Span::styled(gutter_mark(severity), theme.severity(severity)),
        None => Span::raw(" "),
    };
    let mut spans = vec![gutter];
    // Once the review has started, each statement shows its decision.
    if app.walk().is_some() {
        let decision = (node.kind == NodeKind::Statement)
            .then(|| app.decision(node.at))
            .flatten();
        spans.push(match decision {
            Some(verdict) => Span::styled(
                super::review::mark(verdict),
                super::review::mark_style(verdict, theme),
            ),
            None => Span::raw(" "),
        });
    }
    // Once something is marked for copying, a column shows what.
    if !app.marked().is_empty() {
        spans.push(if app.marked().is_marked(id) {
            Span::styled(MARKED, theme.key())
        } else {
            Span::raw(" ")
        });
    }
    spans.extend([
        Span::raw("  ".repeat(usize::from(node.depth()))),
        Span::styled(format!("{glyph} "), dim),
    ]);
    spans.extend(content(app, node, dim, theme));
    let mut spans = fit(spans, width);
    let line_style = if selected {
        let used: usize = spans.iter().map(Span::width).sum();
        spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
        theme.selected()
    } else {
        Style::new()
    };
    Line::from(spans).style(line_style)
}

/// The gutter's mark for the worst finding in a node's subtree: readable without colour.
fn gutter_mark(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "E",
        Severity::Warning => "W",
        Severity::Info => "i",
    }
}

/// `used`, `unused`, or for a pattern covering several actions `used 2 of 4`.
pub fn use_tag(used: usize, of: usize) -> String {
    match (used, of) {
        (0, _) => "unused".into(),
        (u, n) if u == n && n == 1 => "used".into(),
        (u, n) => format!("used {u} of {n}"),
    }
}

/// The row's text after its indent and glyph.
fn content(app: &App, node: &Node, dim: Style, theme: Theme) -> Vec<Span<'static>> {
    let label = escape(&node.label).into_owned();
    let summary = escape(&node.summary).into_owned();
    let used = app.used().and_then(|u| u.node_use(app.sources(), node));
    let after = |spans: &mut Vec<Span<'static>>| {
        if !summary.is_empty() {
            spans.push(Span::styled(format!("  {summary}"), dim));
        }
    };
    let mut spans = Vec::new();
    // With `--used`, a granted action starts with whether it was used, before a long name
    // can push it out of the pane.
    if let Some((u, n)) = used {
        let tag = format!("[{}]", use_tag(u, n));
        spans.push(Span::styled(format!("{tag:<8} "), theme.decision(u > 0)));
    }
    match node.kind {
        NodeKind::Statement => {
            spans.push(Span::styled(summary.clone(), theme.effect(&node.summary)));
            // A statement without a Sid is labelled by what it does.
            match node.at.statement(app.sources()).filter(|s| s.sid.is_none()) {
                Some(s) => spans.push(plain(format!(" {}", escape(&statement_does(s))))),
                None => spans.push(plain(format!(" {label}"))),
            }
        }
        NodeKind::Diagnostic(severity) => {
            spans.push(Span::styled(severity.as_str(), theme.severity(severity)));
            if node.loc.is_known() {
                spans.push(Span::styled(format!(" {}", node.loc), dim));
            }
            spans.push(plain(format!(" {label}")));
        }
        NodeKind::Unknown => {
            spans.push(Span::styled(label, theme.severity(Severity::Warning)));
            spans.push(Span::styled(format!("  unknown element: {summary}"), dim));
        }
        NodeKind::Note => spans.push(Span::styled(format!("“{label}”"), theme.note())),
        NodeKind::Inferred => {
            spans.push(Span::styled(label, theme.note()));
            after(&mut spans);
        }
        kind => {
            let style = match kind {
                NodeKind::Source => theme.source(),
                NodeKind::Role => theme.role(),
                NodeKind::Policy => theme.policy(),
                NodeKind::Element(element) => theme.element(element),
                NodeKind::Placeholders | NodeKind::Placeholder => theme.placeholder(),
                NodeKind::Diagnostics => node
                    .at
                    .source(app.sources())
                    .and_then(|s| s.diagnostics.iter().map(|d| d.severity).max())
                    .map_or(Style::new(), |worst| theme.severity(worst)),
                _ => Style::new(),
            };
            spans.push(Span::styled(label, style));
            after(&mut spans);
        }
    }
    spans
}

//! The review walkthrough: the steps in review order with each one's decision mark and the
//! progress (`12 of 48 decided, 2 flagged`) in the title; beside them, the step under the
//! cursor as the core describes it (where it is, the summary, access levels, findings, the
//! vendor's own words, the actions it covers) with its decision and comment; the comment
//! line in place of the status line while a comment is typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme::Theme;
use super::widgets::{field as text_field, first_row, list};
use super::{field, plain};
use crate::analyze::review::{Rank, Status, Step, Verdict};
use crate::model::Severity;
use crate::text::{escape, plural};
use crate::tui::app::App;
use crate::tui::review::Walk;

/// How a decision is marked, in the list and in the tree: readable without colour.
pub fn mark(verdict: Option<Verdict>) -> &'static str {
    match verdict {
        Some(Verdict::Accepted) => "✓",
        Some(Verdict::Flagged) => "✗",
        None => "?",
    }
}

/// The mark's colour: accepted green, flagged red, undecided dim.
pub fn mark_style(verdict: Option<Verdict>, theme: Theme) -> ratatui::style::Style {
    match verdict {
        Some(v) => theme.decision(v == Verdict::Accepted),
        None => theme.dim(),
    }
}

/// The list of steps.
pub fn render(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let Some(walk) = app.walk() else { return };
    let title = format!(" Review · {} ", walk.review.progress());
    let block = block.title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if walk.is_empty() {
        let empty = Line::styled("No statement to review.", theme.dim());
        frame.render_widget(Paragraph::new(empty), inner);
        return;
    }
    list(frame, inner, walk.len(), Some(walk.cursor), theme, |i| {
        let step = &walk.review.steps[i];
        let verdict = walk.review.statuses[i].verdict();
        Line::from(vec![
            Span::styled(mark(verdict), mark_style(verdict, theme)),
            Span::styled(format!(" {:>3} ", i + 1), theme.dim()),
            Span::styled(format!("{:<9} ", short_rank(step)), theme.dim()),
            plain(escape(&step.location()).into_owned()),
        ])
    });
}

/// The step on the list's first row (for a click on a row).
pub fn first_row_shown(app: &App) -> usize {
    let cursor = app.walk().map_or(0, |w| w.cursor);
    first_row(cursor, super::list_rows(app.size()))
}

/// The rank in a column, as the matrix abbreviates Permissions management.
fn short_rank(step: &Step) -> &'static str {
    match step.rank {
        Rank::PermissionsManagement => "Perm mgmt",
        Rank::Other => "none",
        rank => rank.as_str(),
    }
}

/// The step under the cursor, in the detail pane.
pub fn render_step(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let Some(walk) = app.walk() else { return };
    let (title, lines) = match walk.review.steps.get(walk.cursor) {
        Some(step) => (
            format!(" Step {} of {} ", walk.cursor + 1, walk.len()),
            lines(step, &walk.review.statuses[walk.cursor], theme),
        ),
        None => (" Step ".to_string(), Vec::new()),
    };
    super::scrolled(frame, app, block, title, lines, area);
}

fn lines(step: &Step, status: &Status, theme: Theme) -> Vec<Line<'static>> {
    let text = |s: &str| plain(escape(s).into_owned());
    let mut out = vec![
        Line::from(text(&step.location())),
        Line::from(text(&step.summary)),
        Line::default(),
    ];
    let levels: Vec<String> = step
        .levels
        .iter()
        .map(|(level, n)| format!("{} {n}", level.as_str()))
        .collect();
    let levels = if levels.is_empty() {
        "none".to_string()
    } else {
        levels.join(" · ")
    };
    out.push(field("Levels", vec![plain(levels)], theme));
    let verdict = status.verdict();
    let decided = match verdict {
        Some(v) => v.as_str(),
        None => "undecided",
    };
    out.push(field(
        "Decision",
        vec![
            Span::styled(mark(verdict), mark_style(verdict, theme)),
            plain(format!(" {decided}")),
        ],
        theme,
    ));
    if let Some(comment) = status.entry.as_ref().and_then(|e| e.comment.as_deref()) {
        out.push(field("Comment", vec![text(comment)], theme));
    }
    if let Some(previous) = &status.previous {
        let was = previous.entry.decision.map_or("commented", Verdict::as_str);
        let mut said = format!("{was} on {}", previous.entry.at);
        if let Some(comment) = &previous.entry.comment {
            said.push_str(&format!(": {comment}"));
        }
        out.push(field(
            "Before",
            vec![Span::styled(
                escape(&said).into_owned(),
                theme.severity(Severity::Warning),
            )],
            theme,
        ));
        if previous.new_actions.is_empty() {
            out.push(field("", vec![text("the statement changed since")], theme));
        } else {
            let new = previous.new_actions.join(", ");
            out.push(field(
                "",
                vec![text(&format!("the catalog added under it: {new}"))],
                theme,
            ));
        }
    }
    if !step.findings.is_empty() {
        out.push(Line::default());
        out.push(Line::styled("Findings", theme.title()));
        for f in &step.findings {
            out.push(Line::from(vec![
                Span::styled(f.severity.as_str(), theme.severity(f.severity)),
                Span::styled(format!(" {} ", f.code), theme.dim()),
                text(&f.message),
            ]));
        }
    }
    if !step.notes.is_empty() {
        out.push(Line::default());
        out.push(Line::styled("The vendor's words", theme.title()));
        for note in &step.notes {
            out.push(Line::styled(format!("“{}”", escape(note)), theme.note()));
        }
    }
    out.push(Line::default());
    out.push(Line::styled(
        format!("Covers {}", plural(step.actions.len(), "action", "actions")),
        theme.title(),
    ));
    out.extend(step.actions.iter().map(|a| Line::from(text(a))));
    for unknown in &step.unknown_actions {
        out.push(Line::from(vec![
            text(unknown),
            Span::styled("  not in the catalog", theme.severity(Severity::Warning)),
        ]));
    }
    out
}

/// The comment line, where the status line is, while a comment is typed.
pub fn render_comment(frame: &mut Frame, walk: &Walk, area: Rect, theme: Theme) {
    let text = walk.comment.as_deref().unwrap_or_default();
    let mut line = text_field("comment ", 8, text, true, theme);
    line.spans.push(Span::styled(
        "  Enter records it, Esc leaves it",
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(line), area);
}

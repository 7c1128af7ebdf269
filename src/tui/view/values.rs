//! The placeholder values view (`v`): every placeholder with its value (or `unfilled`), how
//! it was written and how many places it is in, a warning when a value does not have the
//! shape its name asks for; beside it, every place of the one under the cursor
//! (`file:line:column`); the value line in place of the status line while a value is typed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::theme::Theme;
use super::widgets::{field as text_field, first_row, list};
use super::{location, plain, scrolled};
use crate::analyze::placeholder_shape;
use crate::model::Severity;
use crate::text::{escape, plural};
use crate::tui::app::App;
use crate::tui::values::rows;

/// The list of placeholders.
pub fn render(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let rows = rows(app.sources());
    let unfilled = rows
        .iter()
        .filter(|r| !app.values().contains_key(&r.name))
        .count();
    let title = format!(" Placeholders · {} · {unfilled} unfilled ", rows.len());
    let block = block.title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if rows.is_empty() {
        let empty = Line::styled("The loaded sources have no placeholder.", theme.dim());
        frame.render_widget(Paragraph::new(empty), inner);
        return;
    }
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0);
    let cursor = app.placeholders().cursor;
    list(frame, inner, rows.len(), Some(cursor), theme, |i| {
        let row = &rows[i];
        let name = escape(&row.name).into_owned();
        let mut spans = vec![Span::styled(
            format!("{name:<width$}  "),
            theme.placeholder(),
        )];
        match app.values().get(&row.name) {
            Some(value) => spans.push(plain(format!("= {}", escape(value)))),
            None => spans.push(Span::styled("unfilled", theme.dim())),
        }
        spans.push(Span::styled(
            format!(
                "  {}  {}",
                escape(&row.syntax.join(" ")),
                plural(row.places.len(), "place", "places")
            ),
            theme.dim(),
        ));
        if let Some(w) = app
            .values()
            .get(&row.name)
            .and_then(|v| placeholder_shape::check(&row.name, v))
        {
            spans.push(Span::styled(
                format!("  warning: {w}"),
                theme.severity(Severity::Warning),
            ));
        }
        Line::from(spans)
    });
}

/// The placeholder on the list's first row (for a click on a row).
pub fn first_row_shown(app: &App) -> usize {
    first_row(app.placeholders().cursor, super::list_rows(app.size()))
}

/// Every place of the placeholder under the cursor, in the detail pane.
pub fn render_places(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect) {
    let rows = rows(app.sources());
    let Some(row) = rows.get(app.placeholders().cursor) else {
        scrolled(frame, app, block, " Places ".into(), Vec::new(), area);
        return;
    };
    let lines = row
        .places
        .iter()
        .filter_map(|&(s, loc)| Some(Line::from(plain(location(app.sources().get(s)?, loc)))))
        .collect();
    let title = format!(
        " {} · {} ",
        escape(&row.name),
        plural(row.places.len(), "place", "places")
    );
    scrolled(frame, app, block, title, lines, area);
}

/// The value line: the name, what is typed, and a warning while it has the wrong shape.
pub fn render_edit(frame: &mut Frame, app: &App, area: Rect, theme: Theme) {
    let rows = rows(app.sources());
    let (Some(row), Some(typed)) = (
        rows.get(app.placeholders().cursor),
        app.placeholders().editing.as_deref(),
    ) else {
        return;
    };
    let label = format!("{} = ", escape(&row.name));
    let width = label.chars().count();
    let mut line = text_field(&label, width, typed, true, theme);
    match placeholder_shape::check(&row.name, typed).filter(|_| !typed.is_empty()) {
        Some(w) => line.spans.push(Span::styled(
            format!("  warning: {w}"),
            theme.severity(Severity::Warning),
        )),
        None => line.spans.push(Span::styled(
            "  Enter fills it in everywhere, Esc leaves it",
            theme.dim(),
        )),
    }
    frame.render_widget(Paragraph::new(line), area);
}

//! Widgets every view shares: a list that shows only its rows on screen with the cursor
//! highlighted and kept in view, text with matched characters highlighted, and a text
//! field (the query line, the why form's fields).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::fit;
use super::theme::Theme;

/// The first row a list of `height` rows shows so that `cursor` is on screen: the top
/// until the cursor passes the bottom, then the cursor on the last row.
pub fn first_row(cursor: usize, height: usize) -> usize {
    cursor.saturating_sub(height.saturating_sub(1))
}

/// A list of `len` rows in `area`, built by `row` only for the rows shown, the cursor's row
/// highlighted across the width.
pub fn list(
    frame: &mut Frame,
    area: Rect,
    len: usize,
    cursor: Option<usize>,
    theme: Theme,
    row: impl Fn(usize) -> Line<'static>,
) {
    let height = usize::from(area.height);
    let width = usize::from(area.width);
    let first = cursor.map_or(0, |c| first_row(c, height));
    let lines: Vec<Line> = (first..len.min(first + height))
        .map(|i| {
            let line = row(i);
            let mut spans = fit(line.spans, width);
            if Some(i) == cursor {
                let used: usize = spans.iter().map(Span::width).sum();
                spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
                Line::from(spans).style(theme.selected())
            } else {
                Line::from(spans).style(line.style)
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// `text` with the characters at `matched` (character indices) in `hl`, the rest in
/// `base`.
pub fn highlighted(text: &str, matched: &[usize], base: Style, hl: Style) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    for (i, c) in text.chars().enumerate() {
        let is_hl = matched.contains(&i);
        if is_hl != run_hl && !run.is_empty() {
            let style = if run_hl { hl } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hl = is_hl;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hl { hl } else { base }));
    }
    spans
}

/// A text field: its name in a column `width` wide, what is typed, and a cursor block when
/// it has the focus.
pub fn field(name: &str, width: usize, text: &str, focused: bool, theme: Theme) -> Line<'static> {
    let mut spans = vec![
        Span::styled(
            format!("{name:<width$}"),
            if focused { theme.key() } else { theme.dim() },
        ),
        Span::raw(crate::text::escape(text).into_owned()),
    ];
    if focused {
        spans.push(Span::styled("▏", theme.key()));
    }
    Line::from(spans)
}

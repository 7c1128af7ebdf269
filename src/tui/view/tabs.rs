//! The top line: a tab per view with its key (`1 Tree  2 Matrix  3 Findings (12)`), the
//! current one highlighted, and on the right what `--used` read (`used: 21 events,
//! 2024-05-01 → 05-03`) when there is room; a click on a tab shows its view.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::tui::action::View;
use crate::tui::app::App;

/// Each tab with its text, in order; the review's once it has started, the placeholder
/// values' once opened.
fn labels(findings: usize, reviewing: bool, values: bool) -> Vec<(View, String)> {
    let review = reviewing.then_some(View::Review);
    let shown = values.then_some(View::Values);
    View::ALL
        .into_iter()
        .chain(review)
        .chain(shown)
        .map(|v| {
            let label = match v {
                View::Findings => format!(" 3 Findings ({findings}) "),
                View::Tree => " 1 Tree ".to_string(),
                View::Matrix => " 2 Matrix ".to_string(),
                View::Review => " r Review ".to_string(),
                View::Values => " v Values ".to_string(),
            };
            (v, label)
        })
        .collect()
}

/// The view whose tab is at column `x` of the top line, with `findings` findings.
pub fn at(x: usize, findings: usize, reviewing: bool, values: bool) -> Option<View> {
    let mut start = 0;
    for (view, label) in labels(findings, reviewing, values) {
        let end = start + label.chars().count();
        if (start..end).contains(&x) {
            return Some(view);
        }
        start = end + 1;
    }
    None
}

pub fn render(frame: &mut Frame, app: &App, area: Rect, theme: Theme) {
    let mut spans = Vec::new();
    let values = app.placeholders().opened;
    for (view, label) in labels(app.findings().all().len(), app.walk().is_some(), values) {
        let style = if view == app.view() {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let tabs: usize = spans.iter().map(Span::width).sum();
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(used) = app.used() {
        let text = format!("{} ", used.summary());
        if tabs + text.chars().count() < usize::from(area.width) {
            let line = Line::styled(text, theme.dim());
            frame.render_widget(Paragraph::new(line).alignment(Alignment::Right), area);
        }
    }
}

//! The top line: a tab per view with its key (`1 Tree  2 Matrix  3 Findings (12)`), the
//! current one highlighted; a click on a tab shows its view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::tui::action::View;
use crate::tui::app::App;

/// Each tab's text, in order.
fn labels(findings: usize) -> [String; 3] {
    View::ALL.map(|v| match v {
        View::Findings => format!(" 3 Findings ({findings}) "),
        View::Tree => " 1 Tree ".to_string(),
        View::Matrix => " 2 Matrix ".to_string(),
    })
}

/// The view whose tab is at column `x` of the top line, with `findings` findings.
pub fn at(x: usize, findings: usize) -> Option<View> {
    let mut start = 0;
    for (view, label) in View::ALL.into_iter().zip(labels(findings)) {
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
    for (view, label) in View::ALL
        .into_iter()
        .zip(labels(app.findings().all().len()))
    {
        let style = if view == app.view() {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

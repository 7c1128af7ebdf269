//! The findings view: every `check` finding grouped by severity, then code, with counts;
//! the severities shown are toggled with their keys. The detail pane beside it shows the
//! statement (or source line) the finding under the cursor is about.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::plain;
use super::theme::Theme;
use super::widgets::{first_row, list};
use crate::analyze::CODES;
use crate::model::Severity;
use crate::text::escape;
use crate::tui::app::App;
use crate::tui::findings::Row;

pub fn render(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let f = app.findings();
    // "E 12 · W 17 · i 3", a severity's letter in brackets when it is hidden.
    let shown: Vec<String> = [
        (Severity::Error, "E"),
        (Severity::Warning, "W"),
        (Severity::Info, "i"),
    ]
    .into_iter()
    .map(|(s, letter)| match f.is_shown(s) {
        true => format!("{letter} {}", f.count(s)),
        false => format!("({letter}) {}", f.count(s)),
    })
    .collect();
    let block = block.title(format!(" Findings · {} ", shown.join(" · ")));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if f.rows().is_empty() {
        let text = if f.all().is_empty() {
            "No findings."
        } else {
            "Every finding is hidden: e, w and i show them again."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim())), inner);
        return;
    }
    list(frame, inner, f.rows().len(), Some(f.cursor), theme, |i| {
        row(app, f.rows()[i], theme)
    });
}

/// The first row the list shows, for clicks.
pub fn first_row_shown(app: &App) -> usize {
    first_row(app.findings().cursor, super::list_rows(app.size()))
}

fn row(app: &App, row: Row, theme: Theme) -> Line<'static> {
    let all = app.findings().all();
    match row {
        Row::Severity(s, n) => Line::from(vec![
            Span::styled(s.as_str(), theme.severity(s)),
            Span::styled(format!(" ({n})"), theme.dim()),
        ]),
        Row::Code(i, n) => {
            let code = all[i].code;
            let title = CODES
                .iter()
                .find(|c| c.code == code)
                .map(|c| c.category.as_str())
                .unwrap_or_default();
            Line::from(vec![
                plain(format!("  {code}")),
                Span::styled(format!(" ({n}, {title})"), theme.dim()),
            ])
        }
        Row::Finding(i) => {
            let f = &all[i];
            let place = match (&f.policy, f.statement) {
                (Some(p), Some(s)) => format!("{p} #{s}"),
                (Some(p), None) => p.to_string(),
                _ => f.path.to_string(),
            };
            Line::from(vec![
                Span::styled(format!("    {}:{} ", f.line, f.column), theme.dim()),
                plain(escape(&f.message).into_owned()),
                Span::styled(format!("  {}", escape(&place)), theme.dim()),
            ])
        }
    }
}

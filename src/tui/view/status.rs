//! The status line: the keys that work now (from the keymap, filtered by what the state
//! allows), how many actions are marked for copying, and where the selected node starts
//! in its file.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::{location, plain};
use crate::text::plural;
use crate::tui::app::App;
use crate::tui::keymap;

pub fn render(frame: &mut Frame, app: &App, area: Rect, theme: Theme) {
    let width = usize::from(area.width);
    let hints = keymap::hints(app.mode(), |a| app.can(a));
    let room = width.saturating_sub(1);
    // Two spaces between hints; one when that is what it takes to show them all.
    let needed = |gap: usize| -> usize {
        hints
            .iter()
            .map(|(keys, hint)| keys.chars().count() + 1 + hint.chars().count())
            .sum::<usize>()
            + gap * hints.len().saturating_sub(1)
    };
    let gap = if needed(2) <= room { "  " } else { " " };
    let mut spans = vec![plain(" ")];
    let mut used = 1;
    for (i, (keys, hint)) in hints.into_iter().enumerate() {
        let sep = if i == 0 { "" } else { gap };
        let hint_width = sep.len() + keys.chars().count() + 1 + hint.chars().count();
        if used + hint_width > width {
            break;
        }
        used += hint_width;
        spans.push(plain(sep));
        spans.push(Span::styled(keys, theme.key()));
        spans.push(plain(format!(" {hint}")));
    }
    if let Some(message) = app.message() {
        let line = Line::styled(
            format!(" {message}"),
            theme.severity(crate::model::Severity::Warning),
        );
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let marked = app.marked().actions().len();
    let marked = (marked > 0).then(|| format!("{} marked", plural(marked, "action", "actions")));
    let place = place(app).filter(|p| {
        let count = marked.as_ref().map_or(0, |m| m.chars().count() + 3);
        used + count + p.chars().count() + 3 <= width
    });
    let mut right = Vec::new();
    if let Some(marked) = marked.filter(|m| used + m.chars().count() + 2 <= width) {
        right.push(Span::styled(marked, theme.key()));
        right.push(plain(if place.is_some() { " · " } else { " " }));
    }
    if let Some(place) = place {
        right.push(Span::styled(format!("{place} "), theme.dim()));
    }
    if !right.is_empty() {
        let right = Paragraph::new(Line::from(right)).alignment(Alignment::Right);
        frame.render_widget(right, area);
    }
}

/// `path:line:column` of the node the detail shows.
fn place(app: &App) -> Option<String> {
    let node = app.shown()?;
    Some(location(node.at.source(app.sources())?, node.loc))
}

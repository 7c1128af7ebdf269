//! The preview of what was just copied: the copied text in a box over the screen, titled
//! with what it is, its size and the route it took, scrolled like the help.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders, Clear, Padding, Paragraph};

use super::theme::Theme;
use super::{fit, plain};
use crate::text::escape;
use crate::tui::copy::Preview;

/// The widest the preview gets.
const MAX_WIDTH: u16 = 90;

fn block(title: &str, theme: Theme) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.key())
        .padding(Padding::horizontal(1))
        .title(escape(title).into_owned())
        .title_style(theme.title())
}

/// Where the preview goes on a screen of `size`: centred above the status line, as tall
/// as its text (up to the screen).
fn area(size: Rect, preview: &Preview) -> Rect {
    let above_status = Rect {
        height: size.height.saturating_sub(1),
        ..size
    };
    let lines = u16::try_from(preview.text.lines().count() + 2).unwrap_or(u16::MAX);
    above_status.centered(
        Constraint::Length(size.width.min(MAX_WIDTH)),
        Constraint::Length(lines.min(above_status.height)),
    )
}

/// How many lines of the copied text show at once on a screen of `size`.
pub fn rows(size: Rect, preview: &Preview) -> usize {
    usize::from(area(size, preview).height.saturating_sub(2))
}

/// The furthest the preview scrolls on a screen of `size`.
pub fn max_scroll(size: Rect, preview: &Preview) -> usize {
    preview
        .text
        .lines()
        .count()
        .saturating_sub(rows(size, preview))
}

pub fn render(frame: &mut Frame, preview: &Preview, theme: Theme) {
    let size = frame.area();
    let area = area(size, preview);
    let mut block = block(&preview.title, theme);
    let inner = block.inner(area);
    let width = usize::from(inner.width);
    let shown = usize::from(inner.height);
    let total = preview.text.lines().count();
    let more = total.saturating_sub(preview.scroll + shown);
    if more > 0 {
        block = block.title_bottom(Line::styled(format!(" {more} more ↓ "), theme.dim()));
    }
    let lines: Vec<Line> = preview
        .text
        .lines()
        .skip(preview.scroll)
        .take(shown)
        .map(|l| Line::from(fit(vec![plain(escape(l).into_owned())], width)))
        .collect();
    // The popup's area and a column either side are cleared, so no pane shows through.
    let margin = Rect {
        x: area.x.saturating_sub(1),
        width: (area.width + 2).min(size.width.saturating_sub(area.x.saturating_sub(1))),
        ..area
    };
    frame.render_widget(Clear, margin);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

//! The help over the screen, generated from the keymap: every binding with its keys and
//! what it does, grouped by section, word-wrapped to the screen so it can be scrolled.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Padding, Paragraph};

use super::plain;
use super::theme::Theme;
use crate::tui::keymap::{BINDINGS, Section, keys_label};

/// The widest the help gets.
const MAX_WIDTH: u16 = 76;
/// The narrowest a description is wrapped to, however narrow the screen.
const MIN_TEXT: usize = 12;

fn block(theme: Theme) -> Block<'static> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.key())
        .padding(Padding::horizontal(1))
        .title(" Help: keys ")
        .title_style(theme.title())
}

/// Where the help goes on a screen of `size`: centred above the status line.
fn area(size: Rect) -> Rect {
    let above_status = Rect {
        height: size.height.saturating_sub(1),
        ..size
    };
    let inner_width = usize::from(size.width.min(MAX_WIDTH).saturating_sub(4));
    let wanted = u16::try_from(lines(inner_width, Theme::new(false)).len() + 2).unwrap_or(u16::MAX);
    above_status.centered(
        Constraint::Length(size.width.min(MAX_WIDTH)),
        Constraint::Length(wanted.min(above_status.height)),
    )
}

/// The help's text area on a screen of `size`.
pub fn inner(size: Rect) -> Rect {
    block(Theme::new(false)).inner(area(size))
}

/// How many lines the help has on a screen of `size`.
pub fn len(size: Rect) -> usize {
    lines(usize::from(inner(size).width), Theme::new(false)).len()
}

pub fn render(frame: &mut Frame, scroll: usize, theme: Theme) {
    let size = frame.area();
    let area = area(size);
    let width = usize::from(inner(size).width);
    let text = lines(width, theme);
    let more = text
        .len()
        .saturating_sub(scroll + usize::from(inner(size).height));
    let mut block = block(theme);
    if more > 0 {
        block = block.title_bottom(Line::styled(format!(" {more} more ↓ "), theme.dim()));
    }
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    // The popup's area and a column either side are cleared, so no pane shows through.
    let margin = Rect {
        x: area.x.saturating_sub(1),
        width: (area.width + 2).min(size.width.saturating_sub(area.x.saturating_sub(1))),
        ..area
    };
    frame.render_widget(Clear, margin);
    frame.render_widget(Paragraph::new(text).block(block).scroll((scroll, 0)), area);
}

/// The help's lines for a text area `width` columns wide: keys in a column, what they do
/// beside them, wrapped.
fn lines(width: usize, theme: Theme) -> Vec<Line<'static>> {
    let labels: Vec<String> = BINDINGS.iter().map(keys_label).collect();
    let column = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0) + 2;
    let indent = 2 + column;
    let mut out = Vec::new();
    for section in Section::ALL {
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::styled(section.title(), theme.title()));
        let bindings = BINDINGS
            .iter()
            .zip(&labels)
            .filter(|(b, _)| b.section == section);
        for (b, keys) in bindings {
            let mut text = wrap(b.help, width.saturating_sub(indent).max(MIN_TEXT)).into_iter();
            out.push(Line::from(vec![
                plain("  "),
                Span::styled(format!("{keys:<column$}"), theme.key()),
                plain(text.next().unwrap_or_default()),
            ]));
            out.extend(text.map(|t| Line::from(plain(format!("{}{t}", " ".repeat(indent))))));
        }
    }
    out
}

/// `text` broken into lines of at most `width` characters, between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push(line);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_between_words() {
        assert_eq!(wrap("expand or collapse", 9), ["expand or", "collapse"]);
        assert_eq!(wrap("a verylongword b", 4), ["a", "verylongword", "b"]);
        assert_eq!(wrap("", 10), [""]);
    }
}

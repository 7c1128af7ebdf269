//! Drawing the viewer: the layout (tree, detail, status line, help over them) and a render
//! function that only reads the state. Every string from the input is escaped on its way
//! here (`crate::text::escape`), so the terminal never receives its control characters.

mod detail;
mod help;
mod json;
mod status;
mod theme;
mod tree;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};
use unicode_width::UnicodeWidthChar;

use super::app::App;
use crate::model::{Loc, Source};
use crate::text::escape;
use theme::Theme;

pub use help::len as help_len;

/// Below this width the detail goes under the tree instead of beside it.
const SIDE_BY_SIDE_MIN_WIDTH: u16 = 72;

/// Where each pane goes on a screen of `area`.
struct Areas {
    tree: Rect,
    detail: Rect,
    status: Rect,
    /// Narrow screens drop the side borders to keep every column for text.
    narrow: bool,
}

fn areas(area: Rect) -> Areas {
    let [main, status] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let narrow = area.width < SIDE_BY_SIDE_MIN_WIDTH;
    let [tree, detail] = if narrow {
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main)
    } else {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(main)
    };
    Areas {
        tree,
        detail,
        status,
        narrow,
    }
}

/// A pane's frame: rounded borders all round, or only a top rule on narrow screens.
fn pane(narrow: bool, theme: Theme) -> Block<'static> {
    let borders = if narrow { Borders::TOP } else { Borders::ALL };
    Block::new()
        .borders(borders)
        .border_type(BorderType::Rounded)
        .border_style(theme.border())
        .title_style(theme.title())
}

/// How many tree rows a screen of `size` shows.
pub fn tree_rows(size: Rect) -> usize {
    let a = areas(size);
    pane(a.narrow, Theme::new(false))
        .inner(a.tree)
        .height
        .into()
}

/// How many help lines a screen of `size` shows.
pub fn help_rows(size: Rect) -> usize {
    help::inner(size).height.into()
}

/// Draws the whole screen from the state.
pub fn render(frame: &mut Frame, app: &App) {
    let theme = Theme::new(app.color());
    let a = areas(frame.area());
    tree::render(frame, app, pane(a.narrow, theme), a.tree, theme);
    detail::render(frame, app, pane(a.narrow, theme), a.detail, theme);
    status::render(frame, app, a.status, theme);
    if let Some(scroll) = app.help_scroll() {
        help::render(frame, scroll, theme);
    }
}

/// `spans` cut to `width` columns, with `…` where text was cut.
fn fit(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= width {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    let room = width.saturating_sub(1);
    for span in spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > room {
                break;
            }
            used += w;
            text.push(c);
        }
        let full = text.len() == span.content.len();
        out.push(Span::styled(text, span.style));
        if !full {
            out.push(Span::styled("…", span.style));
            break;
        }
    }
    out
}

/// A line of `name` (dimmed, in a column) and a value.
fn field(name: &str, value: Vec<Span<'static>>, theme: Theme) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{name:<9}"), theme.dim())];
    spans.extend(value);
    Line::from(spans)
}

/// `path:line:column`, or the path alone when the position is not known.
fn location(source: &Source, loc: Loc) -> String {
    if loc.is_known() {
        format!("{}:{loc}", escape(&source.path))
    } else {
        escape(&source.path).into_owned()
    }
}

/// Plain text as a span with no style of its own.
fn plain(text: impl Into<String>) -> Span<'static> {
    Span::styled(text.into(), Style::new())
}

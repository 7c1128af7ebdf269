//! Drawing the viewer: the layout (tabs, the view's list, the detail pane, the status or
//! query line, the help over them) and a render function that only reads the state. Every
//! string from the input is escaped on its way here (`crate::text::escape`), so the
//! terminal never receives its control characters.

mod detail;
mod findings;
mod help;
mod json;
mod matrix;
mod preview;
mod review;
mod search;
mod status;
mod tabs;
mod theme;
mod tree;
mod values;
mod why;
mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};
use unicode_width::UnicodeWidthChar;

use super::action::View;
use super::app::{App, Focus, Mode};
use crate::model::{Loc, Source};
use crate::text::escape;
use theme::Theme;

pub use findings::first_row_shown as findings_first_row;
pub use help::len as help_len;
pub use preview::{max_scroll as preview_max_scroll, rows as preview_rows};
pub use review::first_row_shown as review_first_row;
pub use values::first_row_shown as values_first_row;

/// Below this width the detail goes under the list instead of beside it.
const SIDE_BY_SIDE_MIN_WIDTH: u16 = 72;
/// Below this height the detail pane is hidden on narrow screens.
const STACKED_MIN_HEIGHT: u16 = 16;
/// The detail pane scrolls at most this far (it builds what it shows up to there).
pub const MAX_DETAIL_SCROLL: usize = 10_000;

/// Where each part goes on a screen: the tabs, the view's list, the detail beside it (empty
/// when hidden), and the status line.
#[derive(Clone, Copy, Debug)]
pub struct Areas {
    pub tabs: Rect,
    pub main: Rect,
    pub detail: Rect,
    pub status: Rect,
    /// Narrow screens drop the side borders to keep every column for text.
    pub narrow: bool,
}

/// The layout of a screen of `area` for `view`. The matrix takes the whole width; the
/// tree and the findings have the detail beside them, or under them on narrow screens,
/// or none on screens too small for both.
pub fn layout(area: Rect, view: View) -> Areas {
    let [tabs, main, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let narrow = area.width < SIDE_BY_SIDE_MIN_WIDTH;
    let (main, detail) = if view == View::Matrix {
        (main, Rect::default())
    } else if !narrow {
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(main);
        (a, b)
    } else if area.height >= STACKED_MIN_HEIGHT {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main);
        (a, b)
    } else {
        (main, Rect::default())
    };
    Areas {
        tabs,
        main,
        detail,
        status,
        narrow,
    }
}

/// A pane's frame: rounded borders all round, or only a top rule on narrow screens; the
/// focused pane's border stands out.
fn pane(narrow: bool, focused: bool, theme: Theme) -> Block<'static> {
    let borders = if narrow { Borders::TOP } else { Borders::ALL };
    Block::new()
        .borders(borders)
        .border_type(BorderType::Rounded)
        .border_style(if focused {
            theme.focused_border()
        } else {
            theme.border()
        })
        .title_style(theme.title())
}

/// How many tree rows a screen of `size` shows.
pub fn tree_rows(size: Rect) -> usize {
    list_rows(size)
}

/// How many rows the view's list shows on a screen of `size`.
pub fn list_rows(size: Rect) -> usize {
    inner_rows(layout(size, View::Tree).main, size)
}

/// How many rows the detail pane shows on a screen of `size`.
pub fn detail_rows(size: Rect) -> usize {
    inner_rows(layout(size, View::Tree).detail, size)
}

/// How many rows a pane at `area` holds inside its frame.
fn inner_rows(area: Rect, size: Rect) -> usize {
    let narrow = layout(size, View::Tree).narrow;
    pane(narrow, false, Theme::new(false))
        .inner(area)
        .height
        .into()
}

/// How many help lines a screen of `size` shows.
pub fn help_rows(size: Rect) -> usize {
    help::inner(size).height.into()
}

/// The view whose tab is at `at`, if any, with `findings` findings in the third tab and
/// the review's when `reviewing` and the values' when `values`.
pub fn tab_at(
    size: Rect,
    at: Position,
    findings: usize,
    reviewing: bool,
    values: bool,
) -> Option<View> {
    let a = layout(size, View::Tree);
    if !a.tabs.contains(at) {
        return None;
    }
    tabs::at(usize::from(at.x - a.tabs.x), findings, reviewing, values)
}

/// Draws the whole screen from the state.
pub fn render(frame: &mut Frame, app: &App) {
    let theme = Theme::new(app.color());
    let a = layout(frame.area(), app.view());
    tabs::render(frame, app, a.tabs, theme);
    let main_focused = app.focus() == Focus::Main;
    let main = pane(a.narrow, main_focused, theme);
    let detail = pane(a.narrow, !main_focused, theme);
    match app.view() {
        View::Tree => tree::render(frame, app, main, a.main, theme),
        View::Matrix => matrix::render(frame, app, main, a.main, theme),
        View::Findings => findings::render(frame, app, main, a.main, theme),
        View::Review => review::render(frame, app, main, a.main, theme),
        View::Values => values::render(frame, app, main, a.main, theme),
    }
    if a.detail.height > 0 && a.detail.width > 0 {
        if app.view() == View::Review {
            review::render_step(frame, app, detail, a.detail, theme);
        } else if app.view() == View::Values {
            values::render_places(frame, app, detail, a.detail);
        } else if app.why().is_shown() && app.view() == View::Tree {
            why::render(frame, app, detail, a.detail, theme);
        } else {
            detail::render(frame, app, detail, a.detail, theme);
        }
    }
    if app.mode() == Mode::Search {
        search::render(frame, app, a, theme);
    } else if app.mode() == Mode::Value {
        values::render_edit(frame, app, a.status, theme);
    } else if let Some(walk) = app.walk().filter(|_| app.mode() == Mode::Comment) {
        review::render_comment(frame, walk, a.status, theme);
    } else {
        status::render(frame, app, a.status, theme);
    }
    if let Some(p) = app.preview() {
        preview::render(frame, p, theme);
    }
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

/// The detail pane's `lines` under `title`, wrapped and scrolled as far as the state says
/// (the node's detail, the why answer and the review step all draw through here).
fn scrolled(
    frame: &mut Frame,
    app: &App,
    block: Block<'static>,
    title: String,
    lines: Vec<Line<'static>>,
    area: Rect,
) {
    let scroll = u16::try_from(app.detail_scroll()).unwrap_or(u16::MAX);
    let paragraph = ratatui::widgets::Paragraph::new(lines)
        .wrap(ratatui::widgets::Wrap { trim: false })
        .scroll((scroll, 0))
        .block(block.title(title));
    frame.render_widget(paragraph, area);
}

//! The why answer in the detail pane: the form's fields (with suggestions for the focused
//! one while typing), then the decision, coloured, and the same trace `iamscope why`
//! prints: the deciding statements (selectable, Enter jumps to each), every policy and
//! statement with what matched, and condition clauses with request and policy values.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::theme::Theme;
use super::widgets::field;
use crate::eval::Decision;
use crate::text::escape;
use crate::tui::app::App;
use crate::tui::why::FIELDS;

pub fn render(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let why = app.why();
    let sources = app.sources();
    let holder = why
        .holder
        .and_then(|(s, r)| sources.get(s)?.roles.get(r))
        .map(|r| format!(" Why · {} ", escape(&r.name)))
        .unwrap_or_else(|| " Why ".to_string());
    let mut lines: Vec<Line> = Vec::new();
    for (i, name) in FIELDS.iter().enumerate() {
        let focused = why.is_editing() && why.focus == i;
        lines.push(field(name, 10, &why.fields[i], focused, theme));
        if focused {
            for s in why.suggestions(sources) {
                lines.push(Line::styled(format!("  ↳ {}", escape(&s)), theme.dim()));
            }
        }
    }
    lines.push(Line::default());
    match &why.answer {
        None => {}
        Some(Err(message)) => lines.push(Line::styled(
            escape(message).into_owned(),
            theme.severity(crate::model::Severity::Warning),
        )),
        Some(Ok(e)) => {
            let text = crate::eval::text::explanation(e);
            let deciding_at = text.iter().position(|l| l == "Deciding statements:");
            for (i, l) in text.iter().enumerate() {
                let l = escape(l).into_owned();
                let line = if i == 0 {
                    let allowed = e.decision == Decision::Allowed;
                    let (decision, rest) = l.split_once(':').unwrap_or((&l, ""));
                    Line::from(vec![
                        Span::styled(decision.to_string(), theme.decision(allowed)),
                        Span::raw(format!(":{rest}")),
                    ])
                } else if deciding_at.is_some_and(|d| i > d && i - d - 1 < e.deciding.len()) {
                    let k = i - deciding_at.unwrap_or_default() - 1;
                    let style = if why.is_editing() && why.focus == 4 + k {
                        theme.selected()
                    } else {
                        theme.policy()
                    };
                    Line::styled(l, style)
                } else {
                    Line::raw(l)
                };
                lines.push(line);
            }
        }
    }
    super::scrolled(frame, app, block, holder, lines, area);
}

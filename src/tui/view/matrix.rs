//! The matrix view: the holders to choose from on the left; on the right the chosen
//! holder's matrix (a row per service, the five access levels as Full / n of m / None,
//! coloured as a heat map and readable without colour), or a cell's drill-down: each action
//! granted at that level with the statement that grants it, its resources and conditions.
//! The cells are `iamscope matrix`'s (`LevelCount::describe`). With `--used`, a granted cell
//! reads used/granted (`2/7`: 2 of the 7 actions granted at that level were used, as
//! `minimize --used` reports them), and the drill-down marks each action used or unused.
//! A cell marked for copying (`space`) shows ●, as do its drill-down's actions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::plain;
use super::theme::Theme;
use super::tree::MARKED;
use super::widgets::list;
use crate::analyze::usage::is_used;
use crate::catalog::AccessLevel;
use crate::text::escape;
use crate::tui::app::App;
use crate::tui::matrix::Part;

/// The column headings, in the console's order of access levels.
const HEADINGS: [&str; 5] = ["List", "Read", "Write", "Perm mgmt", "Tagging"];
/// The widest a holder list gets.
const HOLDERS_WIDTH: u16 = 26;
/// Each cell's width.
const CELL: usize = 10;

pub fn render(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let m = app.matrix();
    let holders_width = HOLDERS_WIDTH.min(area.width / 5);
    let [left, right] =
        Layout::horizontal([Constraint::Length(holders_width), Constraint::Fill(1)]).areas(area);
    let focused = |part: Part| {
        if m.part == part {
            block.clone().border_style(theme.focused_border())
        } else {
            block.clone().border_style(theme.border())
        }
    };
    let holders = focused(Part::Holders).title(format!(" Holders ({}) ", m.holders.len()));
    let inner = holders.inner(left);
    frame.render_widget(holders, left);
    let sources = app.sources();
    list(frame, inner, m.holders.len(), Some(m.holder), theme, |i| {
        let (s, r) = m.holders[i];
        let role = &sources[s].roles[r];
        Line::from(vec![
            Span::styled(escape(&role.name).into_owned(), theme.role()),
            Span::styled(format!(" {}", role.kind.as_str()), theme.dim()),
        ])
    });
    match &m.drill {
        Some(_) if m.part == Part::Drill => drill(frame, app, focused(Part::Drill), right, theme),
        _ => table(frame, app, focused(Part::Table), right, theme),
    }
}

fn table(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let m = app.matrix();
    let Some(matrix) = &m.matrix else {
        frame.render_widget(block.title(" Matrix "), area);
        return;
    };
    let use_counts = m.used.as_ref();
    let counts = if use_counts.is_some() {
        " · used/granted"
    } else {
        ""
    };
    let block = block.title(format!(
        " {} · {}{counts} ",
        escape(&matrix.name),
        matrix.kind.as_str()
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if matrix.services.is_empty() {
        let text = if matrix.basis.is_none() {
            "Grants nothing: no identity or resource policy."
        } else {
            "No action of the catalog is granted."
        };
        frame.render_widget(Paragraph::new(Line::styled(text, theme.dim())), inner);
        return;
    }
    let longest = matrix
        .services
        .iter()
        .map(|r| r.service.len())
        .max()
        .unwrap_or(0);
    let service_width = longest
        .max("Service".len())
        .min(usize::from(inner.width).saturating_sub(CELL * 5))
        .max(4);
    let mut head = vec![Span::styled(
        format!("{:service_width$}", "Service"),
        theme.dim(),
    )];
    for (c, h) in HEADINGS.iter().enumerate() {
        let style = if c == m.column {
            theme.key()
        } else {
            theme.dim()
        };
        head.push(Span::styled(format!("{h:>CELL$}"), style));
    }
    let [head_area, rows_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
    frame.render_widget(Paragraph::new(Line::from(head)), head_area);
    let height = usize::from(rows_area.height);
    let first = super::widgets::first_row(m.row, height);
    let holder = m.selected_holder();
    let marked = |service: &str, level: AccessLevel| {
        holder.is_some_and(|h| app.marked().is_cell_marked(h, service, level))
    };
    let lines: Vec<Line> = matrix
        .services
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, row)| {
            let mut spans = super::fit(vec![plain(row.service)], service_width);
            let used: usize = spans.iter().map(Span::width).sum();
            spans.push(plain(" ".repeat(service_width.saturating_sub(used))));
            for (c, level) in AccessLevel::ALL.into_iter().enumerate() {
                let count = row.levels.get(level);
                let mut style = theme.heat(count.granted, count.total);
                if i == m.row && c == m.column && m.part == Part::Table {
                    style = theme.selected();
                }
                let text = match use_counts.and_then(|u| u.get(i)) {
                    Some(u) if count.granted > 0 => format!("{}/{}", u[c], count.granted),
                    _ => count.describe(),
                };
                let text = if marked(row.service, level) {
                    // ● in the cell's padding, so the columns stay aligned.
                    format!("{:>CELL$}", format!("{MARKED} {text}"))
                } else {
                    format!("{text:>CELL$}")
                };
                spans.push(Span::styled(text, style));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), rows_area);
}

fn drill(frame: &mut Frame, app: &App, block: Block<'static>, area: Rect, theme: Theme) {
    let Some(d) = &app.matrix().drill else {
        return;
    };
    // With `--used`: the holder's use, to mark each action.
    let usage = app
        .matrix()
        .selected_holder()
        .and_then(|(s, r)| app.used()?.holder(s, r));
    let used_count = usage.map(|u| {
        let actions = crate::tui::marks::distinct(d.rows.iter().map(|(a, _)| &a.action));
        let n = actions.iter().filter(|a| is_used(u, a)).count();
        format!(" · {n} used")
    });
    let block = block.title(format!(
        " {} · {} · {}{} ",
        d.service,
        d.level.as_str(),
        crate::text::plural(d.rows.len(), "grant", "grants"),
        used_count.unwrap_or_default()
    ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let marked = app
        .matrix()
        .selected_holder()
        .is_some_and(|h| app.marked().is_cell_marked(h, d.service, d.level));
    if d.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("Nothing granted at this level.", theme.dim())),
            inner,
        );
        return;
    }
    list(frame, inner, d.rows.len(), Some(d.cursor), theme, |i| {
        let (a, g) = &d.rows[i];
        let sid = g
            .sid
            .as_deref()
            .map(|s| format!(" {s}"))
            .unwrap_or_default();
        let on = if g.resources.is_empty() {
            "no Resource".to_string()
        } else if g.not_resource {
            format!("all but {}", g.resources.join(", "))
        } else {
            g.resources.join(", ")
        };
        let mut spans = Vec::new();
        if marked {
            spans.push(Span::styled(format!("{MARKED} "), theme.key()));
        }
        if let Some(u) = usage {
            let used = is_used(u, &a.action);
            let tag = format!("[{}]", super::tree::use_tag(usize::from(used), 1));
            spans.push(Span::styled(format!("{tag:<8} "), theme.decision(used)));
        }
        spans.extend([
            plain(a.action.clone()),
            Span::styled(
                format!("  {} #{}{sid}", escape(&g.policy), g.statement),
                theme.policy(),
            ),
            Span::styled(format!("  on {}", escape(&on)), theme.dim()),
        ]);
        for c in &g.conditions {
            spans.push(Span::styled(
                format!(
                    "  if {} {} = {}",
                    escape(&c.operator),
                    escape(&c.key),
                    escape(&c.values.join(", "))
                ),
                theme.note(),
            ));
        }
        Line::from(spans)
    });
}

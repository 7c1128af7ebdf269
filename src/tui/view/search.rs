//! The search: the query line at the bottom (with how many results) and the results above
//! it, each with its kind label, the matched characters highlighted, and where it is (for
//! a catalog action, whether the loaded policies grant it and through which statement).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::Areas;
use super::theme::Theme;
use super::widgets::{field, highlighted, list};
use crate::analyze::search::{Hit, Kind, Target, matched_chars};
use crate::model::outline::statement_label;
use crate::text::{escape, plural};
use crate::tui::app::App;
use crate::tui::search::unused_filter;

/// The most results shown at once.
const SHOWN: u16 = 8;

pub fn render(frame: &mut Frame, app: &App, a: Areas, theme: Theme) {
    let search = app.search();
    let m = search.matches();
    let unused = unused_filter(search.query()).is_some();
    let count = match (search.query().trim().is_empty(), m.total) {
        (true, _) => "type to search every node and catalog action".to_string(),
        (false, 0) if unused && app.used().is_none() => {
            "unused: lists the grants no event used; open with --used EVENTS".to_string()
        }
        (false, 0) if unused => "no unused grant".to_string(),
        (false, 0) if m.pending.is_some() => "no match yet".to_string(),
        (false, 0) => "no match".to_string(),
        (false, n) if n > m.hits.len() => format!("{} of {n}", search.cursor() + 1),
        (false, n) => format!(
            "{} of {}",
            search.cursor() + 1,
            plural(n, "result", "results")
        ),
    };
    let mut line = field("/", 1, search.query(), true, theme);
    line.spans
        .push(Span::styled(format!("  {count}"), theme.dim()));
    if let Some((scored, all)) = m.pending {
        line.spans.push(Span::styled(
            format!("  searching {}%", scored * 100 / all.max(1)),
            theme.key(),
        ));
    }
    let marked = app.marked().actions().len();
    if marked > 0 {
        line.spans.push(Span::styled(
            format!("  {} marked", plural(marked, "action", "actions")),
            theme.key(),
        ));
    }
    frame.render_widget(Paragraph::new(line), a.status);
    if m.hits.is_empty() {
        return;
    }
    let rows = u16::try_from(m.hits.len()).unwrap_or(SHOWN).min(SHOWN);
    let height = (rows + 2).min(a.main.height + a.tabs.height);
    let area = Rect {
        x: a.tabs.x,
        y: a.status.y.saturating_sub(height),
        width: a.status.width,
        height,
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.key())
        .title(" Results ")
        .title_style(theme.title());
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    list(
        frame,
        inner,
        m.hits.len(),
        Some(search.cursor()),
        theme,
        |i| row(app, &m.hits[i], search.query(), theme),
    );
}

/// One result: `kind  text  where`.
fn row(app: &App, hit: &Hit, query: &str, theme: Theme) -> Line<'static> {
    let index = app.index();
    let text = escape(index.text(hit)).into_owned();
    let matched = matched_chars(&text, unused_filter(query).unwrap_or(query));
    let mut spans = Vec::new();
    if !app.marked().is_empty() {
        spans.push(if marked(app, hit) {
            Span::styled(format!("{} ", super::tree::MARKED), theme.key())
        } else {
            Span::raw("  ")
        });
    }
    spans.push(Span::styled(
        format!("{:<11}", hit.kind.as_str()),
        theme.dim(),
    ));
    spans.extend(highlighted(
        &text,
        &matched,
        ratatui::style::Style::new(),
        theme.matched(),
    ));
    spans.push(Span::styled(format!("  {}", place(app, hit)), theme.dim()));
    Line::from(spans)
}

/// Whether a result is marked for copying: its node, or a catalog action marked alone.
fn marked(app: &App, hit: &Hit) -> bool {
    match hit.target {
        Target::Node(id) => app.marked().is_marked(id),
        Target::Catalog(_) => app.marked().is_catalog_marked(app.index().text(hit)),
    }
}

/// Where a result is: the statement, policy or holder it belongs to; for a catalog action,
/// `granted by "ReadOnly" (ec2:Describe*)` or `not granted`.
fn place(app: &App, hit: &Hit) -> String {
    let sources = app.sources();
    let outline = app.outline();
    match hit.target {
        Target::Catalog(id) => match app.index().granted_by(id).and_then(|g| outline.get(g)) {
            None => "not granted".into(),
            Some(pattern) => {
                // The statement by its Sid, else by its number in its policy.
                let s = pattern.at.statement(sources);
                let name = match (s, pattern.at.statement) {
                    (Some(s), _) if s.sid.is_some() => s
                        .sid
                        .as_ref()
                        .map(|t| t.value.to_string())
                        .unwrap_or_default(),
                    (Some(s), Some(i)) => statement_label(i, s),
                    _ => String::new(),
                };
                let value = match pattern.kind {
                    crate::model::outline::NodeKind::Element(e) => e.as_str().to_string(),
                    _ => pattern.label.clone(),
                };
                escape(&format!("granted by \"{name}\" ({value})")).into_owned()
            }
        },
        Target::Node(id) => {
            let Some(node) = outline.get(id) else {
                return String::new();
            };
            let at = node.at;
            let text = match (hit.kind, at.statement(sources), at.statement) {
                (Kind::Statement, _, _) => at.policy(sources).map(|p| format!("in {}", p.name)),
                (_, Some(s), Some(i)) => Some(format!("in {}", statement_label(i, s))),
                _ => at
                    .policy(sources)
                    .map(|p| format!("in {}", p.name))
                    .or_else(|| at.source(sources).map(|s| s.path.clone())),
            };
            escape(&text.unwrap_or_default()).into_owned()
        }
    }
}

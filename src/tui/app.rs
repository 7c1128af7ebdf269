//! The viewer's state and the one place it changes: [`App::update`] carries out an
//! [`Action`]. Rendering reads this state and never changes it.

use ratatui::layout::Rect;

use super::action::Action;
use super::view;
use crate::model::Source;
use crate::model::outline::{Node, NodeId, NodeKind, Outline};

/// Which keys apply: browsing the tree, or reading the help over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Browse,
    Help,
}

/// How much the loaded input holds, for titles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub sources: usize,
    pub policies: usize,
    pub statements: usize,
}

pub struct App {
    sources: Vec<Source>,
    outline: Outline,
    totals: Totals,
    /// Whether to draw in colour (off for `--no-color` and `NO_COLOR`).
    color: bool,
    /// Per node: whether its children are shown.
    open: Vec<bool>,
    selected: NodeId,
    /// The node on the tree's first row.
    top: NodeId,
    size: Rect,
    help: Option<usize>,
    quit: bool,
}

impl App {
    /// A viewer on `sources`: sources, roles and statement elements expanded, so the first
    /// screen lists every policy; policies collapsed unless there is only one, so one
    /// policy file opens on its statements.
    pub fn new(sources: Vec<Source>, color: bool) -> App {
        let outline = Outline::build_with(&sources, Some(&crate::catalog::covered));
        let totals = Totals {
            sources: sources.len(),
            policies: sources.iter().map(|s| s.policies().count()).sum(),
            statements: sources
                .iter()
                .flat_map(|s| s.policies())
                .map(|(_, p)| p.statements().len())
                .sum(),
        };
        let one_policy = totals.policies == 1;
        let open = outline
            .nodes()
            .iter()
            .map(|n| match n.kind {
                NodeKind::Source | NodeKind::Role | NodeKind::Element(_) => true,
                NodeKind::Policy => one_policy,
                _ => false,
            })
            .collect();
        App {
            sources,
            outline,
            totals,
            color,
            open,
            selected: 0,
            top: 0,
            size: Rect::default(),
            help: None,
            quit: false,
        }
    }

    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    pub fn outline(&self) -> &Outline {
        &self.outline
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    pub fn color(&self) -> bool {
        self.color
    }

    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            Mode::Help
        } else {
            Mode::Browse
        }
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The terminal size the state was laid out for.
    pub fn size(&self) -> Rect {
        self.size
    }

    pub fn is_open(&self, id: NodeId) -> bool {
        self.open.get(id).copied().unwrap_or(false)
    }

    pub fn selected_id(&self) -> NodeId {
        self.selected
    }

    pub fn selected(&self) -> Option<&Node> {
        self.outline.get(self.selected)
    }

    /// How far the help is scrolled, when it is shown.
    pub fn help_scroll(&self) -> Option<usize> {
        self.help
    }

    /// The nodes on the tree's rows, top to bottom.
    pub fn visible_rows(&self) -> impl Iterator<Item = NodeId> + '_ {
        let rows = self.tree_rows();
        self.outline
            .visible_from(self.top, |id| self.is_open(id))
            .take(rows)
    }

    fn tree_rows(&self) -> usize {
        view::tree_rows(self.size)
    }

    fn next(&self, id: NodeId) -> Option<NodeId> {
        self.outline.next_visible(id, |x| self.is_open(x))
    }

    fn prev(&self, id: NodeId) -> Option<NodeId> {
        self.outline.prev_visible(id, |x| self.is_open(x))
    }

    fn last(&self) -> Option<NodeId> {
        self.outline.last_visible(|x| self.is_open(x))
    }

    fn is_expanded(&self, id: NodeId) -> bool {
        self.is_open(id) && self.outline.has_children(id)
    }

    /// The furthest the help can scroll at this size.
    fn help_max(&self) -> usize {
        view::help_len(self.size).saturating_sub(view::help_rows(self.size))
    }

    /// Whether `action` would do anything now; the status line shows only such keys.
    pub fn can(&self, action: Action) -> bool {
        let sel = self.selected;
        if let Some(scroll) = self.help {
            return match action {
                Action::Down | Action::PageDown | Action::Last => scroll < self.help_max(),
                Action::Up | Action::PageUp | Action::First => scroll > 0,
                Action::CloseHelp | Action::Quit | Action::Resize { .. } => true,
                Action::Help | Action::Expand | Action::Collapse | Action::Toggle => false,
            };
        }
        match action {
            Action::Down | Action::PageDown => self.next(sel).is_some(),
            Action::Up | Action::PageUp => self.prev(sel).is_some(),
            Action::First => sel != 0,
            Action::Last => self.last().is_some_and(|l| l != sel),
            Action::Expand | Action::Toggle => self.outline.has_children(sel),
            Action::Collapse => {
                self.is_expanded(sel) || self.selected().is_some_and(|n| n.parent().is_some())
            }
            Action::Help | Action::Quit | Action::Resize { .. } => true,
            Action::CloseHelp => false,
        }
    }

    /// Carries out one action.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Resize { width, height } => {
                self.size = Rect::new(0, 0, width, height);
                self.help = self.help.map(|scroll| scroll.min(self.help_max()));
            }
            Action::Help => self.help = Some(0),
            Action::CloseHelp => self.help = None,
            _ if self.help.is_some() => self.scroll_help(action),
            _ => self.browse(action),
        }
        self.scroll_into_view();
    }

    fn scroll_help(&mut self, action: Action) {
        let Some(scroll) = self.help else { return };
        let page = view::help_rows(self.size).saturating_sub(1).max(1);
        let scroll = match action {
            Action::Down => scroll + 1,
            Action::Up => scroll.saturating_sub(1),
            Action::PageDown => scroll + page,
            Action::PageUp => scroll.saturating_sub(page),
            Action::First => 0,
            Action::Last => usize::MAX,
            _ => scroll,
        };
        self.help = Some(scroll.min(self.help_max()));
    }

    fn browse(&mut self, action: Action) {
        if self.outline.is_empty() {
            return;
        }
        let sel = self.selected;
        let page = self.tree_rows().saturating_sub(1).max(1);
        match action {
            Action::Down => self.selected = self.next(sel).unwrap_or(sel),
            Action::Up => self.selected = self.prev(sel).unwrap_or(sel),
            Action::PageDown => {
                for _ in 0..page {
                    self.selected = self.next(self.selected).unwrap_or(self.selected);
                }
            }
            Action::PageUp => {
                for _ in 0..page {
                    self.selected = self.prev(self.selected).unwrap_or(self.selected);
                }
            }
            Action::First => self.selected = 0,
            Action::Last => self.selected = self.last().unwrap_or(sel),
            Action::Expand if self.is_expanded(sel) => self.selected = sel + 1,
            Action::Expand => self.set_open(sel, true),
            Action::Collapse if self.is_expanded(sel) => self.set_open(sel, false),
            Action::Collapse => {
                if let Some(parent) = self.selected().and_then(Node::parent) {
                    self.selected = parent;
                }
            }
            Action::Toggle => self.set_open(sel, !self.is_expanded(sel)),
            _ => {}
        }
    }

    fn set_open(&mut self, id: NodeId, open: bool) {
        if self.outline.has_children(id) {
            self.open[id] = open;
        }
    }

    /// Moves the tree's first row so the selected node is shown, and so no rows are left
    /// empty at the bottom while there are rows above.
    fn scroll_into_view(&mut self) {
        let rows = self.tree_rows().max(1);
        let sel = self.selected;
        if sel < self.top {
            self.top = sel;
        } else if !self.visible_rows().any(|id| id == sel) {
            self.top = sel;
            for _ in 1..rows {
                self.top = self.prev(self.top).unwrap_or(self.top);
            }
        }
        let shown = self.visible_rows().count();
        for _ in shown..rows {
            match self.prev(self.top) {
                Some(p) => self.top = p,
                None => break,
            }
        }
    }
}

//! The viewer's state and the one place it changes: [`App::update`] carries out an
//! [`Action`]. Rendering reads this state and never changes it. Each view's own state
//! lives in its module (`search`, `matrix`, `findings`, `why`); this one holds the tree
//! and routes actions.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use ratatui::layout::{Position, Rect};

use super::action::{Action, View};
use super::clipboard::{Clipboard, Memory};
use super::copy::{self, Copy, Preview};
use super::findings::Findings;
use super::marks::{self, Mark, Marks};
use super::matrix::{Matrix, Part};
use super::review::Walk;
use super::search::{Search, destination};
use super::used::Used;
use super::values::{self, Values};
use super::view;
use super::why::{HolderAt, Why};
use crate::analyze::placeholder_shape;
use crate::analyze::review::{StatementRef, Verdict};
use crate::analyze::search::Index;
use crate::analyze::search::Target;
use crate::assemble::fill_values;
use crate::load::vars;
use crate::model::outline::{Element, Node, NodeId, NodeKind, Outline};
use crate::model::{Severity, Source};
use crate::text::plural;

/// Which keys apply: a view's, the help's, or typing into the query or the why form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Tree,
    Matrix,
    Findings,
    Help,
    /// The preview of what was just copied, over the screen.
    Preview,
    Search,
    Form,
    Review,
    /// Typing a review comment.
    Comment,
    /// The placeholder values view.
    Values,
    /// Typing a placeholder's value.
    Value,
}

/// Which pane has the focus: the view's list, or the detail beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Focus {
    Main,
    Detail,
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
    view: View,
    focus: Focus,
    /// How far the detail pane is scrolled.
    detail_scroll: usize,
    /// The search index, built on the first search (it costs as much as the outline, and
    /// most sessions open without searching).
    index: OnceCell<Index>,
    search: Search,
    findings: Findings,
    /// Per node: the worst finding in its subtree, for the tree's gutter.
    marks: Vec<Option<Severity>>,
    matrix: Matrix,
    why: Why,
    /// A short message for the status line (a search with no result, say).
    message: Option<String>,
    /// The review file the walkthrough reads and saves (`--review`, or beside the first
    /// input); `None` when there is nowhere to keep one.
    review_path: Option<std::path::PathBuf>,
    /// The review walkthrough, from the first `r` on.
    walk: Option<Walk>,
    /// What is marked for copying.
    marked: Marks,
    /// Where copies go.
    clipboard: Box<dyn Clipboard>,
    /// What the last copy copied, shown until closed.
    preview: Option<Preview>,
    /// The sources as read, before any placeholder value was filled in; kept from the
    /// first value on (until then `sources` are them).
    unfilled: Option<Vec<Source>>,
    /// The placeholder values in effect (`--var`, `--vars FILE`, and typed in `v`).
    values: BTreeMap<String, String>,
    /// The file `s` saves the values to (`--vars FILE`, or beside the first input).
    vars_path: Option<PathBuf>,
    /// The placeholder values view.
    placeholders: Values,
    /// The CloudTrail events of `--used`, and each holder's use.
    used: Option<Used>,
    /// What `--used` could not read, shown in the status line until the first key.
    notice: Option<String>,
}

impl App {
    /// A viewer on `sources`: sources, roles and statement elements expanded, so the first
    /// screen lists every policy; policies collapsed unless there is only one, so one
    /// policy file opens on its statements.
    pub fn new(sources: Vec<Source>, color: bool) -> App {
        let outline = Outline::build_with(&sources, Some(&crate::catalog::covered));
        let totals = totals(&sources);
        let open = first_open(&outline, totals);
        let findings = Findings::new(&sources, &outline);
        let marks = findings.marks(&outline);
        let matrix = Matrix::new(&sources);
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
            view: View::Tree,
            focus: Focus::Main,
            detail_scroll: 0,
            index: OnceCell::new(),
            search: Search::default(),
            findings,
            marks,
            matrix,
            why: Why::default(),
            message: None,
            review_path: None,
            walk: None,
            marked: Marks::default(),
            clipboard: Box::new(Memory::default()),
            preview: None,
            unfilled: None,
            values: BTreeMap::new(),
            vars_path: None,
            placeholders: Values::default(),
            used: None,
            notice: None,
        }
    }

    /// Reads the CloudTrail events of `paths` (`--used`) and matches them to the holders;
    /// what could not be read is said in the status line.
    pub fn read_used(&mut self, paths: &[String]) {
        if paths.is_empty() {
            return;
        }
        let used = Used::read(paths, &self.sources);
        let problems = used.problems();
        self.notice = match problems.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            [first, rest @ ..] => Some(format!("{first} (and {} more)", rest.len())),
        };
        self.used = Some(used);
    }

    /// The events of `--used`, when given.
    pub fn used(&self) -> Option<&Used> {
        self.used.as_ref()
    }

    /// A viewer on `unfilled` (the sources loaded with no placeholder value) with `values`
    /// filled in, as loading with `--var` for each would give.
    pub fn with_values(
        unfilled: Vec<Source>,
        values: BTreeMap<String, String>,
        color: bool,
    ) -> App {
        if values.is_empty() {
            return App::new(unfilled, color);
        }
        let filled = unfilled.iter().map(|s| fill_values(s, &values)).collect();
        let mut app = App::new(filled, color);
        app.unfilled = Some(unfilled);
        app.values = values;
        app
    }

    /// Where `s` in the values view saves them.
    pub fn set_vars_path(&mut self, path: Option<PathBuf>) {
        self.vars_path = path;
    }

    /// The placeholder values in effect.
    pub fn values(&self) -> &BTreeMap<String, String> {
        &self.values
    }

    /// The placeholder values view's state.
    pub fn placeholders(&self) -> &Values {
        &self.placeholders
    }

    /// Fills the values in effect into the sources as read, and rebuilds everything drawn
    /// from them (tree, findings, matrix, search, the walkthrough's steps); the tree keeps its place when its shape
    /// is the same.
    fn refill(&mut self) {
        let unfilled = self.unfilled.get_or_insert_with(|| self.sources.clone());
        let sources: Vec<Source> = unfilled
            .iter()
            .map(|s| fill_values(s, &self.values))
            .collect();
        let outline = Outline::build_with(&sources, Some(&crate::catalog::covered));
        self.totals = totals(&sources);
        if outline.len() != self.outline.len() {
            self.open = first_open(&outline, self.totals);
            self.selected = 0;
            self.top = 0;
            self.marked.clear();
        }
        self.findings = Findings::new(&sources, &outline);
        self.marks = self.findings.marks(&outline);
        let holder = self.matrix.holder;
        self.matrix = Matrix::new(&sources);
        self.outline = outline;
        self.sources = sources;
        if self.matrix.holders.len() > holder {
            self.matrix.holder = holder;
        }
        if let Some(used) = &mut self.used {
            used.match_holders(&self.sources);
        }
        if let Some(walk) = &mut self.walk {
            walk.restep(&self.sources, self.findings.all());
        }
        self.index = OnceCell::new();
        self.search = Search::with_part(self.search.part());
        self.why = Why::default();
    }

    /// Where copies go (the system clipboard or OSC 52 in a real terminal; memory in tests,
    /// which is also where they go until this is called).
    pub fn set_clipboard(&mut self, clipboard: Box<dyn Clipboard>) {
        self.clipboard = clipboard;
    }

    /// The preview of the last copy, while shown.
    pub fn preview(&self) -> Option<&Preview> {
        self.preview.as_ref()
    }

    /// Where the walkthrough keeps its decisions.
    pub fn set_review_path(&mut self, path: Option<std::path::PathBuf>) {
        self.review_path = path;
    }

    pub fn walk(&self) -> Option<&Walk> {
        self.walk.as_ref()
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

    pub fn view(&self) -> View {
        self.view
    }

    pub fn focus(&self) -> Focus {
        self.focus
    }

    pub fn detail_scroll(&self) -> usize {
        self.detail_scroll
    }

    pub fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Index::build(&self.sources, &self.outline))
    }

    pub fn search(&self) -> &Search {
        &self.search
    }

    /// How much one part of a search's answer scores (see `search::PART`).
    #[cfg(test)]
    pub fn set_search_part(&mut self, part: crate::analyze::search::Part) {
        self.search.set_part(part);
    }

    pub fn findings(&self) -> &Findings {
        &self.findings
    }

    pub fn mark(&self, id: NodeId) -> Option<Severity> {
        self.marks.get(id).copied().flatten()
    }

    /// What is marked for copying.
    pub fn marked(&self) -> &Marks {
        &self.marked
    }

    pub fn matrix(&self) -> &Matrix {
        &self.matrix
    }

    pub fn why(&self) -> &Why {
        &self.why
    }

    /// The status line's message: the last action's, else what `--used` could not read.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref().or(self.notice.as_deref())
    }

    pub fn mode(&self) -> Mode {
        if self.help.is_some() {
            Mode::Help
        } else if self.preview.is_some() {
            Mode::Preview
        } else if self.search.is_typing() {
            Mode::Search
        } else if self.why.is_editing() {
            Mode::Form
        } else if self.walk.as_ref().is_some_and(|w| w.comment.is_some()) {
            Mode::Comment
        } else if self.placeholders.editing.is_some() {
            Mode::Value
        } else {
            match self.view {
                View::Tree => Mode::Tree,
                View::Matrix => Mode::Matrix,
                View::Findings => Mode::Findings,
                View::Review => Mode::Review,
                View::Values => Mode::Values,
            }
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

    /// The node the detail pane shows: the search result under the cursor while typing,
    /// the finding's statement in the findings view, else the selection.
    pub fn shown(&self) -> Option<&Node> {
        let id = match self.mode() {
            Mode::Search => self
                .search
                .current()
                .and_then(|h| destination(self.index(), h)),
            Mode::Findings => self.findings.destination(),
            _ => None,
        };
        self.outline.get(id.unwrap_or(self.selected))
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
                _ => false,
            };
        }
        if let Some(p) = &self.preview {
            let max = view::preview_max_scroll(self.size, p);
            return match action {
                Action::Down | Action::PageDown | Action::Last => p.scroll < max,
                Action::Up | Action::PageUp | Action::First => p.scroll > 0,
                Action::ClosePreview | Action::Quit | Action::Resize { .. } => true,
                _ => false,
            };
        }
        let matches = !self.search.matches().hits.is_empty();
        match (self.mode(), action) {
            (_, Action::Quit | Action::Resize { .. } | Action::Help) => true,
            (_, Action::Show(v)) => v != self.view,
            (_, Action::NextMatch | Action::PrevMatch) => matches,
            (_, Action::Search | Action::NextPane | Action::Review) => true,
            (Mode::Search, Action::Submit) => matches,
            (
                Mode::Search | Mode::Form | Mode::Comment | Mode::Value,
                Action::Cancel | Action::Insert(_) | Action::DeleteBack,
            ) => true,
            (Mode::Comment | Mode::Value, Action::Submit) => true,
            (_, Action::Values) => true,
            (Mode::Values, Action::Down | Action::PageDown | Action::Last) => {
                self.placeholders.cursor + 1 < values::rows(&self.sources).len()
            }
            (Mode::Values, Action::Up | Action::PageUp | Action::First) => {
                self.placeholders.cursor > 0
            }
            (Mode::Values, Action::Open) => !values::rows(&self.sources).is_empty(),
            (Mode::Values, Action::SaveValues) => !self.values.is_empty(),
            (
                Mode::Review,
                Action::Down | Action::PageDown | Action::Last | Action::Step { forward: true },
            ) => self.walk.as_ref().is_some_and(|w| w.cursor + 1 < w.len()),
            (
                Mode::Review,
                Action::Up | Action::PageUp | Action::First | Action::Step { forward: false },
            ) => self.walk.as_ref().is_some_and(|w| w.cursor > 0),
            (Mode::Review, Action::Accept | Action::Flag | Action::Comment | Action::Open) => {
                self.walk.as_ref().is_some_and(|w| !w.is_empty())
            }
            (Mode::Review, Action::Undecide) => self.walk.as_ref().is_some_and(|w| {
                w.review
                    .statuses
                    .get(w.cursor)
                    .is_some_and(|s| s.entry.is_some())
            }),
            (Mode::Search | Mode::Form, Action::Down | Action::Up) => true,
            (Mode::Search | Mode::Tree | Mode::Matrix, Action::Mark) => self.mark_here().is_some(),
            (Mode::Tree | Mode::Matrix, Action::ClearMarks) => !self.marked.is_empty(),
            (Mode::Tree | Mode::Matrix, Action::Copy) => {
                !self.marked.is_empty() || self.mark_here().is_some()
            }
            (Mode::Tree, Action::CopyPolicy) => {
                self.selected().is_some_and(|n| n.at.policy.is_some())
            }
            (Mode::Form, Action::Submit | Action::Complete) => true,
            (Mode::Tree, Action::Back) => self.why.is_shown(),
            (Mode::Tree, Action::Why) => !self.outline.is_empty(),
            (Mode::Tree, _) if self.focus == Focus::Detail => {
                matches!(
                    action,
                    Action::Down | Action::Up | Action::PageDown | Action::PageUp | Action::First
                )
            }
            (Mode::Tree, Action::Down | Action::PageDown) => self.next(sel).is_some(),
            (Mode::Tree, Action::Up | Action::PageUp) => self.prev(sel).is_some(),
            (Mode::Tree, Action::First) => sel != 0,
            (Mode::Tree, Action::Last) => self.last().is_some_and(|l| l != sel),
            (Mode::Tree, Action::Expand | Action::Toggle) => self.outline.has_children(sel),
            (Mode::Tree, Action::Collapse) => {
                self.is_expanded(sel) || self.selected().is_some_and(|n| n.parent().is_some())
            }
            (Mode::Matrix, Action::Back) => self.matrix.part == Part::Drill,
            (Mode::Matrix, Action::Open) => match self.matrix.part {
                Part::Drill => self.matrix.destination().is_some(),
                Part::Table => self.matrix.services() > 0,
                Part::Holders => true,
            },
            (Mode::Matrix, Action::Expand | Action::Collapse) => self.matrix.part == Part::Table,
            (Mode::Matrix | Mode::Findings, Action::Down | Action::Up) => true,
            (Mode::Matrix | Mode::Findings, Action::PageDown | Action::PageUp) => true,
            (Mode::Matrix | Mode::Findings, Action::First | Action::Last) => true,
            (Mode::Findings, Action::Open) => self.findings.destination().is_some(),
            (Mode::Findings, Action::Filter(_)) => !self.findings.all().is_empty(),
            _ => false,
        }
    }

    /// Carries out one action.
    pub fn update(&mut self, action: Action) {
        if action == Action::Refine {
            // Not a key: what the screen says stays as it is.
            if let Some(index) = self.index.get() {
                self.search.refine(index);
            }
            return;
        }
        self.message = None;
        if !matches!(action, Action::Resize { .. }) {
            self.notice = None;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Resize { width, height } => {
                self.size = Rect::new(0, 0, width, height);
                self.help = self.help.map(|scroll| scroll.min(self.help_max()));
            }
            Action::Help => self.help = Some(0),
            Action::CloseHelp => self.help = None,
            _ if self.help.is_some() => self.scroll_help(action),
            Action::ClosePreview => self.preview = None,
            _ if self.preview.is_some() => self.scroll_preview(action),
            Action::Click { x, y } => self.click(x, y),
            Action::Wheel { x, y, down } => self.wheel(x, y, down),
            _ => match self.mode() {
                Mode::Search => self.searching(action),
                Mode::Form => self.form(action),
                Mode::Comment => self.commenting(action),
                Mode::Value => self.typing_value(action),
                _ => self.browse(action),
            },
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

    fn scroll_preview(&mut self, action: Action) {
        let size = self.size;
        let Some(p) = &mut self.preview else { return };
        let max = view::preview_max_scroll(size, p);
        let page = view::preview_rows(size, p).saturating_sub(1).max(1);
        p.scroll = match action {
            Action::Down => p.scroll + 1,
            Action::Up => p.scroll.saturating_sub(1),
            Action::PageDown => p.scroll + page,
            Action::PageUp => p.scroll.saturating_sub(page),
            Action::First => 0,
            Action::Last => max,
            _ => p.scroll,
        }
        .min(max);
    }

    /// Copies the minimal policy for the marked actions, or for those under the cursor
    /// when nothing is marked.
    fn copy_minimal(&mut self) {
        let (keep, holders) = if self.marked.is_empty() {
            match self.mark_here() {
                Some(m) => (m.actions, m.holder.map(|h| vec![h])),
                None => {
                    self.message = Some(
                        "nothing to copy here: mark actions with space, or select an action, a statement or a policy"
                            .into(),
                    );
                    return;
                }
            }
        } else {
            (self.marked.actions(), self.marked.holders())
        };
        let copy = copy::minimal(&self.sources, holders.as_deref(), &keep);
        self.send(copy);
    }

    /// Puts a copy on the clipboard and shows it, or says why it could not.
    fn send(&mut self, copy: Result<Copy, String>) {
        let copy = match copy {
            Ok(c) => c,
            Err(message) => {
                self.message = Some(message);
                return;
            }
        };
        match self.clipboard.copy(&copy.text) {
            Ok(done) => {
                self.message = Some(format!(
                    "copied {}, {} bytes, via {}",
                    copy.what, done.bytes, done.via
                ));
                self.preview = Some(Preview {
                    title: format!(
                        " Copied {} · {} bytes via {} ",
                        copy.what, done.bytes, done.via
                    ),
                    text: copy.text,
                    scroll: 0,
                });
            }
            Err(refused) => self.message = Some(refused),
        }
    }

    /// Keys of the views (not typing, not the help).
    fn browse(&mut self, action: Action) {
        match action {
            Action::Show(view) => {
                self.view = view;
                self.focus = Focus::Main;
                self.detail_scroll = 0;
                if view == View::Matrix {
                    self.matrix.ensure(&self.sources);
                    self.count_matrix_use();
                }
            }
            Action::NextPane => {
                self.focus = match self.focus {
                    Focus::Main if self.view == View::Matrix => {
                        self.matrix.part = match self.matrix.part {
                            Part::Holders => Part::Table,
                            _ => Part::Holders,
                        };
                        Focus::Main
                    }
                    Focus::Main => Focus::Detail,
                    Focus::Detail => Focus::Main,
                };
            }
            Action::Search => {
                self.search.start(self.selected);
            }
            Action::NextMatch | Action::PrevMatch => {
                self.search.step(action == Action::NextMatch);
                self.jump_to_result();
            }
            Action::Why => self.start_why(),
            Action::Review => self.start_review(),
            Action::Values => {
                self.view = View::Values;
                self.focus = Focus::Main;
                self.detail_scroll = 0;
                self.placeholders.opened = true;
            }
            Action::SaveValues => self.save_values(),
            Action::Mark => self.toggle_mark(),
            Action::Copy => self.copy_minimal(),
            Action::CopyPolicy => {
                let at = self.selected().map(|n| n.at).unwrap_or_default();
                let copy = copy::policy(&self.sources, at);
                self.send(copy);
            }
            Action::ClearMarks => {
                let n = self.marked.actions().len();
                self.marked.clear();
                self.message = Some(format!("unmarked {}", plural(n, "action", "actions")));
            }
            // The review's keys work whichever pane has the focus.
            Action::Accept
            | Action::Flag
            | Action::Comment
            | Action::Undecide
            | Action::Step { .. } => self.in_review(action),
            _ if self.focus == Focus::Detail => self.scroll_detail(action),
            _ => match self.view {
                View::Tree => self.tree(action),
                View::Matrix => self.in_matrix(action),
                View::Findings => self.in_findings(action),
                View::Review => self.in_review(action),
                View::Values => self.in_values(action),
            },
        }
    }

    /// Shows the walkthrough, opening the review file on the first `r`; from the tree, on
    /// the selected statement's step.
    fn start_review(&mut self) {
        let from_tree = (self.view == View::Tree)
            .then(|| self.selected().filter(|n| n.kind == NodeKind::Statement))
            .flatten()
            .and_then(|n| statement_ref(n.at));
        if self.walk.is_none() {
            let (walk, message) = Walk::open(
                &self.sources,
                self.findings.all(),
                self.review_path.as_deref(),
            );
            self.walk = Some(walk);
            self.message = message;
        }
        if let Some(walk) = &mut self.walk
            && let Some(i) = from_tree.and_then(|at| walk.review.step_at(at))
        {
            walk.cursor = i;
        }
        self.view = View::Review;
        self.focus = Focus::Main;
        self.detail_scroll = 0;
    }

    fn in_review(&mut self, action: Action) {
        let page = view::list_rows(self.size).saturating_sub(1).max(1);
        let page = isize::try_from(page).unwrap_or(1);
        let Some(walk) = &mut self.walk else { return };
        let before = walk.cursor;
        if action == Action::Open {
            if let Some(step) = walk.review.steps.get(walk.cursor) {
                let at = step.at;
                self.jump_to_statement((at.source, at.role, at.policy, at.statement));
            }
            return;
        }
        match action {
            Action::Down | Action::Step { forward: true } => walk.step(1),
            Action::Up | Action::Step { forward: false } => walk.step(-1),
            Action::PageDown => walk.step(page),
            Action::PageUp => walk.step(-page),
            Action::First => walk.cursor = 0,
            Action::Last => walk.step(isize::MAX / 2),
            Action::Accept => self.message = walk.decide(Some(Verdict::Accepted)),
            Action::Flag => self.message = walk.decide(Some(Verdict::Flagged)),
            Action::Undecide => self.message = walk.decide(None),
            Action::Comment => walk.start_comment(),
            _ => {}
        }
        if walk.cursor != before {
            self.detail_scroll = 0;
        }
    }

    /// Typing a review comment: Enter records it, Esc leaves it as it was.
    fn commenting(&mut self, action: Action) {
        let Some(walk) = &mut self.walk else { return };
        match action {
            Action::Insert(c) => walk.edit(Some(c)),
            Action::DeleteBack => walk.edit(None),
            Action::Submit => self.message = walk.finish_comment(),
            Action::Cancel => walk.comment = None,
            _ => {}
        }
    }

    /// The values view's keys: move, Enter to type a value.
    fn in_values(&mut self, action: Action) {
        let rows = values::rows(&self.sources);
        let last = rows.len().saturating_sub(1);
        let page = view::list_rows(self.size).saturating_sub(1).max(1);
        let v = &mut self.placeholders;
        let before = v.cursor;
        match action {
            _ if let Some(to) = list_cursor(v.cursor, action, last, page) => v.cursor = to,
            Action::Open => {
                if let Some(row) = rows.get(v.cursor) {
                    v.start(self.values.get(&row.name).map(String::as_str));
                }
            }
            _ => {}
        }
        if v.cursor != before {
            self.detail_scroll = 0;
        }
    }

    /// Typing a value: Enter fills it in everywhere (an empty value unfills), Esc leaves
    /// the value as it was.
    fn typing_value(&mut self, action: Action) {
        match action {
            Action::Insert(c) => self.placeholders.edit(Some(c)),
            Action::DeleteBack => self.placeholders.edit(None),
            Action::Cancel => self.placeholders.editing = None,
            Action::Submit => {
                let Some(typed) = self.placeholders.editing.take() else {
                    return;
                };
                let rows = values::rows(&self.sources);
                let Some(row) = rows.get(self.placeholders.cursor) else {
                    return;
                };
                let name = row.name.clone();
                let places = plural(row.places.len(), "place", "places");
                let shown = crate::text::escape(&name).into_owned();
                self.message = Some(if typed.is_empty() {
                    self.values.remove(&name);
                    format!("{shown} unfilled in {places}")
                } else {
                    let warning = placeholder_shape::check(&name, &typed);
                    let value = crate::text::escape(&typed).into_owned();
                    self.values.insert(name, typed);
                    match warning {
                        Some(w) => format!("{shown} = {value} filled in {places}; warning: {w}"),
                        None => format!("{shown} = {value} filled in {places}"),
                    }
                });
                self.refill();
            }
            _ => {}
        }
    }

    /// Saves the values in effect to the values file, keeping its other lines.
    fn save_values(&mut self) {
        let Some(path) = self.vars_path.clone() else {
            self.message = Some(
                "nowhere to save the values: open the viewer on a file, or with --vars FILE".into(),
            );
            return;
        };
        let values: Vec<(String, String)> = self
            .values
            .iter()
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect();
        let shown = crate::text::escape(&path.to_string_lossy()).into_owned();
        self.message = Some(match vars::save(&path, &values) {
            Ok(()) => format!(
                "saved {} to {shown}",
                plural(values.len(), "value", "values")
            ),
            Err(e) => format!("cannot save to {shown}: {e}"),
        });
    }

    /// Where the statement at `at` stands in the walkthrough: `None` before it started (or
    /// for what is not a statement), `Some(None)` undecided, else its decision.
    pub fn decision(&self, at: crate::model::outline::At) -> Option<Option<Verdict>> {
        let walk = self.walk.as_ref()?;
        let i = walk.review.step_at(statement_ref(at)?)?;
        Some(walk.review.statuses[i].verdict())
    }

    fn scroll_detail(&mut self, action: Action) {
        let page = view::detail_rows(self.size).saturating_sub(1).max(1);
        self.detail_scroll = match action {
            Action::Down => self.detail_scroll + 1,
            Action::Up => self.detail_scroll.saturating_sub(1),
            Action::PageDown => self.detail_scroll + page,
            Action::PageUp => self.detail_scroll.saturating_sub(page),
            Action::First => 0,
            _ => self.detail_scroll,
        }
        .min(view::MAX_DETAIL_SCROLL);
    }

    fn tree(&mut self, action: Action) {
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
            Action::Back => self.why.close(),
            _ => {}
        }
        if self.selected != sel {
            self.detail_scroll = 0;
        }
    }

    /// The holders an `unused:` search is about: the matrix's in the matrix, else the
    /// selection's, else every holder of the selection's source.
    fn search_holders(&self) -> Vec<(usize, usize)> {
        if self.view == View::Matrix {
            return self.matrix.selected_holder().into_iter().collect();
        }
        let Some(at) = self.selected().map(|n| n.at) else {
            return Vec::new();
        };
        match at.role {
            Some(r) => vec![(at.source, r)],
            None => {
                let roles = at.source(&self.sources).map_or(0, |s| s.roles.len());
                (0..roles).map(|r| (at.source, r)).collect()
            }
        }
    }

    /// With `--used`: counts the used actions of the matrix's cells for its holder.
    fn count_matrix_use(&mut self) {
        let usage = self
            .matrix
            .selected_holder()
            .and_then(|(s, r)| self.used.as_ref()?.holder(s, r));
        self.matrix.count_used(&self.sources, usage);
    }

    fn in_matrix(&mut self, action: Action) {
        let page = view::list_rows(self.size).saturating_sub(1).max(1);
        let page = isize::try_from(page).unwrap_or(1);
        let m = &mut self.matrix;
        match action {
            Action::Down => m.step(&self.sources, 1),
            Action::Up => m.step(&self.sources, -1),
            Action::PageDown => m.step(&self.sources, page),
            Action::PageUp => m.step(&self.sources, -page),
            Action::First => m.step(&self.sources, isize::MIN / 2),
            Action::Last => m.step(&self.sources, isize::MAX / 2),
            Action::Expand => m.column = (m.column + 1).min(4),
            Action::Collapse => m.column = m.column.saturating_sub(1),
            Action::Back => {
                m.drill = None;
                m.part = Part::Table;
            }
            Action::Open => match m.part {
                Part::Holders => m.part = Part::Table,
                Part::Table => m.open(&self.sources),
                Part::Drill => {
                    if let Some(at) = m.destination() {
                        self.jump_to_statement(at);
                    }
                }
            },
            _ => {}
        }
        self.count_matrix_use();
    }

    fn in_findings(&mut self, action: Action) {
        let len = self.findings.rows().len();
        let page = view::list_rows(self.size).saturating_sub(1).max(1);
        let f = &mut self.findings;
        let last = len.saturating_sub(1);
        match action {
            _ if let Some(to) = list_cursor(f.cursor, action, last, page) => f.cursor = to,
            Action::Filter(severity) => f.toggle(severity),
            Action::Open => {
                if let Some(id) = f.destination() {
                    self.jump(id);
                }
            }
            _ => {}
        }
    }

    /// Typing the query: every keystroke searches again.
    fn searching(&mut self, action: Action) {
        match action {
            Action::Insert(_) | Action::DeleteBack => {
                let typed = match action {
                    Action::Insert(c) => Some(c),
                    _ => None,
                };
                let index = self
                    .index
                    .get_or_init(|| Index::build(&self.sources, &self.outline));
                let (used, sources) = (self.used.as_ref(), &self.sources);
                let holders = self.search_holders();
                self.search.edit(index, typed, || {
                    let used = used?;
                    Some(used.unused_grants(sources, &holders))
                });
            }
            Action::Down => self.search.step(true),
            Action::Up => self.search.step(false),
            Action::Mark => self.toggle_mark(),
            Action::Submit => {
                self.search.finish(self.index.get());
                self.jump_to_result();
            }
            Action::Cancel => {
                if let Some(before) = self.search.cancel() {
                    self.selected = before;
                }
            }
            _ => {}
        }
    }

    /// Jumps to the search result under the cursor, or says why it cannot.
    fn jump_to_result(&mut self) {
        let Some(hit) = self.search.current().copied() else {
            let q = crate::text::escape(self.search.query()).into_owned();
            self.message = Some(format!("no match for “{q}”"));
            return;
        };
        match destination(self.index(), &hit) {
            Some(id) => self.jump(id),
            None => {
                let name = crate::text::escape(self.index().text(&hit)).into_owned();
                self.message = Some(format!("{name} is not granted by the loaded policies"));
            }
        }
    }

    /// Selects `id` in the tree view, opening its ancestors.
    pub fn jump(&mut self, id: NodeId) {
        if self.outline.get(id).is_none() {
            return;
        }
        let mut at = self.outline.get(id).and_then(Node::parent);
        while let Some(p) = at {
            self.open[p] = true;
            at = self.outline.get(p).and_then(Node::parent);
        }
        self.selected = id;
        self.view = View::Tree;
        self.focus = Focus::Main;
        self.detail_scroll = 0;
    }

    /// Jumps to a statement given as (source, holder, policy, statement) indices.
    fn jump_to_statement(&mut self, at: (usize, usize, usize, usize)) {
        let found = self.outline.nodes().iter().position(|n| {
            n.kind == NodeKind::Statement
                && (n.at.source, n.at.role, n.at.policy, n.at.statement)
                    == (at.0, Some(at.1), Some(at.2), Some(at.3))
        });
        if let Some(id) = found {
            self.jump(id);
        }
    }

    /// What `space` (or Tab on a search result) would mark now: the search result under the
    /// cursor while typing (a catalog action alone), the matrix cell (or its drill-down's
    /// actions), else the tree's selection.
    fn mark_here(&self) -> Option<Mark> {
        match self.mode() {
            Mode::Search => {
                let hit = self.search.current()?;
                match hit.target {
                    Target::Node(id) => marks::of_node(&self.sources, &self.outline, id),
                    Target::Catalog(_) => Some(Mark {
                        node: None,
                        holder: None,
                        actions: vec![self.index().text(hit).to_string()],
                        cell: None,
                    }),
                }
            }
            Mode::Matrix => self.matrix.cell_mark(&self.sources),
            Mode::Tree => marks::of_node(&self.sources, &self.outline, self.selected),
            _ => None,
        }
    }

    /// Marks what is under the cursor, or unmarks it; says what it did.
    fn toggle_mark(&mut self) {
        let Some(mark) = self.mark_here() else {
            self.message = Some(if self.mode() == Mode::Matrix {
                "nothing to mark here: this cell grants no action".into()
            } else {
                "nothing to mark here: mark an action, a statement or a policy".into()
            });
            return;
        };
        let mut what: Vec<String> = mark.actions.iter().take(3).cloned().collect();
        if mark.actions.len() > 3 {
            what.push(format!("and {} more", mark.actions.len() - 3));
        }
        let what = crate::text::escape(&what.join(" ")).into_owned();
        let done = if self.marked.toggle(mark) {
            "marked"
        } else {
            "unmarked"
        };
        let total = plural(self.marked.actions().len(), "action", "actions");
        self.message = Some(format!("{done} {what} · {total} marked"));
    }

    /// Opens the why form on the node under the cursor.
    fn start_why(&mut self) {
        let node = self.selected().cloned();
        let holder: Option<HolderAt> = node.as_ref().and_then(|n| Some((n.at.source, n.at.role?)));
        let action = node.as_ref().and_then(|n| match n.kind {
            NodeKind::Value(Element::Action) | NodeKind::Covered
                if crate::catalog::Catalog::get().action(&n.label).is_some() =>
            {
                Some(n.label.clone())
            }
            _ => {
                let s = n.at.statement(&self.sources)?;
                let first = s.action.as_ref()?.iter().next()?;
                Some(first.to_string())
            }
        });
        let resource = node
            .as_ref()
            .and_then(|n| n.at.statement(&self.sources))
            .and_then(|s| s.resource.as_ref()?.iter().next().map(str::to_string));
        self.why.start(&self.sources, holder, action, resource);
        self.focus = Focus::Detail;
        self.detail_scroll = 0;
    }

    /// Typing into the why form: every keystroke asks again.
    fn form(&mut self, action: Action) {
        match action {
            Action::Insert(c) => self.why.edit(&self.sources, Some(c)),
            Action::DeleteBack => self.why.edit(&self.sources, None),
            Action::Down => self.why.step(true),
            Action::Up => self.why.step(false),
            Action::Complete => self.why.complete(&self.sources),
            Action::Cancel => {
                self.why.close();
                self.focus = Focus::Main;
            }
            Action::Submit => {
                self.why.finish();
                let deciding = match &self.why.answer {
                    Some(Ok(e)) => self
                        .why
                        .focus
                        .checked_sub(4)
                        .and_then(|i| e.deciding.get(i)),
                    _ => None,
                };
                let target = deciding.and_then(|d| {
                    self.outline.nodes().iter().position(|n| {
                        n.kind == NodeKind::Statement
                            && (n.loc.line, n.loc.column) == (d.line, d.column)
                            && n.at
                                .policy(&self.sources)
                                .is_some_and(|p| p.name == d.policy)
                    })
                });
                match target {
                    Some(id) => self.jump(id),
                    None => self.focus = Focus::Detail,
                }
            }
            _ => {}
        }
    }

    /// A click: on a tab, a tree row, a list row, or a pane to focus it.
    fn click(&mut self, x: u16, y: u16) {
        let at = Position::new(x, y);
        let layout = view::layout(self.size, self.view);
        if let Some(view) = view::tab_at(
            self.size,
            at,
            self.findings.all().len(),
            self.walk.is_some(),
            self.placeholders.opened,
        ) {
            self.browse(Action::Show(view));
            return;
        }
        if layout.detail.contains(at) {
            self.focus = Focus::Detail;
            return;
        }
        if !layout.main.contains(at) {
            return;
        }
        self.focus = Focus::Main;
        let row = usize::from(y.saturating_sub(layout.main.y + 1));
        match self.view {
            View::Tree => {
                let id = self.visible_rows().nth(row);
                if let Some(id) = id {
                    self.selected = id;
                    self.detail_scroll = 0;
                }
            }
            View::Findings => {
                let first = view::findings_first_row(self);
                let len = self.findings.rows().len();
                self.findings.cursor = (first + row).min(len.saturating_sub(1));
            }
            View::Review => {
                let first = view::review_first_row(self);
                if let Some(walk) = &mut self.walk {
                    walk.cursor = (first + row).min(walk.len().saturating_sub(1));
                    self.detail_scroll = 0;
                }
            }
            View::Values => {
                let first = view::values_first_row(self);
                let len = values::rows(&self.sources).len();
                self.placeholders.cursor = (first + row).min(len.saturating_sub(1));
                self.detail_scroll = 0;
            }
            View::Matrix => {}
        }
    }

    /// The wheel: scrolls the pane under the mouse.
    fn wheel(&mut self, x: u16, y: u16, down: bool) {
        let layout = view::layout(self.size, self.view);
        let step = if down { Action::Down } else { Action::Up };
        if layout.detail.contains(Position::new(x, y)) {
            for _ in 0..3 {
                self.scroll_detail(step);
            }
        } else if layout.main.contains(Position::new(x, y)) {
            let focus = std::mem::replace(&mut self.focus, Focus::Main);
            for _ in 0..3 {
                self.browse(step);
            }
            self.focus = focus;
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

/// A statement node's place as the review names it.
fn statement_ref(at: crate::model::outline::At) -> Option<StatementRef> {
    Some(StatementRef {
        source: at.source,
        role: at.role?,
        policy: at.policy?,
        statement: at.statement?,
    })
}

/// How much `sources` hold, for titles.
fn totals(sources: &[Source]) -> Totals {
    Totals {
        sources: sources.len(),
        policies: sources.iter().map(|s| s.policies().count()).sum(),
        statements: sources
            .iter()
            .flat_map(|s| s.policies())
            .map(|(_, p)| p.statements().len())
            .sum(),
    }
}

/// Which nodes the first screen opens: sources, roles and statement elements, so it lists
/// every policy; policies too when there is only one, so one policy file opens on its
/// statements.
fn first_open(outline: &Outline, totals: Totals) -> Vec<bool> {
    let one_policy = totals.policies == 1;
    outline
        .nodes()
        .iter()
        .map(|n| match n.kind {
            NodeKind::Source | NodeKind::Role | NodeKind::Element(_) => true,
            NodeKind::Policy => one_policy,
            _ => false,
        })
        .collect()
}

/// Where a list's cursor goes on a movement (`None` for any other action): one row, a page,
/// the first or the last row (`last`).
fn list_cursor(cursor: usize, action: Action, last: usize, page: usize) -> Option<usize> {
    Some(match action {
        Action::Down => (cursor + 1).min(last),
        Action::Up => cursor.saturating_sub(1),
        Action::PageDown => (cursor + page).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::First => 0,
        Action::Last => last,
        _ => return None,
    })
}

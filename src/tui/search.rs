//! The viewer's search state: the query being typed, its matches (from the core's
//! [`Index`]), the result under the cursor, and where the cursor was before, for Esc.
//! The matches stay after Enter, so `n`/`N` step through them. With `--used`, a query
//! starting with [`UNUSED`] lists the grants no event used (of the selection's holders),
//! filtered by the rest of the query.

use crate::analyze::search::{Hit, Index, Matches, Target};
use crate::model::outline::NodeId;

/// The query prefix that lists the granted actions no event used.
pub const UNUSED: &str = "unused:";

/// What follows [`UNUSED`] in an `unused:` query.
pub fn unused_filter(query: &str) -> Option<&str> {
    query.trim_start().strip_prefix(UNUSED)
}

#[derive(Default)]
pub struct Search {
    /// Whether the query line is open for typing.
    typing: bool,
    query: String,
    matches: Matches,
    /// The result under the cursor, in `matches.hits`.
    cursor: usize,
    /// The selection before the search started, restored by Esc.
    before: Option<NodeId>,
    /// The grants no event used, found on the first `unused:` query of this search.
    unused: Option<Vec<String>>,
}

impl Search {
    pub fn is_typing(&self) -> bool {
        self.typing
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    pub fn matches(&self) -> &Matches {
        &self.matches
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn current(&self) -> Option<&Hit> {
        self.matches.hits.get(self.cursor)
    }

    /// Opens the query line with an empty query, remembering the selection.
    pub fn start(&mut self, selected: NodeId) {
        self.typing = true;
        self.query.clear();
        self.matches = Matches::default();
        self.cursor = 0;
        self.before = Some(selected);
        self.unused = None;
    }

    /// Adds or removes a character and searches again. `unused` finds the grants no event
    /// used (none without `--used`), asked once per search.
    pub fn edit(
        &mut self,
        index: &Index,
        typed: Option<char>,
        unused: impl FnOnce() -> Option<Vec<String>>,
    ) {
        if !super::line::edit(&mut self.query, typed) {
            return;
        }
        self.matches = match unused_filter(&self.query) {
            Some(filter) => {
                if self.unused.is_none() {
                    self.unused = unused();
                }
                match &self.unused {
                    Some(names) => index.actions(names, &self.query, filter),
                    None => Matches::default(),
                }
            }
            None => index.search(&self.query, Some(&self.matches)),
        };
        self.cursor = 0;
    }

    /// Moves the cursor through the results, wrapping.
    pub fn step(&mut self, forward: bool) {
        let n = self.matches.hits.len();
        if n == 0 {
            return;
        }
        self.cursor = if forward {
            (self.cursor + 1) % n
        } else {
            (self.cursor + n - 1) % n
        };
    }

    /// Closes the query line, keeping the matches for `n`/`N`.
    pub fn finish(&mut self) {
        self.typing = false;
        self.before = None;
    }

    /// Closes the query line and forgets the matches; returns the selection to restore.
    pub fn cancel(&mut self) -> Option<NodeId> {
        self.typing = false;
        self.matches = Matches::default();
        self.before.take()
    }
}

/// The node a result leads to: its own, or for a catalog action the value that grants it.
pub fn destination(index: &Index, hit: &Hit) -> Option<NodeId> {
    match hit.target {
        Target::Node(id) => Some(id),
        Target::Catalog(id) => index.granted_by(id),
    }
}

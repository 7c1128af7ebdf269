//! The viewer's search state: the query being typed, its matches (from the core's
//! [`Index`]), the result under the cursor, and where the cursor was before, for Esc.
//! The matches stay after Enter, so `n`/`N` step through them. A query is answered a
//! part at a time ([`PART`]; see [`Scan`]): the first part on the keystroke, the
//! rest on [`refine`](Search::refine) while no key waits. With `--used`, a query
//! starting with [`UNUSED`] lists the grants no event used (of the selection's holders),
//! filtered by the rest of the query.

use crate::analyze::search::{Hit, Index, Matches, Part, Scan, Target};
use crate::model::outline::NodeId;

/// How long one part of an answer scores for, so a keystroke's first results are drawn
/// within a frame whatever the input's size; a small input is answered in one part.
pub const PART: Part = Part::For(std::time::Duration::from_millis(5));

/// The query prefix that lists the granted actions no event used.
pub const UNUSED: &str = "unused:";

/// What follows [`UNUSED`] in an `unused:` query.
pub fn unused_filter(query: &str) -> Option<&str> {
    query.trim_start().strip_prefix(UNUSED)
}

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
    /// The query still being answered, while it is.
    scan: Option<Scan>,
    /// How much one part scores ([`PART`]; a count of texts in tests).
    part: Part,
}

impl Default for Search {
    fn default() -> Search {
        Search::with_part(PART)
    }
}

impl Search {
    /// No search yet, answering a part of `part` at a time.
    pub fn with_part(part: Part) -> Search {
        Search {
            typing: false,
            query: String::new(),
            matches: Matches::default(),
            cursor: 0,
            before: None,
            unused: None,
            scan: None,
            part,
        }
    }

    pub fn part(&self) -> Part {
        self.part
    }

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
        self.scan = None;
    }

    /// Whether the query is still being answered.
    pub fn is_refining(&self) -> bool {
        self.scan.is_some()
    }

    /// Scores the next part of the query being answered, and ranks what matched so far.
    pub fn refine(&mut self, index: &Index) {
        self.refine_by(index, self.part);
    }

    fn refine_by(&mut self, index: &Index, part: Part) {
        let Some(scan) = &mut self.scan else { return };
        let done = index.advance(scan, part);
        self.matches = index.matches(scan);
        self.cursor = self.cursor.min(self.matches.hits.len().saturating_sub(1));
        if done {
            self.scan = None;
        }
    }

    #[cfg(test)]
    pub fn set_part(&mut self, part: Part) {
        self.part = part;
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
            None => {
                self.scan = Some(index.scan(&self.query, Some(&self.matches)));
                self.cursor = 0;
                self.refine(index);
                return;
            }
        };
        self.scan = None;
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

    /// Closes the query line, keeping the matches for `n`/`N`: the whole answer, so a
    /// query still being answered is answered first.
    pub fn finish(&mut self, index: Option<&Index>) {
        if let Some(index) = index {
            self.refine_by(index, Part::Texts(usize::MAX));
        }
        self.typing = false;
        self.before = None;
    }

    /// Closes the query line and forgets the matches; returns the selection to restore.
    pub fn cancel(&mut self) -> Option<NodeId> {
        self.typing = false;
        self.matches = Matches::default();
        self.scan = None;
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

//! The review walkthrough's state in the viewer: the core's [`Review`] (steps, decisions,
//! the review file), the step under the cursor, the comment being typed, and what opening
//! the review file said. Deciding, commenting and saving are the core's; this only routes.

use std::path::{Path, PathBuf};

use crate::analyze::review::{self, Merge, Review, Verdict};
use crate::analyze::{Finding, review::FileError};
use crate::model::Source;
use crate::text::escape;

pub struct Walk {
    pub review: Review,
    /// The step under the cursor.
    pub cursor: usize,
    /// The comment being typed, while the comment line is open.
    pub comment: Option<String>,
}

impl Walk {
    /// The walkthrough over `sources` with the decisions of the review file at `path`. A
    /// file that cannot be read is left untouched and a new one beside it takes the
    /// decisions; without a path (standard input, the bundled samples) nothing is
    /// recorded. The message says which.
    pub fn open(
        sources: &[Source],
        findings: &[Finding],
        path: Option<&Path>,
    ) -> (Walk, Option<String>) {
        let steps = review::steps(sources, findings);
        let (review, message) = match path {
            None => {
                let error = FileError {
                    path: PathBuf::new(),
                    line: 0,
                    column: 0,
                    message: "no input file to keep a review file beside".into(),
                };
                let message = "read-only: no review file (open the viewer with --review FILE)";
                (Review::read_only(steps, error), Some(message.to_string()))
            }
            Some(path) => match Review::open(steps.clone(), path) {
                Ok(review) => (review, None),
                Err(error) => {
                    let fresh = review::fresh_path_beside(path);
                    match Review::open(steps.clone(), &fresh) {
                        Ok(review) => {
                            let message = format!(
                                "{error}; left untouched, decisions go to {}",
                                escape(&fresh.to_string_lossy())
                            );
                            (review, Some(message))
                        }
                        Err(_) => {
                            let message = format!("{error}; read-only, nothing is recorded");
                            (Review::read_only(steps, error), Some(message))
                        }
                    }
                }
            },
        };
        let cursor = review.next_undecided(review.steps.len().saturating_sub(1));
        let walk = Walk {
            cursor: cursor.unwrap_or(0),
            review,
            comment: None,
        };
        (walk, message)
    }

    /// The steps again over `sources` as they are now (after a placeholder was filled in),
    /// with the decisions kept; the cursor stays on its step number, within the steps.
    pub fn restep(&mut self, sources: &[Source], findings: &[Finding]) {
        self.review.restep(review::steps(sources, findings));
        self.step(0);
    }

    pub fn len(&self) -> usize {
        self.review.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.review.steps.is_empty()
    }

    /// Moves the cursor by `by` steps, staying within the steps.
    pub fn step(&mut self, by: isize) {
        let last = self.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(by).min(last);
    }

    /// Records a decision (`None` clears it) on the step under the cursor and saves; the
    /// message says what saving did when it is worth saying.
    pub fn decide(&mut self, verdict: Option<Verdict>) -> Option<String> {
        let i = self.cursor;
        let done = match verdict {
            Some(v) => self.review.decide(i, v),
            None => self.review.clear(i),
        };
        self.saved(done)
    }

    /// Opens the comment line on the step's comment.
    pub fn start_comment(&mut self) {
        let current = self
            .review
            .statuses
            .get(self.cursor)
            .and_then(|s| s.entry.as_ref().and_then(|e| e.comment.clone()));
        self.comment = Some(current.unwrap_or_default());
    }

    /// Adds or removes a character of the comment.
    pub fn edit(&mut self, typed: Option<char>) {
        if let Some(text) = &mut self.comment {
            super::line::edit(text, typed);
        }
    }

    /// Records the typed comment and saves.
    pub fn finish_comment(&mut self) -> Option<String> {
        let text = self.comment.take()?;
        let done = self.review.comment(self.cursor, &text);
        self.saved(done)
    }

    fn saved(&mut self, done: Result<(), String>) -> Option<String> {
        if let Err(message) = done {
            return Some(message);
        }
        match self.review.save() {
            Ok(Merge::Written) => None,
            Ok(Merge::Merged(n)) => Some(format!(
                "saved, with {} another writer made meanwhile",
                crate::text::plural(n, "decision", "decisions")
            )),
            Err(message) => Some(format!("not saved: {message}")),
        }
    }
}

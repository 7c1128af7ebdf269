//! The placeholder values view's state (`v`): every placeholder of the loaded sources, by
//! name, with the places it occurs; the row under the cursor; the value being typed. The
//! values themselves live in the app, which fills them in as `--var` does.

use std::collections::BTreeMap;

use crate::model::{Loc, Source};

/// One placeholder name and everywhere it occurs, across the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    /// The spellings it was written with (`${AccountId}`).
    pub syntax: Vec<String>,
    /// Where it occurs: the source's index and the position.
    pub places: Vec<(usize, Loc)>,
}

#[derive(Default)]
pub struct Values {
    /// The row under the cursor.
    pub cursor: usize,
    /// The value being typed, while the value line is open.
    pub editing: Option<String>,
    /// Whether the view was opened (its tab shows from then on).
    pub opened: bool,
}

/// Every placeholder of `sources`, by name (in name order), merged across sources.
pub fn rows(sources: &[Source]) -> Vec<Row> {
    let mut by_name: BTreeMap<&str, Row> = BTreeMap::new();
    for (i, source) in sources.iter().enumerate() {
        for p in &source.placeholders {
            let row = by_name.entry(&p.name).or_insert_with(|| Row {
                name: p.name.clone(),
                syntax: Vec::new(),
                places: Vec::new(),
            });
            for s in &p.syntax {
                if !row.syntax.contains(s) {
                    row.syntax.push(s.clone());
                }
            }
            row.places.extend(p.locations.iter().map(|&loc| (i, loc)));
        }
    }
    by_name.into_values().collect()
}

impl Values {
    /// Opens the value line on `current` (the value given so far, if any).
    pub fn start(&mut self, current: Option<&str>) {
        self.editing = Some(current.unwrap_or_default().to_string());
    }

    /// Adds a character to the value typed, or removes the last.
    pub fn edit(&mut self, typed: Option<char>) {
        if let Some(text) = &mut self.editing {
            super::line::edit(text, typed);
        }
    }
}

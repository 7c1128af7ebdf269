//! Turning byte offsets into line and column positions for loaders whose parsers report
//! offsets (Markdown, YAML, HCL).

use crate::model::Loc;

/// The start offset of every line of a text.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text); the column counts characters.
    pub fn loc(&self, offset: usize) -> Loc {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        Loc::new(line as u32 + 1, column as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let index = LineIndex::new("ab\né x\n\nz");
        assert_eq!(index.loc(0), Loc::new(1, 1));
        assert_eq!(index.loc(3), Loc::new(2, 1));
        assert_eq!(index.loc(6), Loc::new(2, 3));
        assert_eq!(index.loc(9), Loc::new(4, 1));
        assert_eq!(index.loc(99), Loc::new(4, 2));
    }
}

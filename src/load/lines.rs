//! Turning byte offsets into line and column positions for loaders whose parsers report
//! offsets (Markdown, HTML, YAML, HCL).
//!
//! Columns count characters, so a position on a long line (minified HTML is one line of
//! megabytes) would cost a count from the line's start; the index keeps the character count
//! at every [`STRIDE`] bytes, so each position costs at most a stride of counting.

use crate::model::Loc;

/// Bytes between two character-count marks.
const STRIDE: usize = 1024;

/// The start offset of every line of a text, and character counts along it.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// For every stride: a character boundary at or before `k * STRIDE`, and the number of
    /// characters before it.
    marks: Vec<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut marks = Vec::with_capacity(text.len() / STRIDE + 1);
        let (mut at, mut count) = (0, 0);
        for k in 0..=text.len() / STRIDE {
            let mut mark = k * STRIDE;
            while !text.is_char_boundary(mark) {
                mark -= 1;
            }
            count += text[at..mark].chars().count();
            at = mark;
            marks.push((at, count));
        }
        LineIndex {
            text,
            starts,
            marks,
        }
    }

    /// The number of characters before byte `offset` (a character boundary).
    fn chars_before(&self, offset: usize) -> usize {
        let (at, count) = self.marks[offset / STRIDE];
        count + self.text[at..offset].chars().count()
    }

    /// The position of byte `offset` (clamped to the text, and back to the start of the
    /// character it falls in); the column counts characters.
    pub fn loc(&self, offset: usize) -> Loc {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.chars_before(offset) - self.chars_before(self.starts[line]);
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
        assert_eq!(index.loc(4), Loc::new(2, 1), "inside é: its start");
        assert_eq!(index.loc(6), Loc::new(2, 3));
        assert_eq!(index.loc(9), Loc::new(4, 1));
        assert_eq!(index.loc(99), Loc::new(4, 2));
    }

    #[test]
    fn long_lines_count_characters_across_marks() {
        let line = "é".repeat(3 * STRIDE);
        let text = format!("x\n{line}y\n");
        let index = LineIndex::new(&text);
        let y = text.find('y').unwrap();
        assert_eq!(index.loc(y), Loc::new(2, 3 * STRIDE as u32 + 1));
        assert_eq!(index.loc(y + 1), Loc::new(2, 3 * STRIDE as u32 + 2));
        assert_eq!(index.loc(text.len()), Loc::new(3, 1));
    }
}

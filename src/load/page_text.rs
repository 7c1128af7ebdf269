//! Loads plain page text, as copied from a browser, into page blocks.
//!
//! - A pipe table is a line with `|` followed by a delimiter line (`---|---|`, leading and
//!   trailing pipes optional), then every following line with a `|`.
//! - The line just above a table is its heading when it reads like one (a few words, no
//!   closing punctuation); a line ending with `:` there is the table's introduction and the
//!   heading is the line above it.
//! - JSON objects in the text that look like policies are read as code, labelled by a short
//!   line above them.
//! - Other lines are prose, a paragraph running until a blank line, a heading, a table or
//!   JSON.

use crate::load::lines::LineIndex;
use crate::load::page::{self, Block, Piece, Row};
use crate::load::{KnownManaged, embedded};
use crate::model::{Loc, Source};

/// Adds the roles and policies of the page text to `source`.
pub fn load(text: &str, source: &mut Source, known: &dyn KnownManaged) {
    let index = LineIndex::new(text);
    page::assemble(blocks(text, &index), source, known);
}

/// Page text has no heading levels; every heading found is at this one.
const HEADING_LEVEL: u8 = 2;

/// A line of the text: its byte offset and content (without the line break).
type Line<'a> = (usize, &'a str);

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        out.push((at, line.trim_end_matches(['\n', '\r'])));
        at += line.len();
    }
    out
}

/// The blocks of page text, in reading order.
pub fn blocks(text: &str, index: &LineIndex) -> Vec<Block> {
    let json = embedded::json_objects(text, &[]);
    let lines = lines(text);
    let mut out = Vec::new();
    let mut paragraph: Vec<Line> = Vec::new();
    let mut i = 0;
    // The objects come in order: `next` is the first one that starts at or after the line.
    let mut next = 0;
    while i < lines.len() {
        let (at, line) = lines[i];
        while json.get(next).is_some_and(|r| r.start < at) {
            next += 1;
        }
        if let Some(r) = json.get(next).filter(|r| r.start <= at + line.len()) {
            let label = embedded::label_before(text, r.start);
            if label.is_some() && paragraph.last().is_some_and(|(_, l)| !l.trim().is_empty()) {
                paragraph.pop();
            }
            flush(&mut paragraph, text, index, &mut out);
            out.push(Block::Code {
                text: text[r.clone()].to_string(),
                origin: index.loc(r.start),
                label,
            });
            while i < lines.len() && lines[i].0 < r.end {
                i += 1;
            }
            continue;
        }
        if line.contains('|') && lines.get(i + 1).is_some_and(|(_, l)| is_delimiter(l)) {
            if paragraph.is_empty() {
                heading_from_last_block(&mut out);
            }
            let (heading, intro) = table_heading(&mut paragraph);
            flush(&mut paragraph, text, index, &mut out);
            out.extend(heading.map(|(at, l)| Block::Heading {
                level: HEADING_LEVEL,
                text: l.trim().to_string(),
                loc: index.loc(at + indent(l)),
            }));
            flush(&mut intro.into_iter().collect(), text, index, &mut out);
            let header = cells(at, line, index);
            let mut rows = Vec::new();
            i += 2;
            while let Some(&(row_at, row)) = lines.get(i) {
                if !row.contains('|') || row.trim().is_empty() {
                    break;
                }
                rows.push(Row {
                    cells: cells(row_at, row, index),
                    loc: index.loc(row_at + indent(row)),
                });
                i += 1;
            }
            out.push(Block::Table {
                header,
                rows,
                loc: index.loc(at + indent(line)),
            });
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut paragraph, text, index, &mut out);
        } else {
            paragraph.push((at, line));
        }
        i += 1;
    }
    flush(&mut paragraph, text, index, &mut out);
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Takes the heading and the introduction of a table from the end of the paragraph above
/// it.
fn table_heading<'a>(paragraph: &mut Vec<Line<'a>>) -> (Option<Line<'a>>, Option<Line<'a>>) {
    let Some(&last) = paragraph.last() else {
        return (None, None);
    };
    if is_heading(last.1) {
        paragraph.pop();
        return (Some(last), None);
    }
    if !last.1.trim_end().ends_with(':') {
        return (None, None);
    }
    paragraph.pop();
    let heading = paragraph.last().copied().filter(|l| is_heading(l.1));
    if heading.is_some() {
        paragraph.pop();
    }
    (heading, Some(last))
}

/// A one-line paragraph that reads like a heading, separated from the table below it by a
/// blank line, is that table's heading.
fn heading_from_last_block(out: &mut [Block]) {
    if let Some(last) = out.last_mut()
        && let Block::Prose { pieces, loc, .. } = last
        && let [Piece::Text(line, _)] = pieces.as_slice()
        && is_heading(line)
    {
        *last = Block::Heading {
            level: HEADING_LEVEL,
            text: line.clone(),
            loc: *loc,
        };
    }
}

/// A line that reads like a heading: one to twelve words, no closing punctuation, starting
/// with a capital or a digit.
fn is_heading(line: &str) -> bool {
    let line = line.trim();
    let words = line.split_whitespace().count();
    (1..=12).contains(&words)
        && line.chars().count() <= 100
        && !line.contains('|')
        && !line.ends_with(['.', ',', ';', ':', '!', '?'])
        && line.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
}

/// `---|---|`, `|:--|--:|`: a pipe, and cells of dashes with optional colons at the ends.
fn is_delimiter(line: &str) -> bool {
    let line = line.trim();
    line.contains('|')
        && line
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .all(|c| {
                let dashes = c.trim_start_matches(':').trim_end_matches(':');
                !dashes.is_empty() && dashes.chars().all(|d| d == '-')
            })
        && line.contains('-')
}

/// The cells of a table line, one text piece each, with their positions.
fn cells(at: usize, line: &str, index: &LineIndex) -> Vec<Vec<Piece>> {
    let lead = indent(line);
    let mut inner = &line[lead..];
    let mut offset = at + lead;
    if let Some(rest) = inner.strip_prefix('|') {
        inner = rest;
        offset += 1;
    }
    let inner = inner.trim_end();
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cell_at = offset;
    for cell in inner.split('|') {
        let trimmed = cell.trim();
        let loc = index.loc(cell_at + indent(cell));
        out.push(if trimmed.is_empty() {
            Vec::new()
        } else {
            vec![Piece::Text(trimmed.to_string(), loc)]
        });
        cell_at += cell.len() + 1;
    }
    out
}

/// Ends a paragraph: its lines become one prose block.
fn flush(paragraph: &mut Vec<Line>, text: &str, index: &LineIndex, out: &mut Vec<Block>) {
    let lines = std::mem::take(paragraph);
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    let mut pieces = Vec::new();
    for (at, line) in &lines {
        if !pieces.is_empty() {
            pieces.push(Piece::Break);
        }
        let loc: Loc = index.loc(at + indent(line));
        pieces.push(Piece::Text(line.trim().to_string(), loc));
    }
    out.push(Block::Prose {
        pieces,
        raw: text[first.0..last.0 + last.1.len()].to_string(),
        loc: index.loc(first.0),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(text: &str) -> Vec<Block> {
        blocks(text, &LineIndex::new(text))
    }

    #[test]
    fn tables_under_heading_lines() {
        let text = "Intro line.\nEC2 Permissions\nPermission | Purpose |\n---|---|\nec2:RunInstances | Creates |\nNote: limited\n";
        let b = blocks_of(text);
        assert_eq!(b.len(), 4, "{b:#?}");
        assert!(matches!(&b[0], Block::Prose { raw, .. } if raw == "Intro line."));
        assert_eq!(
            b[1],
            Block::Heading {
                level: 2,
                text: "EC2 Permissions".into(),
                loc: Loc::new(2, 1)
            }
        );
        let Block::Table { header, rows, loc } = &b[2] else {
            panic!("a table")
        };
        assert_eq!(*loc, Loc::new(3, 1));
        assert_eq!(header.len(), 2);
        assert_eq!(
            rows[0].cells[0],
            [Piece::Text("ec2:RunInstances".into(), Loc::new(5, 1))]
        );
        assert_eq!(
            rows[0].cells[1],
            [Piece::Text("Creates".into(), Loc::new(5, 20))]
        );
        assert!(matches!(&b[3], Block::Prose { loc, .. } if *loc == Loc::new(6, 1)));
    }

    #[test]
    fn an_introduction_line_and_leading_pipes() {
        let text = "S3\nThe table lists:\n| A | B |\n|:--|--:|\n| s3:GetObject | x |\n";
        let b = blocks_of(text);
        assert!(
            matches!(&b[0], Block::Heading { text, .. } if text == "S3"),
            "{b:#?}"
        );
        assert!(matches!(&b[1], Block::Prose { raw, .. } if raw == "The table lists:"));
        let Block::Table { rows, .. } = &b[2] else {
            panic!("a table")
        };
        assert_eq!(
            rows[0].cells[0],
            [Piece::Text("s3:GetObject".into(), Loc::new(5, 3))]
        );
    }

    #[test]
    fn a_heading_line_above_a_blank_line() {
        let text =
            "Lambda Permissions\n\nPermission | Purpose\n--- | ---\nlambda:GetFunction | x\n";
        let b = blocks_of(text);
        assert!(
            matches!(&b[0], Block::Heading { text, loc, .. } if text == "Lambda Permissions" && *loc == Loc::new(1, 1)),
            "{b:#?}"
        );
        assert!(matches!(&b[1], Block::Table { .. }));
    }

    #[test]
    fn json_in_text_with_its_label() {
        let text = "trust policy\n{\"Statement\": [{\"Effect\": \"Allow\"}]}\nafter\n";
        let b = blocks_of(text);
        assert_eq!(b.len(), 2, "{b:#?}");
        assert!(
            matches!(&b[0], Block::Code { label: Some(l), origin, .. } if l == "trust policy" && *origin == Loc::new(2, 1))
        );
    }
}

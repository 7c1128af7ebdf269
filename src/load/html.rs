//! Loads HTML pages (and HTML blocks inside Markdown) into page blocks: `<h1>`–`<h6>`
//! headings, `<table>` rows (`<th>` rows as the header), `<pre>` code, and paragraphs; tags
//! are stripped, entities decoded, `<script>` and `<style>` skipped.
//!
//! Hand-written rather than a browser-grade parser (html5ever): vendor pages need only these
//! few elements, the tokenizer is a hundred lines that cannot recurse, and missing end tags
//! (`<td>` without `</td>`, unclosed `<p>`) are closed where a browser would close them.
//!
//! Lines are exact everywhere. Columns are exact for text and tables; inside `<pre>`, where
//! highlighting tags are stripped and entities decoded before the JSON is read, they count
//! the decoded text.

pub mod entities;

use std::ops::Range;

use crate::load::lines::LineIndex;
use crate::load::page::{self, Block, Piece, Row};
use crate::load::{KnownManaged, embedded};
use crate::model::Source;

pub use entities::decode;

/// Adds the roles and policies of the HTML `text` to `source`.
pub fn load(text: &str, source: &mut Source, known: &dyn KnownManaged) {
    let index = LineIndex::new(text);
    page::assemble(blocks(text, 0..text.len(), &index), source, known);
}

/// Elements whose content is never shown.
const HIDDEN: [&str; 6] = ["script", "style", "template", "noscript", "svg", "head"];

/// Elements that end a paragraph (or, inside a table cell, break its line).
const BLOCK_LEVEL: [&str; 22] = [
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "nav",
    "body",
    "html",
    "blockquote",
    "hr",
    "figure",
    "details",
    "summary",
];

/// The blocks of the HTML in `text[range]`.
pub fn blocks(text: &str, range: Range<usize>, index: &LineIndex) -> Vec<Block> {
    let mut reader = Reader {
        text,
        index,
        out: Vec::new(),
        heading: None,
        pre: None,
        tables: Vec::new(),
        prose: Vec::new(),
        prose_range: None,
        bold: 0,
        glue: false,
        code: 0,
    };
    let end = range.end.min(text.len());
    let mut pos = range.start.min(end);
    while pos < end {
        pos = reader.step(pos, end);
    }
    reader.close_all();
    reader.out
}

/// A table being read.
struct Table {
    header: Vec<Vec<Piece>>,
    rows: Vec<Row>,
    /// The open row and whether all its cells so far are `<th>`.
    row: Option<(Row, bool)>,
    cell: Option<Vec<Piece>>,
    in_head: bool,
    start: usize,
}

struct Reader<'a> {
    text: &'a str,
    index: &'a LineIndex<'a>,
    out: Vec<Block>,
    heading: Option<(u8, String, usize)>,
    /// `<pre>` content and where it starts.
    pre: Option<(String, usize)>,
    /// Open tables, innermost last.
    tables: Vec<Table>,
    prose: Vec<Piece>,
    prose_range: Option<Range<usize>>,
    bold: u32,
    code: u32,
    /// An HTML comment was just skipped: the text after it goes on the word before it.
    glue: bool,
}

/// A tag as written.
struct Tag {
    name: String,
    closing: bool,
    /// Byte offset just past the `>`.
    end: usize,
}

/// The tag at `pos` (which holds `<`), if one is there.
fn tag_at(text: &str, pos: usize, end: usize) -> Option<Tag> {
    let b = text.as_bytes();
    let closing = pos + 1 < end && b[pos + 1] == b'/';
    let name_start = pos + 1 + usize::from(closing);
    let name_len = b[name_start.min(end)..end]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if name_len == 0 || !b[name_start].is_ascii_alphabetic() {
        return None;
    }
    let mut quote = None;
    let mut i = name_start + name_len;
    while i < end {
        match (quote, b[i]) {
            (Some(q), c) if c == q => quote = None,
            (None, b'"' | b'\'') => quote = Some(b[i]),
            (None, b'>') => {
                return Some(Tag {
                    name: text[name_start..name_start + name_len].to_ascii_lowercase(),
                    closing,
                    end: i + 1,
                });
            }
            (None, b'<') => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

impl Reader<'_> {
    /// Reads what stands at `pos` and returns where reading goes on.
    fn step(&mut self, pos: usize, end: usize) -> usize {
        let rest = &self.text[pos..end];
        if let Some(after) = rest.strip_prefix("<!--") {
            self.glue = true;
            return after.find("-->").map_or(end, |i| pos + 4 + i + 3);
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            return rest.find('>').map_or(end, |i| pos + i + 1);
        }
        if rest.starts_with('<')
            && let Some(tag) = tag_at(self.text, pos, end)
        {
            if !tag.closing && HIDDEN.contains(&tag.name.as_str()) {
                return self.skip_hidden(&tag, end);
            }
            self.glue = false;
            self.tag(&tag, pos);
            return tag.end;
        }
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('<').map_or(end, |i| pos + first + i);
        self.text_run(pos, next);
        next
    }

    /// Skips a hidden element's content, to its end tag (in any case).
    fn skip_hidden(&mut self, tag: &Tag, end: usize) -> usize {
        let rest = &self.text[tag.end..end];
        let name = tag.name.as_bytes();
        let closing = rest.match_indices("</").map(|(i, _)| i).find(|&i| {
            rest.as_bytes()[i + 2..]
                .get(..name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
        match closing {
            Some(i) => rest[i..].find('>').map_or(end, |j| tag.end + i + j + 1),
            None => end,
        }
    }

    fn tag(&mut self, tag: &Tag, pos: usize) {
        let name = tag.name.as_str();
        if let Some((content, _)) = &mut self.pre {
            if name == "pre" && tag.closing {
                self.close_pre();
            } else if name == "br" {
                content.push('\n');
            }
            return;
        }
        match (name, tag.closing) {
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) if self.cell_open().is_none() => {
                self.flush_prose();
                self.heading = Some((name.as_bytes()[1] - b'0', String::new(), pos));
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => self.close_heading(),
            ("table", false) => {
                if self.cell_open().is_none() {
                    self.flush_prose();
                }
                self.tables.push(Table {
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: None,
                    cell: None,
                    in_head: false,
                    start: pos,
                });
            }
            ("table", true) => self.close_table(),
            ("thead", closing) => {
                self.close_row();
                if let Some(t) = self.tables.last_mut() {
                    t.in_head = !closing;
                }
            }
            ("tr", false) => {
                self.close_row();
                let loc = self.index.loc(pos);
                if let Some(t) = self.tables.last_mut() {
                    t.row = Some((
                        Row {
                            cells: Vec::new(),
                            loc,
                        },
                        true,
                    ));
                }
            }
            ("tr" | "tbody" | "tfoot", true) | ("tbody" | "tfoot", false) => self.close_row(),
            ("td" | "th", false) => {
                self.close_cell();
                if let Some(t) = self.tables.last_mut() {
                    if t.row.is_none() {
                        let loc = self.index.loc(pos);
                        t.row = Some((
                            Row {
                                cells: Vec::new(),
                                loc,
                            },
                            true,
                        ));
                    }
                    if let Some((_, all_th)) = &mut t.row {
                        *all_th &= name == "th";
                    }
                    t.cell = Some(Vec::new());
                }
            }
            ("td" | "th", true) => self.close_cell(),
            ("pre", false) => {
                self.flush_prose();
                self.pre = Some((String::new(), tag.end));
            }
            ("br", _) => self.push(Piece::Break, pos..tag.end, false),
            ("b" | "strong" | "em" | "i", false) => self.bold += 1,
            ("b" | "strong" | "em" | "i", true) => self.bold = self.bold.saturating_sub(1),
            ("code" | "kbd" | "tt" | "samp", false) => self.code += 1,
            ("code" | "kbd" | "tt" | "samp", true) => self.code = self.code.saturating_sub(1),
            (other, _) if BLOCK_LEVEL.contains(&other) => {
                if self.cell_open().is_some() {
                    self.push(Piece::Break, pos..tag.end, false);
                } else {
                    self.flush_prose();
                }
            }
            _ => {
                if let Some(r) = &mut self.prose_range {
                    r.end = r.end.max(tag.end);
                }
            }
        }
    }

    fn cell_open(&mut self) -> Option<&mut Vec<Piece>> {
        self.tables.last_mut().and_then(|t| t.cell.as_mut())
    }

    /// Text between tags.
    fn text_run(&mut self, start: usize, end: usize) {
        let raw = &self.text[start..end];
        if let Some((content, _)) = &mut self.pre {
            content.push_str(&decode(raw));
            return;
        }
        let decoded = decode(raw);
        if let Some((_, title, _)) = &mut self.heading {
            title.push_str(&decoded);
            return;
        }
        let trimmed = decoded.trim();
        if trimmed.is_empty() {
            return;
        }
        let mut words = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
        if decoded.starts_with(char::is_whitespace) {
            words.insert(0, ' ');
        }
        if decoded.ends_with(char::is_whitespace) {
            words.push(' ');
        }
        let lead = raw.len() - raw.trim_start().len();
        let loc = self.index.loc(start + lead);
        let piece = if self.code > 0 {
            Piece::Code(words.trim().to_string(), loc)
        } else if self.bold > 0 {
            Piece::Bold(words, loc)
        } else {
            Piece::Text(words, loc)
        };
        let glued = std::mem::take(&mut self.glue) && !decoded.starts_with(char::is_whitespace);
        self.push(piece, start..end, glued);
    }

    /// Adds a piece to the open cell or prose; `glued` to the piece before it (a word an
    /// HTML comment split).
    fn push(&mut self, piece: Piece, range: Range<usize>, glued: bool) {
        if let Some((_, title, _)) = &mut self.heading {
            title.push(' ');
            return;
        }
        let add = |pieces: &mut Vec<Piece>, piece| {
            if glued {
                page::push_joined(pieces, piece);
            } else {
                pieces.push(piece);
            }
        };
        if let Some(cell) = self.cell_open() {
            add(cell, piece);
            return;
        }
        if !self.tables.is_empty() {
            return;
        }
        let r = self.prose_range.get_or_insert(range.clone());
        r.end = r.end.max(range.end);
        add(&mut self.prose, piece);
    }

    fn flush_prose(&mut self) {
        let range = self.prose_range.take();
        let pieces = std::mem::take(&mut self.prose);
        if let Some(range) = range
            && pieces.iter().any(|p| !matches!(p, Piece::Break))
        {
            self.out.push(Block::Prose {
                pieces,
                raw: self.text[range.clone()].to_string(),
                loc: self.index.loc(range.start),
            });
        }
    }

    fn close_heading(&mut self) {
        if let Some((level, title, at)) = self.heading.take() {
            let text = title.split_whitespace().collect::<Vec<_>>().join(" ");
            self.out.push(Block::Heading {
                level,
                text,
                loc: self.index.loc(at),
            });
        }
    }

    fn close_pre(&mut self) {
        let Some((content, at)) = self.pre.take() else {
            return;
        };
        let origin = self.index.loc(at);
        let mut positions = page::Positions::new(&content, origin);
        if crate::load::looks_like_json(&content) {
            let text = content.trim_start_matches(['\n', '\r']);
            let origin = positions.loc(content.len() - text.len());
            self.out.push(Block::Code {
                text: text.to_string(),
                origin,
                label: None,
            });
            return;
        }
        for r in embedded::json_objects(&content, &[]) {
            self.out.push(Block::Code {
                text: content[r.clone()].to_string(),
                origin: positions.loc(r.start),
                label: None,
            });
        }
    }

    fn close_cell(&mut self) {
        if let Some(t) = self.tables.last_mut()
            && let (Some(cell), Some((row, _))) = (t.cell.take(), t.row.as_mut())
        {
            row.cells.push(cell);
        }
    }

    fn close_row(&mut self) {
        self.close_cell();
        if let Some(t) = self.tables.last_mut()
            && let Some((row, all_th)) = t.row.take()
        {
            let header_row = t.in_head || (all_th && t.header.is_empty() && t.rows.is_empty());
            if header_row && t.header.is_empty() {
                t.header = row.cells;
            } else if !row.cells.is_empty() {
                t.rows.push(row);
            }
        }
    }

    fn close_table(&mut self) {
        self.close_row();
        if let Some(t) = self.tables.pop() {
            self.out.push(Block::Table {
                header: t.header,
                rows: t.rows,
                loc: self.index.loc(t.start),
            });
        }
    }

    /// Closes whatever the input left open.
    fn close_all(&mut self) {
        self.close_pre();
        self.close_heading();
        while !self.tables.is_empty() {
            self.close_table();
        }
        self.flush_prose();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Loc;

    fn blocks_of(text: &str) -> Vec<Block> {
        blocks(text, 0..text.len(), &LineIndex::new(text))
    }

    #[test]
    fn sloppy_markup_is_closed_where_a_browser_would() {
        let text = "<table><tr><th>Action<th>Why<tr><td>s3:GetObject<td>reads <b>all</b><tr><td>x</table><p>one<p>two";
        let b = blocks_of(text);
        let Block::Table { header, rows, .. } = &b[0] else {
            panic!("a table: {b:?}")
        };
        assert_eq!(header.len(), 2);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].cells[1],
            [
                Piece::Text("reads ".into(), Loc::new(1, 53)),
                Piece::Bold("all".into(), Loc::new(1, 62)),
            ]
        );
        assert!(matches!(&b[1], Block::Prose { raw, .. } if raw == "one"));
        assert!(matches!(&b[2], Block::Prose { raw, .. } if raw == "two"));
    }

    #[test]
    fn hidden_content_comments_and_attributes() {
        let text = "<script>var s = '<h1>no</h1>';</script><!-- <h1>no</h1> --><h2 title=\"a>b\">Real &amp; true</h2><style>p{}";
        let b = blocks_of(text);
        assert_eq!(
            b,
            [Block::Heading {
                level: 2,
                text: "Real & true".into(),
                loc: Loc::new(1, 60)
            }]
        );
    }

    #[test]
    fn nested_tables_come_out_separately() {
        let text = "<table><tr><td>a<table><tr><td>ec2:X</td></tr></table>b</td></tr></table>";
        let b = blocks_of(text);
        assert_eq!(b.len(), 2);
        assert!(
            matches!(&b[0], Block::Table { rows, .. } if rows[0].cells[0] == [Piece::Text("ec2:X".into(), Loc::new(1, 32))])
        );
        assert!(matches!(&b[1], Block::Table { rows, .. } if rows[0].cells[0].len() == 2));
    }

    #[test]
    fn pre_keeps_its_lines_and_decodes_entities() {
        let text = "<pre>\n{&quot;Statement&quot;: []}\n</pre><pre>no json</pre>";
        assert_eq!(
            blocks_of(text),
            [Block::Code {
                text: "{\"Statement\": []}\n".into(),
                origin: Loc::new(2, 1),
                label: None,
            }]
        );
    }

    #[test]
    fn text_starting_with_a_wide_character() {
        // Found by fuzzing: the text after a tag began with a three-byte character.
        let b = blocks_of("<p>\u{fffd}x</p></");
        assert!(
            matches!(&b[0], Block::Prose { raw, .. } if raw == "\u{fffd}x"),
            "{b:?}"
        );
        let text = "<p>a</p></b";
        assert_eq!(
            blocks(text, 0..9, &LineIndex::new(text)).len(),
            2,
            "a and <"
        );
    }

    #[test]
    fn a_lone_angle_bracket_is_text() {
        let b = blocks_of("<p>a < b and <3 > c</p><");
        assert!(
            matches!(&b[0], Block::Prose { pieces, .. } if super::page::plain(pieces) == "a < b and <3 > c"),
            "{b:?}"
        );
    }
}

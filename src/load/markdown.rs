//! Loads Markdown pages (CommonMark with GitHub tables, front matter) into page blocks,
//! which [`page::assemble`] turns into roles and policies.
//!
//! - Headings scope names; a front-matter `title:` is a heading above all others.
//! - Fenced and indented code whose content is JSON (whatever the info string: json,
//!   javascript, http, none) is a policy candidate; other code (Terraform, shell) is searched
//!   for JSON objects that look like policies, as is running text outside code (a policy
//!   pasted without a fence, under a label line such as `snowflake_policy`).
//! - Tables keep bold, code and `<br>` breaks in their cells.
//! - HTML blocks (a `<table>` in the page) go through the HTML loader.
//! - GitBook, Liquid and Jinja tags (`{% hint %}`, `{% endtabs %}`) are blanked out before
//!   parsing (positions stay exact); `{{ name }}` is kept, as it is a placeholder.

use std::borrow::Cow;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::load::lines::LineIndex;
use crate::load::page::{self, Block, Piece, Row};
use crate::load::{KnownManaged, embedded, html};
use crate::model::Source;

/// Adds the roles and policies of the Markdown `text` to `source` (`known` says which names
/// in prose are AWS managed policies).
pub fn load(text: &str, source: &mut Source, known: &dyn KnownManaged) {
    let text = blank_template_tags(text);
    let index = LineIndex::new(&text);
    page::assemble(blocks(&text, &index), source, known);
}

/// `text` with every `{% ... %}` tag on one line replaced by spaces.
fn blank_template_tags(text: &str) -> Cow<'_, str> {
    if !text.contains("{%") {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut rest = line;
        while let Some(open) = rest.find("{%") {
            let Some(close) = rest[open + 2..].find("%}") else {
                break;
            };
            let end = open + 2 + close + 2;
            out.push_str(&rest[..open]);
            out.extend(std::iter::repeat_n(' ', rest[open..end].chars().count()));
            rest = &rest[end..];
        }
        out.push_str(rest);
    }
    Cow::Owned(out)
}

/// The blocks of a Markdown page, in reading order.
pub fn blocks(text: &str, index: &LineIndex) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
        | Options::ENABLE_STRIKETHROUGH;
    let mut reader = Reader {
        text,
        index,
        out: Vec::new(),
        covered: Vec::new(),
        state: State::None,
        prose: None,
        bold: 0,
    };
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        reader.event(event, range);
    }
    reader.flush_prose();
    reader.finish()
}

/// The block being read.
enum State {
    None,
    Heading(u8, String, usize),
    Metadata(String, usize),
    Code(Vec<Range<usize>>),
    Html(Range<usize>),
    Table(Table),
}

struct Table {
    header: Vec<Vec<Piece>>,
    rows: Vec<Row>,
    row: Option<Row>,
    cell: Option<Vec<Piece>>,
    range: Range<usize>,
}

/// Prose being read: its pieces and the source range it covers.
struct Prose {
    pieces: Vec<Piece>,
    range: Range<usize>,
}

struct Reader<'a> {
    text: &'a str,
    index: &'a LineIndex<'a>,
    /// Blocks with the source range each came from.
    out: Vec<(Range<usize>, Block)>,
    /// Ranges of code and HTML blocks, where running text is not searched for JSON.
    covered: Vec<Range<usize>>,
    state: State,
    prose: Option<Prose>,
    bold: u32,
}

impl Reader<'_> {
    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(t) => self.inline(&t, range, false),
            Event::Code(t) => self.inline(&t, range, true),
            Event::Html(_) => {
                if let State::Html(r) = &mut self.state {
                    r.end = r.end.max(range.end);
                }
            }
            Event::InlineHtml(tag) => self.inline_html(&tag, range),
            Event::SoftBreak | Event::HardBreak => self.push_piece(Piece::Break, range),
            Event::Rule => self.flush_prose(),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag, range: Range<usize>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.flush_prose();
                self.state = State::Heading(level as u8, String::new(), range.start);
            }
            Tag::MetadataBlock(_) => self.state = State::Metadata(String::new(), range.start),
            Tag::CodeBlock(_) => {
                self.flush_prose();
                self.covered.push(range);
                self.state = State::Code(Vec::new());
            }
            Tag::HtmlBlock => {
                self.flush_prose();
                self.state = State::Html(range);
            }
            Tag::Table(_) => {
                self.flush_prose();
                self.state = State::Table(Table {
                    header: Vec::new(),
                    rows: Vec::new(),
                    row: None,
                    cell: None,
                    range,
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let State::Table(t) = &mut self.state {
                    t.row = Some(Row {
                        cells: Vec::new(),
                        loc: self.index.loc(range.start),
                    });
                }
            }
            Tag::TableCell => {
                if let State::Table(t) = &mut self.state {
                    t.cell = Some(Vec::new());
                }
            }
            Tag::Strong | Tag::Emphasis => self.bold += 1,
            Tag::Paragraph | Tag::Item => self.flush_prose(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Heading(_) => {
                if let State::Heading(level, text, at) =
                    std::mem::replace(&mut self.state, State::None)
                {
                    let loc = self.index.loc(at);
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    self.out
                        .push((at..range.end, Block::Heading { level, text, loc }));
                }
            }
            TagEnd::MetadataBlock(_) => {
                if let State::Metadata(yaml, at) = std::mem::replace(&mut self.state, State::None)
                    && let Some(title) = front_matter_title(&yaml)
                {
                    let line = self.text[at..range.end]
                        .find("\ntitle:")
                        .map_or(at, |i| at + i + 1);
                    let heading = Block::Heading {
                        level: 0,
                        text: title,
                        loc: self.index.loc(line),
                    };
                    self.out.push((at..range.end, heading));
                }
            }
            TagEnd::CodeBlock => {
                if let State::Code(parts) = std::mem::replace(&mut self.state, State::None) {
                    self.code(&parts);
                }
            }
            TagEnd::HtmlBlock => {
                if let State::Html(r) = std::mem::replace(&mut self.state, State::None) {
                    self.covered.push(r.clone());
                    for block in html::blocks(self.text, r.clone(), self.index) {
                        self.out.push((r.clone(), block));
                    }
                }
            }
            TagEnd::TableCell => {
                if let State::Table(t) = &mut self.state
                    && let (Some(cell), Some(row)) = (t.cell.take(), t.row.as_mut())
                {
                    row.cells.push(cell);
                }
            }
            TagEnd::TableHead => {
                if let State::Table(t) = &mut self.state
                    && let Some(row) = t.row.take()
                {
                    t.header = row.cells;
                }
            }
            TagEnd::TableRow => {
                if let State::Table(t) = &mut self.state
                    && let Some(row) = t.row.take()
                {
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let State::Table(t) = std::mem::replace(&mut self.state, State::None) {
                    let loc = self.index.loc(t.range.start);
                    let block = Block::Table {
                        header: t.header,
                        rows: t.rows,
                        loc,
                    };
                    self.out.push((t.range, block));
                }
            }
            TagEnd::Strong | TagEnd::Emphasis => self.bold = self.bold.saturating_sub(1),
            TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) => self.flush_prose(),
            _ => {}
        }
    }

    /// Text or inline code, wherever it belongs.
    fn inline(&mut self, t: &str, range: Range<usize>, code: bool) {
        match &mut self.state {
            State::Heading(_, title, _) => title.push_str(t),
            State::Metadata(yaml, _) => yaml.push_str(t),
            State::Code(parts) => parts.push(range),
            State::Html(_) => {}
            State::Table(_) | State::None => {
                let piece = if code {
                    Piece::Code(t.to_string(), self.index.loc(code_start(self.text, &range)))
                } else {
                    let loc = self.index.loc(range.start);
                    if self.bold > 0 {
                        Piece::Bold(t.to_string(), loc)
                    } else {
                        Piece::Text(t.to_string(), loc)
                    }
                };
                self.push_piece(piece, range);
            }
        }
    }

    /// `<br>` breaks a line, `<b>` and `<strong>` make bold; other inline tags are skipped
    /// (the prose keeps them in its source text).
    fn inline_html(&mut self, tag: &str, range: Range<usize>) {
        let name: String = tag
            .trim_start_matches('<')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "br" | "br/" => self.push_piece(Piece::Break, range),
            "b" | "strong" => self.bold += 1,
            "/b" | "/strong" => self.bold = self.bold.saturating_sub(1),
            _ => {
                if let Some(p) = &mut self.prose {
                    p.range.end = p.range.end.max(range.end);
                }
            }
        }
    }

    fn push_piece(&mut self, piece: Piece, range: Range<usize>) {
        match &mut self.state {
            State::Table(t) => {
                if let Some(cell) = &mut t.cell {
                    page::push_joined(cell, piece);
                }
            }
            State::None => {
                let prose = self.prose.get_or_insert_with(|| Prose {
                    pieces: Vec::new(),
                    range: range.clone(),
                });
                prose.range.end = prose.range.end.max(range.end);
                page::push_joined(&mut prose.pieces, piece);
            }
            State::Heading(_, title, _) if piece == Piece::Break => title.push(' '),
            _ => {}
        }
    }

    fn flush_prose(&mut self) {
        if let Some(p) = self.prose.take()
            && p.pieces.iter().any(|p| !matches!(p, Piece::Break))
        {
            let raw = self
                .text
                .get(p.range.clone())
                .unwrap_or_default()
                .to_string();
            let loc = self.index.loc(p.range.start);
            self.out.push((
                p.range,
                Block::Prose {
                    pieces: p.pieces,
                    raw,
                    loc,
                },
            ));
        }
    }

    /// A code block: JSON as it is, other code searched for JSON policies.
    fn code(&mut self, parts: &[Range<usize>]) {
        let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
            return;
        };
        let contiguous = parts.windows(2).all(|w| w[0].end == w[1].start);
        // Contiguous content is read straight from the document, so every position is
        // exact; content split by container markers (a fence in a quote) keeps exact lines.
        let joined;
        let content = if contiguous {
            &self.text[first.start..last.end]
        } else {
            joined = parts
                .iter()
                .map(|r| &self.text[r.clone()])
                .collect::<String>();
            &joined
        };
        let origin = self.index.loc(first.start);
        let range = first.start..last.end;
        if crate::load::looks_like_json(content) || page::template(content).is_some() {
            let block = Block::Code {
                text: content.to_string(),
                origin,
                label: None,
            };
            self.out.push((range, block));
            return;
        }
        let mut positions = page::Positions::new(content, origin);
        for r in embedded::json_objects(content, &[]) {
            let block = Block::Code {
                text: content[r.clone()].to_string(),
                origin: positions.loc(r.start),
                label: None,
            };
            self.out.push((range.clone(), block));
        }
    }

    /// Adds the JSON policies found in running text (outside code and HTML), dropping the
    /// prose they were read as, and returns every block in reading order.
    fn finish(mut self) -> Vec<Block> {
        let found = embedded::json_objects(self.text, &self.covered);
        if !found.is_empty() {
            // The objects come in order and do not overlap: the first one ending after a
            // paragraph starts is the only one that can overlap it.
            self.out.retain(|(range, block)| {
                let next = found.partition_point(|f| f.end <= range.start);
                !matches!(block, Block::Prose { .. })
                    || found.get(next).is_none_or(|f| f.start >= range.end)
            });
            for r in found {
                let block = Block::Code {
                    text: self.text[r.clone()].to_string(),
                    origin: self.index.loc(r.start),
                    label: embedded::label_before(self.text, r.start),
                };
                self.out.push((r, block));
            }
            self.out.sort_by_key(|(range, _)| range.start);
        }
        self.out.into_iter().map(|(_, block)| block).collect()
    }
}

/// Where the content of an inline code span starts: after its backticks and one padding
/// space.
fn code_start(text: &str, range: &Range<usize>) -> usize {
    let raw = text.get(range.clone()).unwrap_or_default();
    let ticks = raw.bytes().take_while(|&b| b == b'`').count();
    let pad = usize::from(raw[ticks..].starts_with(' ') && raw.trim_matches('`').trim() != "");
    range.start + ticks + pad
}

/// The `title:` of YAML front matter, unquoted.
fn front_matter_title(yaml: &str) -> Option<String> {
    yaml.lines().find_map(|l| {
        let value = l.strip_prefix("title:")?.trim();
        let value = value.trim_matches(['"', '\'']).trim();
        (!value.is_empty()).then(|| value.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Loc;

    fn blocks_of(text: &str) -> Vec<Block> {
        blocks(text, &LineIndex::new(text))
    }

    #[test]
    fn template_tags_are_blanked_in_place() {
        let text = "a {% tab title=\"é\" %}x{% endtab %} b\n{% unclosed\n";
        let blanked = blank_template_tags(text);
        assert_eq!(blanked.len(), text.len() - 1, "é is two bytes, one space");
        assert_eq!(blanked.chars().count(), text.chars().count());
        assert_eq!(
            blanked.trim_start_matches("a ").trim_start().chars().next(),
            Some('x')
        );
        assert!(blanked.ends_with(" b\n{% unclosed\n"));
        assert!(matches!(blank_template_tags("{{ x }}"), Cow::Borrowed(_)));
    }

    #[test]
    fn front_matter_title_is_the_top_heading() {
        let b = blocks_of("---\ntitle: \"Cross Account Role\"\nid: x\n---\n\n## Trust\n");
        assert_eq!(
            b[0],
            Block::Heading {
                level: 0,
                text: "Cross Account Role".into(),
                loc: Loc::new(2, 1)
            }
        );
        assert!(matches!(&b[1], Block::Heading { level: 2, text, .. } if text == "Trust"));
    }

    #[test]
    fn cells_keep_bold_code_and_breaks() {
        let b = blocks_of("| A | B |\n|---|---|\n| **x** | `s3:GetObject`<br>y |\n");
        let Block::Table { header, rows, loc } = &b[0] else {
            panic!("a table: {b:?}")
        };
        assert_eq!(*loc, Loc::new(1, 1));
        assert_eq!(header.len(), 2);
        assert_eq!(rows[0].loc, Loc::new(3, 1));
        assert_eq!(rows[0].cells[0], [Piece::Bold("x".into(), Loc::new(3, 5))]);
        assert_eq!(
            rows[0].cells[1],
            [
                Piece::Code("s3:GetObject".into(), Loc::new(3, 12)),
                Piece::Break,
                Piece::Text("y".into(), Loc::new(3, 29)),
            ]
        );
    }

    #[test]
    fn html_blocks_and_unfenced_json() {
        let text = "# T\n\n<table><tr><th>P</th></tr><tr><td>s3:GetObject</td></tr></table>\n\nsnowflake_policy\n{\n  \"Statement\": []\n}\n\nafter\n";
        let b = blocks_of(text);
        assert!(
            matches!(&b[1], Block::Table { rows, .. } if rows.len() == 1),
            "{b:#?}"
        );
        assert_eq!(
            b[2],
            Block::Code {
                text: "{\n  \"Statement\": []\n}".into(),
                origin: Loc::new(6, 1),
                label: Some("snowflake_policy".into()),
            }
        );
        assert!(matches!(&b[3], Block::Prose { raw, .. } if raw == "after"));
        assert_eq!(b.len(), 4, "the label line is not prose: {b:#?}");
    }

    #[test]
    fn json_inside_other_code_is_found() {
        let text = "```text\nAttach this policy:\n{\n  \"Statement\": []\n}\n```\n";
        let b = blocks_of(text);
        assert_eq!(
            b,
            [Block::Code {
                text: "{\n  \"Statement\": []\n}".into(),
                origin: Loc::new(3, 1),
                label: None,
            }]
        );
    }

    #[test]
    fn template_code_is_kept_whole_for_its_loader() {
        let text = "```hcl\nresource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\n  \"Statement\": []\n}\nEOF\n}\n```\n";
        let b = blocks_of(text);
        assert!(
            matches!(&b[..], [Block::Code { text, origin, .. }] if text.starts_with("resource") && *origin == Loc::new(2, 1)),
            "{b:#?}"
        );
    }

    #[test]
    fn inline_code_positions_skip_backticks() {
        let text = "x `` a `b` `` y `s3:X`";
        assert_eq!(code_start(text, &(2..13)), 5);
        assert_eq!(code_start(text, &(16..22)), 17);
    }
}

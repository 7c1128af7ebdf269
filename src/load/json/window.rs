//! Plain JSON read a window at a time: the items of one list of the top-level object (an
//! account dump's `RoleDetailList`, most of a dump) are cut out as the input is read and
//! handed over one at a time with their place in the file, so the whole text is never in
//! memory. The rest is kept as text with the list's inside blanked to its line breaks and
//! its last line's width, so every later position stays exact, and is given back at the
//! end, for the usual parse.
//!
//! Cutting needs plain JSON. Anything the repairing parser would read differently from a
//! strict one (a comment, a quote that is not `"`, a bare word, a byte-order mark, a
//! non-breaking space, a raw control character in a string, a `%{` directive, a missing or
//! extra comma between items, a second top-level value, nesting past [`MAX_DEPTH`]) gives
//! up, and the caller reads the input whole, as it always has.

use std::io::Read;

use crate::model::Loc;

/// How deeply a plain input may nest before the window gives up (real dumps nest about
/// eight levels; the whole-text parse bounds the rest).
const MAX_DEPTH: usize = 64;

/// How much is read at a time.
const CHUNK: usize = 1 << 20;

/// Why an input could not be read a window at a time.
#[derive(Debug)]
pub enum GaveUp {
    /// It is not plain JSON, or an item was refused: read it whole.
    NotPlain,
    /// Reading failed.
    Read(std::io::Error),
}

/// Reads `input`, handing each item of the top-level object's list `key` (each an object)
/// to `item` with the position of its `{`, and gives back the rest of the text, that list
/// left empty. `item` returning false gives up.
pub fn cut(
    mut input: impl Read,
    key: &str,
    item: &mut dyn FnMut(&str, Loc) -> bool,
) -> Result<String, GaveUp> {
    let mut cutter = Cutter {
        key: key.as_bytes(),
        item,
        rest: Vec::new(),
        item_text: Vec::new(),
        part: Part::Rest,
        line: 1,
        column: 1,
        depth: 0,
        tops: 0,
        in_string: false,
        escaped: false,
        percent: false,
        key_matched: Some(0),
        key_is_list: false,
        list_next: false,
        list_open: (0, 0),
        expect_item: true,
        items: 0,
        item_at: Loc::default(),
    };
    let mut chunk = vec![0; CHUNK];
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(GaveUp::Read(e)),
        };
        cutter.feed(&chunk[..n])?;
    }
    if cutter.depth != 0 || cutter.in_string || cutter.tops != 1 {
        return Err(GaveUp::NotPlain);
    }
    String::from_utf8(cutter.rest).map_err(|_| GaveUp::NotPlain)
}

/// Which text a byte belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The text given back.
    Rest,
    /// Inside the list, between its items: blanked.
    Between,
    /// An item, handed over when it closes.
    Item,
}

struct Cutter<'k, 'f> {
    key: &'k [u8],
    item: &'f mut dyn FnMut(&str, Loc) -> bool,
    rest: Vec<u8>,
    item_text: Vec<u8>,
    part: Part,
    /// The position of the next byte.
    line: u32,
    column: u32,
    depth: usize,
    /// Top-level values begun.
    tops: usize,
    in_string: bool,
    escaped: bool,
    /// The last byte of a string was `%`.
    percent: bool,
    /// For a string of the top-level object: how much of `key` it has matched so far.
    key_matched: Option<usize>,
    /// The last string of the top-level object was `key`.
    key_is_list: bool,
    /// A `:` followed that key: a `[` next opens the list.
    list_next: bool,
    /// The position just after the list's `[`.
    list_open: (u32, u32),
    expect_item: bool,
    items: usize,
    item_at: Loc,
}

impl Cutter<'_, '_> {
    fn feed(&mut self, bytes: &[u8]) -> Result<(), GaveUp> {
        // Where the run of bytes of the current part starts, copied out when the part
        // changes or the chunk ends.
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Runs of plain string characters and of spaces, most of a dump, at once.
            let run = self.plain_run(&bytes[i..]);
            if run > 0 {
                let chars = bytes[i..i + run].iter().filter(|&&c| c & 0xC0 != 0x80);
                self.column += chars.count() as u32;
                i += run;
                continue;
            }
            let b = bytes[i];
            if self.in_string {
                self.string_byte(b)?;
            } else {
                match self.structure(b, i, bytes, &mut start)? {
                    Step::Stay => {}
                    Step::ItemClosed => {
                        self.item_text.extend_from_slice(&bytes[start..=i]);
                        start = i + 1;
                        self.hand_over()?;
                    }
                }
            }
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if b & 0xC0 != 0x80 {
                self.column += 1;
            }
            i += 1;
        }
        self.keep(&bytes[start..]);
        Ok(())
    }

    /// How many bytes at the start of `bytes` change nothing but the column: string
    /// characters that need no look (past the top-level object's keys, which are matched
    /// byte by byte), or spaces between tokens.
    fn plain_run(&self, bytes: &[u8]) -> usize {
        let plain = |c: &u8| match self.in_string {
            true => !matches!(*c, b'"' | b'\\' | b'%' | ..0x20),
            false => *c == b' ',
        };
        if self.escaped || self.percent || (self.in_string && self.depth == 1) {
            return 0;
        }
        bytes.iter().position(|c| !plain(c)).unwrap_or(bytes.len())
    }

    /// Copies a run of bytes into the part they belong to.
    fn keep(&mut self, run: &[u8]) {
        match self.part {
            Part::Rest => self.rest.extend_from_slice(run),
            Part::Item => self.item_text.extend_from_slice(run),
            Part::Between => {}
        }
    }

    fn string_byte(&mut self, b: u8) -> Result<(), GaveUp> {
        if self.escaped {
            self.escaped = false;
        } else if b == b'\\' {
            self.escaped = true;
        } else if b == b'"' {
            self.in_string = false;
            if self.depth == 1 {
                self.key_is_list = self.key_matched == Some(self.key.len());
            }
        } else if b < 0x20 || (self.percent && b == b'{') {
            return Err(GaveUp::NotPlain);
        }
        self.percent = b == b'%';
        if self.depth == 1 && self.in_string {
            self.key_matched = self
                .key_matched
                .filter(|&m| self.key.get(m) == Some(&b))
                .map(|m| m + 1);
        }
        Ok(())
    }

    /// One byte outside strings.
    fn structure(
        &mut self,
        b: u8,
        i: usize,
        bytes: &[u8],
        start: &mut usize,
    ) -> Result<Step, GaveUp> {
        let list_next = std::mem::take(&mut self.list_next);
        let key_is_list = std::mem::take(&mut self.key_is_list);
        if self.part == Part::Between {
            return self.between(b, i, start).map(|()| Step::Stay);
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {
                self.list_next = list_next;
                self.key_is_list = key_is_list;
            }
            b'"' => {
                self.in_string = true;
                self.percent = false;
                self.key_matched = Some(0);
            }
            b':' => self.list_next = self.depth == 1 && key_is_list,
            b'{' | b'[' => {
                if self.depth == 0 {
                    self.tops += 1;
                    if self.tops > 1 || b != b'{' {
                        return Err(GaveUp::NotPlain);
                    }
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(GaveUp::NotPlain);
                }
                if list_next && b == b'[' {
                    self.rest.extend_from_slice(&bytes[*start..=i]);
                    *start = i + 1;
                    self.part = Part::Between;
                    self.list_open = (self.line, self.column + 1);
                    self.expect_item = true;
                    self.items = 0;
                }
            }
            b'}' | b']' => {
                self.depth = self.depth.checked_sub(1).ok_or(GaveUp::NotPlain)?;
                if self.part == Part::Item && self.depth == 2 {
                    return Ok(Step::ItemClosed);
                }
            }
            b',' => {}
            b if self.depth > 0 && (b.is_ascii_alphanumeric() || b"+-.".contains(&b)) => {}
            _ => return Err(GaveUp::NotPlain),
        }
        Ok(Step::Stay)
    }

    /// One byte inside the list, between its items.
    fn between(&mut self, b: u8, i: usize, start: &mut usize) -> Result<(), GaveUp> {
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b',' if !self.expect_item => self.expect_item = true,
            b'{' if self.expect_item => {
                self.part = Part::Item;
                *start = i;
                self.item_at = Loc::new(self.line, self.column);
                self.depth += 1;
            }
            b']' if self.items == 0 || !self.expect_item => {
                // The list's inside becomes its line breaks and its last line's width.
                let (line, column) = self.list_open;
                if self.line > line {
                    let breaks = (self.line - line) as usize;
                    self.rest.extend(std::iter::repeat_n(b'\n', breaks));
                    self.rest
                        .extend(std::iter::repeat_n(b' ', self.column as usize - 1));
                } else {
                    self.rest
                        .extend(std::iter::repeat_n(b' ', (self.column - column) as usize));
                }
                self.part = Part::Rest;
                *start = i;
                self.depth -= 1;
            }
            _ => return Err(GaveUp::NotPlain),
        }
        Ok(())
    }

    /// Hands the item just closed over.
    fn hand_over(&mut self) -> Result<(), GaveUp> {
        let text = std::str::from_utf8(&self.item_text).map_err(|_| GaveUp::NotPlain)?;
        if !(self.item)(text, self.item_at) {
            return Err(GaveUp::NotPlain);
        }
        self.item_text.clear();
        self.items += 1;
        self.expect_item = false;
        self.part = Part::Between;
        Ok(())
    }
}

/// What a byte outside strings did.
enum Step {
    Stay,
    ItemClosed,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The items handed over and the rest, read `chunk` bytes at a time.
    fn cut_in(text: &str, chunk: usize) -> Result<(Vec<(String, Loc)>, String), GaveUp> {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut items = Vec::new();
        let rest = cut(
            Trickle(text.as_bytes(), chunk),
            "RoleDetailList",
            &mut |item, at| {
                items.push((item.to_string(), at));
                true
            },
        )?;
        Ok((items, rest))
    }

    const DUMP: &str = "{\"UserDetailList\": [],\n \"RoleDetailList\": [\n  {\"RoleName\": \"a\", \"x\": [1, {\"y\": \"}]\\\"\"}]},\n  {\"RoleName\": \"é\"}\n ], \"Policies\": [{\"Arn\": \"p\"}]}\n";

    #[test]
    fn items_come_with_their_positions_and_the_rest_keeps_every_later_position() {
        for chunk in [1, 2, 3, 7, 64, CHUNK] {
            let (items, rest) = cut_in(DUMP, chunk).unwrap();
            assert_eq!(
                items,
                vec![
                    (
                        "{\"RoleName\": \"a\", \"x\": [1, {\"y\": \"}]\\\"\"}]}".to_string(),
                        Loc::new(3, 3)
                    ),
                    ("{\"RoleName\": \"é\"}".to_string(), Loc::new(4, 3)),
                ],
                "read {chunk} bytes at a time"
            );
            assert_eq!(
                rest,
                "{\"UserDetailList\": [],\n \"RoleDetailList\": [\n\n\n ], \"Policies\": [{\"Arn\": \"p\"}]}\n"
            );
        }
    }

    #[test]
    fn a_list_on_one_line_keeps_its_width() {
        let text = r#"{"RoleDetailList": [{"RoleName": "a"} , {}], "Policies": []}"#;
        let (items, rest) = cut_in(text, 5).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].1, Loc::new(1, 41));
        assert_eq!(
            rest,
            r#"{"RoleDetailList": [                      ], "Policies": []}"#
        );
        assert_eq!(rest.len(), text.len());
    }

    #[test]
    fn lists_of_other_names_and_depths_stay_in_the_rest() {
        let text =
            r#"{"Roles": [{}], "X": {"RoleDetailList": [{}]}, "A": "RoleDetailList", "B": []}"#;
        let (items, rest) = cut_in(text, 4).unwrap();
        assert!(items.is_empty());
        assert_eq!(rest, text);
    }

    #[test]
    fn anything_but_plain_json_gives_up() {
        let given_up = [
            "\u{feff}{\"RoleDetailList\": []}",
            "{\"RoleDetailList\": [] // comment\n}",
            "{\"RoleDetailList\": [{'RoleName': 'a'}]}",
            "{\"RoleDetailList\": [{\"a\": \"100%{x}\"}]}",
            "{\"RoleDetailList\": [{}, ]}",
            "{\"RoleDetailList\": [{} {}]}",
            "{\"RoleDetailList\": [, {}]}",
            "{\"RoleDetailList\": [\"a\"]}",
            "{\"RoleDetailList\": [{\"a\": \"line\nbreak\"}]}",
            "{\"RoleDetailList\": [{\"a\": ${X}}]}",
            "{\"RoleDetailList\": [{\"a\": 1}]}{}",
            "[{\"RoleDetailList\": []}]",
            "{\"RoleDetailList\": [{\"a\": \"open}]}",
            "{\"RoleDetailList\": [{\"a\":\u{a0}1}]}",
            "{\"RoleDetailList\": [{}]",
            "{\"RoleDetailList\": [{}]}}",
        ];
        for text in given_up {
            assert!(
                matches!(cut_in(text, 3), Err(GaveUp::NotPlain)),
                "{text:?} was cut"
            );
        }
        let deep = format!(
            "{{\"RoleDetailList\": [{}{}]}}",
            "[".repeat(80),
            "]".repeat(80)
        );
        assert!(matches!(cut_in(&deep, 64), Err(GaveUp::NotPlain)));
    }

    #[test]
    fn an_item_refused_gives_up() {
        let refused = cut(DUMP.as_bytes(), "RoleDetailList", &mut |item, _| {
            !item.contains('é')
        });
        assert!(matches!(refused, Err(GaveUp::NotPlain)));
    }
}

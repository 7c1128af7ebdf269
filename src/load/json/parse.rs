//! A JSON parser that repairs what vendors publish.
//!
//! Strict JSON parses as it is, with no diagnostics. Broken JSON is repaired where the
//! intent is unambiguous, and each repair is reported (`malformed-json`, with the line and
//! column where the fix applies): statement objects whose `{` is missing, missing or extra
//! commas, trailing commas, `//` and `/* */` comments, unquoted placeholders such as
//! `${ExternalId}`, unquoted strings and keys, single and typographic quotes, a missing
//! closing quote at the end of a line, `...` elisions, missing `}` or `]` before the
//! enclosing container closes. What cannot be repaired ends the parse with an error at its
//! position, keeping every value read before it.
//!
//! Linear in the input; nesting is bounded by [`MAX_DEPTH`], so no input can exhaust the
//! stack.

use crate::load::node::{Member, Node, Value};
use crate::model::codes;
use crate::model::{Diagnostic, Loc, Text};

/// How deeply arrays and objects may nest. Real policies nest five levels at most.
pub const MAX_DEPTH: usize = 128;

/// What came out of a parse.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The top-level values, in order (usually one).
    pub values: Vec<Node>,
    pub diagnostics: Vec<Diagnostic>,
    /// False when the parse stopped at something it could not repair; `values` then holds
    /// what was read before it.
    pub complete: bool,
}

/// Parses `text`, whose first character stands at `origin` in its file.
pub fn parse(text: &str, origin: Loc) -> Parsed {
    parse_keeping_raw(text, origin, &[])
}

/// Like [`parse`], but the object value of a member named in `raw_keys` is not parsed: it
/// is kept as a string holding its text, whose position is that of its `{`, to be parsed
/// on its own when needed (with [`parse`] at that position, so positions stay exact). An
/// account dump is read this way: its policy documents never join one tree of the whole
/// file, which keeps a 100 MB dump's memory and time small.
pub fn parse_keeping_raw(text: &str, origin: Loc, raw_keys: &[&str]) -> Parsed {
    parse_streaming(text, origin, raw_keys, None)
}

/// Where [`parse_streaming`] hands the items of one list as they are read.
pub struct Stream<'s> {
    /// The list: the member of a top-level object with this name.
    pub key: &'s str,
    /// Called with the index of the top-level value and each item of the list, in order;
    /// the list itself is left empty in the tree.
    pub item: &'s mut dyn FnMut(usize, Node),
}

/// Like [`parse_keeping_raw`], handing the items of the list `stream` names to it instead
/// of keeping them in the tree: an account dump's roles are read one at a time and never
/// make up one tree of the whole file.
pub fn parse_streaming(
    text: &str,
    origin: Loc,
    raw_keys: &[&str],
    stream: Option<Stream<'_>>,
) -> Parsed {
    let mut p = Parser {
        stream,
        streaming_next: false,
        top: 0,
        raw_keys,
        text,
        b: text.as_bytes(),
        pos: 0,
        line: origin.line.max(1),
        col: origin.column.max(1),
        diagnostics: Vec::new(),
        failed: false,
        depth: 0,
        reported_nbsp: false,
        raw_unclosed: false,
    };
    if p.b.starts_with("\u{feff}".as_bytes()) {
        p.pos = 3;
    }
    let mut values = Vec::new();
    loop {
        p.skip_trivia();
        let Some(c) = p.peek() else { break };
        if !values.is_empty() {
            if c == b'{' || c == b'[' {
                p.repaired(
                    p.loc(),
                    "another JSON value follows the first; read as a separate document",
                );
            } else {
                p.fail(
                    p.loc(),
                    "unexpected text after the JSON value; the rest of the block is not read",
                );
                break;
            }
        }
        p.top = values.len();
        match p.value(Container::Top) {
            Some(v) => values.push(v),
            None => break,
        }
        if p.failed {
            break;
        }
    }
    Parsed {
        values,
        diagnostics: p.diagnostics,
        complete: !p.failed,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Container {
    Top,
    Object,
    Array,
}

struct Parser<'a, 's> {
    stream: Option<Stream<'s>>,
    /// The next value is the list to stream (the streamed member's value).
    streaming_next: bool,
    /// The index of the top-level value being read.
    top: usize,
    raw_keys: &'a [&'a str],
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    line: u32,
    col: u32,
    diagnostics: Vec<Diagnostic>,
    failed: bool,
    depth: usize,
    reported_nbsp: bool,
    /// A raw object ran to the end of the text without closing; any later one would scan
    /// to the end too, so no more are tried (keeping the parse linear).
    raw_unclosed: bool,
}

const LEFT_QUOTE: &[u8] = "\u{201c}".as_bytes();
const RIGHT_QUOTE: &[u8] = "\u{201d}".as_bytes();
const NBSP: &[u8] = "\u{a0}".as_bytes();

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

impl Parser<'_, '_> {
    fn loc(&self) -> Loc {
        Loc::new(self.line, self.col)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.b.get(self.pos + offset).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.b[self.pos..]
    }

    /// Moves past `n` bytes, keeping line and column.
    fn advance(&mut self, n: usize) {
        let end = (self.pos + n).min(self.b.len());
        for &c in &self.b[self.pos..end] {
            if c == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if !is_continuation(c) {
                self.col += 1;
            }
        }
        self.pos = end;
    }

    /// Moves past the whole character at the current position.
    fn advance_char(&mut self) {
        let n = 1 + self.b[self.pos + 1..]
            .iter()
            .take_while(|&&c| is_continuation(c))
            .count();
        self.advance(n);
    }

    fn repaired(&mut self, loc: Loc, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::new(codes::MALFORMED_JSON, loc, message));
    }

    /// Stops the parse: the text from `loc` to its end is not read.
    fn fail(&mut self, loc: Loc, message: impl Into<String>) {
        self.failed = true;
        let rest = self.text.get(self.pos..).unwrap_or_default().trim_end();
        let last_line = self.line + rest.matches('\n').count() as u32;
        self.diagnostics
            .push(Diagnostic::new(codes::MALFORMED_JSON, loc, message).unread_to(last_line));
    }

    /// Skips whitespace and comments (each comment reported).
    fn skip_trivia(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => {
                    // Runs of indentation, without the per-byte bookkeeping of `advance`.
                    let n = self
                        .rest()
                        .iter()
                        .take_while(|&&c| matches!(c, b' ' | b'\t' | b'\r'))
                        .count();
                    self.pos += n;
                    self.col += n as u32;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    self.line += 1;
                    self.col = 1;
                }
                Some(b'/') if self.peek_at(1) == Some(b'/') => {
                    self.repaired(self.loc(), "`//` comment (JSON has no comments); skipped");
                    let n = self.rest().iter().take_while(|&&c| c != b'\n').count();
                    self.advance(n);
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    let at = self.loc();
                    match self.rest()[2..].windows(2).position(|w| w == b"*/") {
                        Some(i) => {
                            self.repaired(at, "`/* */` comment (JSON has no comments); skipped");
                            self.advance(i + 4);
                        }
                        None => {
                            self.fail(at, "`/*` comment is never closed");
                            self.advance(self.b.len());
                        }
                    }
                }
                Some(0xC2) if self.rest().starts_with(NBSP) => {
                    if !self.reported_nbsp {
                        self.reported_nbsp = true;
                        self.repaired(
                            self.loc(),
                            "non-breaking space used as whitespace; read as a space",
                        );
                    }
                    self.advance(2);
                }
                _ => return,
            }
        }
    }

    fn value(&mut self, parent: Container) -> Option<Node> {
        let streamed = std::mem::take(&mut self.streaming_next);
        self.skip_trivia();
        let at = self.loc();
        let Some(c) = self.peek() else {
            self.fail(at, "unexpected end of input; expected a value");
            return None;
        };
        let value = match c {
            b'{' | b'$' | b'<' if self.may_be_placeholder() && self.placeholder_len() > 0 => {
                let n = self.placeholder_len();
                let s = String::from_utf8_lossy(&self.rest()[..n]).into_owned();
                self.repaired(at, format!("unquoted placeholder `{s}`; read as a string"));
                self.advance(n);
                Value::String(s)
            }
            b'{' => return self.object(parent),
            b'[' => return self.array(parent, streamed),
            b'"' => Value::String(self.string(b"\"", 1)),
            b'\'' => {
                self.repaired(at, "single-quoted string; read as a string");
                Value::String(self.string(b"'", 1))
            }
            _ if self.rest().starts_with(LEFT_QUOTE) || self.rest().starts_with(RIGHT_QUOTE) => {
                self.repaired(at, "typographic quotes around a string; read as a string");
                Value::String(self.string(RIGHT_QUOTE, LEFT_QUOTE.len()))
            }
            b'-' | b'0'..=b'9' => {
                let n = self.number_len();
                let s = String::from_utf8_lossy(&self.rest()[..n]).into_owned();
                self.advance(n);
                Value::Number(s)
            }
            c if c.is_ascii_alphabetic() => {
                let n = self.bare_word_len();
                let word = String::from_utf8_lossy(&self.rest()[..n]).into_owned();
                self.advance(n);
                match word.as_str() {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    "null" => Value::Null,
                    _ => {
                        self.repaired(at, format!("unquoted string `{word}`; read as a string"));
                        Value::String(word)
                    }
                }
            }
            _ => {
                let shown = self.char_here();
                self.fail(at, format!("unexpected `{shown}`; expected a value"));
                return None;
            }
        };
        Some(Node::new(value, at))
    }

    /// The character at the current position, escaped for a message.
    fn char_here(&self) -> String {
        let s = String::from_utf8_lossy(&self.rest()[..self.rest().len().min(4)]).into_owned();
        let c = s.chars().next().unwrap_or(' ');
        crate::text::escape(&c.to_string()).into_owned()
    }

    /// Whether the characters at the current position could start a placeholder: a cheap
    /// test that spares objects (`{` then a quote or white space) the full search.
    fn may_be_placeholder(&self) -> bool {
        let next = self.peek_at(1).unwrap_or(b' ');
        next.is_ascii_alphabetic() || next == b'_' || next == b'{'
    }

    /// Length of an unquoted placeholder at the current position (`${Name}`, `{{Name}}`,
    /// `{Name}`, `<Name>`), zero if there is none.
    fn placeholder_len(&self) -> usize {
        let found = crate::model::placeholder::find(
            std::str::from_utf8(&self.rest()[..self.rest().len().min(80)]).unwrap_or_else(|e| {
                // Cut at the last whole character.
                std::str::from_utf8(&self.rest()[..e.valid_up_to()]).unwrap_or("")
            }),
            false,
        );
        found
            .first()
            .filter(|f| f.range.start == 0)
            .map_or(0, |f| f.range.end)
    }

    fn number_len(&self) -> usize {
        let r = self.rest();
        let mut n = usize::from(r[0] == b'-');
        n += r[n..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
            .count();
        n.max(1)
    }

    /// An unquoted word in a value position ends at a delimiter or white space.
    fn bare_word_len(&self) -> usize {
        let n = self
            .rest()
            .iter()
            .take_while(|&&c| {
                !matches!(c, b',' | b'}' | b']' | b'"' | b' ' | b'\t' | b'\n' | b'\r')
            })
            .count();
        // Never end inside a multi-byte character.
        let mut n = n;
        while n < self.rest().len() && is_continuation(self.rest()[n]) {
            n += 1;
        }
        n
    }

    /// Reads a string whose opening quote is `open_len` bytes long and which ends at
    /// `close` (or, for typographic quotes, either typographic quote).
    fn string(&mut self, close: &[u8], open_len: usize) -> String {
        let start = self.loc();
        self.advance(open_len);
        let typographic = close == RIGHT_QUOTE;
        if !typographic {
            // The usual string: no escape, closed on its line. Sliced from the text, which
            // is valid UTF-8 and split here at ASCII quotes.
            let r = self.rest();
            let run = r
                .iter()
                .take_while(|&&c| c != close[0] && c != b'\\' && c >= 0x20)
                .count();
            if r.get(run) == Some(&close[0]) {
                let from = self.pos;
                self.col += r[..run].iter().filter(|&&c| !is_continuation(c)).count() as u32;
                self.pos += run + 1;
                self.col += 1;
                if let Some(s) = self.text.get(from..from + run) {
                    return s.to_string();
                }
                return String::from_utf8_lossy(&self.b[from..from + run]).into_owned();
            }
        }
        let mut out = Vec::new();
        let mut reported_control = false;
        loop {
            let r = self.rest();
            let run = r
                .iter()
                .take_while(|&&c| {
                    c != close[0] && c != b'\\' && c >= 0x20 && !(typographic && c == LEFT_QUOTE[0])
                })
                .count();
            out.extend_from_slice(&r[..run]);
            self.advance(run);
            let Some(c) = self.peek() else {
                self.fail(start, "string is never closed");
                break;
            };
            if self.rest().starts_with(close)
                || (typographic && self.rest().starts_with(LEFT_QUOTE))
            {
                self.advance(close.len());
                break;
            }
            match c {
                b'\\' => self.escape(&mut out),
                b'\n' | b'\r' => {
                    self.repaired(
                        self.loc(),
                        "string is not closed before the end of the line; closed there",
                    );
                    break;
                }
                c if c < 0x20 => {
                    if !reported_control {
                        reported_control = true;
                        self.repaired(self.loc(), "control character inside a string; kept");
                    }
                    out.push(c);
                    self.advance(1);
                }
                // A byte that starts a typographic quote but is some other character.
                _ => {
                    let before = self.pos;
                    self.advance_char();
                    out.extend_from_slice(&self.b[before..self.pos]);
                }
            }
        }
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Reads one backslash escape into `out`.
    fn escape(&mut self, out: &mut Vec<u8>) {
        let at = self.loc();
        let Some(c) = self.peek_at(1) else {
            self.advance(1);
            return;
        };
        let simple = match c {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            self.advance(2);
            return;
        }
        if c == b'u'
            && let Some(first) = self.hex4(2)
        {
            self.advance(6);
            let ch = if (0xD800..0xDC00).contains(&first) {
                match (self.rest().starts_with(b"\\u"), self.hex4(2)) {
                    (true, Some(second)) if (0xDC00..0xE000).contains(&second) => {
                        self.advance(6);
                        char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
                    }
                    _ => None,
                }
            } else {
                char::from_u32(first)
            };
            let ch = ch.unwrap_or_else(|| {
                self.repaired(
                    at,
                    "invalid `\\u` escape (a lone surrogate); read as U+FFFD",
                );
                '\u{fffd}'
            });
            out.extend_from_slice(ch.encode_utf8(&mut [0; 4]).as_bytes());
            return;
        }
        self.repaired(at, "invalid escape sequence; kept as written");
        out.push(b'\\');
        self.advance(1);
    }

    /// The value of four hex digits at `offset` from the current position.
    fn hex4(&self, offset: usize) -> Option<u32> {
        let digits = self.rest().get(offset..offset + 4)?;
        let s = std::str::from_utf8(digits).ok()?;
        u32::from_str_radix(s, 16).ok()
    }

    fn enter(&mut self, at: Loc) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.fail(
                at,
                format!("nested more than {MAX_DEPTH} levels deep; not read further"),
            );
            return false;
        }
        true
    }

    fn object(&mut self, parent: Container) -> Option<Node> {
        let at = self.loc();
        if !self.enter(at) {
            return None;
        }
        self.advance(1);
        let mut members = Vec::new();
        self.members(&mut members, at, false, parent);
        self.depth -= 1;
        Some(Node::new(Value::Object(members), at))
    }

    /// Reads members until the object closes. `implicit` objects are those whose `{` was
    /// missing; their first member has been read already.
    fn members(
        &mut self,
        members: &mut Vec<Member>,
        opened: Loc,
        implicit: bool,
        parent: Container,
    ) {
        let mut expect_member = !implicit;
        let mut comma: Option<Loc> = None;
        let mut after_last = self.loc();
        loop {
            self.skip_trivia();
            let here = self.loc();
            match self.peek() {
                None => {
                    self.fail(here, format!("object opened at {opened} is never closed"));
                    return;
                }
                Some(b'}') => {
                    if let (Some(c), true) = (comma, expect_member && !members.is_empty()) {
                        self.repaired(c, "trailing comma before `}`; removed");
                    }
                    self.advance(1);
                    return;
                }
                Some(b']') if parent == Container::Array => {
                    self.repaired(after_last, "missing `}` before `]`; inserted");
                    return;
                }
                Some(b',') => {
                    if expect_member {
                        self.repaired(here, "extra comma; removed");
                    }
                    self.advance(1);
                    comma = Some(here);
                    expect_member = true;
                    continue;
                }
                Some(_) => {}
            }
            if !expect_member {
                self.repaired(after_last, "missing `,` between members; inserted");
            }
            let Some(key) = self.key() else { return };
            self.skip_trivia();
            if self.peek() == Some(b':') {
                self.advance(1);
            } else {
                self.fail(
                    self.loc(),
                    format!(
                        "expected `:` after the member name \"{}\"",
                        crate::text::escape(&key.value)
                    ),
                );
                return;
            }
            let raw = self.raw_object(&key.value);
            self.streaming_next = raw.is_none()
                && self.depth == 1
                && self.stream.as_ref().is_some_and(|s| s.key == key.value);
            let Some(value) = raw.or_else(|| self.value(Container::Object)) else {
                return;
            };
            members.push(Member { key, value });
            after_last = self.loc();
            expect_member = false;
            comma = None;
            if self.failed {
                return;
            }
        }
    }

    /// The text of the object value of a member named in `raw_keys`, as a string: braces
    /// matched outside strings, line and column kept. `None` (parse it normally) for other
    /// members and for an object that does not close cleanly, so repairs still apply.
    fn raw_object(&mut self, key: &str) -> Option<Node> {
        if self.raw_unclosed || self.raw_keys.is_empty() || !self.raw_keys.contains(&key) {
            return None;
        }
        self.skip_trivia();
        if self.peek() != Some(b'{') {
            return None;
        }
        let (start, at) = (self.pos, self.loc());
        let b = self.b;
        let (mut i, mut depth, mut in_string) = (start, 0usize, false);
        let (mut lines, mut last_newline) = (0u32, None);
        loop {
            let Some(&c) = b.get(i) else {
                self.raw_unclosed = true;
                return None;
            };
            if in_string {
                match c {
                    b'\\' => i += 1,
                    b'"' => in_string = false,
                    c if c < 0x20 => return None,
                    _ => {}
                }
            } else {
                match c {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'\n' => {
                        lines += 1;
                        last_newline = Some(i);
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        let end = i + 1;
        let raw = self.text.get(start..end)?;
        let chars = |from: usize| {
            b[from..end]
                .iter()
                .filter(|&&c| !is_continuation(c))
                .count()
        };
        match last_newline {
            Some(nl) => {
                self.line += lines;
                self.col = 1 + chars(nl + 1) as u32;
            }
            None => self.col += chars(start) as u32,
        }
        self.pos = end;
        Some(Node::new(Value::String(raw.to_string()), at))
    }

    fn key(&mut self) -> Option<Text> {
        let at = self.loc();
        match self.peek()? {
            b'"' => Some(Text::new(self.string(b"\"", 1), at)),
            b'\'' => {
                self.repaired(at, "single-quoted member name; read as a string");
                Some(Text::new(self.string(b"'", 1), at))
            }
            _ if self.rest().starts_with(LEFT_QUOTE) || self.rest().starts_with(RIGHT_QUOTE) => {
                self.repaired(
                    at,
                    "typographic quotes around a member name; read as a string",
                );
                Some(Text::new(self.string(RIGHT_QUOTE, LEFT_QUOTE.len()), at))
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let n = self
                    .rest()
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
                    .count();
                let name = String::from_utf8_lossy(&self.rest()[..n]).into_owned();
                self.repaired(
                    at,
                    format!("unquoted member name `{name}`; read as a string"),
                );
                self.advance(n);
                Some(Text::new(name, at))
            }
            _ => {
                let shown = self.char_here();
                self.fail(
                    at,
                    format!("unexpected `{shown}`; expected a member name in quotes"),
                );
                None
            }
        }
    }

    /// A list; a `streamed` one hands its items to the stream.
    fn array(&mut self, parent: Container, streamed: bool) -> Option<Node> {
        let at = self.loc();
        if !self.enter(at) {
            return None;
        }
        self.advance(1);
        let mut items = Vec::new();
        let mut count = 0usize;
        let mut expect_item = true;
        let mut comma: Option<Loc> = None;
        let mut after_last = self.loc();
        loop {
            self.skip_trivia();
            let here = self.loc();
            match self.peek() {
                None => {
                    self.fail(here, format!("list opened at {at} is never closed"));
                    break;
                }
                Some(b']') => {
                    if let (Some(c), true) = (comma, expect_item && count > 0) {
                        self.repaired(c, "trailing comma before `]`; removed");
                    }
                    self.advance(1);
                    break;
                }
                Some(b'}') if parent == Container::Object => {
                    self.repaired(after_last, "missing `]` before `}`; inserted");
                    break;
                }
                Some(b',') => {
                    if expect_item {
                        self.repaired(here, "extra comma; removed");
                    }
                    self.advance(1);
                    comma = Some(here);
                    expect_item = true;
                    continue;
                }
                Some(b'.') if self.rest().starts_with(b"...") => {
                    let n = self.rest().iter().take_while(|&&c| c == b'.').count();
                    self.repaired(here, "`...` (an elision in the documentation); skipped");
                    self.advance(n);
                    continue;
                }
                Some(_) => {}
            }
            if !expect_item {
                self.repaired(after_last, "missing `,` between list items; inserted");
            }
            let Some(item) = self.value(Container::Array) else {
                break;
            };
            after_last = self.loc();
            let item = match self.implicit_object(item) {
                Ok(object) => {
                    after_last = self.loc();
                    object
                }
                Err(item) => item,
            };
            count += 1;
            match self.stream.as_mut() {
                Some(stream) if streamed => (stream.item)(self.top, item),
                _ => items.push(item),
            }
            expect_item = false;
            comma = None;
            if self.failed {
                break;
            }
        }
        self.depth -= 1;
        Some(Node::new(Value::Array(items), at))
    }

    /// A string list item followed by `:` is the first member of an object whose `{` is
    /// missing (as in `"Statement": [ "Action": [...], ... }, {...} ]`): reads that object.
    /// Gives the item back when it is not such a member.
    fn implicit_object(&mut self, item: Node) -> Result<Node, Node> {
        let Value::String(name) = &item.value else {
            return Err(item);
        };
        self.skip_trivia();
        if self.peek() != Some(b':') || self.failed {
            return Err(item);
        }
        let at = item.loc;
        self.repaired(
            at,
            format!(
                "missing `{{` before \"{}\"; inserted",
                crate::text::escape(name)
            ),
        );
        self.advance(1);
        let key = Text::new(name.clone(), at);
        let Some(value) = self.value(Container::Object) else {
            return Ok(Node::new(Value::Object(Vec::new()), at));
        };
        let mut members = vec![Member { key, value }];
        if !self.failed && self.enter(at) {
            self.members(&mut members, at, true, Container::Array);
            self.depth -= 1;
        }
        Ok(Node::new(Value::Object(members), at))
    }
}

#[cfg(test)]
mod tests;

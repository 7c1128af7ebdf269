//! Writing command output to standard output. A reader that goes away early (`iamscope tree
//! … | head`) is not an error: output simply stops. JSON escapes every character a terminal
//! would act on (C1 controls, DEL, bidirectional overrides), not only the ones JSON requires,
//! so `--format json` piped to a terminal is as safe as the text output.

use std::io::{self, Write};

use serde::Serialize;

pub use crate::model::json::{to_json, to_json_at, to_json_line};

/// Writes `text` to standard output.
pub fn emit(text: &str) {
    let mut out = Stdout::new();
    out.write_str(text);
    out.finish();
}

/// Writes `value` as pretty JSON and a line break.
pub fn emit_json(value: &impl Serialize) {
    let mut text = to_json(value);
    text.push('\n');
    emit(&text);
}

/// Standard output, buffered, written piece by piece as a command produces it. After a
/// write fails (the reader went away, or another error, said once) the rest is dropped.
pub struct Stdout {
    out: io::BufWriter<io::StdoutLock<'static>>,
    failed: bool,
}

impl Default for Stdout {
    fn default() -> Self {
        Self::new()
    }
}

impl Stdout {
    pub fn new() -> Self {
        Stdout {
            out: io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
            failed: false,
        }
    }

    fn write_str(&mut self, text: &str) {
        if !self.failed {
            let written = self.out.write_all(text.as_bytes());
            self.check(written);
        }
    }

    /// Flushes what is left.
    pub fn finish(mut self) {
        if !self.failed {
            let flushed = self.out.flush();
            self.check(flushed);
        }
    }

    fn check(&mut self, result: io::Result<()>) {
        if let Err(e) = result {
            self.failed = true;
            if e.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("iamscope: cannot write output: {e}");
            }
        }
    }
}

/// Where output written piece by piece goes: standard output, or a string.
pub trait Sink {
    fn write(&mut self, text: &str);
}

impl Sink for Stdout {
    fn write(&mut self, text: &str) {
        self.write_str(text);
    }
}

impl Sink for String {
    fn write(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// A JSON array written one element at a time, laid out as [`to_json`] lays out the
/// whole value: `open` writes up to `[`, each `item` an element already rendered by
/// [`JsonArray::element`] (or `push` a value), `close` the `]`. `indent` is the depth of
/// the array's own line.
pub struct JsonArray {
    indent: usize,
    items: usize,
}

impl JsonArray {
    /// Starts an array at `indent` levels (of two spaces), after `head` (such as
    /// `{\n  "findings": `).
    pub fn open(out: &mut impl Sink, head: &str, indent: usize) -> JsonArray {
        out.write(head);
        out.write("[");
        JsonArray { indent, items: 0 }
    }

    /// An element of an array opened at `indent`, rendered for [`item`](Self::item): on the
    /// thread that made the value, so the thread writing the array only copies it.
    pub fn element(value: &impl Serialize, indent: usize) -> String {
        to_json_at(value, indent + 1)
    }

    /// Adds one element rendered by [`element`](Self::element) for this array's `indent`.
    pub fn item(&mut self, out: &mut impl Sink, element: &str) {
        self.begin_item(out);
        out.write(element);
    }

    /// Adds `value` as one element.
    pub fn push(&mut self, out: &mut impl Sink, value: &impl Serialize) {
        self.item(out, &Self::element(value, self.indent));
    }

    /// Starts an element the caller writes itself, its lines after the first indented by
    /// the depth returned.
    pub fn begin_item(&mut self, out: &mut impl Sink) -> usize {
        out.write(if self.items == 0 { "\n" } else { ",\n" });
        self.items += 1;
        out.write(&"  ".repeat(self.indent + 1));
        self.indent + 1
    }

    /// Ends the array.
    pub fn close(self, out: &mut impl Sink) {
        if self.items > 0 {
            out.write("\n");
            out.write(&"  ".repeat(self.indent));
        }
        out.write("]");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_escapes_what_a_terminal_acts_on_and_stays_valid() {
        let value = serde_json::json!({"sid": "A\u{9b}31mB\u{202e}C\u{7f}D\u{1b}E", "ok": "é ☃"});
        let text = to_json(&value);
        let unsafe_chars = |c: char| c != '\n' && crate::text::is_unsafe(c);
        assert!(!text.chars().any(unsafe_chars), "{text}");
        assert!(
            text.contains(r#""A\u009b31mB\u202eC\u007fD\u001bE""#),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn an_array_written_piece_by_piece_reads_as_the_whole_value() {
        let items = [
            json!({"a": [1, {"s": "x\ny"}], "b": {}}),
            json!("x"),
            json!([]),
        ];
        let whole = json!({"items": items, "n": {"c": 3}});
        let mut out = String::from("{\n  \"items\": ");
        let mut array = JsonArray::open(&mut out, "", 1);
        array.push(&mut out, &items[0]);
        for item in &items[1..] {
            array.item(&mut out, &JsonArray::element(item, 1));
        }
        array.close(&mut out);
        out.push_str(",\n  \"n\": ");
        out.push_str(&to_json_at(&json!({"c": 3}), 1));
        out.push_str("\n}");
        assert_eq!(out, to_json(&whole));
        let mut empty = String::new();
        JsonArray::open(&mut empty, "", 1).close(&mut empty);
        assert_eq!(empty, "[]");
    }
}

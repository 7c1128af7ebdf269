//! Writing command output to standard output. A reader that goes away early (`iamscope tree
//! … | head`) is not an error: output simply stops. JSON escapes every character a terminal
//! would act on (C1 controls, DEL, bidirectional overrides), not only the ones JSON requires,
//! so `--format json` piped to a terminal is as safe as the text output.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Writes `text` to standard output.
pub fn emit(text: &str) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != io::ErrorKind::BrokenPipe
    {
        eprintln!("iamscope: cannot write output: {e}");
    }
}

/// Writes `value` as pretty JSON and a line break.
pub fn emit_json(value: &impl Serialize) {
    let mut text = to_json(value);
    text.push('\n');
    emit(&text);
}

/// `value` as pretty JSON with every unsafe character escaped as `\uXXXX`.
pub fn to_json(value: &impl Serialize) -> String {
    let mut bytes = Vec::new();
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut bytes, SafeFormatter(PrettyFormatter::new()));
    if let Err(e) = value.serialize(&mut serializer) {
        eprintln!("iamscope: cannot write JSON: {e}");
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// serde_json's pretty layout, escaping what a terminal would act on.
struct SafeFormatter<'a>(PrettyFormatter<'a>);

impl Formatter for SafeFormatter<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if crate::text::is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

//! IAM JSON for the detail pane: pretty-printed, escaped, and coloured (keys, numbers and
//! booleans, and an Effect by what it means).

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::plain;
use super::theme::Theme;
use crate::model::PolicyDocument;
use crate::model::json::document_to_json;
use crate::text::escape;

/// A policy document's JSON, as much of it as `budget` lines show: only the statements
/// that can appear are printed, so a policy of thousands of statements costs one screen.
pub fn document_lines(doc: &PolicyDocument, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    // A statement takes at least three lines (`{`, an element, `}`).
    let room = budget / 3 + 1;
    let mut out = if doc.statements.len() > room {
        let head = PolicyDocument {
            version: doc.version.clone(),
            id: doc.id.clone(),
            statements: doc.statements[..room].to_vec(),
            statement_is_object: doc.statement_is_object,
            unknown: doc.unknown.clone(),
            keys: doc.keys.clone(),
            loc: doc.loc,
            synthesized: doc.synthesized,
        };
        lines(&document_to_json(&head), theme, budget)
    } else {
        lines(&document_to_json(doc), theme, budget)
    };
    out.truncate(budget);
    out
}

/// The first `budget` lines of `value` pretty-printed: printing stops there, so a statement
/// of a hundred thousand actions costs one screen a frame.
pub fn lines(value: &Value, theme: Theme, budget: usize) -> Vec<Line<'static>> {
    let mut text = FirstLines {
        bytes: Vec::new(),
        left: budget,
    };
    // Stopping at the budget is an error to the serializer; what was printed is kept.
    let _ = serde_json::to_writer_pretty(&mut text, value);
    String::from_utf8_lossy(&text.bytes)
        .lines()
        .map(|l| line(&escape(l), theme))
        .collect()
}

/// A writer that keeps the first lines written and refuses the rest.
struct FirstLines {
    bytes: Vec<u8>,
    /// How many more line ends it takes.
    left: usize,
}

impl std::io::Write for FirstLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("enough lines"));
        }
        let mut taken = buf.len();
        for (i, &b) in buf.iter().enumerate() {
            if b == b'\n' {
                self.left -= 1;
                if self.left == 0 {
                    taken = i + 1;
                    break;
                }
            }
        }
        self.bytes.extend_from_slice(&buf[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One line of pretty JSON: an indent, maybe a `"key": `, then a value or punctuation.
fn line(text: &str, theme: Theme) -> Line<'static> {
    let body = text.trim_start();
    let mut spans = vec![plain(&text[..text.len() - body.len()])];
    let mut rest = body;
    let mut key = "";
    if rest.starts_with('"') {
        let end = string_end(rest);
        if let Some(after) = rest[end..].strip_prefix(": ") {
            key = &rest[..end];
            spans.push(Span::styled(key.to_string(), theme.json_key()));
            spans.push(plain(": "));
            rest = after;
        }
    }
    let (value, tail) = if rest.starts_with('"') {
        rest.split_at(string_end(rest))
    } else if rest.starts_with(|c: char| c == '-' || c.is_ascii_alphanumeric()) {
        rest.split_at(rest.find(',').unwrap_or(rest.len()))
    } else {
        ("", rest)
    };
    let style = match value.chars().next() {
        None => Style::new(),
        Some('"') if key == "\"Effect\"" => theme.effect(value.trim_matches('"')),
        Some('"') => Style::new(),
        Some(_) => theme.json_scalar(),
    };
    if !value.is_empty() {
        spans.push(Span::styled(value.to_string(), style));
    }
    if !tail.is_empty() {
        spans.push(plain(tail));
    }
    Line::from(spans)
}

/// The byte just after the JSON string `s` starts with (its closing quote included).
fn string_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<String> {
        line(text, Theme::new(true))
            .spans
            .iter()
            .map(|s| s.content.to_string())
            .collect()
    }

    #[test]
    fn splits_keys_values_and_punctuation() {
        assert_eq!(
            parts(r#"  "Sid": "A\"b","#),
            ["  ", r#""Sid""#, ": ", r#""A\"b""#, ","]
        );
        assert_eq!(
            parts(r#"    "Statement": ["#),
            ["    ", r#""Statement""#, ": ", "["]
        );
        assert_eq!(parts("      10,"), ["      ", "10", ","]);
        assert_eq!(parts("  },"), ["  ", "},"]);
        assert_eq!(parts(r#"  "s3:GetObject""#), ["  ", r#""s3:GetObject""#]);
    }

    #[test]
    fn a_long_policy_is_printed_only_as_far_as_it_shows() {
        let statement = r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#;
        let text = format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            vec![statement; 1000].join(",")
        );
        let source = crate::assemble::load_text("big.json", &text, &Default::default());
        let doc = source.roles[0].policies[0]
            .document
            .clone()
            .unwrap_or_default();
        let shown = document_lines(&doc, Theme::new(false), 10);
        let text: Vec<String> = shown.iter().map(|l| l.to_string()).collect();
        assert_eq!(
            text,
            [
                "{",
                r#"  "Version": "2012-10-17","#,
                r#"  "Statement": ["#,
                "    {",
                r#"      "Effect": "Allow","#,
                r#"      "Action": "s3:GetObject","#,
                r#"      "Resource": "*""#,
                "    },",
                "    {",
                r#"      "Effect": "Allow","#,
            ]
        );
        let whole = document_lines(&doc, Theme::new(false), 6000);
        assert_eq!(whole.len(), 3 + 5 * 1000 + 2);
        assert_eq!(whole.last().map(|l| l.to_string()).as_deref(), Some("}"));
    }

    #[test]
    fn effects_are_coloured_by_meaning() {
        let theme = Theme::new(true);
        let allow = line(r#"  "Effect": "Allow","#, theme);
        assert_eq!(allow.spans[3].style, theme.effect("Allow"));
        let other = line(r#"  "Sid": "Allow","#, theme);
        assert_eq!(other.spans[3].style, Style::new());
    }

    #[test]
    fn printing_stops_at_the_budget() {
        let actions: Vec<String> = (0..100_000).map(|i| format!("s3:Get{i}")).collect();
        let value = serde_json::json!({"Action": actions});
        let text = |budget| -> Vec<String> {
            lines(&value, Theme::new(false), budget)
                .iter()
                .map(|l| l.to_string())
                .collect()
        };
        assert_eq!(text(3), ["{", "  \"Action\": [", "    \"s3:Get0\","]);
        assert!(text(0).is_empty());
        assert_eq!(
            lines(&serde_json::json!([1]), Theme::new(false), 10).len(),
            3
        );
    }
}

//! A quick look at a line of JSON: where the members of its object and the elements of an
//! array are, without building a tree. `why --scenarios` uses it to find the policies of a
//! line, whose compiled form it keeps between lines. It accepts only plain, well-formed
//! layout (no comments, no escapes in keys, no trailing commas); for anything else it
//! answers `None` and the line goes to the full reader, which says what is wrong and where.
//! The values it finds are read by the full reader all the same.

use std::ops::Range;

/// How deeply brackets may nest before the line is left to the full reader.
const MAX_DEPTH: usize = 64;

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        i += 1;
    }
    i
}

/// A line with its brackets matched in one pass over its bytes.
pub struct Skim<'t> {
    text: &'t str,
    /// For each `{` or `[` outside strings, the end (exclusive) of its value; 0 elsewhere.
    ends: Vec<u32>,
}

impl<'t> Skim<'t> {
    /// `None` when the brackets do not match, nest deeper than [`MAX_DEPTH`], or a string
    /// does not end.
    pub fn new(text: &'t str) -> Option<Skim<'t>> {
        let b = text.as_bytes();
        u32::try_from(b.len()).ok()?;
        let mut ends = vec![0u32; b.len()];
        let mut stack = [(0usize, 0u8); MAX_DEPTH];
        let mut depth = 0;
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'"' => {
                    i += 1;
                    loop {
                        match *b.get(i)? {
                            b'"' => break,
                            b'\\' => i += 2,
                            _ => i += 1,
                        }
                    }
                }
                open @ (b'{' | b'[') => {
                    *stack.get_mut(depth)? = (i, if open == b'{' { b'}' } else { b']' });
                    depth += 1;
                }
                close @ (b'}' | b']') => {
                    depth = usize::checked_sub(depth, 1)?;
                    let (at, expected) = stack[depth];
                    if close != expected {
                        return None;
                    }
                    ends[at] = (i + 1) as u32;
                }
                _ => {}
            }
            i += 1;
        }
        (depth == 0).then_some(Skim { text, ends })
    }

    /// The end (exclusive) of the JSON value starting at `start`.
    fn value_end(&self, start: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        match *b.get(start)? {
            b'"' => {
                let mut i = start + 1;
                loop {
                    match *b.get(i)? {
                        b'"' => return Some(i + 1),
                        b'\\' => i += 2,
                        _ => i += 1,
                    }
                }
            }
            b'{' | b'[' => Some(self.ends[start] as usize).filter(|&end| end > start),
            _ => {
                let end = b[start..]
                    .iter()
                    .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                    .map_or(b.len(), |n| start + n);
                (end > start).then_some(end)
            }
        }
    }

    /// The span of the one object the line holds, surrounding space left out.
    pub fn line_object(&self) -> Option<Range<usize>> {
        let b = self.text.as_bytes();
        let start = skip_space(b, 0);
        if b.get(start) != Some(&b'{') {
            return None;
        }
        let end = self.value_end(start)?;
        (skip_space(b, end) == b.len()).then_some(start..end)
    }

    /// The members of the object spanning `span`: each key (without its quotes) and the
    /// span of its value.
    pub fn members(&self, span: Range<usize>) -> Option<Vec<(&'t str, Range<usize>)>> {
        let (text, b) = (self.text, self.text.as_bytes());
        let mut out = Vec::new();
        if b.get(span.start) != Some(&b'{') {
            return None;
        }
        let mut i = skip_space(b, span.start + 1);
        if b.get(i) == Some(&b'}') {
            return (i + 1 == span.end).then_some(out);
        }
        loop {
            if b.get(i) != Some(&b'"') {
                return None;
            }
            let key_end = self.value_end(i)?;
            let key = text.get(i + 1..key_end - 1)?;
            if key.contains('\\') {
                return None;
            }
            i = skip_space(b, key_end);
            if b.get(i) != Some(&b':') {
                return None;
            }
            let start = skip_space(b, i + 1);
            let end = self.value_end(start)?;
            out.push((key, start..end));
            i = skip_space(b, end);
            match b.get(i) {
                Some(b',') => i = skip_space(b, i + 1),
                Some(b'}') if i + 1 == span.end => return Some(out),
                _ => return None,
            }
        }
    }

    /// The spans of the elements of the array spanning `span`.
    pub fn elements(&self, span: Range<usize>) -> Option<Vec<Range<usize>>> {
        let b = self.text.as_bytes();
        let mut out = Vec::new();
        if b.get(span.start) != Some(&b'[') {
            return None;
        }
        let mut i = skip_space(b, span.start + 1);
        if b.get(i) == Some(&b']') {
            return (i + 1 == span.end).then_some(out);
        }
        loop {
            let end = self.value_end(i)?;
            out.push(i..end);
            i = skip_space(b, end);
            match b.get(i) {
                Some(b',') => i = skip_space(b, i + 1),
                Some(b']') if i + 1 == span.end => return Some(out),
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_elements_are_found_with_their_spans() {
        let text = r#" {"a": [1, {"b": "]}"}], "c" : null, "d":"x\"y"} "#;
        let skim = Skim::new(text).unwrap();
        let found = skim.members(skim.line_object().unwrap()).unwrap();
        let keys: Vec<(&str, &str)> = found.iter().map(|(k, r)| (*k, &text[r.clone()])).collect();
        assert_eq!(
            keys,
            [
                ("a", r#"[1, {"b": "]}"}]"#),
                ("c", "null"),
                ("d", r#""x\"y""#)
            ]
        );
        let items: Vec<&str> = skim
            .elements(found[0].1.clone())
            .unwrap()
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(items, ["1", r#"{"b": "]}"}"#]);
    }

    #[test]
    fn anything_unusual_is_left_to_the_full_reader() {
        for text in [
            r#"{"a": 1,}"#,
            r#"{"a": [1}"#,
            r#"{"a": 1} {"b": 2}"#,
            r#"{"a\u0062": 1}"#,
            r#"// c
{"a": 1}"#,
            r#"{"a" 1}"#,
            "",
        ] {
            let skim = Skim::new(text);
            let members = skim
                .as_ref()
                .and_then(|s| s.line_object().and_then(|o| s.members(o)));
            assert!(members.is_none(), "{text}");
        }
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(100), "]".repeat(100));
        assert!(Skim::new(&deep).is_none());
    }
}

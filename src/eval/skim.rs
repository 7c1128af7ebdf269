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

/// The end (exclusive) of the string starting at `start` (a `"`). What it holds is not
/// checked here (the full reader checks every value found).
fn string_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = start + 1;
    loop {
        // `str::find` of one ASCII character searches with memchr: strings are most of a
        // line. `i` follows a `"`, so it is a character boundary.
        let quote = i + text.get(i..)?.find('"')?;
        let backslashes = b[i..quote]
            .iter()
            .rev()
            .take_while(|&&c| c == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return Some(quote + 1);
        }
        i = quote + 1;
    }
}

/// The end (exclusive) of the JSON value starting at `start`, brackets matched outside
/// strings; `None` when they do not match.
pub fn value_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    match *b.get(start)? {
        b'"' => string_end(text, start),
        b'{' | b'[' => {
            let mut stack = [0u8; MAX_DEPTH];
            let mut depth = 0;
            let mut i = start;
            loop {
                match *b.get(i)? {
                    b'"' => {
                        i = string_end(text, i)?;
                        continue;
                    }
                    open @ (b'{' | b'[') => {
                        *stack.get_mut(depth)? = if open == b'{' { b'}' } else { b']' };
                        depth += 1;
                    }
                    close @ (b'}' | b']') => {
                        depth = depth.checked_sub(1)?;
                        if stack[depth] != close {
                            return None;
                        }
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let end = b[start..]
                .iter()
                .position(|c| matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n'))
                .map_or(b.len(), |n| start + n);
            (end > start).then_some(end)
        }
    }
}

/// The members of the object spanning `span` of `text`: each key (without its quotes) and
/// the span of its value.
pub fn members(text: &str, span: Range<usize>) -> Option<Vec<(&str, Range<usize>)>> {
    let b = text.as_bytes();
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
        let key_end = string_end(text, i)?;
        let key = text.get(i + 1..key_end - 1)?;
        if key.contains('\\') {
            return None;
        }
        i = skip_space(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let start = skip_space(b, i + 1);
        let end = value_end(text, start)?;
        out.push((key, start..end));
        i = skip_space(b, end);
        match b.get(i) {
            Some(b',') => i = skip_space(b, i + 1),
            Some(b'}') if i + 1 == span.end => return Some(out),
            _ => return None,
        }
    }
}

/// The spans of the elements of the array spanning `span` of `text`.
pub fn elements(text: &str, span: Range<usize>) -> Option<Vec<Range<usize>>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    if b.get(span.start) != Some(&b'[') {
        return None;
    }
    let mut i = skip_space(b, span.start + 1);
    if b.get(i) == Some(&b']') {
        return (i + 1 == span.end).then_some(out);
    }
    loop {
        let end = value_end(text, i)?;
        out.push(i..end);
        i = skip_space(b, end);
        match b.get(i) {
            Some(b',') => i = skip_space(b, i + 1),
            Some(b']') if i + 1 == span.end => return Some(out),
            _ => return None,
        }
    }
}

/// The span of the one object a line holds, surrounding space left out.
pub fn line_object(text: &str) -> Option<Range<usize>> {
    let b = text.as_bytes();
    let start = skip_space(b, 0);
    if b.get(start) != Some(&b'{') {
        return None;
    }
    let end = value_end(text, start)?;
    (skip_space(b, end) == b.len()).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_elements_are_found_with_their_spans() {
        let text = r#" {"a": [1, {"b": "]}"}], "c" : null, "d":"x\"y"} "#;
        let span = line_object(text).unwrap();
        let found = members(text, span).unwrap();
        let keys: Vec<(&str, &str)> = found.iter().map(|(k, r)| (*k, &text[r.clone()])).collect();
        assert_eq!(
            keys,
            [
                ("a", r#"[1, {"b": "]}"}]"#),
                ("c", "null"),
                ("d", r#""x\"y""#)
            ]
        );
        let items: Vec<&str> = elements(text, found[0].1.clone())
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
            assert!(
                line_object(text).and_then(|s| members(text, s)).is_none(),
                "{text}"
            );
        }
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(100), "]".repeat(100));
        assert!(line_object(&deep).is_none());
    }
}

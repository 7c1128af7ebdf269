//! Finding JSON policies inside other text: a policy pasted into a page without a fence, a
//! heredoc in a Terraform snippet, page text copied from a browser.
//!
//! A candidate starts with `{` at the beginning of a line (after indentation) and ends where
//! its braces and brackets balance, strings taken into account; it counts when it has a
//! `"Statement"` or `"Effect"` key. When they never balance (broken JSON), it ends at the
//! first blank line followed by a line that does not continue JSON. The JSON loader then
//! repairs and reads it. Every scan is linear: a candidate that is not a policy is skipped
//! whole.

use std::ops::Range;

/// The longest candidate looked at, so a stray `{` cannot make a scan read a whole dump.
const MAX_OBJECT_BYTES: usize = 4 << 20;

/// The byte ranges of the policy-like JSON objects in `text`, outside the `skip` ranges.
pub fn json_objects(text: &str, skip: &[Range<usize>]) -> Vec<Range<usize>> {
    let balanced = balanced_ends(text);
    let skip = merged(skip);
    let (mut b, mut k) = (0, 0);
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let start = first_on_line(text, pos, line_end);
        let mut next = line_end + 1;
        while skip.get(k).is_some_and(|r| r.end <= start) {
            k += 1;
        }
        if text[start..].starts_with('{') && skip.get(k).is_none_or(|r| r.start > start) {
            while balanced.get(b).is_some_and(|&(s, _)| s < start) {
                b += 1;
            }
            let limit = limit(text, start);
            let end = match balanced.get(b) {
                Some(&(s, e)) if s == start && e <= limit => e,
                _ => unbalanced_end(text, start, limit),
            };
            let candidate = &text[start..end];
            if candidate.contains("\"Statement\"") || candidate.contains("\"Effect\"") {
                out.push(start..end);
            }
            next = next.max(text[end..].find('\n').map_or(text.len(), |i| end + i + 1));
        }
        pos = next;
    }
    out
}

/// Where the line from `pos` to `line_end` has its first character after indentation.
fn first_on_line(text: &str, pos: usize, line_end: usize) -> usize {
    let line = &text[pos..line_end];
    pos + (line.len() - line.trim_start().len())
}

/// The furthest a candidate starting at `start` may reach, on a character boundary.
fn limit(text: &str, start: usize) -> usize {
    let mut limit = text.len().min(start + MAX_OBJECT_BYTES);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    limit
}

/// Ranges sorted, overlapping ones joined.
fn merged(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| r.start);
    let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// For every `{` that starts a line (after indentation), where its braces and brackets
/// balance (exclusive), in order; strings are taken into account, and end at the end of
/// their line, as broken JSON often leaves one open. One pass for the whole text, so that
/// scanning a candidate costs nothing however many candidates overlap.
fn balanced_ends(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Open candidates: where each starts and the depth outside it.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut pos = 0;
    while pos < b.len() {
        let line_end = text[pos..].find('\n').map_or(b.len(), |i| pos + i);
        let first = first_on_line(text, pos, line_end);
        // A line break always ends a string.
        let mut in_string = false;
        let mut i = pos;
        while i < line_end {
            match (in_string, b[i]) {
                (true, b'\\') => i += 1,
                (true, b'"') => in_string = false,
                (false, b'"') => in_string = true,
                (false, c @ (b'{' | b'[')) => {
                    if c == b'{' && i == first {
                        open.push((i, depth));
                    }
                    depth += 1;
                }
                (false, b'}' | b']') => {
                    depth = depth.saturating_sub(1);
                    if let Some(&(start, outside)) = open.last()
                        && outside == depth
                    {
                        open.pop();
                        out.push((start, i + 1));
                    }
                }
                _ => {}
            }
            i += 1;
        }
        pos = line_end + 1;
    }
    out.sort_unstable();
    out
}

/// The end of broken JSON: the first blank line after which the text does not go on as
/// JSON, else `limit`.
fn unbalanced_end(text: &str, start: usize, limit: usize) -> usize {
    let region = &text[..limit];
    let mut at = start;
    while let Some(i) = region[at..].find('\n') {
        let line = at + i + 1;
        let rest = &region[line..];
        if !(rest.starts_with('\n') || rest.starts_with("\r\n")) {
            at = line;
            continue;
        }
        let after = rest.trim_start();
        if !after.starts_with(['{', '}', '[', ']', '"', ',']) {
            return text[..line].trim_end().len();
        }
        // Every blank line up to `after` leads to it: go on from there.
        at = limit - after.len();
    }
    limit
}

/// The short line just above `at` that labels an unfenced policy (`snowflake_policy`,
/// `Trust policy:`), without a trailing colon: at most six words, not a sentence, not code
/// (`policy = <<EOF`).
pub fn label_before(text: &str, at: usize) -> Option<String> {
    let before = text[..at].trim_end();
    let line = before.rsplit('\n').next()?.trim();
    let line = line.trim_end_matches(':').trim();
    let words = line.split_whitespace().count();
    let sentence = line.ends_with(['.', '!', '?', ',', ';']);
    ((1..=6).contains(&words)
        && line.chars().count() <= 60
        && !sentence
        && !line.contains(['{', '}', '|', '`', '#', '=', '<', '"']))
    .then(|| line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_unfenced_policies_and_their_labels() {
        let text = "intro\nsnowflake_policy\n{\n  \"Statement\": [{\"Effect\": \"Allow\", \"Sid\": \"a}\"}]\n}\ntail {x}\n{\"name\": 1}\n";
        let found = json_objects(text, &[]);
        assert_eq!(found.len(), 1);
        assert!(text[found[0].clone()].starts_with('{') && text[found[0].clone()].ends_with('}'));
        assert_eq!(found[0].end, text.find("\ntail").unwrap());
        assert_eq!(
            label_before(text, found[0].start).as_deref(),
            Some("snowflake_policy")
        );
        assert_eq!(label_before("This is a sentence.\n{", 21), None);
        assert_eq!(label_before("  policy = <<EOF\n{", 17), None);
    }

    #[test]
    fn skipped_ranges_and_broken_json() {
        let text =
            "{\"Statement\": []}\n\n{\n\"Statement\": [\n  {\"Effect\": \"Allow\"\n\nThe end.";
        let skip = vec![std::ops::Range { start: 0, end: 5 }];
        let found = json_objects(text, &skip);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].start, found[0].end),
            (19, text.find("\n\nThe").unwrap())
        );
    }

    #[test]
    fn a_candidate_cut_at_the_limit_ends_on_a_character() {
        let text = format!("{{\"Effect\": [\n{}", "é".repeat(MAX_OBJECT_BYTES));
        let found = json_objects(&text, &[]);
        assert_eq!(found.len(), 1);
        assert!(text.is_char_boundary(found[0].end));
    }

    #[test]
    fn a_lone_brace_costs_one_scan() {
        let text = "{\n".repeat(10_000);
        assert!(json_objects(&text, &[]).is_empty());
    }
}

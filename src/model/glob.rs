//! Wildcard matching as IAM does it: `*` matches any run of characters (none included),
//! `?` exactly one character. Everything else matches itself.
//!
//! No backtracking: a pattern is a list of fixed-length segments separated by `*`. The first
//! segment must match at the start, the last at the end, and each one in between is placed
//! at its leftmost match after the previous one, which is always right for this kind of
//! pattern (placing a segment earlier only leaves more room for the rest). The cost is at
//! most the text length times the pattern length, never exponential.
//!
//! [`matches`] and [`matches_ignore_ascii_case`] serve plain strings (actions, ARNs,
//! condition values without policy variables, ignore-file paths); `eval::pattern` feeds its
//! compiled patterns with policy variables through the same engine. The catalog expands
//! action patterns with it too, so every part of iamscope agrees on what a wildcard covers.

/// A run of pattern between two `*`: items that each match a fixed number of characters.
pub(crate) trait Segment {
    /// Where the segment ends when it starts at byte `at` of `text`, if it matches there.
    fn match_at(&self, text: &str, at: usize) -> Option<usize>;
    /// How many characters the segment matches.
    fn char_len(&self) -> usize;
}

/// Whether `segments` (the parts of a pattern between its `*`, in order) match all of
/// `text`. One segment means the pattern has no `*`.
pub(crate) fn match_segments<S: Segment>(
    segments: impl IntoIterator<Item = S>,
    text: &str,
) -> bool {
    let mut segments = segments.into_iter().peekable();
    let Some(first) = segments.next() else {
        return text.is_empty();
    };
    let Some(mut pos) = first.match_at(text, 0) else {
        return false;
    };
    if segments.peek().is_none() {
        return pos == text.len();
    }
    while let Some(segment) = segments.next() {
        if segments.peek().is_none() {
            // The last segment is anchored at the end of the text.
            return start_of_last_chars(text, segment.char_len())
                .is_some_and(|start| start >= pos && segment.match_at(text, start).is_some());
        }
        let found = (pos..=text.len())
            .filter(|&at| text.is_char_boundary(at))
            .find_map(|at| segment.match_at(text, at));
        match found {
            Some(end) => pos = end,
            None => return false,
        }
    }
    pos == text.len()
}

/// The byte offset where the last `n` characters of `text` begin, if it has that many.
fn start_of_last_chars(text: &str, n: usize) -> Option<usize> {
    if n == 0 {
        return Some(text.len());
    }
    text.char_indices().rev().nth(n - 1).map(|(i, _)| i)
}

/// The byte length of the character starting at `at`, if there is one.
pub(crate) fn char_len_at(text: &str, at: usize) -> Option<usize> {
    text.get(at..)?.chars().next().map(char::len_utf8)
}

/// A segment of a plain pattern string (no `*` inside; `?` matches one character).
struct Plain<'a> {
    pattern: &'a str,
    ignore_ascii_case: bool,
}

impl Segment for Plain<'_> {
    fn match_at(&self, text: &str, at: usize) -> Option<usize> {
        let mut pos = at;
        for c in self.pattern.chars() {
            let next = text.get(pos..)?.chars().next()?;
            let same =
                c == '?' || c == next || (self.ignore_ascii_case && c.eq_ignore_ascii_case(&next));
            if !same {
                return None;
            }
            pos += next.len_utf8();
        }
        Some(pos)
    }

    fn char_len(&self) -> usize {
        self.pattern.chars().count()
    }
}

/// Whether `pattern` (with `*` and `?`) matches all of `text`, case-sensitively, as ARNs
/// and condition values are compared.
pub fn matches(pattern: &str, text: &str) -> bool {
    plain(pattern, text, false)
}

/// Whether `pattern` matches all of `text`, ignoring ASCII case, as action names are
/// compared.
pub fn matches_ignore_ascii_case(pattern: &str, text: &str) -> bool {
    plain(pattern, text, true)
}

fn plain(pattern: &str, text: &str, ignore_ascii_case: bool) -> bool {
    match_segments(
        pattern.split('*').map(|pattern| Plain {
            pattern,
            ignore_ascii_case,
        }),
        text,
    )
}

/// Whether `s` holds a wildcard character.
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_patterns_match_only_themselves() {
        assert!(matches("abc", "abc"));
        assert!(!matches("abc", "abcd"));
        assert!(!matches("abc", "ab"));
        assert!(!matches("abc", "ABC"));
        assert!(matches("", ""));
        assert!(!matches("", "a"));
    }

    #[test]
    fn star_matches_any_run_including_slashes_and_colons() {
        assert!(matches("*", ""));
        assert!(matches("*", "anything/at:all"));
        assert!(matches("b/*/test/*", "b/1/2/test/3/o.jpg"));
        assert!(matches("a*b*c", "abc"));
        assert!(matches("a*b*c", "aXbYbZc"));
        assert!(!matches("a*b*c", "aXbYbZ"));
        assert!(matches("**", "x"));
        assert!(matches("a*a", "aa"));
        assert!(!matches("a*a", "a"));
        assert!(matches("*ab", "aab"));
    }

    #[test]
    fn question_mark_matches_one_character() {
        assert!(matches("a?c", "abc"));
        assert!(!matches("a?c", "ac"));
        assert!(matches("??", "é😀"));
        assert!(!matches("???", "é😀"));
        assert!(matches("*?", "x"));
        assert!(!matches("*?", ""));
        assert!(matches("é*?", "éxyz"));
    }

    #[test]
    fn case_is_ignored_only_when_asked() {
        assert!(matches_ignore_ascii_case("S3:get*", "s3:GetObject"));
        assert!(!matches("S3:get*", "s3:GetObject"));
    }

    #[test]
    fn many_stars_over_a_long_text_stay_fast() {
        let text = "a".repeat(20_000);
        let pattern = format!("{}b", "a*".repeat(200));
        let started = std::time::Instant::now();
        assert!(!matches(&pattern, &text));
        assert!(started.elapsed().as_secs() < 2);
    }

    #[test]
    fn stars_and_question_marks() {
        assert!(matches_ignore_ascii_case("Create*", "CreateKey"));
        assert!(matches_ignore_ascii_case("create*", "CREATEKEY"));
        assert!(matches_ignore_ascii_case("*", ""));
        assert!(matches_ignore_ascii_case("Describe?pc*", "DescribeVpcs"));
        assert!(!matches_ignore_ascii_case("Describe?pc*", "DescribeV"));
        assert!(matches_ignore_ascii_case("*Key", "CreateKey"));
        assert!(matches_ignore_ascii_case("*e*e*", "CreateKey"));
        assert!(!matches_ignore_ascii_case("*e*e*e*e*", "CreateKey"));
        assert!(!matches_ignore_ascii_case("Get", "GetObject"));
        assert!(!matches_ignore_ascii_case("?", ""));
        assert!(matches_ignore_ascii_case("?", "é"));
    }

    #[test]
    fn case_sensitive_variant_for_arns() {
        assert!(matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b.txt"
        ));
        assert!(!matches("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a"));
        assert!(matches(
            "arn:aws:iam::*:role/?dmin",
            "arn:aws:iam::123:role/admin"
        ));
    }

    #[test]
    fn many_stars_against_a_long_text_finish() {
        let text = "a".repeat(100_000);
        assert!(!matches_ignore_ascii_case("a*a*a*a*a*a*a*a*a*a*b", &text));
        assert!(matches_ignore_ascii_case("a*a*a*a*a*a*a*a*a*a*", &text));
    }
}

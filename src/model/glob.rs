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
//!
//! [`overlaps`] and [`covers`] compare two patterns with each other (can they match a common
//! text; does one match everything the other does), for the findings that reason about
//! Resource and Action patterns without a request.

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
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// One item of a pattern, for comparing two patterns with each other.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Star,
    One,
    Char(char),
}

fn tokens(pattern: &str) -> Vec<Token> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Token::Star,
            '?' => Token::One,
            c => Token::Char(c),
        })
        .collect()
}

/// Patterns longer than this (the product of their lengths) are not compared item by
/// item: [`overlaps`] then answers yes and [`covers`] no, the answers that claim nothing.
const MAX_PAIR_CELLS: usize = 1 << 20;

fn same_char(a: char, b: char, ignore_ascii_case: bool) -> bool {
    a == b || (ignore_ascii_case && a.eq_ignore_ascii_case(&b))
}

/// Whether some text matches both `a` and `b` (both with `*` and `?`). Used to tell for
/// certain that a Resource can never name a resource type: only `false` claims anything.
pub fn overlaps(a: &str, b: &str, ignore_ascii_case: bool) -> bool {
    // The usual parts of two ARNs: one side any text, or both the same (a pattern always
    // matches some text, which the same pattern matches too).
    let same = if ignore_ascii_case {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    };
    if same || a == "*" || b == "*" {
        return true;
    }
    if !has_wildcard(a) {
        return plain(b, a, ignore_ascii_case);
    }
    if !has_wildcard(b) {
        return plain(a, b, ignore_ascii_case);
    }
    if (a.chars().count() + 1).saturating_mul(b.chars().count() + 1) > MAX_PAIR_CELLS {
        return true;
    }
    // Items before the first star of either side (and after the last) each meet one
    // character of the common text, so they are compared pairwise; what is left is most
    // often a lone `*` (`instance/*` against `instance/i-*`), which overlaps anything.
    let Some((a, b)) = strip_fixed_ends(a, b, ignore_ascii_case) else {
        return false;
    };
    if a == "*" || b == "*" {
        return true;
    }
    let (a, b) = (tokens(a), tokens(b));
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    // can[i * width + j]: a[i..] and b[j..] match a common text; filled from the ends.
    let mut can = vec![false; (n + 1) * width];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            can[i * width + j] = match (a.get(i), b.get(j)) {
                (None, None) => true,
                // A star matches nothing, or takes the next character the other side makes.
                (Some(Token::Star), _) => {
                    can[(i + 1) * width + j] || (j < m && can[i * width + j + 1])
                }
                (_, Some(Token::Star)) => {
                    can[i * width + j + 1] || (i < n && can[(i + 1) * width + j])
                }
                (Some(x), Some(y)) => {
                    let fits = match (x, y) {
                        (Token::Char(x), Token::Char(y)) => same_char(*x, *y, ignore_ascii_case),
                        _ => true,
                    };
                    fits && can[(i + 1) * width + j + 1]
                }
                _ => false,
            };
        }
    }
    can[0]
}

/// `a` and `b` without the items both have before their first `*` and after their last,
/// or `None` when two of those items can never be the same character.
fn strip_fixed_ends<'p>(
    mut a: &'p str,
    mut b: &'p str,
    ignore_ascii_case: bool,
) -> Option<(&'p str, &'p str)> {
    let fits = |x: char, y: char| x == '?' || y == '?' || same_char(x, y, ignore_ascii_case);
    loop {
        match (a.chars().next(), b.chars().next()) {
            (Some(x), Some(y)) if x != '*' && y != '*' => {
                if !fits(x, y) {
                    return None;
                }
                a = &a[x.len_utf8()..];
                b = &b[y.len_utf8()..];
            }
            _ => break,
        }
    }
    loop {
        match (a.chars().next_back(), b.chars().next_back()) {
            (Some(x), Some(y)) if x != '*' && y != '*' => {
                if !fits(x, y) {
                    return None;
                }
                a = &a[..a.len() - x.len_utf8()];
                b = &b[..b.len() - y.len_utf8()];
            }
            _ => break,
        }
    }
    Some((a, b))
}

/// Whether every text `specific` matches, `general` matches too (both with `*` and `?`).
/// Sound but not complete: `true` is certain; a `false` may miss some coverings that
/// need reasoning across several stars.
pub fn covers(general: &str, specific: &str, ignore_ascii_case: bool) -> bool {
    if !has_wildcard(specific) {
        return plain(general, specific, ignore_ascii_case);
    }
    if !has_wildcard(general) {
        return false;
    }
    if let Some(prefix) = general.strip_suffix('*')
        && !has_wildcard(prefix)
    {
        // `prefix*` covers whatever starts with the prefix, wildcards included.
        return specific.len() >= prefix.len()
            && specific.is_char_boundary(prefix.len())
            && same_text(&specific[..prefix.len()], prefix, ignore_ascii_case);
    }
    let (g, s) = (tokens(general), tokens(specific));
    let (n, m) = (g.len(), s.len());
    let width = m + 1;
    if (n + 1).saturating_mul(width) > MAX_PAIR_CELLS {
        return false;
    }
    // ok[i * width + j]: g[i..] covers s[j..]. A star of `specific` can only be covered by
    // a star of `general`, a `?` by a `?` or a star.
    let mut ok = vec![false; (n + 1) * width];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            ok[i * width + j] = match (g.get(i), s.get(j)) {
                (None, None) => true,
                (Some(Token::Star), _) => {
                    ok[(i + 1) * width + j] || (j < m && ok[i * width + j + 1])
                }
                (Some(Token::One), Some(Token::One | Token::Char(_))) => {
                    ok[(i + 1) * width + j + 1]
                }
                (Some(Token::Char(x)), Some(Token::Char(y))) => {
                    same_char(*x, *y, ignore_ascii_case) && ok[(i + 1) * width + j + 1]
                }
                _ => false,
            };
        }
    }
    ok[0]
}

fn same_text(a: &str, b: &str, ignore_ascii_case: bool) -> bool {
    if ignore_ascii_case {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_that_share_a_text_overlap() {
        assert!(overlaps("role/*", "role/dstack_*", false));
        assert!(overlaps("*/*", "bucket*", false));
        assert!(overlaps("a?c", "*c", false));
        assert!(overlaps("*", "", false));
        assert!(overlaps("ROLE/*", "role/x", true));
        assert!(!overlaps("policy/*", "role/dstack_policy_*", false));
        assert!(!overlaps("*/*", "bucket", false));
        assert!(!overlaps("a?", "a", false));
        assert!(!overlaps("ROLE/*", "role/x", false));
        assert!(overlaps("a*x*b", "a?*b", false));
        assert!(overlaps("a?", "a?", false) && overlaps("", "", false));
        assert!(overlaps("ARN", "arn", true) && !overlaps("ARN", "arn", false));
        assert!(overlaps("", "*", false) && overlaps("*", "x?z", false));
        assert!(overlaps("a*c", "*b*", false));
        assert!(!overlaps("instance/*", "volume/*", false));
        assert!(!overlaps("a*b", "a*c", false));
        assert!(!overlaps("ab*", "a", false));
    }

    #[test]
    fn a_pattern_covers_the_texts_of_a_narrower_one() {
        assert!(covers("s3:Get*", "s3:GetObject*", true));
        assert!(covers("s3:*", "S3:getobject", true));
        assert!(covers("*", "anything*", false));
        assert!(covers("role/*", "role/a?c", false));
        assert!(covers("a?c", "abc", false));
        assert!(!covers("s3:GetObject*", "s3:Get*", true));
        assert!(!covers("a?c", "a*c", false));
        assert!(!covers("role/a", "role/*", false));
        assert!(!covers("Role/*", "role/x", false));
    }

    #[test]
    fn huge_pattern_pairs_claim_nothing() {
        let long = "a?".repeat(2_000);
        assert!(overlaps(&long, &format!("{long}b*"), false));
        assert!(!covers(&format!("?{long}"), &format!("?{long}"), false));
    }

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

    /// A segment of a plain pattern that counts the positions it is tried at.
    struct Counted<'a> {
        plain: Plain<'a>,
        tries: &'a std::cell::Cell<usize>,
    }

    impl Segment for Counted<'_> {
        fn match_at(&self, text: &str, at: usize) -> Option<usize> {
            self.tries.set(self.tries.get() + 1);
            self.plain.match_at(text, at)
        }

        fn char_len(&self) -> usize {
            self.plain.char_len()
        }
    }

    /// Whether `pattern` matches `text`, and how many times a segment was tried.
    fn tries(pattern: &str, text: &str) -> (bool, usize) {
        let tries = std::cell::Cell::new(0);
        let segments = pattern.split('*').map(|pattern| Counted {
            plain: Plain {
                pattern,
                ignore_ascii_case: false,
            },
            tries: &tries,
        });
        let matched = match_segments(segments, text);
        assert_eq!(matched, matches(pattern, text));
        (matched, tries.get())
    }

    #[test]
    fn many_stars_over_a_long_text_try_each_position_once() {
        // Each segment is tried from where the previous one ended, never again from an
        // earlier position: at most one try per position of the text, plus one per segment.
        let long = "a".repeat(20_000);
        let cases = [
            (format!("{}b", "a*".repeat(200)), long.clone(), false),
            (format!("{}a", "a*".repeat(200)), long.clone(), true),
            ("*b*c*d".to_string(), format!("{long}bcd"), true),
            ("*b*c*e".to_string(), format!("{long}bcd"), false),
            ("*ab*ab*ab*x".to_string(), "ab".repeat(10_000), false),
        ];
        for (pattern, text, expected) in cases {
            let segments = pattern.split('*').count();
            let (matched, tries) = tries(&pattern, &text);
            assert_eq!(matched, expected, "{pattern}");
            assert!(
                tries <= text.len() + segments,
                "{pattern}: {tries} tries over {} characters",
                text.len()
            );
        }
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

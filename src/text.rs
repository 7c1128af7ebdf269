//! Making text from untrusted input safe to show in a terminal.
//!
//! Vendor files come from strangers: a string in a policy can hold an escape sequence that
//! would move the cursor, retitle the window or write to the clipboard. Every string from
//! input passes through [`escape`] before any output, CLI or TUI. Control characters become
//! visible escapes (`\n`, `\x1b`, `\u{202e}`), so what is shown is what the file holds.
//!
//! Also the comparisons of names that ignore ASCII case, as IAM compares actions: the
//! edit distance behind "did you mean", and [`Caseless`] keys for hash sets.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal raw: C0 and C1 controls, DEL, and the Unicode
/// bidirectional overrides and isolates that can make text read differently than it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Whether `s` holds no [unsafe](is_unsafe) character: printable ASCII, the usual text,
/// is told a byte at a time.
pub fn is_safe(s: &str) -> bool {
    s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(is_unsafe)
}

/// `s` with every unsafe character replaced by a visible escape. Borrows when nothing needs
/// escaping, which is almost always.
pub fn escape(s: &str) -> Cow<'_, str> {
    if is_safe(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// "1 policy", "2 policies": a count and the word that goes with it.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text compared and hashed ignoring ASCII case, without lower-casing a copy.
#[derive(Clone, Copy, Debug)]
pub struct Caseless<'a>(pub &'a str);

impl PartialEq for Caseless<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for Caseless<'_> {}

impl std::hash::Hash for Caseless<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Lower-cased a piece at a time on the stack: texts equal ignoring case hash alike.
        for piece in self.0.as_bytes().chunks(32) {
            let mut lower = [0; 32];
            for (l, b) in lower.iter_mut().zip(piece) {
                *l = b.to_ascii_lowercase();
            }
            state.write(&lower[..piece.len()]);
        }
        state.write_usize(self.0.len());
    }
}

/// Levenshtein distance, ignoring ASCII case.
pub fn edit_distance(a: &str, b: &str) -> usize {
    edit_distance_within(a, b, usize::MAX).unwrap_or(usize::MAX)
}

/// The Levenshtein distance ignoring ASCII case, when it is at most `limit`: the rows stop
/// as soon as every edit path is longer, so a far name costs a few rows, not all of them.
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    if a.is_ascii() && b.is_ascii() {
        return levenshtein(a.as_bytes(), b.as_bytes(), limit, u8::eq_ignore_ascii_case);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    levenshtein(&a, &b, limit, char::eq_ignore_ascii_case)
}

fn levenshtein<T>(a: &[T], b: &[T], limit: usize, same: fn(&T, &T) -> bool) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let replace = previous[j] + usize::from(!same(ca, cb));
            current[j + 1] = replace.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        // A row's smallest value never shrinks in the rows below it.
        if current.iter().min().is_some_and(|&m| m > limit) {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_within_a_limit() {
        assert_eq!(edit_distance("GetObjects", "getobject"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance_within("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance_within("kitten", "sitting", 2), None);
        assert_eq!(
            edit_distance_within("DescribeInstances", "PutObject", 3),
            None
        );
        assert_eq!(edit_distance_within("ab", "abcdef", 3), None);
        assert_eq!(edit_distance_within("same", "SAME", 0), Some(0));
        assert_eq!(edit_distance_within("Gét", "GÉT", 3), Some(1));
        assert_eq!(edit_distance_within("Gét", "get", 3), Some(1));
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape("arn:aws:s3:::b/*"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_and_bidi_are_escaped() {
        assert_eq!(escape("a\x1b[31mb\u{7}"), "a\\x1b[31mb\\x07");
        assert_eq!(escape("x\u{202e}y\u{9b}"), "x\\u{202e}y\\x9b");
        assert_eq!(escape("a\u{61c}b"), "a\\u{61c}b");
        assert_eq!(escape("l1\nl2\t"), "l1\\nl2\\t");
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("S3", "s3"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}

//! Wildcard matching as IAM does it for action names and ARNs: `*` matches any run of
//! characters (none included, `/` and `:` included), `?` matches exactly one character, and
//! every other character matches itself.
//!
//! The matcher walks pattern and text once, remembering only the last `*` seen: when a
//! literal fails to match, the text position after that `*` moves on by one character and
//! matching resumes there. Earlier stars are never revisited (a later star can absorb
//! anything an earlier one could), so there is no backtracking blow-up: `a*a*a*a*b` against a
//! long run of `a`s takes at most |pattern| × |text| steps, and typically one pass.

/// Whether `text` matches `pattern`, comparing letters without regard to ASCII case (action
/// names, condition key names).
pub fn glob_match_ignore_case(pattern: &str, text: &str) -> bool {
    glob(pattern.as_bytes(), text.as_bytes(), |p, t| {
        p.eq_ignore_ascii_case(&t)
    })
}

/// Whether `text` matches `pattern` exactly as written (ARNs, condition values).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    glob(pattern.as_bytes(), text.as_bytes(), |p, t| p == t)
}

/// Whether `s` holds a wildcard character.
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// The length in bytes of the UTF-8 character starting with `first` (1 for a stray
/// continuation byte, so progress is always made).
fn char_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn glob(p: &[u8], t: &[u8], eq: impl Fn(u8, u8) -> bool) -> bool {
    let (mut pi, mut ti) = (0, 0);
    // After the last `*`: where the pattern resumes and where in the text that star stops.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(b'*') => {
                pi += 1;
                star = Some((pi, ti));
                continue;
            }
            Some(b'?') => {
                pi += 1;
                ti = (ti + char_len(t[ti])).min(t.len());
                continue;
            }
            Some(&c) if eq(c, t[ti]) => {
                pi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        let Some((resume, end)) = star else {
            return false;
        };
        // The last star swallows one more character; retry the rest of the pattern there.
        let end = (end + char_len(t[end])).min(t.len());
        star = Some((resume, end));
        pi = resume;
        ti = end;
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(glob_match_ignore_case("Create*", "CreateKey"));
        assert!(glob_match_ignore_case("create*", "CREATEKEY"));
        assert!(glob_match_ignore_case("*", ""));
        assert!(glob_match_ignore_case("Describe?pc*", "DescribeVpcs"));
        assert!(!glob_match_ignore_case("Describe?pc*", "DescribeV"));
        assert!(glob_match_ignore_case("*Key", "CreateKey"));
        assert!(glob_match_ignore_case("*e*e*", "CreateKey"));
        assert!(!glob_match_ignore_case("*e*e*e*e*", "CreateKey"));
        assert!(!glob_match_ignore_case("Get", "GetObject"));
        assert!(!glob_match_ignore_case("?", ""));
        assert!(glob_match_ignore_case("?", "é"));
    }

    #[test]
    fn case_sensitive_variant_for_arns() {
        assert!(glob_match(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/b.txt"
        ));
        assert!(!glob_match(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/a"
        ));
        assert!(glob_match(
            "arn:aws:iam::*:role/?dmin",
            "arn:aws:iam::123:role/admin"
        ));
    }

    #[test]
    fn many_stars_against_a_long_text_finish() {
        let text = "a".repeat(100_000);
        assert!(!glob_match_ignore_case("a*a*a*a*a*a*a*a*a*a*b", &text));
        assert!(glob_match_ignore_case("a*a*a*a*a*a*a*a*a*a*", &text));
    }
}

//! Noise control: findings suppressed with `--ignore CODE` or by rules in an
//! `.iamscope-ignore` file, counted so the summary can say how many were hidden.
//!
//! The file holds one rule a line: a code (or `*` for every code), then optionally a path
//! glob (`*` matches any characters, `?` one) and/or `sid=NAME`; `#` starts a comment.
//!
//! ```text
//! # the vendor's account is in every trust policy on purpose
//! cross-account-trust-without-external-id  vendors/acme/*
//! service-wildcard  sid=upsolverBucketAccess
//! ```

use super::Finding;
use crate::text::glob_match;

/// One rule of an ignore file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: String,
    pub path: Option<String>,
    pub sid: Option<String>,
}

impl Rule {
    fn matches(&self, f: &Finding) -> bool {
        (self.code == "*" || self.code == f.code)
            && self
                .path
                .as_ref()
                .is_none_or(|glob| glob_match(glob, &f.path))
            && self
                .sid
                .as_ref()
                .is_none_or(|sid| f.sid.as_deref() == Some(sid.as_str()))
    }
}

/// A line of an ignore file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub message: String,
}

/// Reads an ignore file. Codes are checked against the codes iamscope defines, so a typo
/// does not silently ignore nothing.
pub fn parse(text: &str) -> (Vec<Rule>, Vec<BadLine>) {
    let mut rules = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        let mut words = line.split_whitespace();
        let Some(code) = words.next() else { continue };
        if code != "*" && super::codes::find(code).is_none() {
            bad.push(BadLine {
                line: i + 1,
                message: format!("`{}` is not a finding code", crate::text::escape(code)),
            });
            continue;
        }
        let mut rule = Rule {
            code: code.to_string(),
            path: None,
            sid: None,
        };
        for word in words {
            match word.strip_prefix("sid=") {
                Some(sid) => rule.sid = Some(sid.to_string()),
                None => rule.path = Some(word.to_string()),
            }
        }
        rules.push(rule);
    }
    (rules, bad)
}

/// How many findings each kind of suppression hid.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Suppressed {
    /// By `--ignore CODE`.
    pub ignore_option: usize,
    /// By rules of the ignore file.
    pub ignore_file: usize,
}

/// Removes the suppressed findings, counting them.
pub fn apply(findings: &mut Vec<Finding>, codes: &[String], rules: &[Rule]) -> Suppressed {
    let mut suppressed = Suppressed::default();
    findings.retain(|f| {
        if codes.iter().any(|c| c == f.code) {
            suppressed.ignore_option += 1;
            false
        } else if rules.iter().any(|r| r.matches(f)) {
            suppressed.ignore_file += 1;
            false
        } else {
            true
        }
    });
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_with_paths_sids_and_comments() {
        let (rules, bad) =
            parse("# header\nservice-wildcard vendors/* sid=S3\n\n* docs/x.md\nno-such-code\n");
        assert_eq!(
            rules,
            [
                Rule {
                    code: "service-wildcard".into(),
                    path: Some("vendors/*".into()),
                    sid: Some("S3".into())
                },
                Rule {
                    code: "*".into(),
                    path: Some("docs/x.md".into()),
                    sid: None
                },
            ]
        );
        assert_eq!(
            bad,
            [BadLine {
                line: 5,
                message: "`no-such-code` is not a finding code".into()
            }]
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("vendors/*", "vendors/acme/page.md"));
        assert!(glob_match("*.md", "a/b.md"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("*.json", "a.md"));
        assert!(glob_match(&"*a".repeat(30), &"a".repeat(40)));
    }
}

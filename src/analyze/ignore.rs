//! Noise control: findings suppressed with `--ignore CODE` or by rules in an
//! `.iamscope-ignore` file, counted so the summary can say how many were hidden.
//!
//! The file holds one rule a line: a code (or `*` for every code), then optionally one path
//! glob (`*` matches any characters, slashes included; `?` one) and/or one `sid=NAME`; `#`
//! starts a comment. A line with a second glob or Sid is an error, as is an unknown code.
//!
//! ```text
//! # the vendor's account is in every trust policy on purpose
//! cross-account-trust-without-external-id  vendors/acme/*
//! service-wildcard  sid=upsolverBucketAccess
//! ```

use super::Finding;
use crate::model::glob;

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
                .is_none_or(|glob| glob::matches(glob, &f.path))
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
        // A rule takes one path glob and one Sid; a second would silently replace the first.
        let second = words.find_map(|word| {
            let (slot, value, what) = match word.strip_prefix("sid=") {
                Some(sid) => (&mut rule.sid, sid, "`sid=`"),
                None => (&mut rule.path, word, "path glob"),
            };
            if slot.is_some() {
                return Some(format!(
                    "`{}` is a second {what}; a rule takes one (write one rule a line)",
                    crate::text::escape(word)
                ));
            }
            *slot = Some(value.to_string());
            None
        });
        match second {
            Some(message) => bad.push(BadLine {
                line: i + 1,
                message,
            }),
            None => rules.push(rule),
        }
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

    /// A rule takes one path glob and one Sid: a second is an error, not a silent
    /// replacement of the first.
    #[test]
    fn a_second_glob_or_sid_is_an_error() {
        let (rules, bad) = parse(
            "service-wildcard vendors/a/* vendors/b/*\nfull-admin sid=A x.md sid=B\nfull-admin x.md sid=A\n",
        );
        assert_eq!(
            rules,
            [Rule {
                code: "full-admin".into(),
                path: Some("x.md".into()),
                sid: Some("A".into())
            }]
        );
        assert_eq!(
            bad,
            [
                BadLine {
                    line: 1,
                    message: "`vendors/b/*` is a second path glob; a rule takes one (write one rule a line)".into()
                },
                BadLine {
                    line: 2,
                    message: "`sid=B` is a second `sid=`; a rule takes one (write one rule a line)".into()
                },
            ]
        );
    }

    #[test]
    fn path_globs_cross_directories() {
        let rule = |path: &str| Rule {
            code: "*".into(),
            path: Some(path.into()),
            sid: None,
        };
        let finding = |path: &str| Finding {
            code: "full-admin",
            severity: crate::model::Severity::Warning,
            category: crate::analyze::Category::Security,
            message: String::new(),
            path: path.into(),
            role: None,
            policy: None,
            statement: None,
            sid: None,
            line: 1,
            column: 1,
            action: None,
        };
        assert!(rule("vendors/*").matches(&finding("vendors/acme/page.md")));
        assert!(rule("*.md").matches(&finding("a/b.md")));
        assert!(!rule("*.json").matches(&finding("a.md")));
    }
}

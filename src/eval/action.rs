//! Action patterns (`s3:Get*`, `*`): matched against action names ignoring case, with the
//! rules that make a pattern match nothing at all, which the findings reuse.

use crate::catalog::{ActionPattern, PatternError};
use crate::model::glob;

/// Why an action pattern can never match any action, if it cannot (see
/// [`PatternError`]). `*` matches every action; anything else needs a `service:` prefix
/// written without wildcards.
pub fn action_pattern_problem(pattern: &str) -> Option<&'static str> {
    ActionPattern::parse(pattern)
        .err()
        .map(PatternError::reason)
}

/// Whether `pattern` matches the action name `action` (case-insensitive, `*` and `?`).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    // A readable pattern is `*` or writes the action's service out before its first colon
    // (a prefix has no wildcard): any other cannot match, and is not read.
    let own_service = action.bytes().position(|b| b == b':').is_some_and(|colon| {
        pattern
            .get(..=colon)
            .is_some_and(|p| p.eq_ignore_ascii_case(&action[..=colon]))
    });
    (pattern == "*" || own_service)
        && action_pattern_problem(pattern).is_none()
        && glob::matches_ignore_ascii_case(pattern, action)
}

/// An action pattern compiled for matching lower-cased action names quickly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionMatcher {
    pub written: String,
    matcher: Matcher,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Matcher {
    Never(&'static str),
    Any,
    Exact(String),
    Prefix(String),
    Glob(String),
}

impl ActionMatcher {
    pub fn compile(written: &str) -> ActionMatcher {
        let lower = written.to_ascii_lowercase();
        let matcher = match action_pattern_problem(written) {
            Some(problem) => Matcher::Never(problem),
            None if lower == "*" => Matcher::Any,
            None if !glob::has_wildcard(&lower) => Matcher::Exact(lower),
            None => match lower.strip_suffix('*') {
                Some(prefix) if !glob::has_wildcard(prefix) => Matcher::Prefix(prefix.into()),
                _ => Matcher::Glob(lower),
            },
        };
        ActionMatcher {
            written: written.to_string(),
            matcher,
        }
    }

    /// Whether the pattern matches `action`, given lower-cased.
    pub fn matches(&self, action: &str) -> bool {
        match &self.matcher {
            Matcher::Never(_) => false,
            Matcher::Any => true,
            Matcher::Exact(a) => a == action,
            Matcher::Prefix(p) => action.starts_with(p.as_str()),
            Matcher::Glob(g) => glob::matches(g, action),
        }
    }

    /// Why the pattern can never match, if it cannot.
    pub fn problem(&self) -> Option<&'static str> {
        match self.matcher {
            Matcher::Never(p) => Some(p),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_match_ignoring_case() {
        assert!(action_matches("S3:getobject", "s3:GetObject"));
        assert!(action_matches("s3:Get*", "s3:GetObject"));
        assert!(action_matches("s3:?etObject", "s3:GetObject"));
        assert!(action_matches("*", "anything"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
    }

    #[test]
    fn malformed_patterns_match_nothing() {
        assert!(!action_matches("*:GetObject", "s3:GetObject"));
        assert!(!action_matches("s3:GetObject,s3:PutObject", "s3:GetObject"));
        assert!(!action_matches("s3:*,", "s3:GetObject"));
        assert!(!action_matches("GetObject", "GetObject"));
        assert!(!action_matches("s3:GetObject ", "s3:GetObject"));
    }

    /// Only `*` and patterns that write the action's own service out can match it.
    #[test]
    fn a_pattern_matches_only_its_own_service() {
        assert!(action_matches("IAM:Create*", "iam:CreateAccessKey"));
        assert!(action_matches("iam:*", "iam:CreateAccessKey"));
        assert!(!action_matches("ia:*", "iam:CreateAccessKey"));
        assert!(!action_matches("iamx:*", "iam:CreateAccessKey"));
        assert!(!action_matches("i?m:*", "iam:CreateAccessKey"));
        assert!(!action_matches("iam", "iam:CreateAccessKey"));
        assert!(!action_matches("ïam:*", "iam:CreateAccessKey"));
        assert!(!action_matches("", "iam:CreateAccessKey"));
        assert!(action_matches("sts:Assume*", "sts:AssumeRole"));
        assert!(!action_matches("sts:Assume*", "sts"));
        assert!(action_matches("a:b:*", "a:b:c"));
    }

    #[test]
    fn compiled_patterns_agree_with_the_plain_function() {
        for pattern in [
            "*",
            "s3:GetObject",
            "S3:Get*",
            "s3:*Object",
            "s3:?et*",
            "*:Get",
        ] {
            let compiled = ActionMatcher::compile(pattern);
            for action in ["s3:GetObject", "s3:PutObject", "iam:Get"] {
                assert_eq!(
                    compiled.matches(&action.to_ascii_lowercase()),
                    action_matches(pattern, action),
                    "{pattern} vs {action}"
                );
            }
        }
    }
}

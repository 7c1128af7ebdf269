//! Action patterns as policies write them (`s3:Get*`, `ec2:Describe?pc*`, `*`) and their
//! expansion to the catalog's actions, including the complement a NotAction covers.
//!
//! Matching ignores case in both parts. Wildcards may stand anywhere in the action part; a
//! wildcard in the service prefix (`*:GetObject`) is invalid in AWS and never matches.

use std::cmp::Ordering;
use std::sync::Arc;

use super::service::{Action, cmp_ignore_case};
use super::{ActionSet, Catalog};
use crate::model::glob::{has_wildcard, matches_ignore_ascii_case};

/// Why a pattern can never match an action: IAM reads it as one string, so it matches no
/// action name. The evaluator, the findings and `expand` all judge patterns by this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternError {
    Empty,
    /// `s3:GetObject,s3:PutObject`: two actions written as one string.
    Comma,
    /// `s3:Get Object`, or a stray space around the name.
    WhiteSpace,
    /// No `service:` prefix, and not `*`.
    NoPrefix,
    /// `:GetObject`.
    EmptyPrefix,
    /// `*` or `?` in the service prefix, such as `*:GetObject` or `s?:Get*`.
    WildcardInPrefix,
}

impl PatternError {
    /// The reason, as a clause about the pattern ("it contains a comma; ...").
    pub fn reason(self) -> &'static str {
        match self {
            PatternError::Empty => "it is empty",
            PatternError::Comma => "it contains a comma; list each action as its own string",
            PatternError::WhiteSpace => "it contains white space",
            PatternError::NoPrefix => "it has no service prefix (service:action)",
            PatternError::EmptyPrefix => "its service prefix is empty",
            PatternError::WildcardInPrefix => {
                "its service prefix has a wildcard, which IAM does not expand"
            }
        }
    }
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for PatternError {}

/// The bytes [`ActionPattern::parse`] looks at: comma, ASCII white space, `:`, wildcards
/// and the bytes of non-ASCII characters.
const NOTABLE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b',' | b' ' | b'\t'..=b'\r' | b':' | b'*' | b'?' | 0x80..);
        b += 1;
    }
    table
};

/// A parsed action pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActionPattern<'a> {
    /// The service prefix; `None` for `*`, which matches every action.
    pub service: Option<&'a str>,
    /// The action part, wildcards included.
    pub action: &'a str,
}

impl<'a> ActionPattern<'a> {
    /// Reads `text` as IAM does: `*`, or `prefix:action` with wildcards only in the action.
    /// One pass over the bytes: every rule and finding parses each pattern it reads.
    pub fn parse(text: &'a str) -> Result<ActionPattern<'a>, PatternError> {
        if text == "*" {
            return Ok(ActionPattern {
                service: None,
                action: "*",
            });
        }
        if text.is_empty() {
            return Err(PatternError::Empty);
        }
        let (mut comma, mut white, mut non_ascii, mut wild_in_prefix) =
            (false, false, false, false);
        let mut colon = None;
        let bytes = text.as_bytes();
        let mut at = 0;
        // Most bytes are letters: skip to the next one that matters.
        while let Some(skip) = bytes[at..].iter().position(|&b| NOTABLE[usize::from(b)]) {
            at += skip;
            match bytes[at] {
                b',' => comma = true,
                b':' if colon.is_none() => colon = Some(at),
                b'*' | b'?' if colon.is_none() => wild_in_prefix = true,
                b':' | b'*' | b'?' => {}
                0x80.. => non_ascii = true,
                // What `char::is_whitespace` finds among ASCII.
                _ => white = true,
            }
            at += 1;
        }
        if comma {
            return Err(PatternError::Comma);
        }
        if white || (non_ascii && text.chars().any(char::is_whitespace)) {
            return Err(PatternError::WhiteSpace);
        }
        let colon = colon.ok_or(PatternError::NoPrefix)?;
        if colon == 0 {
            return Err(PatternError::EmptyPrefix);
        }
        if wild_in_prefix {
            return Err(PatternError::WildcardInPrefix);
        }
        Ok(ActionPattern {
            service: Some(&text[..colon]),
            action: &text[colon + 1..],
        })
    }

    /// Whether the pattern names the action `service:name` (catalogued or not).
    pub fn matches(&self, service: &str, name: &str) -> bool {
        self.service.is_none_or(|s| s.eq_ignore_ascii_case(service))
            && matches_ignore_ascii_case(self.action, name)
    }

    /// Whether the pattern holds a wildcard (so it may cover more than one action).
    pub fn is_wildcard(&self) -> bool {
        self.service.is_none() || has_wildcard(self.action)
    }
}

/// The actions (sorted by name ignoring case) whose name starts with `start`, ignoring
/// case: one run of the sorted list.
fn starting_with<'c>(actions: &'c [Action], start: &str) -> &'c [Action] {
    let begins = |a: &Action| {
        a.name
            .as_bytes()
            .get(..start.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(start.as_bytes()))
    };
    let first = actions.partition_point(|a| cmp_ignore_case(a.name, start) == Ordering::Less);
    let run = actions[first..].iter().take_while(|a| begins(a)).count();
    &actions[first..first + run]
}

/// The actions a pattern covers, as [`Catalog::expansion`] finds them: most patterns name
/// one action or a run of a service's sorted actions (`Get*`), which are borrowed from the
/// catalog rather than copied; the others (`*`, `Get*Policy`) are listed. Cheap to clone,
/// so that an expansion can be remembered.
#[derive(Clone, Debug)]
pub enum Expansion<'c> {
    Run(&'c [Action]),
    Listed(Arc<[&'c Action]>),
}

impl<'c> Expansion<'c> {
    /// The actions, sorted by service prefix then name.
    pub fn iter(&self) -> impl Iterator<Item = &'c Action> + '_ {
        let (run, listed): (&'c [Action], &[&'c Action]) = match self {
            Expansion::Run(run) => (run, &[]),
            Expansion::Listed(listed) => (&[], listed.as_ref()),
        };
        run.iter().chain(listed.iter().copied())
    }

    /// Whether the pattern covers no action.
    pub fn is_empty(&self) -> bool {
        match self {
            Expansion::Run(run) => run.is_empty(),
            Expansion::Listed(listed) => listed.is_empty(),
        }
    }
}

impl Catalog {
    /// The actions `pattern` covers, sorted by service prefix then name. An unknown
    /// service or action gives an empty list; an invalid pattern an error.
    pub fn expand(&self, pattern: &str) -> Result<Vec<&Action>, PatternError> {
        Ok(self.expansion(pattern)?.iter().collect())
    }

    /// What [`expand`](Catalog::expand) lists, without copying a run of actions.
    pub fn expansion(&self, pattern: &str) -> Result<Expansion<'_>, PatternError> {
        let pattern = ActionPattern::parse(pattern)?;
        let Some(prefix) = pattern.service else {
            return Ok(Expansion::Listed(self.actions().collect()));
        };
        let Some(s) = self.service(prefix) else {
            return Ok(Expansion::Run(&[]));
        };
        Ok(
            if let Some(start) = pattern.action.strip_suffix('*')
                && !has_wildcard(start)
            {
                // `Get*`, the usual pattern.
                Expansion::Run(starting_with(s.actions(), start))
            } else if has_wildcard(pattern.action) {
                Expansion::Listed(
                    s.actions()
                        .iter()
                        .filter(|a| matches_ignore_ascii_case(pattern.action, a.name))
                        .collect(),
                )
            } else {
                Expansion::Run(s.action(pattern.action).map_or(&[], std::slice::from_ref))
            },
        )
    }

    /// The actions a NotAction with these patterns covers: every catalogued action none of
    /// them matches. An invalid pattern matches nothing, as in AWS, so it excludes nothing;
    /// the first one is returned as the error so the caller can report it. Each pattern is
    /// expanded within its service, not matched against every action.
    pub fn not_action(&self, patterns: &[&str]) -> (Vec<&Action>, Option<PatternError>) {
        let mut error = None;
        let mut named = ActionSet::new();
        for p in patterns {
            match self.expansion(p) {
                Ok(actions) => actions.iter().for_each(|a| {
                    named.insert(a);
                }),
                Err(e) => error = error.or(Some(e)),
            }
        }
        let actions = self.actions().filter(|a| !named.contains(a)).collect();
        (actions, error)
    }
}

/// Wildcards covering more actions than this are summarised by a count in the outline
/// rather than listed one row each (`*` alone covers tens of thousands).
pub const LISTED_AT_MOST: usize = 2000;

/// What `pattern` covers, for the outline of the loaded tree: the matching actions with
/// their access levels, a count when there are too many to list, or why none match.
pub fn covered(pattern: &str) -> crate::model::outline::Covered {
    use crate::model::outline::Covered;
    match Catalog::get().expand(pattern) {
        Err(e) => Covered::Invalid(e.to_string()),
        Ok(actions) if actions.is_empty() => Covered::Unknown,
        Ok(actions) if actions.len() > LISTED_AT_MOST => Covered::TooMany(actions.len()),
        Ok(actions) => Covered::Actions(
            actions
                .iter()
                .map(|a| (a.full_name(), a.access_level.as_str()))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(pattern: &str) -> Vec<String> {
        Catalog::get()
            .expand(pattern)
            .unwrap()
            .iter()
            .map(|a| format!("{}:{} {}", a.service, a.name, a.access_level))
            .collect()
    }

    #[test]
    fn kms_create_actions() {
        assert_eq!(
            names("kms:Create*"),
            [
                "kms:CreateAlias Write",
                "kms:CreateCustomKeyStore Write",
                "kms:CreateGrant Permissions management",
                "kms:CreateKey Write",
            ]
        );
    }

    #[test]
    fn a_trailing_star_covers_what_matching_each_name_covers() {
        let catalog = Catalog::get();
        for service in catalog.services() {
            for start in ["", "Get", "get", "DESCRIBE", "List", "Put", "z", "Create"] {
                let pattern = format!("{}:{start}*", service.prefix.to_uppercase());
                let matched: Vec<&str> = (service.actions().iter())
                    .filter(|a| matches_ignore_ascii_case(&format!("{start}*"), a.name))
                    .map(|a| a.name)
                    .collect();
                let expanded: Vec<&str> = catalog
                    .expand(&pattern)
                    .unwrap()
                    .iter()
                    .map(|a| a.name)
                    .collect();
                assert_eq!(expanded, matched, "{pattern}");
            }
        }
        assert_eq!(
            names("S3:getobjectt*"),
            ["s3:GetObjectTagging Read", "s3:GetObjectTorrent Read"]
        );
    }

    #[test]
    fn question_mark_and_star_in_the_middle() {
        // Sorted ignoring case, as the catalog is.
        let names: Vec<_> = Catalog::get()
            .expand("ec2:Describe?pc*")
            .unwrap()
            .iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(
            names,
            [
                "DescribeVpcAttribute",
                "DescribeVpcBlockPublicAccessExclusions",
                "DescribeVpcBlockPublicAccessOptions",
                "DescribeVpcClassicLink",
                "DescribeVpcClassicLinkDnsSupport",
                "DescribeVpcEncryptionControls",
                "DescribeVpcEndpointAssociations",
                "DescribeVpcEndpointConnectionNotifications",
                "DescribeVpcEndpointConnections",
                "DescribeVpcEndpoints",
                "DescribeVpcEndpointServiceConfigurations",
                "DescribeVpcEndpointServicePermissions",
                "DescribeVpcEndpointServices",
                "DescribeVpcPeeringConnections",
                "DescribeVpcs",
            ]
        );
    }

    #[test]
    fn whole_service_and_everything_match_the_catalog_counts() {
        let catalog = Catalog::get();
        let s3 = catalog.service("s3").unwrap().actions().len();
        assert_eq!(s3, 180);
        assert_eq!(catalog.expand("s3:*").unwrap().len(), s3);
        assert_eq!(catalog.expand("*").unwrap().len(), catalog.action_count());
        assert_eq!(catalog.action_count(), 22_321);
    }

    #[test]
    fn case_does_not_matter() {
        assert_eq!(names("KMS:create*"), names("kms:Create*"));
        assert_eq!(names("S3:GETOBJECT"), ["s3:GetObject Read"]);
    }

    #[test]
    fn wildcard_in_the_prefix_is_invalid() {
        let catalog = Catalog::get();
        assert_eq!(
            catalog.expand("*:GetObject"),
            Err(PatternError::WildcardInPrefix)
        );
        assert_eq!(
            catalog.expand("s?:GetObject"),
            Err(PatternError::WildcardInPrefix)
        );
        assert_eq!(catalog.expand("s3GetObject"), Err(PatternError::NoPrefix));
        assert_eq!(catalog.expand(""), Err(PatternError::Empty));
        assert_eq!(catalog.expand("nosuchservice:*"), Ok(vec![]));
        assert_eq!(catalog.expand("s3:NoSuchAction"), Ok(vec![]));
    }

    /// Each reason a pattern can match nothing, and which one is given when it has several:
    /// a comma, then white space (ASCII or not), then a missing or empty prefix, then a
    /// wildcard in it. Non-ASCII letters and a second `:` are part of the action name.
    #[test]
    fn what_is_wrong_with_a_pattern_and_in_which_order() {
        use PatternError::*;
        let parse = |text| ActionPattern::parse(text).map(|p| (p.service, p.action));
        assert_eq!(parse("*"), Ok((None, "*")));
        assert_eq!(parse("s3:Get*"), Ok((Some("s3"), "Get*")));
        assert_eq!(parse("s3:Get:Object"), Ok((Some("s3"), "Get:Object")));
        assert_eq!(parse("s3:Gét?"), Ok((Some("s3"), "Gét?")));
        assert_eq!(parse("é3:Get"), Ok((Some("é3"), "Get")));
        assert_eq!(parse(""), Err(Empty));
        assert_eq!(parse("s3:Get,s3:Put"), Err(Comma));
        assert_eq!(parse("*: Get,"), Err(Comma));
        for white in [
            "s3:Get Object",
            "s3:Get\tObject",
            "s3:Get\r",
            "\u{b}s3:Get",
            " *",
        ] {
            assert_eq!(parse(white), Err(WhiteSpace), "{white:?}");
        }
        assert_eq!(parse("s3:Get\u{a0}Object"), Err(WhiteSpace));
        assert_eq!(parse("s3:Get\u{2003}"), Err(WhiteSpace));
        assert_eq!(parse("s3 GetObject"), Err(WhiteSpace));
        assert_eq!(parse("s3GetObject*"), Err(NoPrefix));
        assert_eq!(parse("**"), Err(NoPrefix));
        assert_eq!(parse(":GetObject"), Err(EmptyPrefix));
        assert_eq!(parse("*:Get"), Err(WildcardInPrefix));
        assert_eq!(parse("s3?:Get:*"), Err(WildcardInPrefix));
        assert_eq!(parse("s3:Get:*?"), Ok((Some("s3"), "Get:*?")));
    }

    #[test]
    fn not_action_covers_the_complement() {
        let catalog = Catalog::get();
        let all = catalog.action_count();
        let s3 = catalog.service("s3").unwrap().actions().len();
        let iam = catalog.service("iam").unwrap().actions().len();
        assert_eq!(catalog.not_action(&["s3:*"]).0.len(), all - s3);
        assert_eq!(
            catalog.not_action(&["s3:*", "IAM:*"]).0.len(),
            all - s3 - iam
        );
        assert_eq!(catalog.not_action(&["s3:GetObject"]).0.len(), all - 1);
        assert_eq!(catalog.not_action(&["*"]).0.len(), 0);
        let (actions, error) = catalog.not_action(&["*:GetObject"]);
        assert_eq!(
            (actions.len(), error),
            (all, Some(PatternError::WildcardInPrefix))
        );
    }

    #[test]
    fn pathological_pattern_finishes_with_no_match() {
        assert_eq!(
            Catalog::get().expand("s3:a*a*a*a*a*a*a*a*a*a*b"),
            Ok(vec![])
        );
        assert_eq!(
            Catalog::get().expand("*:a*a*a*a*a*a*a*a*a*a*b"),
            Err(PatternError::WildcardInPrefix)
        );
        // Every star can match: the long names of a big service.
        assert_eq!(
            Catalog::get()
                .expand("ec2:*e*e*e*e*e*e*e*e*e*e*e*e*e*e*e*e*z")
                .unwrap()
                .len(),
            0
        );
    }
}

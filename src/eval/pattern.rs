//! Strings of a policy compiled once for matching: wildcards (`*`, `?`), policy variables
//! (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, and the escapes `${*}`,
//! `${?}`, `${$}`), and ARNs compared part by part (where, in a Resource element, a part
//! ending in `*` may reach past colons).
//!
//! A substituted value is always literal: `Bob*` from a variable matches only `Bob*`.
//! A variable whose key the request lacks, and that has no default, makes the pattern
//! match nothing.

use std::borrow::Cow;

use super::context::Context;
use crate::model::glob::{self, Segment};

/// What a string's syntax allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syntax {
    /// `*` and `?` are wildcards (Resource, `...Like`, `Arn...`), not literal characters.
    pub wildcards: bool,
    /// `${...}` are policy variables (Version 2012-10-17), not literal text.
    pub variables: bool,
}

/// A policy variable: `${key}` or `${key, 'default'}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    /// As written, `${` and `}` included.
    pub written: String,
    /// The key, lower-cased (condition key names are case-insensitive).
    pub key: String,
    pub default: Option<String>,
}

impl Variable {
    /// The value the variable takes in `context`: the key's value when it has exactly one,
    /// else the default.
    pub fn value<'a>(&'a self, context: &'a Context) -> Option<&'a str> {
        context.single(&self.key).or(self.default.as_deref())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Star,
    One,
    Variable(Variable),
}

/// A compiled string: literal text, wildcards and variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    pieces: Vec<Piece>,
}

impl Pattern {
    pub fn parse(s: &str, syntax: Syntax) -> Pattern {
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = s;
        // The first `}` at or after the position reached (`s.len()` when there is none),
        // found again only once passed, so a text of many `${` stays linear.
        let mut close: Option<usize> = None;
        while let Some(c) = rest.chars().next() {
            let at = s.len() - rest.len();
            if syntax.variables && rest.starts_with("${") {
                if close.is_none_or(|close| close < at) {
                    close = Some(s[at..].find('}').map_or(s.len(), |i| at + i));
                }
                let close = close.unwrap_or(s.len());
                if close < s.len()
                    && let Some((piece, len)) = variable_at(rest, close - at)
                {
                    match piece {
                        Piece::Literal(text) => literal.push_str(&text),
                        piece => {
                            flush(&mut literal, &mut pieces);
                            pieces.push(piece);
                        }
                    }
                    rest = &rest[len..];
                    continue;
                }
            }
            match c {
                '*' if syntax.wildcards => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Star);
                }
                '?' if syntax.wildcards => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::One);
                }
                c => literal.push(c),
            }
            rest = &rest[c.len_utf8()..];
        }
        flush(&mut literal, &mut pieces);
        Pattern { pieces }
    }

    /// The pattern's variables, in order.
    pub fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Variable(v) => Some(v),
            _ => None,
        })
    }

    /// The first variable that has no value in `context`, if any.
    pub fn unresolved(&self, context: &Context) -> Option<&Variable> {
        self.variables().find(|v| v.value(context).is_none())
    }

    /// Whether the pattern's last piece is a `*` wildcard.
    pub fn ends_with_star(&self) -> bool {
        matches!(self.pieces.last(), Some(Piece::Star))
    }

    /// Whether the pattern is the single wildcard `*`.
    pub fn is_any(&self) -> bool {
        self.pieces == [Piece::Star]
    }

    /// Whether the pattern matches all of `text`. False when a variable has no value.
    pub fn matches(&self, text: &str, context: &Context) -> bool {
        match self.pieces.as_slice() {
            [] => return text.is_empty(),
            [Piece::Literal(l)] => return l == text,
            [Piece::Star] => return true,
            [Piece::Literal(l), Piece::Star] => return text.starts_with(l.as_str()),
            _ => {}
        }
        if self.unresolved(context).is_some() {
            return false;
        }
        glob::match_segments(
            self.pieces
                .split(|p| *p == Piece::Star)
                .map(|pieces| Pieces { pieces, context }),
            text,
        )
    }

    /// The pattern with its variables substituted (wildcards written back as `*` and `?`),
    /// or `None` when a variable has no value.
    pub fn resolve<'a>(&'a self, context: &'a Context) -> Option<Cow<'a, str>> {
        if let [Piece::Literal(text)] = self.pieces.as_slice() {
            return Some(Cow::Borrowed(text));
        }
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Star => out.push('*'),
                Piece::One => out.push('?'),
                Piece::Variable(v) => out.push_str(v.value(context)?),
            }
        }
        Some(Cow::Owned(out))
    }

    /// Splits the pattern at the colons of its literal text into at most `n` parts, the
    /// last one keeping any further colons (as an ARN's resource part does).
    fn split_colons(self, n: usize) -> Vec<Pattern> {
        let mut parts = vec![Pattern { pieces: Vec::new() }];
        for piece in self.pieces {
            let Piece::Literal(text) = piece else {
                if let Some(last) = parts.last_mut() {
                    last.pieces.push(piece);
                }
                continue;
            };
            let mut rest = text.as_str();
            while parts.len() < n
                && let Some((before, after)) = rest.split_once(':')
            {
                push_literal(parts.last_mut(), before);
                parts.push(Pattern { pieces: Vec::new() });
                rest = after;
            }
            push_literal(parts.last_mut(), rest);
        }
        parts
    }
}

fn push_literal(part: Option<&mut Pattern>, text: &str) {
    if let Some(part) = part
        && !text.is_empty()
    {
        part.pieces.push(Piece::Literal(text.to_string()));
    }
}

fn flush(literal: &mut String, pieces: &mut Vec<Piece>) {
    if !literal.is_empty() {
        pieces.push(Piece::Literal(std::mem::take(literal)));
    }
}

/// The variable (or escape) at the start of `s` (which starts with `${`, and has its
/// first `}` at `close`) and its length. `None` when it is not one (an empty key): the text
/// is then literal.
fn variable_at(s: &str, close: usize) -> Option<(Piece, usize)> {
    let inner = &s[2..close];
    let piece = match inner {
        "*" => Piece::Literal("*".into()),
        "?" => Piece::Literal("?".into()),
        "$" => Piece::Literal("$".into()),
        _ => {
            let (key, default) = match inner.split_once(',') {
                Some((key, default)) => {
                    let default = default.trim();
                    let quoted = default
                        .strip_prefix('\'')
                        .and_then(|d| d.strip_suffix('\''))?;
                    (key.trim(), Some(quoted.to_string()))
                }
                None => (inner.trim(), None),
            };
            if key.is_empty() {
                return None;
            }
            Piece::Variable(Variable {
                written: s[..=close].to_string(),
                key: key.to_lowercase(),
                default,
            })
        }
    };
    Some((piece, close + 1))
}

/// A segment of a compiled pattern, with the context its variables take values from.
struct Pieces<'a> {
    pieces: &'a [Piece],
    context: &'a Context,
}

impl Segment for Pieces<'_> {
    fn match_at(&self, text: &str, at: usize) -> Option<usize> {
        let mut pos = at;
        for piece in self.pieces {
            let literal = match piece {
                Piece::Literal(l) => l.as_str(),
                Piece::Variable(v) => v.value(self.context)?,
                Piece::One => {
                    pos += glob::char_len_at(text, pos)?;
                    continue;
                }
                Piece::Star => return None,
            };
            if !text.get(pos..)?.starts_with(literal) {
                return None;
            }
            pos += literal.len();
        }
        Some(pos)
    }

    fn char_len(&self) -> usize {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(l) => l.chars().count(),
                Piece::Variable(v) => v.value(self.context).map_or(0, |v| v.chars().count()),
                Piece::One => 1,
                Piece::Star => 0,
            })
            .sum()
    }
}

/// A compiled ARN pattern, as the Resource element and the `Arn...` condition operators
/// use: the six colon-separated parts (`arn:partition:service:region:account:resource`)
/// are matched one by one ([`ArnPattern::matches`]); for the Resource element a part ending
/// in `*` may also reach past colons ([`ArnPattern::matches_resource`]). `*` alone matches
/// anything; a string that is not a six-part ARN is matched whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArnPattern {
    Any,
    Parts(Vec<Pattern>),
    Whole(Pattern),
}

/// How many colon-separated parts an ARN has (the resource part may hold more colons).
pub const ARN_PARTS: usize = 6;

impl ArnPattern {
    pub fn parse(s: &str, variables: bool) -> ArnPattern {
        let pattern = Pattern::parse(
            s,
            Syntax {
                wildcards: true,
                variables,
            },
        );
        if pattern.is_any() {
            return ArnPattern::Any;
        }
        let parts = pattern.clone().split_colons(ARN_PARTS);
        if parts.len() == ARN_PARTS {
            ArnPattern::Parts(parts)
        } else {
            ArnPattern::Whole(pattern)
        }
    }

    pub fn variables(&self) -> Box<dyn Iterator<Item = &Variable> + '_> {
        match self {
            ArnPattern::Any => Box::new(std::iter::empty()),
            ArnPattern::Parts(parts) => Box::new(parts.iter().flat_map(Pattern::variables)),
            ArnPattern::Whole(p) => Box::new(p.variables()),
        }
    }

    /// The first variable that has no value in `context`, if any.
    pub fn unresolved(&self, context: &Context) -> Option<&Variable> {
        self.variables().find(|v| v.value(context).is_none())
    }

    /// The pattern with its variables substituted, or `None` when one has no value.
    pub fn resolve<'a>(&'a self, context: &'a Context) -> Option<Cow<'a, str>> {
        match self {
            ArnPattern::Any => Some(Cow::Borrowed("*")),
            ArnPattern::Whole(p) => p.resolve(context),
            ArnPattern::Parts(parts) => {
                let parts: Option<Vec<_>> = parts.iter().map(|p| p.resolve(context)).collect();
                Some(Cow::Owned(parts?.join(":")))
            }
        }
    }

    /// Whether `arn` matches part by part, as the `Arn...` condition operators compare:
    /// each of the six parts separately.
    pub fn matches(&self, arn: &str, context: &Context) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Whole(p) => p.matches(arn, context),
            ArnPattern::Parts(parts) => {
                let mut text = arn.splitn(ARN_PARTS, ':');
                let all = parts
                    .iter()
                    .all(|p| text.next().is_some_and(|t| p.matches(t, context)));
                all && text.next().is_none()
            }
        }
    }

    /// Whether `arn` matches as the Resource element compares: part by part, except that a
    /// part ending in `*` may reach past colons into the parts after it (the IAM User
    /// Guide's rule, which AWS's own policies rely on, as in
    /// `arn:aws:secretsmanager:*:*:sqlworkbench!*`). An ARN with more than
    /// [`MAX_REACHED_COLONS`] colons is compared part by part only, which bounds the work.
    pub fn matches_resource(&self, arn: &str, context: &Context) -> bool {
        let ArnPattern::Parts(parts) = self else {
            return self.matches(arn, context);
        };
        if !parts[..ARN_PARTS - 1].iter().any(Pattern::ends_with_star) {
            return self.matches(arn, context);
        }
        let mut colons = [0usize; MAX_REACHED_COLONS];
        let mut count = 0;
        for (i, _) in arn.match_indices(':') {
            if count == MAX_REACHED_COLONS {
                return self.matches(arn, context);
            }
            colons[count] = i;
            count += 1;
        }
        let mut failed = [[false; MAX_REACHED_COLONS + 1]; ARN_PARTS];
        let mut search = Reach {
            parts,
            arn,
            colons: &colons[..count],
            context,
            failed: &mut failed,
        };
        search.from(0, 0)
    }
}

/// The most colons a resource ARN may have for parts ending in `*` to reach past them.
pub const MAX_REACHED_COLONS: usize = 64;

/// The search behind [`ArnPattern::matches_resource`]: where each part can end, remembering
/// which (part, start) pairs already failed so none is tried twice.
struct Reach<'a> {
    parts: &'a [Pattern],
    arn: &'a str,
    colons: &'a [usize],
    context: &'a Context,
    failed: &'a mut [[bool; MAX_REACHED_COLONS + 1]; ARN_PARTS],
}

impl Reach<'_> {
    /// Whether parts `i..` match the ARN from just after colon number `after` (0: the
    /// start of the ARN).
    fn from(&mut self, i: usize, after: usize) -> bool {
        let start = if after == 0 {
            0
        } else {
            self.colons[after - 1] + 1
        };
        let part = &self.parts[i];
        if i + 1 == self.parts.len() {
            return part.matches(&self.arn[start..], self.context);
        }
        if self.failed[i][after] {
            return false;
        }
        let reaches = part.ends_with_star();
        for k in after..self.colons.len() {
            let end = self.colons[k];
            if part.matches(&self.arn[start..end], self.context) && self.from(i + 1, k + 1) {
                return true;
            }
            if !reaches {
                break;
            }
        }
        self.failed[i][after] = true;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIKE: Syntax = Syntax {
        wildcards: true,
        variables: true,
    };
    const EQUALS: Syntax = Syntax {
        wildcards: false,
        variables: true,
    };

    fn context(pairs: &[(&'static str, &'static str)]) -> Context {
        pairs.iter().copied().collect()
    }

    #[test]
    fn variables_are_substituted_literally() {
        let c = context(&[("aws:username", "Bob*")]);
        let p = Pattern::parse("home/${aws:username}/*", LIKE);
        assert!(p.matches("home/Bob*/x", &c));
        assert!(!p.matches("home/Bobby/x", &c));
        assert_eq!(p.resolve(&c).as_deref(), Some("home/Bob*/*"));
    }

    #[test]
    fn unclosed_variables_are_literal_text_however_many() {
        let c = context(&[("aws:username", "bob")]);
        let unclosed = "${".repeat(200_000);
        assert!(Pattern::parse(&unclosed, EQUALS).matches(&unclosed, &c));
    }

    #[test]
    fn key_names_are_case_insensitive() {
        let c = context(&[("AWS:UserName", "bob")]);
        assert!(Pattern::parse("${aws:username}", EQUALS).matches("bob", &c));
    }

    #[test]
    fn a_missing_key_matches_nothing_unless_a_default_is_given() {
        let c = Context::default();
        let p = Pattern::parse("${aws:username}*", LIKE);
        assert!(!p.matches("anything", &c));
        assert_eq!(
            p.unresolved(&c).map(|v| v.written.as_str()),
            Some("${aws:username}")
        );
        let p = Pattern::parse("${aws:userid, 'anonymous'}", EQUALS);
        assert!(p.matches("anonymous", &c));
    }

    #[test]
    fn escapes_are_literal_characters() {
        let c = Context::default();
        let p = Pattern::parse("a${*}b${?}c${$}", LIKE);
        assert!(p.matches("a*b?c$", &c));
        assert!(!p.matches("aXXbYc$", &c));
    }

    #[test]
    fn without_variables_the_text_is_literal() {
        let c = context(&[("aws:username", "bob")]);
        let p = Pattern::parse(
            "${aws:username}",
            Syntax {
                wildcards: true,
                variables: false,
            },
        );
        assert!(p.matches("${aws:username}", &c));
        assert!(!p.matches("bob", &c));
    }

    #[test]
    fn unclosed_or_empty_variables_are_literal() {
        let c = Context::default();
        assert!(Pattern::parse("${aws:username", EQUALS).matches("${aws:username", &c));
        assert!(Pattern::parse("${}", EQUALS).matches("${}", &c));
    }

    #[test]
    fn arn_patterns_match_part_by_part() {
        let c = Context::default();
        let p = ArnPattern::parse("arn:aws:svc:*:111122223333:finance/*", true);
        let arn = "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/doc";
        assert!(!p.matches(arn, &c));
        assert!(Pattern::parse("arn:aws:svc:*:111122223333:finance/*", LIKE).matches(arn, &c));
        assert!(ArnPattern::parse("arn:aws:s3:::b/*", true).matches("arn:aws:s3:::b/x:y/z", &c));
        assert!(!ArnPattern::parse("arn:aws:s3:::b/*", true).matches("*", &c));
        assert!(ArnPattern::parse("*", true).matches("*", &c));
    }

    #[test]
    fn in_resources_a_part_ending_in_a_star_reaches_past_colons() {
        let c = Context::default();
        let workbench = ArnPattern::parse("arn:aws:secretsmanager:*:*:sqlworkbench!*", true);
        let secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:sqlworkbench!a1";
        assert!(workbench.matches_resource(secret, &c));
        assert!(
            !workbench.matches(secret, &c),
            "condition operators compare part by part"
        );
        let finance = ArnPattern::parse("arn:aws:svc:*:111122223333:finance/*", true);
        let other = "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/doc";
        assert!(finance.matches_resource(other, &c));
        let exact = ArnPattern::parse("arn:aws:svc:us-east-2:111122223333:finance/*", true);
        assert!(
            !exact.matches_resource(other, &c),
            "parts without a final star stay in place"
        );
        let stars = ArnPattern::parse("arn:*:*:*:*:x", true);
        assert!(stars.matches_resource("arn:a:b:c:d:e:f:x", &c));
        let many = format!("arn:aws:s3:::{}x", ":".repeat(2000));
        assert!(
            !stars.matches_resource(&many, &c),
            "too many colons: part by part only"
        );
    }

    #[test]
    fn variables_with_colons_stay_whole_in_arn_parts() {
        let c = context(&[("aws:username", "bob")]);
        let p = ArnPattern::parse("arn:aws:s3:::b/${aws:username}/*", true);
        assert!(matches!(p, ArnPattern::Parts(_)));
        assert!(p.matches("arn:aws:s3:::b/bob/x", &c));
    }
}

//! What running text on a page says: action names, managed policies, the holder it names,
//! notes it attaches to statements and the tag conditions it implies.
//!
//! Managed policies are recognised conservatively, by shape:
//! - an AWS managed policy ARN anywhere (`arn:aws:iam::aws:policy/SecurityAudit`, also in a
//!   link, also with a stray space after `policy/`);
//! - in a table, a CamelCase name with at least two capitals (`AmazonAthenaFullAccess`) alone
//!   in a cell whose column header, or a heading above, says it lists policies;
//! - in prose that says "policy", a name in bold or code ending in Access, ReadOnly, Policy or
//!   Audit (`attach the **ReadOnlyAccess** policy`).

use std::collections::{HashMap, HashSet};

use super::{Piece, Positions, add_notes, document_mut};
use crate::load::KnownManaged;
use crate::model::{InferredCondition, Loc, Policy, RoleKind};

/// The ARN prefix of AWS managed policies.
pub const AWS_MANAGED_PREFIX: &str = "arn:aws:iam::aws:policy/";

/// Endings of AWS managed policy names that prose names in bold or code.
const MANAGED_ENDINGS: [&str; 4] = ["Access", "ReadOnly", "Policy", "Audit"];

/// A managed policy a page names.
#[derive(Clone, Debug, PartialEq)]
pub struct ManagedName {
    pub name: String,
    pub arn: String,
    pub loc: Loc,
}

/// Whether `token` is shaped like an IAM action (`service:Action`, wildcards allowed): one
/// colon, a service prefix of two or more letters, digits and dashes starting with a letter
/// (not `aws`, which prefixes global condition keys), an action name of letters, digits, `*`
/// and `?` that is not only digits.
pub fn is_action(token: &str) -> bool {
    let Some((service, name)) = token.split_once(':') else {
        return false;
    };
    service.len() >= 2
        && service.starts_with(|c: char| c.is_ascii_alphabetic())
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !service.eq_ignore_ascii_case("aws")
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
        && !name.chars().all(|c| c.is_ascii_digit())
}

/// Whether `token` is shaped like an AWS managed policy name: CamelCase, at least two
/// capitals, optionally under `service-role/` or `job-function/`.
pub fn is_managed_name(token: &str) -> bool {
    let name = token
        .strip_prefix("service-role/")
        .or_else(|| token.strip_prefix("job-function/"))
        .unwrap_or(token);
    name.len() >= 6
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.chars().filter(char::is_ascii_uppercase).count() >= 2
}

/// The managed policy a name refers to.
pub fn managed(token: &str, loc: Loc) -> ManagedName {
    let name = token.rsplit('/').next().unwrap_or(token).trim().to_string();
    ManagedName {
        name,
        arn: format!("{AWS_MANAGED_PREFIX}{token}"),
        loc,
    }
}

/// The AWS managed policy ARNs in `text`, with their byte offsets. A space after `policy/`
/// (as one vendor page writes it) is tolerated and dropped.
pub fn managed_arns(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(AWS_MANAGED_PREFIX) {
        let after = &text[at + AWS_MANAGED_PREFIX.len()..];
        let rest = after.trim_start_matches(' ');
        let path: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "+=,.@_/-".contains(*c))
            .collect();
        let path = path.trim_end_matches(['.', ',', '/']);
        if path.rsplit('/').next().is_some_and(|n| !n.is_empty()) {
            // Stray spaces stay in the ARN as written: the catalog resolves it and reports them.
            let spaces = &after[..after.len() - rest.len()];
            out.push((at, format!("{spaces}{path}")));
        }
    }
    out
}

/// The managed policies a paragraph names (see the module comment); a name in bold or code
/// only when `known` knows it.
pub fn managed_in_prose(
    pieces: &[Piece],
    raw: &str,
    loc: Loc,
    known: &dyn KnownManaged,
) -> Vec<ManagedName> {
    let mut positions = Positions::new(raw, loc);
    let mut out: Vec<ManagedName> = managed_arns(raw)
        .into_iter()
        .map(|(at, path)| managed(&path, positions.loc(at)))
        .collect();
    let plain = super::plain(pieces);
    let says_policy = plain.to_lowercase().contains("polic");
    let mut named: HashSet<String> = out.iter().map(|m| m.name.clone()).collect();
    for piece in pieces {
        if let Piece::Bold(s, at) | Piece::Code(s, at) = piece {
            let s = s.trim();
            if says_policy
                && is_managed_name(s)
                && MANAGED_ENDINGS.iter().any(|e| s.ends_with(e))
                && !is_origin(&plain, s)
                && let Some(m) = known_managed(s, *at, known)
                && named.insert(s.to_string())
            {
                out.push(m);
            }
        }
    }
    out
}

/// The AWS managed policy `known` knows by this name (`name` standing at `at`), with its
/// ARN at its real path: a word in prose is never invented as one.
fn known_managed(name: &str, at: Loc, known: &dyn KnownManaged) -> Option<ManagedName> {
    known.exact_arn(name).map(|arn| ManagedName {
        name: name.to_string(),
        arn,
        loc: at,
    })
}

/// Phrases that name a policy as where something came from or was compared with, not as
/// one to attach: "derived from ReadOnlyAccess", "instead of AdministratorAccess".
const ORIGIN_PHRASES: [&str; 7] = [
    "derived from",
    "based on",
    "subset of",
    "instead of",
    "rather than",
    "similar to",
    "copied from",
];

/// Whether the text names `name` as the origin of something rather than a policy to attach.
fn is_origin(text: &str, name: &str) -> bool {
    let lower = text.to_lowercase();
    text.match_indices(name).any(|(at, _)| {
        let before =
            lower[..at].trim_end_matches(|c: char| c.is_whitespace() || "`*_\"'".contains(c));
        ORIGIN_PHRASES
            .iter()
            .any(|p| before.ends_with(p) || before.ends_with(&format!("{p} the")))
    })
}

/// Whether a paragraph introduces a list of policies ("Attach these AWS managed policies:").
pub fn introduces_policies(text: &str) -> bool {
    text.trim_end().ends_with(':') && text.to_lowercase().contains("polic")
}

/// A list item that starts with the name of an AWS managed policy in code or bold
/// (`` `SecurityAudit` - required for ... ``): the policy, and the rest of the item as its
/// note.
pub fn listed_managed(
    pieces: &[Piece],
    known: &dyn KnownManaged,
) -> Option<(ManagedName, Option<String>)> {
    let first = pieces
        .iter()
        .position(|p| !matches!(p, Piece::Text(s, _) if s.trim().is_empty()))?;
    let (Piece::Code(name, at) | Piece::Bold(name, at)) = &pieces[first] else {
        return None;
    };
    let name = name.trim();
    let name = name.strip_prefix(AWS_MANAGED_PREFIX).unwrap_or(name);
    let m = known_managed(name, *at, known).filter(|_| is_managed_name(name))?;
    let rest = clean(&super::plain(&pieces[first + 1..]));
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || "-–—:".contains(c));
    let note = (!rest.is_empty()).then(|| rest.to_string());
    Some((m, note))
}

/// Running text as a note: white space collapsed, stray emphasis marks and the punctuation
/// that introduced a list (`Limited to ...:`) removed. Empty when nothing readable is left.
pub fn clean(text: &str) -> String {
    let collapsed = text
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c == '*' || c == '_'))
        .map(|w| w.trim_start_matches("**").trim_end_matches("**"))
        .collect::<Vec<_>>()
        .join(" ");
    let trimmed = collapsed
        .trim_matches(|c: char| c.is_whitespace() || ":,;-*_|".contains(c))
        .to_string();
    if trimmed.chars().any(char::is_alphanumeric) {
        trimmed
    } else {
        String::new()
    }
}

/// Phrases that introduce a holder's name in prose, and the kind they name.
const NAMED_HOLDER: [(&str, RoleKind); 6] = [
    ("user called ", RoleKind::User),
    ("user named ", RoleKind::User),
    ("role called ", RoleKind::Role),
    ("role named ", RoleKind::Role),
    ("group called ", RoleKind::Group),
    ("group named ", RoleKind::Group),
];

/// The holders prose names, as in `an IAM user called "OwnstakCloudCredentialsUser"`: the
/// name after "user/role/group called/named", quoted, in code or bold, or a bare word that
/// looks like a name (capitals, digits, `-` or `_` in it), not a common word. Each comes
/// with the byte offset of the name in `text`.
pub fn named_holders(text: &str) -> Vec<(String, RoleKind, usize)> {
    const QUOTES: [char; 6] = ['"', '“', '\'', '`', '*', '‘'];
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    for (phrase, kind) in NAMED_HOLDER {
        for (at, _) in lower.match_indices(phrase) {
            let rest = &text[at + phrase.len()..];
            let unquoted = rest.trim_start_matches(QUOTES);
            let offset = text.len() - unquoted.len();
            let name: String = unquoted
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c))
                .collect();
            let name = name.trim_end_matches(['.', ',']);
            let looks_like_name = name
                .chars()
                .any(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !name.is_empty() && (rest.starts_with(QUOTES) || looks_like_name) {
                out.push((name.to_string(), kind, offset));
            }
        }
    }
    out.sort_by_key(|&(_, _, at)| at);
    out
}

/// The role names a paragraph gives: the name in a role ARN example
/// (`arn:aws:iam::<account-id>:role/ProwlerScan`) and a bold or code name followed by the
/// word role ("the **ProwlerScan** role"). Placeholders (`<role-name>`, `${Name}`) are not
/// names.
pub fn role_names(pieces: &[Piece]) -> Vec<String> {
    let is_name = |s: &str| {
        s.len() >= 2
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
            && s.chars().any(|c| c.is_ascii_uppercase())
    };
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        let (Piece::Text(s, _) | Piece::Bold(s, _) | Piece::Code(s, _)) = piece else {
            continue;
        };
        for (at, _) in s.match_indices(":role/") {
            let name: String = s[at + 6..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !"`'\")<>".contains(*c))
                .collect();
            let name = name
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .trim_end_matches('.');
            if is_name(name) {
                out.push(name.to_string());
            }
        }
        if let Piece::Bold(s, _) | Piece::Code(s, _) = piece
            && is_name(s.trim())
            && let Some(Piece::Text(next, _)) = pieces.get(i + 1)
            && next.trim_start().to_lowercase().starts_with("role")
        {
            out.push(s.trim().to_string());
        }
    }
    out
}

/// The action-shaped words of a text, lower-cased.
pub fn action_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '*' | '?' | '-')))
        .filter(|w| is_action(w))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The paragraphs of a section that name actions, each once, by the actions they name
/// (lower-cased, see [`action_words`]).
#[derive(Default)]
pub struct Mentions {
    paragraphs: Vec<String>,
    seen: HashSet<String>,
    /// For every action, the paragraphs that name it, in order.
    by_action: HashMap<String, Vec<usize>>,
}

impl Mentions {
    /// Adds a paragraph (cleaned text) if it names actions.
    pub fn add(&mut self, text: &str) {
        let words = action_words(text);
        if words.is_empty() || !self.seen.insert(text.to_string()) {
            return;
        }
        for word in words {
            self.by_action
                .entry(word)
                .or_default()
                .push(self.paragraphs.len());
        }
        self.paragraphs.push(text.to_string());
    }
}

/// Adds to each statement's note the paragraphs of its section that name one of its actions
/// (such as the prose that limits `iam:passRole` to four named roles), in order.
pub fn annotate_mentions(policy: &mut Policy, mentions: &Mentions) {
    if mentions.paragraphs.is_empty() {
        return;
    }
    let Some(doc) = document_mut(policy) else {
        return;
    };
    for s in &mut doc.statements {
        let actions: HashSet<String> = s
            .action
            .iter()
            .flat_map(|v| v.iter())
            .map(str::to_ascii_lowercase)
            .collect();
        // The note takes the first paragraphs only, and each of them is among the first
        // ones of the list of every action it names.
        let mut found: Vec<usize> = actions
            .iter()
            .filter_map(|a| mentions.by_action.get(a))
            .flat_map(|list| list.iter().take(super::MAX_ADDED_NOTES + 1))
            .copied()
            .collect();
        found.sort_unstable();
        found.dedup();
        add_notes(
            &mut s.note,
            found.iter().map(|&i| mentions.paragraphs[i].as_str()),
            "more paragraphs of this section name its actions",
        );
    }
}

/// Adds to each statement the tag conditions its note implies, each once.
pub fn infer_conditions(policy: &mut Policy) {
    let Some(doc) = document_mut(policy) else {
        return;
    };
    for s in &mut doc.statements {
        let Some(note) = &s.note else { continue };
        let mut seen: HashSet<(String, Vec<String>)> = s
            .inferred
            .iter()
            .map(|c| (c.key.clone(), c.values.clone()))
            .collect();
        for c in inferred(note) {
            if seen.insert((c.key.clone(), c.values.clone())) {
                s.inferred.push(c);
            }
        }
    }
}

/// How many conditions one note implies at most; a vendor note states one or two.
const MAX_INFERRED: usize = 16;

/// How much prose around a `Key=Value` pair a condition keeps as what it was inferred from,
/// in characters on each side.
const FROM_CONTEXT_CHARS: usize = 80;

/// The tag conditions a note states plainly: a `Key=Value` pair in prose that speaks of
/// resources and of "where" or "tag", such as "Limited to Epsio resources (where
/// `Owner=Epsio`)", read as `StringEquals aws:ResourceTag/Owner = Epsio`. A key already
/// written as a condition key (`aws:ResourceTag/Owner`) is kept as written. Each keeps the
/// prose it comes from: the note, or in a long note the words around the pair. At most
/// [`MAX_INFERRED`] (the note itself is kept whole).
pub fn inferred(note: &str) -> Vec<InferredCondition> {
    let lower = note.to_lowercase();
    if !lower.contains("resource") || !(lower.contains("where") || lower.contains("tag")) {
        return Vec::new();
    }
    let part = |c: char| c.is_ascii_alphanumeric() || "_.:/+-@".contains(c);
    let mut out = Vec::new();
    for (at, _) in note.match_indices('=') {
        if out.len() == MAX_INFERRED {
            break;
        }
        let key: String = note[..at]
            .chars()
            .rev()
            .take_while(|&c| part(c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let value: String = note[at + 1..].chars().take_while(|&c| part(c)).collect();
        let value = value.trim_end_matches(['.', ':']);
        if key.starts_with(|c: char| c.is_ascii_alphabetic()) && !value.is_empty() {
            let key = if key.contains(':') {
                key
            } else {
                format!("aws:ResourceTag/{key}")
            };
            out.push(InferredCondition {
                operator: "StringEquals".into(),
                key,
                values: vec![value.to_string()],
                from: context(note, at),
            });
        }
    }
    out
}

/// The note when it is short, else the words within [`FROM_CONTEXT_CHARS`] of byte `at`,
/// with `…` where the note goes on.
fn context(note: &str, at: usize) -> String {
    if note.chars().count() <= 2 * FROM_CONTEXT_CHARS {
        return note.to_string();
    }
    let start = note[..at]
        .char_indices()
        .rev()
        .nth(FROM_CONTEXT_CHARS - 1)
        .map_or(0, |(i, _)| {
            // From the start of a word.
            note[i..at].find(' ').map_or(i, |j| i + j + 1)
        });
    let end = note[at..]
        .char_indices()
        .nth(FROM_CONTEXT_CHARS)
        .map_or(note.len(), |(i, _)| {
            let limit = at + i;
            note[at..limit].rfind(' ').map_or(limit, |j| at + j)
        });
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(note[start..end].trim());
    if end < note.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_shapes() {
        for yes in [
            "ec2:RunInstances",
            "s3:*",
            "iam:passRole",
            "ec2:Describe*",
            "a-b:X?",
        ] {
            assert!(is_action(yes), "{yes}");
        }
        for no in [
            "arn:aws:iam::aws:policy/X",
            "aws:SourceArn",
            "Owner=Epsio",
            "10:30",
            "https://x",
            "s3:",
            "x:1",
            "a:b",
            ":x",
            "aws:ResourceTag/Owner",
        ] {
            assert!(!is_action(no), "{no}");
        }
    }

    #[test]
    fn managed_policy_names_and_arns() {
        assert!(is_managed_name("AmazonAthenaFullAccess"));
        assert!(is_managed_name("service-role/AWSLambdaBasicExecutionRole"));
        assert!(!is_managed_name("Policy"));
        assert!(!is_managed_name("Additional data"));
        assert_eq!(
            managed_arns("see **arn:aws:iam::aws:policy/ AmazonAthenaFullAccess**."),
            [(6, " AmazonAthenaFullAccess".to_string())]
        );
        assert_eq!(
            managed_arns("href=\"https://x/arn:aws:iam::aws:policy/service-role/Foo\""),
            [(16, "service-role/Foo".to_string())]
        );
        let m = managed("service-role/Foo", Loc::new(3, 4));
        assert_eq!(m.name, "Foo");
        assert_eq!(m.arn, "arn:aws:iam::aws:policy/service-role/Foo");
        let pieces = [
            Piece::Text("Attach the ".into(), Loc::new(1, 1)),
            Piece::Bold("ReadOnlyAccess".into(), Loc::new(1, 12)),
            Piece::Text(" policy, not ".into(), Loc::new(1, 30)),
            Piece::Bold("MyRole".into(), Loc::new(1, 44)),
        ];
        let known = crate::catalog::managed::BuiltIn;
        let found = managed_in_prose(&pieces, "", Loc::new(1, 1), &known);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "ReadOnlyAccess");
        assert_eq!(found[0].loc, Loc::new(1, 12));
    }

    #[test]
    fn notes_are_cleaned() {
        assert_eq!(
            clean("** Limited to Epsio resources (where `Owner=Epsio`):**"),
            "Limited to Epsio resources (where `Owner=Epsio`)"
        );
        assert_eq!(clean(" ,  ,  "), "");
    }

    #[test]
    fn holders_named_in_prose() {
        assert_eq!(
            named_holders("you'll have an IAM user called \"OwnstakCloudCredentialsUser\" that"),
            [("OwnstakCloudCredentialsUser".into(), RoleKind::User, 32)]
        );
        assert_eq!(
            named_holders("Create a role named `datadog-integration`, then a group named Ops-1."),
            [
                ("datadog-integration".into(), RoleKind::Role, 21),
                ("Ops-1".into(), RoleKind::Group, 62)
            ]
        );
        assert!(named_holders("a role named after your team").is_empty());
    }

    #[test]
    fn tag_conditions_from_scope_prose() {
        let c = inferred("Limited to Epsio resources (where `Owner=Epsio`)");
        assert_eq!(
            c,
            [InferredCondition {
                operator: "StringEquals".into(),
                key: "aws:ResourceTag/Owner".into(),
                values: vec!["Epsio".into()],
                from: "Limited to Epsio resources (where `Owner=Epsio`)".into(),
            }]
        );
        assert!(
            inferred("Limited to Epsio resources (based on Epsio's resource names)").is_empty()
        );
        assert!(inferred("Set retries=3 for speed").is_empty());
        assert_eq!(
            inferred("only resources tagged aws:ResourceTag/team=data")[0].key,
            "aws:ResourceTag/team"
        );
    }

    #[test]
    fn action_words_are_whole_words() {
        let words = action_words("The iam:passRole permission (not iam:PassRoles, x:y) ends.");
        assert!(words.contains("iam:passrole"));
        assert!(words.contains("iam:passroles"));
        assert_eq!(words.len(), 2);
    }
}

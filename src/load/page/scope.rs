//! Which holder a policy on a page belongs to and what it is called, from the headings
//! above it.
//!
//! A heading names a holder when it is not about policies (no "policy", "permissions",
//! "trust relationship", "statement", "document" in it) and either
//! - is one word ending in a holder noun: `StackStateAwsIntegrationRole`,
//!   `StackStateEventBridgeRole-${Region}` (a placeholder suffix is allowed), `dstack_role`;
//! - or is two to five words ending in a capitalised holder noun and not starting with a verb
//!   or article: `Management Role`, `stackstate-integration KMS Key`.
//!
//! The noun gives the kind: Role, User, Group; Key, Bucket, Queue, Topic hold resource
//! policies. A heading of several words is read as the page's own name for a holder the page
//! names elsewhere in one word when exactly one such name ends with it (`Management Role` is
//! `UpsolverManagementRole` when the page mentions that name in bold, code or a heading).
//!
//! The deepest holder heading holds the policies of its section and of every deeper one; the
//! deepest heading below it (`### Trust Relationship`) names the policy. With no holder
//! heading, the holder is the one the prose names ("an IAM user called
//! "OwnstakCloudCredentialsUser"") when it names exactly one, else the document itself.

use std::collections::BTreeMap;

use super::{Block, Piece, Placed, prose};
use crate::model::{Loc, Policy, PolicyKind, RoleKind};

/// A heading in scope, with the holder it names (if it names one).
#[derive(Clone, Debug)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    pub loc: Loc,
    holder: Option<(String, RoleKind)>,
}

impl Heading {
    pub fn new(level: u8, text: String, loc: Loc, names: &Names) -> Heading {
        let holder = holder_heading(&text, names);
        Heading {
            level,
            text,
            loc,
            holder,
        }
    }
}

/// Who holds the policies of a section.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Holder {
    pub name: String,
    pub kind: RoleKind,
    pub loc: Loc,
    /// The heading that describes the holder, when its name comes from the prose.
    pub title: Option<String>,
}

/// Nouns that end a holder's name, and the kind of holder they make.
const HOLDER_NOUNS: [(&str, RoleKind); 7] = [
    ("Role", RoleKind::Role),
    ("User", RoleKind::User),
    ("Group", RoleKind::Group),
    ("Key", RoleKind::Resource),
    ("Bucket", RoleKind::Resource),
    ("Queue", RoleKind::Resource),
    ("Topic", RoleKind::Resource),
];

/// Words that make a heading about policies rather than a holder (lower case, matched
/// inside words, so `Policies` and `Permissions` count).
const POLICY_WORDS: [&str; 5] = [
    "polic",
    "permission",
    "trust relationship",
    "statement",
    "document",
];

/// First words of headings that describe a step or a requirement, not a name.
const NOT_A_NAME: [&str; 30] = [
    "a",
    "about",
    "add",
    "adding",
    "an",
    "assume",
    "assuming",
    "attach",
    "attaching",
    "configure",
    "configuring",
    "create",
    "creating",
    "delete",
    "deleting",
    "deploy",
    "deploying",
    "edit",
    "grant",
    "granting",
    "our",
    "required",
    "set",
    "setting",
    "setup",
    "step",
    "the",
    "update",
    "use",
    "using",
];

/// Names the whole page offers: one-word holder names (for resolving `Management Role`) and
/// holders named in prose (two at most: with two, neither is the default).
#[derive(Debug, Default)]
pub struct Names {
    /// One-word names by their lower-cased letters reversed, so the names ending in some
    /// words are one range of the map.
    one_word: BTreeMap<String, String>,
    in_prose: Vec<Holder>,
}

/// `s` lower-cased and reversed.
fn reversed(s: &str) -> String {
    s.to_lowercase().chars().rev().collect()
}

impl Names {
    pub fn collect(blocks: &[Block]) -> Names {
        let mut names = Names::default();
        let mut offer = |s: &str| {
            let s = clean(s);
            if !s.contains(char::is_whitespace) && one_word_kind(&s).is_some() {
                names.one_word.entry(reversed(&s)).or_insert(s);
            }
        };
        for block in blocks {
            match block {
                Block::Heading { text, .. } => offer(text),
                Block::Prose { pieces, .. } => pieces.iter().for_each(|p| marked(p, &mut offer)),
                Block::Table { header, rows, .. } => header
                    .iter()
                    .chain(rows.iter().flat_map(|r| &r.cells))
                    .flatten()
                    .for_each(|p| marked(p, &mut offer)),
                Block::Code { .. } => {}
            }
        }
        for block in blocks {
            let Block::Prose { pieces, loc, .. } = block else {
                continue;
            };
            for (name, kind, at) in prose::named_holders(&super::plain(pieces)) {
                if !names.in_prose.iter().any(|h| h.name == name) {
                    let loc = super::loc_in(pieces, at).unwrap_or(*loc);
                    names.in_prose.push(Holder {
                        name,
                        kind,
                        loc,
                        title: None,
                    });
                }
                if names.in_prose.len() > 1 {
                    return names;
                }
            }
        }
        names
    }

    /// The holder of policies no heading places: the one the prose names, when it names
    /// exactly one, else the document.
    pub fn default_holder(&self, path: &str) -> Holder {
        match self.in_prose.as_slice() {
            [one] => one.clone(),
            _ => Holder {
                name: crate::load::file_name(path),
                kind: RoleKind::Document,
                loc: Loc::new(1, 1),
                title: None,
            },
        }
    }

    /// The one-word name that `words` (such as `Management Role`) abbreviates, if exactly
    /// one does.
    fn resolve(&self, words: &str) -> Option<&str> {
        let key = reversed(&words.split_whitespace().collect::<String>());
        let mut matches = self
            .one_word
            .range(key.clone()..)
            .take_while(|(k, _)| k.starts_with(&key))
            .filter(|(k, _)| k.len() > key.len());
        match (matches.next(), matches.next()) {
            (Some((_, one)), None) => Some(one),
            _ => None,
        }
    }
}

/// Calls `f` on the text of a bold or code piece.
fn marked(piece: &Piece, f: &mut impl FnMut(&str)) {
    if let Piece::Bold(s, _) | Piece::Code(s, _) = piece {
        f(s);
    }
}

/// A heading's text without decoration: surrounding emphasis marks and a trailing colon.
pub fn clean(text: &str) -> String {
    text.trim()
        .trim_matches(|c| c == '*' || c == '_')
        .trim()
        .trim_end_matches(':')
        .trim()
        .to_string()
}

/// The kind of holder a one-word name ends in, after any placeholder suffix
/// (`StackStateEventBridgeRole-${Region}`): CamelCase (`...Role`) or separated
/// (`..._role`, `...-user`).
fn one_word_kind(word: &str) -> Option<RoleKind> {
    let identifier = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-${}<>".contains(c);
    if !word.chars().all(identifier) || !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let base = strip_placeholder_suffix(word);
    HOLDER_NOUNS.iter().find_map(|&(noun, kind)| {
        let camel = base
            .strip_suffix(noun)
            .and_then(|rest| rest.chars().last())
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let lower = base.to_ascii_lowercase();
        let noun = noun.to_ascii_lowercase();
        let separated = lower.len() > noun.len() + 1
            && lower.ends_with(&noun)
            && matches!(lower.as_bytes()[lower.len() - noun.len() - 1], b'-' | b'_');
        (camel || separated).then_some(kind)
    })
}

/// `Name-${Region}` → `Name`: drops trailing `${...}`, `{...}` and `<...>` placeholders
/// with the separator before them.
fn strip_placeholder_suffix(word: &str) -> &str {
    let mut base = word;
    loop {
        let Some(last) = base.chars().last() else {
            return base;
        };
        let open = match last {
            '}' => base.rfind('{').map(|i| {
                if i > 0 && base.as_bytes()[i - 1] == b'$' {
                    i - 1
                } else {
                    i
                }
            }),
            '>' => base.rfind('<'),
            _ => None,
        };
        let Some(open) = open.filter(|&i| i > 0) else {
            return base;
        };
        base = base[..open].trim_end_matches(['-', '_', '.']);
    }
}

/// The holder a heading names, if it names one.
fn holder_heading(text: &str, names: &Names) -> Option<(String, RoleKind)> {
    let text = clean(text);
    let lower = text.to_lowercase();
    if POLICY_WORDS.iter().any(|w| lower.contains(w)) {
        return None;
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    match words.as_slice() {
        [one] => one_word_kind(one).map(|kind| (text.clone(), kind)),
        [first, .., last] if words.len() <= 5 => {
            let last = last.trim_matches(|c: char| !c.is_alphanumeric());
            let (_, kind) = HOLDER_NOUNS.iter().find(|(noun, _)| *noun == last)?;
            if NOT_A_NAME.contains(&first.to_lowercase().as_str()) {
                return None;
            }
            let name = names.resolve(&text).map_or(text.clone(), str::to_string);
            Some((name, *kind))
        }
        _ => None,
    }
}

/// Where the policies of one section go, and what they are called.
#[derive(Debug)]
pub struct Scope {
    holder: Holder,
    /// The deepest heading below the holder's, which names the section's policies.
    policy_heading: Option<String>,
    /// A heading in scope says the section lists managed policies.
    managed_context: bool,
}

impl Scope {
    pub fn of(headings: &[Heading], default_holder: &Holder) -> Scope {
        let holder_at = headings
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, h)| h.holder.clone().map(|found| (i, found, h.loc)));
        let deepest = headings
            .last()
            .map(|h| clean(&h.text))
            .filter(|t| !t.is_empty());
        let (holder, policy_heading) = match holder_at {
            Some((i, (name, kind), loc)) => (
                Holder {
                    name,
                    kind,
                    loc,
                    title: None,
                },
                deepest.filter(|_| i + 1 < headings.len()),
            ),
            None => (default_holder.clone(), deepest),
        };
        let managed_context = headings
            .iter()
            .any(|h| h.text.to_lowercase().contains("managed polic"));
        Scope {
            holder,
            policy_heading,
            managed_context,
        }
    }

    /// Names the holder by the role name the section's prose gives (`role/ProwlerScan` in
    /// an ARN example, "the **ProwlerScan** role") when a heading only describes it
    /// ("Management Account Role"), keeping the heading as its title.
    /// `renamed` remembers the names given, so that the sections below the same heading
    /// place their policies with the same holder.
    pub fn name_from_prose(
        &mut self,
        blocks: &[Block],
        renamed: &mut std::collections::HashMap<String, String>,
    ) {
        if let Some(name) = renamed.get(&self.holder.name) {
            let title = std::mem::replace(&mut self.holder.name, name.clone());
            self.holder.title = Some(title);
            return;
        }
        let described = self.holder.kind == RoleKind::Role
            && self.holder.title.is_none()
            && self.holder.name.contains(char::is_whitespace);
        if !described {
            return;
        }
        let mut found: Vec<String> = Vec::new();
        for block in blocks {
            if let Block::Prose { pieces, .. } = block {
                for name in prose::role_names(pieces) {
                    if !found.contains(&name) {
                        found.push(name);
                    }
                }
            }
        }
        if let [name] = found.as_slice() {
            let title = std::mem::replace(&mut self.holder.name, name.clone());
            renamed.insert(title.clone(), name.clone());
            self.holder.title = Some(title);
        }
    }

    /// A policy of this section, placed with its holder.
    pub fn place(&self, policy: Policy) -> Placed {
        Placed {
            holder: self.holder.clone(),
            policy,
        }
    }

    /// The name of a policy of this section that names none itself: the heading below the
    /// holder's, else its kind (`trust policy`).
    pub fn policy_name(&self, kind: PolicyKind) -> String {
        self.policy_heading
            .clone()
            .unwrap_or_else(|| format!("{} policy", kind.as_str()))
    }

    /// Whether a heading in scope says the section lists managed policies.
    pub fn managed_context(&self) -> bool {
        self.managed_context
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(one_word: &[&str]) -> Names {
        Names {
            one_word: one_word
                .iter()
                .map(|s| (reversed(s), s.to_string()))
                .collect(),
            in_prose: Vec::new(),
        }
    }

    #[test]
    fn headings_that_name_holders() {
        let n = names(&[
            "UpsolverManagementRole",
            "UpsolverServerRole",
            "UpsolverRole",
        ]);
        let cases = [
            (
                "StackStateAwsIntegrationRole",
                Some(("StackStateAwsIntegrationRole", RoleKind::Role)),
            ),
            (
                "StackStateEventBridgeRole-${Region}",
                Some(("StackStateEventBridgeRole-${Region}", RoleKind::Role)),
            ),
            (
                "**Management Role**",
                Some(("UpsolverManagementRole", RoleKind::Role)),
            ),
            ("Server Role", Some(("UpsolverServerRole", RoleKind::Role))),
            (
                "stackstate-integration KMS Key",
                Some(("stackstate-integration KMS Key", RoleKind::Resource)),
            ),
            (
                "Cross Account Execution Role",
                Some(("Cross Account Execution Role", RoleKind::Role)),
            ),
            ("dstack_role", Some(("dstack_role", RoleKind::Role))),
            ("AuditorsGroup", Some(("AuditorsGroup", RoleKind::Group))),
            ("Trust Relationship", None),
            ("IAM Policy Document", None),
            ("AWS Role Permissions", None),
            ("StsEventBridgeRule", None),
            ("Overview", None),
            ("Role", None),
            ("Create the IAM Role", None),
            ("Step 2: Create a Role", None),
            ("Which role do I need to assume for this", None),
        ];
        for (heading, expected) in cases {
            let got = holder_heading(heading, &n);
            let got = got.as_ref().map(|(name, kind)| (name.as_str(), *kind));
            assert_eq!(got, expected, "{heading}");
        }
    }

    #[test]
    fn the_deepest_heading_below_the_holder_names_the_policy() {
        let n = names(&[]);
        let h =
            |level, text: &str| Heading::new(level, text.into(), Loc::new(u32::from(level), 1), &n);
        let default = Holder {
            name: "page.md".into(),
            kind: RoleKind::Document,
            loc: Loc::new(1, 1),
            title: None,
        };
        let s = Scope::of(
            &[
                h(1, "Policies"),
                h(2, "MyRole"),
                h(3, "Trust Relationship:"),
            ],
            &default,
        );
        assert_eq!(s.holder.name, "MyRole");
        assert_eq!(s.holder.loc, Loc::new(2, 1));
        assert_eq!(s.policy_name(PolicyKind::Trust), "Trust Relationship");
        let s = Scope::of(&[h(1, "Policies"), h(2, "MyRole")], &default);
        assert_eq!(s.policy_name(PolicyKind::Trust), "trust policy");
        let s = Scope::of(&[h(1, "AWS permissions")], &default);
        assert_eq!(s.holder, default);
        assert_eq!(s.policy_name(PolicyKind::Identity), "AWS permissions");
        let s = Scope::of(&[], &default);
        assert_eq!(s.policy_name(PolicyKind::Resource), "resource policy");
        assert!(Scope::of(&[h(4, "Managed Policies")], &default).managed_context());
    }
}

//! What a documentation page says about permissions, whatever its markup. The Markdown,
//! HTML and page-text loaders each turn their input into a list of [`Block`]s (headings,
//! prose, code, tables); [`assemble`] turns the blocks into roles and policies the same way
//! for all three:
//!
//! - Headings scope names ([`scope`]): a heading that names a holder (`## StackStateAwsIntegrationRole`,
//!   `### Management Role`, `## stackstate-integration KMS Key`) holds every policy below it;
//!   a deeper heading (`### Trust Relationship`) names the policy.
//! - Code that holds JSON policies goes through the JSON loader, with repairs.
//! - Tables whose cells name actions become statements, one per row ([`table`]); managed
//!   policies named in tables or prose become managed references ([`prose`]).
//! - A section (the text between two headings) with both a policy and a table: the policy is
//!   what is granted, the table's descriptions annotate its statements, and the two are
//!   compared ([`annotate`]).

pub mod annotate;
pub mod prose;
pub mod scope;
pub mod table;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::load::{KnownManaged, json};
use crate::model::{Format, Loc, Policy, PolicyKind, Role, Source, Text};

/// A run of inline content as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    /// Plain text.
    Text(String, Loc),
    /// Text in bold or italics.
    Bold(String, Loc),
    /// Text in code (backticks, `<code>`).
    Code(String, Loc),
    /// A line break inside a paragraph or cell (`<br>`).
    Break,
}

/// Adds `piece` to `pieces`, joined to the one before when both are text of one kind: a
/// word the page's source split (Markdown splits text at a backslash escape, `a4b:List\\*`;
/// a built page has an HTML comment inside a word, `a4b:List<!-- -->*`).
pub fn push_joined(pieces: &mut Vec<Piece>, piece: Piece) {
    match (pieces.last_mut(), piece) {
        (Some(Piece::Text(before, _)), Piece::Text(more, _))
        | (Some(Piece::Bold(before, _)), Piece::Bold(more, _))
        | (Some(Piece::Code(before, _)), Piece::Code(more, _)) => before.push_str(&more),
        (_, piece) => pieces.push(piece),
    }
}

/// One block of a page, in reading order.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading; level 0 is the page title from front matter, then 1 to 6.
    Heading { level: u8, text: String, loc: Loc },
    /// A paragraph or list item. `raw` is its source text, links and tags included.
    Prose {
        pieces: Vec<Piece>,
        raw: String,
        loc: Loc,
    },
    /// Text that holds JSON, or a CloudFormation or Terraform snippet (a fenced block,
    /// `<pre>`, an object in running text), whose
    /// first character stands at `origin`. `label` is the short line just above an unfenced
    /// object, which names it.
    Code {
        text: String,
        origin: Loc,
        label: Option<String>,
    },
    /// A table: its header cells and its rows.
    Table {
        header: Vec<Vec<Piece>>,
        rows: Vec<Row>,
        loc: Loc,
    },
}

/// One table row: its cells and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<Vec<Piece>>,
    pub loc: Loc,
}

/// The plain text of some pieces, code in backticks, breaks as spaces.
pub fn plain(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(s, _) | Piece::Bold(s, _) => out.push_str(s),
            Piece::Code(s, _) => {
                out.push('`');
                out.push_str(s);
                out.push('`');
            }
            Piece::Break => out.push(' '),
        }
    }
    out
}

/// Builds the roles and policies the blocks describe and adds them to `source`; `known`
/// says which names in prose are AWS managed policies.
pub fn assemble(blocks: Vec<Block>, source: &mut Source, known: &dyn KnownManaged) {
    let names = scope::Names::collect(&blocks);
    let default_holder = names.default_holder(&source.path);
    let mut page = Page {
        default_holder,
        ..Page::default()
    };
    let mut headings: Vec<scope::Heading> = Vec::new();
    let mut section = Vec::new();
    for block in blocks {
        if let Block::Heading { level, text, loc } = block {
            page.section(&headings, std::mem::take(&mut section), source, known);
            headings.retain(|h| h.level < level);
            headings.push(scope::Heading::new(level, text, loc, &names));
        } else {
            section.push(block);
        }
    }
    page.section(&headings, section, source, known);
    source.roles.extend(page.roles);
    source.roles.extend(page.templates);
}

/// The format of a code block, when it holds a CloudFormation or Terraform snippet or an
/// account dump (the output of `get-account-authorization-details`) rather than a policy:
/// each is read by its own loader, its holders kept.
pub fn template(text: &str) -> Option<Format> {
    match crate::load::detect::detect(text) {
        f @ (Format::Cloudformation | Format::Terraform | Format::AuthorizationDetails) => Some(f),
        _ => None,
    }
}

/// The roles built so far.
#[derive(Default)]
struct Page {
    roles: Vec<Role>,
    default_holder: scope::Holder,
    /// Where each holder is in `roles`, by name.
    by_name: HashMap<String, usize>,
    /// The policy names each holder uses.
    names: HashSet<(usize, String)>,
    /// The managed policies each holder references, by ARN.
    arns: HashSet<(usize, String)>,
    /// The last number given to a repeated policy name.
    numbers: HashMap<(usize, String), usize>,
    /// Holders defined by CloudFormation or Terraform snippets in code blocks.
    templates: Vec<Role>,
    /// Holders named by the role name their section's prose gives, by heading.
    renamed: HashMap<String, String>,
}

/// A policy read in the current section, before it joins its holder.
pub struct Placed {
    holder: scope::Holder,
    policy: Policy,
}

impl Page {
    /// Reads the blocks between two headings.
    fn section(
        &mut self,
        headings: &[scope::Heading],
        blocks: Vec<Block>,
        source: &mut Source,
        known: &dyn KnownManaged,
    ) {
        if blocks.is_empty() {
            return;
        }
        let mut scope = scope::Scope::of(headings, &self.default_holder);
        scope.name_from_prose(&blocks, &mut self.renamed);
        let mut granted: Vec<Placed> = Vec::new();
        let mut managed: Vec<Placed> = Vec::new();
        let mut tables: Vec<(table::Read, Option<String>)> = Vec::new();
        let mut mentions = prose::Mentions::default();
        let mut last_prose: Option<String> = None;
        // The last paragraph that names no action: a text that names actions is a note for
        // the statements granting them (see `annotate_mentions`), not for a whole policy.
        let mut last_general: Option<String> = None;
        let mut policy_list = false;
        for block in blocks {
            match block {
                Block::Heading { .. } => {}
                Block::Prose { pieces, raw, loc } => {
                    let text = prose::clean(&plain(&pieces));
                    // An item of a list a paragraph introduced as policies ("attach these
                    // managed policies:"): `SecurityAudit` - what it is for.
                    let item = policy_list
                        .then(|| prose::listed_managed(&pieces, known))
                        .flatten();
                    policy_list &= item.is_some();
                    match item {
                        Some((m, note)) => managed.push(scope.place(managed_policy(&m, note))),
                        None => {
                            for m in prose::managed_in_prose(&pieces, &raw, loc, known) {
                                managed.push(scope.place(managed_policy(&m, None)));
                            }
                        }
                    }
                    policy_list |= prose::introduces_policies(&plain(&pieces));
                    mentions.add(&text);
                    if !text.is_empty() {
                        if prose::action_words(&text).is_empty() {
                            last_general = Some(text.clone());
                        }
                        last_prose = Some(text);
                    }
                }
                Block::Code { text, origin, .. } if let Some(format) = template(&text) => {
                    // A CloudFormation or Terraform snippet names its own holders.
                    let mut snippet = Source::new(source.path.clone(), Format::Json);
                    match format {
                        Format::Cloudformation => {
                            crate::load::cfn::load_at(&text, origin, &mut snippet);
                        }
                        Format::AuthorizationDetails => {
                            crate::load::authz::load_at(&text, origin, &mut snippet, known);
                        }
                        _ => crate::load::terraform::load_at(&text, origin, &mut snippet),
                    }
                    source.diagnostics.append(&mut snippet.diagnostics);
                    self.templates.append(&mut snippet.roles);
                }
                Block::Code {
                    text,
                    origin,
                    label,
                } => {
                    let found = json::policies_in_text(&text, origin, &mut source.diagnostics);
                    let note = if found.is_empty() {
                        None
                    } else {
                        last_prose = None;
                        last_general.take()
                    };
                    for f in found {
                        let kind = f.kind.unwrap_or_else(|| super::kind_of(&f.document));
                        let name = f
                            .name
                            .or_else(|| label.clone())
                            .unwrap_or_else(|| scope.policy_name(kind));
                        let mut policy = Policy::new(name, kind, f.document);
                        policy.note.clone_from(&note);
                        granted.push(scope.place(policy));
                    }
                }
                Block::Table { header, rows, loc } => {
                    let read = table::read(&header, &rows, loc, scope.managed_context());
                    for (m, note) in &read.managed {
                        let policy = managed_policy(m, note.clone());
                        managed.push(scope.place(policy));
                    }
                    if !read.rows.is_empty() {
                        last_general = None;
                        tables.push((read, last_prose.take()));
                    }
                }
            }
        }
        if granted.is_empty() {
            for (read, intro) in &tables {
                granted.push(scope.place(table_policy(read, intro.as_deref(), &scope)));
            }
        } else if !tables.is_empty() {
            let reads: Vec<&table::Read> = tables.iter().map(|(r, _)| r).collect();
            let mut policies: Vec<&mut Policy> =
                granted.iter_mut().map(|p| &mut p.policy).collect();
            annotate::compare(&mut policies, &reads, &mut source.diagnostics);
        }
        for placed in &mut granted {
            prose::annotate_mentions(&mut placed.policy, &mentions);
            prose::infer_conditions(&mut placed.policy);
        }
        for placed in granted.into_iter().chain(managed) {
            self.add(placed);
        }
    }

    /// Adds a policy to its holder, creating the holder on first use. A managed policy a
    /// holder already references is not added twice; a name the holder already uses gets
    /// a number.
    fn add(&mut self, placed: Placed) {
        let Placed { holder, mut policy } = placed;
        let index = match self.by_name.get(&holder.name) {
            Some(&i) => i,
            None => {
                let mut role = Role::new(holder.name.clone(), holder.kind);
                role.loc = holder.loc;
                role.title = holder.title;
                self.roles.push(role);
                self.by_name.insert(holder.name, self.roles.len() - 1);
                self.roles.len() - 1
            }
        };
        if let Some(m) = &policy.managed {
            // One policy named twice (once with a stray space) is attached once.
            let arn: String = m.arn.chars().filter(|c| !c.is_whitespace()).collect();
            if !self.arns.insert((index, arn)) {
                return;
            }
            self.names.insert((index, policy.name.to_string()));
        } else if !self.names.insert((index, policy.name.to_string())) {
            let base = std::mem::take(&mut policy.name).to_string();
            let n = self.numbers.entry((index, base.clone())).or_insert(1);
            loop {
                *n += 1;
                let candidate = format!("{base} #{n}");
                if self.names.insert((index, candidate.clone())) {
                    policy.name = candidate.into();
                    break;
                }
            }
        }
        self.roles[index].policies.push(policy);
    }
}

/// A reference to a managed policy, unresolved until the catalog fills it in.
fn managed_policy(m: &prose::ManagedName, note: Option<String>) -> Policy {
    let mut policy =
        crate::load::holders::managed_ref(m.arn.as_str().into(), PolicyKind::Identity, m.loc, note);
    policy.name = m.name.as_str().into();
    if let Some(managed) = &mut policy.managed {
        managed.name = m.name.as_str().into();
    }
    policy
}

/// The policy a table of actions describes: a statement per row, Allow, with the row's
/// label as its Sid and its prose as its note. Resources are not stated, so none are set.
fn table_policy(read: &table::Read, intro: Option<&str>, scope: &scope::Scope) -> Policy {
    let statements = read
        .rows
        .iter()
        .map(|row| crate::model::Statement {
            sid: row.label.clone(),
            effect: Some(Text::new("Allow", row.loc)),
            action: Some(crate::model::Values {
                items: row.actions.clone(),
                single: false,
                loc: row.loc,
            }),
            note: row.note.clone(),
            loc: row.loc,
            ..Default::default()
        })
        .collect();
    let document = crate::model::PolicyDocument {
        statements,
        loc: read.loc,
        synthesized: true,
        ..Default::default()
    };
    let mut policy = Policy::new(
        scope.policy_name(PolicyKind::Identity),
        PolicyKind::Identity,
        document,
    );
    let mut note: Vec<String> = intro.map(str::to_string).into_iter().collect();
    note.extend(read.other.iter().cloned());
    if !note.is_empty() {
        policy.note = Some(note.join(" — "));
    }
    policy
}

/// The document of a policy for editing; a fresh policy's document is not shared, so this
/// never copies.
fn document_mut(policy: &mut Policy) -> Option<&mut crate::model::PolicyDocument> {
    policy.document.as_mut().map(Arc::make_mut)
}

/// How many texts (row descriptions, paragraphs) one call adds to a statement's note.
const MAX_ADDED_NOTES: usize = 64;

/// How long a note grows (in bytes) before no more texts are added to it.
const MAX_NOTE_BYTES: usize = 16 << 10;

/// Appends to a note, in order, the texts it does not already hold, each once. A page that
/// names one action in thousands of rows or paragraphs would copy them all into every
/// statement granting it: past [`MAX_ADDED_NOTES`] texts or [`MAX_NOTE_BYTES`], the note
/// ends with "(and `more`)" instead.
fn add_notes<'t>(note: &mut Option<String>, texts: impl IntoIterator<Item = &'t str>, more: &str) {
    let held = note.as_deref().map_or(0, str::len);
    let mut added: HashSet<&str> = HashSet::new();
    for text in texts {
        if note.as_deref().is_some_and(|n| n[..held].contains(text)) || added.contains(text) {
            continue;
        }
        match note {
            Some(n) if added.len() == MAX_ADDED_NOTES || n.len() > MAX_NOTE_BYTES => {
                n.push_str(" (and ");
                n.push_str(more);
                n.push(')');
                return;
            }
            Some(n) => {
                n.push(' ');
                n.push_str(text);
            }
            None => *note = Some(text.to_string()),
        }
        added.insert(text);
    }
}

/// The position of byte `offset` of `plain(pieces)`.
pub fn loc_in(pieces: &[Piece], offset: usize) -> Option<Loc> {
    let mut start = 0;
    for p in pieces {
        let (text, lead, at) = match p {
            Piece::Text(s, at) | Piece::Bold(s, at) => (s.as_str(), 0, *at),
            Piece::Code(s, at) => (s.as_str(), 1, *at),
            Piece::Break => {
                start += 1;
                continue;
            }
        };
        let end = start + lead + text.len() + lead;
        if offset < end {
            let inside = offset.saturating_sub(start + lead).min(text.len());
            return text.get(..inside).map(|before| advance(at, before));
        }
        start = end;
    }
    None
}

/// Positions of increasing byte offsets in one text whose first character stands at a
/// known position. Each position is counted on from the one before, so finding the
/// positions of all the words of a long cell or block costs one pass over it, not one pass
/// per word.
pub struct Positions<'a> {
    text: &'a str,
    start: Loc,
    /// The last offset asked for and its position.
    at: usize,
    loc: Loc,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str, start: Loc) -> Self {
        Positions {
            text,
            start,
            at: 0,
            loc: start,
        }
    }

    /// The position of byte `offset` (a character boundary) of the text. An offset before
    /// the last one asked for counts again from the start.
    pub fn loc(&mut self, offset: usize) -> Loc {
        if offset < self.at {
            self.at = 0;
            self.loc = self.start;
        }
        if let Some(between) = self.text.get(self.at..offset) {
            self.loc = advance(self.loc, between);
            self.at = offset;
        }
        self.loc
    }
}

/// The position just after `text`, which starts at `at`.
pub fn advance(at: Loc, text: &str) -> Loc {
    let mut loc = at;
    for c in text.chars() {
        if c == '\n' {
            loc.line += 1;
            loc.column = 1;
        } else {
            loc.column += 1;
        }
    }
    loc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RoleKind;

    fn text(s: &str, line: u32) -> Vec<Piece> {
        vec![Piece::Text(s.into(), Loc::new(line, 1))]
    }

    fn prose(s: &str, line: u32) -> Block {
        Block::Prose {
            pieces: text(s, line),
            raw: s.into(),
            loc: Loc::new(line, 1),
        }
    }

    fn heading(level: u8, s: &str, line: u32) -> Block {
        Block::Heading {
            level,
            text: s.into(),
            loc: Loc::new(line, 1),
        }
    }

    fn code(json: &str, line: u32) -> Block {
        Block::Code {
            text: json.into(),
            origin: Loc::new(line, 1),
            label: None,
        }
    }

    const POLICY: &str =
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#;

    fn assembled(blocks: Vec<Block>) -> Source {
        let mut source = Source::new("page.md", Format::Markdown);
        assemble(blocks, &mut source, &crate::catalog::managed::BuiltIn);
        source
    }

    #[test]
    fn the_holder_prose_names_holds_what_no_heading_places() {
        let source = assembled(vec![
            prose("Create an IAM role named `vendor-reader`.", 1),
            code(POLICY, 2),
            heading(2, "AuditRole", 5),
            code(POLICY, 6),
        ]);
        let names: Vec<(&str, RoleKind, Loc)> = source
            .roles
            .iter()
            .map(|r| (r.name.as_str(), r.kind, r.loc))
            .collect();
        assert_eq!(
            names,
            [
                ("vendor-reader", RoleKind::Role, Loc::new(1, 27)),
                ("AuditRole", RoleKind::Role, Loc::new(5, 1)),
            ]
        );
        assert_eq!(source.roles[0].policies[0].name, "identity policy");
        assert_eq!(
            source.roles[0].policies[0].note.as_deref(),
            Some("Create an IAM role named `vendor-reader`.")
        );
    }

    #[test]
    fn two_holders_in_prose_name_none() {
        let source = assembled(vec![
            prose("a user named `alice-x` and a user named `bob-y`", 1),
            code(POLICY, 2),
        ]);
        assert_eq!(source.roles[0].name, "page.md");
        assert_eq!(source.roles[0].kind, RoleKind::Document);
    }

    #[test]
    fn managed_references_once_per_holder_and_names_numbered() {
        let arn = "Attach arn:aws:iam::aws:policy/ReadOnlyAccess";
        let source = assembled(vec![
            heading(2, "ReaderRole", 1),
            prose(arn, 2),
            code(POLICY, 3),
            prose(arn, 4),
            code(POLICY, 5),
        ]);
        let names: Vec<&str> = source.roles[0]
            .policies
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["identity policy", "identity policy #2", "ReadOnlyAccess"]
        );
    }

    #[test]
    fn pieces_map_back_to_positions() {
        let pieces = [
            Piece::Text("ab".into(), Loc::new(3, 1)),
            Piece::Code("cd".into(), Loc::new(3, 5)),
            Piece::Break,
            Piece::Bold("ef".into(), Loc::new(4, 2)),
        ];
        assert_eq!(plain(&pieces), "ab`cd` ef");
        assert_eq!(loc_in(&pieces, 1), Some(Loc::new(3, 2)));
        assert_eq!(loc_in(&pieces, 4), Some(Loc::new(3, 6)));
        assert_eq!(loc_in(&pieces, 8), Some(Loc::new(4, 3)));
        assert_eq!(loc_in(&pieces, 9), None);
    }

    #[test]
    fn positions_count_on_from_the_last_one() {
        let mut p = Positions::new("ab\né x\ny", Loc::new(4, 7));
        assert_eq!(p.loc(1), Loc::new(4, 8));
        assert_eq!(p.loc(6), Loc::new(5, 3), "é is one character");
        assert_eq!(p.loc(8), Loc::new(6, 1));
        assert_eq!(p.loc(0), Loc::new(4, 7), "back to the start");
        assert_eq!(p.loc(3), Loc::new(5, 1));
    }
}

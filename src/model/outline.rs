//! The loaded tree flattened into one list, for viewers and search: every source, role,
//! policy, statement, element and value becomes a node, stored in preorder with its parent,
//! its depth and the end of its subtree. A viewer walks only the rows it shows and skips a
//! collapsed subtree in one step; each node points back into the typed model.
//!
//! A role that is only the document itself (`RoleKind::Document`, no note) gets no row of its
//! own: its policies sit directly under their source, one level less to read.
//!
//! `tree`'s text is drawn from the same rows. It builds a source a part at a time
//! ([`Outline::source_part`]) and shows a document that many policies of an account dump
//! hold once, under `shared documents`.
//!
//! Labels are the input's own text, unescaped: escape them (`crate::text::escape`) before
//! they reach a terminal.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::Loc;
use super::policy::{PolicyDocument, Principal, Statement, Values};
use super::shared::SharedDocuments;
use super::source::{Policy, Role, RoleKind, Severity, Source, Unread};
use crate::text::plural;

/// Index of a node in an [`Outline`]. Preorder: a node's descendants follow it directly.
pub type NodeId = usize;

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Source,
    Role,
    Policy,
    Statement,
    /// An element of a statement, such as its Action list.
    Element(Element),
    /// One value of an element: an action pattern, a resource ARN, a principal, or a
    /// condition key with the values it is compared with.
    Value(Element),
    /// Prose the source attached to a role, policy or statement.
    Note,
    /// A condition the prose implies but the source never wrote (never evaluated).
    Inferred,
    /// An element IAM does not define, kept as written.
    Unknown,
    /// The placeholders of a source.
    Placeholders,
    Placeholder,
    /// What the loader reported about a source.
    Diagnostics,
    Diagnostic(Severity),
    /// The documents several policies of an account dump hold, each shown once (as a
    /// `Policy` row) instead of under every policy holding it.
    SharedDocuments,
    /// One action that a wildcard action pattern covers (from the catalog).
    Covered,
}

/// What an action pattern covers, as a catalog knows it; the outline shows it on the
/// pattern's row and, for a wildcard, lists the actions under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Covered {
    /// The actions the pattern matches, by full name with their access level.
    Actions(Vec<(String, &'static str)>),
    /// More actions than are worth listing under one row.
    TooMany(usize),
    /// The pattern matches no action the catalog knows.
    Unknown,
    /// The pattern can never match (a wildcard in the service prefix, no prefix...).
    Invalid(String),
}

/// Looks up what an action pattern covers.
pub type ActionLookup = dyn Fn(&str) -> Covered;

/// The statement elements that hold values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Element {
    Principal,
    NotPrincipal,
    Action,
    NotAction,
    Resource,
    NotResource,
    Condition,
}

impl Element {
    /// The element's name as IAM spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Element::Principal => "Principal",
            Element::NotPrincipal => "NotPrincipal",
            Element::Action => "Action",
            Element::NotAction => "NotAction",
            Element::Resource => "Resource",
            Element::NotResource => "NotResource",
            Element::Condition => "Condition",
        }
    }
}

/// Where a node's content lives in the typed model: indices into `sources`, then into the
/// source's roles, the role's policies and the policy's statements. `item` is the node's
/// index in its own list (a diagnostic, a placeholder, a value of an element).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct At {
    pub source: usize,
    pub role: Option<usize>,
    pub policy: Option<usize>,
    pub statement: Option<usize>,
    pub item: Option<usize>,
}

impl At {
    pub fn source(self, sources: &[Source]) -> Option<&Source> {
        sources.get(self.source)
    }

    pub fn role(self, sources: &[Source]) -> Option<&Role> {
        self.source(sources)?.roles.get(self.role?)
    }

    pub fn policy(self, sources: &[Source]) -> Option<&Policy> {
        self.role(sources)?.policies.get(self.policy?)
    }

    pub fn statement(self, sources: &[Source]) -> Option<&Statement> {
        self.policy(sources)?.statements().get(self.statement?)
    }

    fn with_item(self, item: usize) -> At {
        At {
            item: Some(item),
            ..self
        }
    }
}

/// One row of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    pub kind: NodeKind,
    /// What the row says, as the input wrote it.
    pub label: String,
    /// Secondary text shown after the label: a kind, a count, an effect, a code.
    pub summary: String,
    /// Where the node starts in its source file (`0:0` when unknown).
    pub loc: Loc,
    pub at: At,
    parent: Option<NodeId>,
    depth: u16,
    end: NodeId,
}

impl Node {
    pub fn new(kind: NodeKind, label: impl Into<String>, at: At) -> Node {
        Node {
            kind,
            label: label.into(),
            summary: String::new(),
            loc: Loc::default(),
            at,
            parent: None,
            depth: 0,
            end: 0,
        }
    }

    pub fn summary(mut self, summary: impl Into<String>) -> Node {
        self.summary = summary.into();
        self
    }

    pub fn loc(mut self, loc: Loc) -> Node {
        self.loc = loc;
        self
    }

    pub fn parent(&self) -> Option<NodeId> {
        self.parent
    }

    /// 0 for a source, 1 for a role, and so on down.
    pub fn depth(&self) -> u16 {
        self.depth
    }

    /// One past the last node of this node's subtree.
    pub fn end(&self) -> NodeId {
        self.end
    }
}

/// Builds an outline in preorder: `open` a node, add what goes under it, `close` it. What
/// an action pattern covers comes from the [`ActionLookup`] given to
/// [`Outline::build_with`].
#[derive(Default)]
struct Builder<'a> {
    nodes: Vec<Node>,
    open: Vec<NodeId>,
    actions: Option<&'a ActionLookup>,
    /// What each action pattern covers, by its lower-cased spelling: a policy repeating a
    /// pattern looks it up once.
    covered: HashMap<String, Rc<Covered>>,
    /// How many covered actions are listed so far, against `budget`.
    listed: usize,
    budget: usize,
    shared: Option<&'a SharedDocuments>,
}

/// How an outline built by [`Outline::source_part`] shows a source.
#[derive(Clone, Copy)]
pub struct Shape<'a> {
    /// Looks up what each action pattern covers: a pattern's row then says its access level,
    /// how many actions it covers, or why it names none.
    pub actions: Option<&'a ActionLookup>,
    /// How many covered actions are listed under wildcard rows at most (0: none; later
    /// wildcards show their count only).
    pub listed: usize,
    /// Documents several policies of the source hold: each such policy says which one, and
    /// its statements are shown once, in the [`Part::Groups`] part.
    pub shared: Option<&'a SharedDocuments>,
}

/// Which rows of one source an outline part holds. Every part starts with the source's row;
/// the parts `Holders(0..n)` (in pieces, in order) and then `Groups` make the whole source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// These holders (roles, users, groups, documents), with their policies.
    Holders(Range<usize>),
    /// The source's placeholders, diagnostics and shared documents.
    Groups,
}

/// At most this many covered actions are listed under wildcard rows in one outline; later
/// wildcards show their count only, so a policy repeating `ec2:*` thousands of times opens
/// as fast as one that writes it once.
pub const MAX_LISTED_ACTIONS: usize = 20_000;

impl Builder<'_> {
    /// What `pattern` covers, looked up once per spelling.
    fn covered(&mut self, lookup: &ActionLookup, pattern: &str) -> Rc<Covered> {
        let key = pattern.to_ascii_lowercase();
        if let Some(c) = self.covered.get(&key) {
            return Rc::clone(c);
        }
        let c = Rc::new(lookup(pattern));
        self.covered.insert(key, Rc::clone(&c));
        c
    }

    /// Adds `node` and makes it the parent of the nodes added until [`Builder::close`].
    fn open(&mut self, node: Node) -> NodeId {
        let id = self.leaf(node);
        self.open.push(id);
        id
    }

    /// Adds `node` with nothing under it.
    fn leaf(&mut self, mut node: Node) -> NodeId {
        let id = self.nodes.len();
        node.parent = self.open.last().copied();
        node.depth = u16::try_from(self.open.len()).unwrap_or(u16::MAX);
        node.end = id + 1;
        self.nodes.push(node);
        id
    }

    /// Ends the node opened last.
    fn close(&mut self) {
        if let Some(id) = self.open.pop() {
            self.nodes[id].end = self.nodes.len();
        }
    }

    fn finish(mut self) -> Outline {
        while !self.open.is_empty() {
            self.close();
        }
        Outline { nodes: self.nodes }
    }
}

/// The flattened tree.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    nodes: Vec<Node>,
}

impl Outline {
    /// The outline of every source, with what each action pattern covers (for a wildcard,
    /// the actions under it) when `actions` can look it up.
    pub fn build_with(sources: &[Source], actions: Option<&ActionLookup>) -> Outline {
        let mut b = Builder {
            actions,
            budget: MAX_LISTED_ACTIONS,
            ..Builder::default()
        };
        for (i, source) in sources.iter().enumerate() {
            let at = add_source_row(&mut b, source, i);
            add_holders(&mut b, source, 0..source.roles.len(), at);
            add_groups(&mut b, source, at);
            b.close();
        }
        b.finish()
    }

    /// One part of the outline of `source` (the `index`th source loaded), shaped by `shape`:
    /// the source's row, then the rows of `part` under it.
    pub fn source_part(source: &Source, index: usize, part: &Part, shape: &Shape<'_>) -> Outline {
        let mut b = Builder {
            actions: shape.actions,
            budget: shape.listed,
            shared: shape.shared,
            ..Builder::default()
        };
        let at = add_source_row(&mut b, source, index);
        match part {
            Part::Holders(range) => add_holders(&mut b, source, range.clone(), at),
            Part::Groups => add_groups(&mut b, source, at),
        }
        b.finish()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    pub fn get(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    pub fn has_children(&self, id: NodeId) -> bool {
        self.nodes.get(id).is_some_and(|n| n.end > id + 1)
    }

    /// The children of `id`, in order.
    pub fn children(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let end = self.nodes.get(id).map_or(id, |n| n.end);
        let first = (id + 1 < end).then_some(id + 1);
        std::iter::successors(first, move |&c| {
            let next = self.nodes[c].end;
            (next < end).then_some(next)
        })
    }

    /// The node shown after `id` when the nodes for which `is_open` is false are
    /// collapsed. `id` must itself be shown.
    pub fn next_visible(&self, id: NodeId, is_open: impl Fn(NodeId) -> bool) -> Option<NodeId> {
        let node = self.nodes.get(id)?;
        let next = if is_open(id) { id + 1 } else { node.end };
        (next < self.nodes.len()).then_some(next)
    }

    /// The node shown before `id`, as for [`Outline::next_visible`].
    pub fn prev_visible(&self, id: NodeId, is_open: impl Fn(NodeId) -> bool) -> Option<NodeId> {
        let prev = id.checked_sub(1)?;
        let parent = self.nodes.get(id)?.parent;
        // `prev` is `id`'s parent, or the last node of the previous sibling's subtree; then
        // the row shown is the outermost collapsed node between that sibling and `prev`.
        let mut shown = prev;
        let mut x = prev;
        while Some(x) != parent && self.nodes[x].parent != parent {
            x = self.nodes[x].parent?;
            if !is_open(x) {
                shown = x;
            }
        }
        Some(shown)
    }

    /// The last node shown.
    pub fn last_visible(&self, is_open: impl Fn(NodeId) -> bool) -> Option<NodeId> {
        let first = (!self.nodes.is_empty()).then_some(0);
        let roots = std::iter::successors(first, |&r| {
            let next = self.nodes[r].end;
            (next < self.nodes.len()).then_some(next)
        });
        let mut id = roots.last()?;
        while is_open(id) && self.has_children(id) {
            id = self.children(id).last()?;
        }
        Some(id)
    }

    /// The nodes shown from `id` on, in order.
    pub fn visible_from<'a>(
        &'a self,
        id: NodeId,
        is_open: impl Fn(NodeId) -> bool + 'a,
    ) -> impl Iterator<Item = NodeId> + 'a {
        let first = (id < self.nodes.len()).then_some(id);
        std::iter::successors(first, move |&x| self.next_visible(x, &is_open))
    }
}

/// Opens the row of the `index`th source.
fn add_source_row(b: &mut Builder<'_>, source: &Source, index: usize) -> At {
    let at = At {
        source: index,
        ..At::default()
    };
    let summary = format!("{}{}", partial_prefix(&source.unread), source.format);
    b.open(Node::new(NodeKind::Source, &source.path, at).summary(summary));
    at
}

fn add_holders(b: &mut Builder<'_>, source: &Source, range: Range<usize>, at: At) {
    let roles = source.roles.iter().enumerate();
    for (r, role) in roles.skip(range.start).take(range.len()) {
        let at = At {
            role: Some(r),
            ..at
        };
        if role.kind == RoleKind::Document && role.note.is_none() {
            // The document itself holds the policies: its row would only repeat the file name.
            add_policies(b, role, at);
        } else {
            add_role(b, role, at);
        }
    }
}

/// The source's placeholders, diagnostics and shared documents, each a group of rows.
fn add_groups(b: &mut Builder<'_>, source: &Source, at: At) {
    if !source.placeholders.is_empty() {
        let unfilled = source
            .placeholders
            .iter()
            .filter(|p| p.value.is_none())
            .count();
        let total = source.placeholders.len();
        let summary = match unfilled {
            0 => format!("{total} filled"),
            n if n == total => format!("{total} unfilled"),
            n => format!("{total}, {n} unfilled"),
        };
        b.open(Node::new(NodeKind::Placeholders, "placeholders", at).summary(summary));
        for (i, p) in source.placeholders.iter().enumerate() {
            let loc = p.locations.first().copied().unwrap_or_default();
            let summary = format!(
                "{}, {}, {}",
                p.state(),
                p.syntax.join(" "),
                plural(p.locations.len(), "place", "places")
            );
            b.leaf(
                Node::new(NodeKind::Placeholder, &p.name, at.with_item(i))
                    .summary(summary)
                    .loc(loc),
            );
        }
        b.close();
    }
    if !source.diagnostics.is_empty() {
        b.open(
            Node::new(NodeKind::Diagnostics, "diagnostics", at).summary(severity_counts(source)),
        );
        for (i, d) in source.diagnostics.iter().enumerate() {
            b.leaf(
                Node::new(
                    NodeKind::Diagnostic(d.severity),
                    &d.message,
                    at.with_item(i),
                )
                .summary(d.code)
                .loc(d.loc),
            );
        }
        b.close();
    }
    if let Some(shared) = b.shared.filter(|s| !s.is_empty()) {
        let documents = shared.documents();
        let summary = plural(documents.len(), "document", "documents");
        b.open(Node::new(NodeKind::SharedDocuments, "shared documents", at).summary(summary));
        for (i, d) in documents.iter().enumerate() {
            let (role, policy) = d.first;
            let at = At {
                role: Some(role),
                policy: Some(policy),
                ..at
            };
            let Some(first) = source.roles.get(role).and_then(|r| r.policies.get(policy)) else {
                continue;
            };
            let summary = format!(
                "shared document {}, held by {}, {}",
                i + 1,
                plural(d.holders, "policy", "policies"),
                plural(d.document.statements.len(), "statement", "statements")
            );
            b.open(
                Node::new(NodeKind::Policy, first.name.as_str(), at)
                    .summary(summary)
                    .loc(first.loc),
            );
            add_document(b, &d.document, at);
            b.close();
        }
        b.close();
    }
}

/// "1 error, 2 warnings": how many diagnostics of each severity, worst first.
pub fn severity_counts(source: &Source) -> String {
    [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "info"),
    ]
    .into_iter()
    .filter_map(|(severity, one, many)| {
        let n = source
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count();
        (n > 0).then(|| plural(n, one, many))
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// `partial · ` before the summary of a node that could not be wholly read: first, so a
/// narrow pane that cuts the summary short still shows it.
fn partial_prefix(parts: &[Unread]) -> &'static str {
    if parts.is_empty() { "" } else { "partial · " }
}

fn add_note(b: &mut Builder<'_>, note: Option<&String>, at: At) {
    if let Some(note) = note {
        b.leaf(Node::new(NodeKind::Note, note, at));
    }
}

fn add_role(b: &mut Builder<'_>, role: &Role, at: At) {
    let mut summary = format!(
        "{}{}, {}",
        partial_prefix(&role.partial),
        role.kind.as_str(),
        plural(role.policies.len(), "policy", "policies")
    );
    if let Some(title) = &role.title {
        summary.push_str(&format!(", under the heading \"{title}\""));
    }
    b.open(
        Node::new(NodeKind::Role, &role.name, at)
            .summary(summary)
            .loc(role.loc),
    );
    add_note(b, role.note.as_ref(), at);
    add_policies(b, role, at);
    b.close();
}

fn add_policies(b: &mut Builder<'_>, role: &Role, at: At) {
    for (p, policy) in role.policies.iter().enumerate() {
        add_policy(
            b,
            policy,
            At {
                policy: Some(p),
                ..at
            },
        );
    }
}

fn add_policy(b: &mut Builder<'_>, policy: &Policy, at: At) {
    let count = policy.statements().len();
    let mut summary = format!(
        "{}{}, {}",
        partial_prefix(&policy.partial),
        policy.kind.as_str(),
        plural(count, "statement", "statements")
    );
    let document = policy.document.as_ref();
    if document.is_some_and(|d| d.synthesized) {
        summary.push_str(", from a table");
    }
    if let Some(m) = &policy.managed {
        let state = if m.resolved { "" } else { ", not resolved" };
        summary.push_str(&format!(", managed{state}: {}", m.arn));
    }
    let shared = document.and_then(|d| b.shared?.get(d));
    if let Some(n) = shared {
        summary.push_str(&format!(", shared document {}", n + 1));
    }
    b.open(
        Node::new(NodeKind::Policy, policy.name.as_str(), at)
            .summary(summary)
            .loc(policy.loc),
    );
    add_note(b, Unread::warning("policy", &policy.partial).as_ref(), at);
    add_note(b, policy.note.as_ref(), at);
    if let (Some(document), None) = (document, shared) {
        add_document(b, document, at);
    }
    b.close();
}

/// A document's unknown elements and its statements, under the policy row open.
fn add_document(b: &mut Builder<'_>, document: &PolicyDocument, at: At) {
    for u in &document.unknown {
        b.leaf(
            Node::new(NodeKind::Unknown, u.key.value.as_str(), at)
                .summary(u.value.to_string())
                .loc(u.key.loc),
        );
    }
    for (s, statement) in document.statements.iter().enumerate() {
        add_statement(
            b,
            statement,
            s,
            At {
                statement: Some(s),
                ..at
            },
        );
    }
}

/// The row label of a statement: its number (from 1) and its Sid.
pub fn statement_label(index: usize, s: &Statement) -> String {
    match &s.sid {
        Some(sid) => format!("#{} {}", index + 1, sid.value),
        None => format!("#{}", index + 1),
    }
}

fn add_statement(b: &mut Builder<'_>, s: &Statement, index: usize, at: At) {
    let effect = s
        .effect
        .as_ref()
        .map_or("(no Effect)", |t| t.value.as_str());
    b.open(
        Node::new(NodeKind::Statement, statement_label(index, s), at)
            .summary(effect)
            .loc(s.loc),
    );
    add_note(b, s.note.as_ref(), at);
    for (element, p) in [
        (Element::Principal, &s.principal),
        (Element::NotPrincipal, &s.not_principal),
    ] {
        if let Some(p) = p {
            add_principal(b, element, p, at);
        }
    }
    for (element, v) in [
        (Element::Action, &s.action),
        (Element::NotAction, &s.not_action),
        (Element::Resource, &s.resource),
        (Element::NotResource, &s.not_resource),
    ] {
        if let Some(v) = v {
            add_values(b, element, v, at);
        }
    }
    if let Some(c) = &s.condition {
        let element = Element::Condition;
        b.open(Node::new(NodeKind::Element(element), element.as_str(), at).loc(c.loc));
        let entries = c
            .operators
            .iter()
            .flat_map(|block| block.entries.iter().map(move |e| (block, e)));
        for (i, (block, e)) in entries.enumerate() {
            let values: Vec<&str> = e.values.iter().map(|v| v.text.as_str()).collect();
            let label = format!(
                "{} {} = {}",
                block.operator.value,
                e.key.value,
                values.join(" | ")
            );
            b.leaf(Node::new(NodeKind::Value(element), label, at.with_item(i)).loc(e.key.loc));
        }
        b.close();
    }
    for (i, inferred) in s.inferred.iter().enumerate() {
        b.leaf(
            Node::new(
                NodeKind::Inferred,
                format!("{} = {}", inferred.key, inferred.values.join(" | ")),
                at.with_item(i),
            )
            .summary(format!(
                "{}, inferred from prose, not evaluated",
                inferred.operator
            )),
        );
    }
    for u in &s.unknown {
        b.leaf(
            Node::new(NodeKind::Unknown, u.key.value.as_str(), at)
                .summary(u.value.to_string())
                .loc(u.key.loc),
        );
    }
    b.close();
}

fn add_principal(b: &mut Builder<'_>, element: Element, p: &Principal, at: At) {
    b.open(Node::new(NodeKind::Element(element), element.as_str(), at).loc(p.loc()));
    match p {
        Principal::Wildcard(t) => {
            b.leaf(
                Node::new(NodeKind::Value(element), t.value.as_str(), at.with_item(0))
                    .summary("everyone")
                    .loc(t.loc),
            );
        }
        Principal::Map { entries, .. } => {
            let values = entries
                .iter()
                .flat_map(|e| e.values.items.iter().map(move |t| (e, t)));
            for (i, (e, t)) in values.enumerate() {
                b.leaf(
                    Node::new(NodeKind::Value(element), t.value.as_str(), at.with_item(i))
                        .summary(e.key.value.as_str())
                        .loc(t.loc),
                );
            }
        }
    }
    b.close();
}

fn add_values(b: &mut Builder<'_>, element: Element, v: &Values, at: At) {
    b.open(Node::new(NodeKind::Element(element), element.as_str(), at).loc(v.loc));
    let lookup = b
        .actions
        .filter(|_| matches!(element, Element::Action | Element::NotAction));
    for (i, t) in v.items.iter().enumerate() {
        let node =
            Node::new(NodeKind::Value(element), t.value.as_str(), at.with_item(i)).loc(t.loc);
        match lookup {
            None => {
                b.leaf(node);
            }
            Some(l) => {
                let covered = b.covered(l, &t.value);
                add_action(b, node, &t.value, &covered, at);
            }
        }
    }
    b.close();
}

/// An action pattern's row: its access level when it names one action, how many it covers
/// (listed under it) when it is a wildcard, or why it matches nothing.
fn add_action(b: &mut Builder<'_>, node: Node, pattern: &str, covered: &Covered, at: At) {
    match covered {
        Covered::Actions(actions) if !super::glob::has_wildcard(pattern) && actions.len() == 1 => {
            b.leaf(node.summary(actions[0].1));
        }
        Covered::Actions(actions) if b.listed + actions.len() <= b.budget => {
            b.listed += actions.len();
            b.open(node.summary(plural(actions.len(), "action", "actions")));
            for (name, level) in actions {
                b.leaf(Node::new(NodeKind::Covered, name, at).summary(*level));
            }
            b.close();
        }
        Covered::Actions(actions) => {
            b.leaf(node.summary(plural(actions.len(), "action", "actions")));
        }
        Covered::TooMany(n) => {
            b.leaf(node.summary(plural(*n, "action", "actions")));
        }
        Covered::Unknown => {
            b.leaf(node.summary("unknown action"));
        }
        Covered::Invalid(why) => {
            b.leaf(node.summary(format!("invalid: {why}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Options, load_text};

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
   "Resource": "arn:aws:s3:::b/*"},
  {"Effect": "Deny", "Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]},
   "Action": "*", "Resource": "*",
   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
]}"#;

    fn outline() -> Outline {
        Outline::build_with(&[load_text("p.json", POLICY, &Options::default())], None)
    }

    fn rows(o: &Outline, ids: impl Iterator<Item = NodeId>) -> Vec<String> {
        ids.map(|id| {
            let n = &o.nodes()[id];
            format!(
                "{}{} [{}]",
                "  ".repeat(n.depth().into()),
                n.label,
                n.summary
            )
        })
        .collect()
    }

    #[test]
    fn nodes_are_in_preorder_with_labels_positions_and_references() {
        let o = outline();
        assert_eq!(
            rows(&o, 0..o.len()),
            [
                "p.json [json]",
                "  p [resource, 2 statements]",
                "    #1 Read [Allow]",
                "      Action []",
                "        s3:GetObject []",
                "        s3:ListBucket []",
                "      Resource []",
                "        arn:aws:s3:::b/* []",
                "    #2 [Deny]",
                "      Principal []",
                "        arn:aws:iam::1:root [AWS]",
                "        arn:aws:iam::2:root [AWS]",
                "      Action []",
                "        * []",
                "      Resource []",
                "        * []",
                "      Condition []",
                "        Bool aws:SecureTransport = false []",
            ]
        );
        let second_root = &o.nodes()[11];
        assert_eq!(second_root.kind, NodeKind::Value(Element::Principal));
        assert_eq!(second_root.loc, Loc::new(4, 67));
        assert_eq!(second_root.parent(), Some(9));
        assert_eq!(
            second_root.at,
            At {
                source: 0,
                role: Some(0),
                policy: Some(0),
                statement: Some(1),
                item: Some(1),
            }
        );
        assert_eq!(o.nodes()[2].end(), 8);
        assert_eq!(o.children(2).collect::<Vec<_>>(), [3, 6]);
        assert_eq!(o.children(8).collect::<Vec<_>>(), [9, 12, 14, 16]);
        assert!(!o.has_children(4));
    }

    #[test]
    fn a_named_holder_gets_its_own_row() {
        let mut source = load_text("p.json", POLICY, &Options::default());
        source.roles[0].kind = RoleKind::Role;
        source.roles[0].name = "Admin".into();
        let o = Outline::build_with(&[source], None);
        assert_eq!(
            rows(&o, 0..4),
            [
                "p.json [json]",
                "  Admin [role, 1 policy]",
                "    p [resource, 2 statements]",
                "      #1 Read [Allow]",
            ]
        );
        assert_eq!(o.nodes()[1].kind, NodeKind::Role);
    }

    #[test]
    fn references_resolve_into_the_model() {
        let sources = [load_text("p.json", POLICY, &Options::default())];
        let o = Outline::build_with(&sources, None);
        let at = o.nodes()[11].at;
        let sid = |n: usize| {
            o.nodes()[n]
                .at
                .statement(&sources)
                .and_then(|s| s.sid.clone())
        };
        assert_eq!(sid(4).map(|t| t.value), Some("Read".into()));
        assert_eq!(sid(11), None);
        assert_eq!(at.policy(&sources).map(|p| p.name.as_str()), Some("p"));
        assert_eq!(at.source(&sources).map(|s| s.path.as_str()), Some("p.json"));
    }

    #[test]
    fn collapsed_subtrees_are_skipped_both_ways() {
        let o = outline();
        // Statements (2 and 8) collapsed; everything else open.
        let open = |id: NodeId| id != 2 && id != 8;
        let shown: Vec<NodeId> = o.visible_from(0, open).collect();
        assert_eq!(shown, [0, 1, 2, 8]);
        assert_eq!(o.prev_visible(8, open), Some(2));
        assert_eq!(o.prev_visible(2, open), Some(1));
        assert_eq!(o.prev_visible(0, open), None);
        assert_eq!(o.last_visible(open), Some(8));
        // With the second statement open, walking back from it lands on the first one,
        // collapsed, rather than inside it.
        let open = |id: NodeId| id != 2;
        assert_eq!(o.prev_visible(8, open), Some(2));
        assert_eq!(o.last_visible(open), Some(17));
        assert_eq!(o.prev_visible(9, open), Some(8));
        // Everything open: back from the second statement is the first one's last value.
        assert_eq!(o.prev_visible(8, |_| true), Some(7));
        assert_eq!(o.next_visible(17, |_| true), None);
        let all: Vec<NodeId> = o.visible_from(0, |_| true).collect();
        assert_eq!(all, (0..o.len()).collect::<Vec<_>>());
    }

    #[test]
    fn source_level_groups_list_placeholders_and_diagnostics() {
        let text = r#"{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::${Bucket}",}]}"#;
        let o = Outline::build_with(&[load_text("t.json", text, &Options::default())], None);
        let tail: Vec<String> = rows(&o, o.len() - 4..o.len());
        assert_eq!(
            tail,
            [
                "  placeholders [1 unfilled]",
                "    Bucket [unfilled, ${Bucket}, 1 place]",
                "  diagnostics [1 error]",
                "    trailing comma before `}`; removed [malformed-json]",
            ]
        );
        let diag = &o.nodes()[o.len() - 1];
        assert_eq!(diag.kind, NodeKind::Diagnostic(Severity::Error));
        assert_eq!(diag.at.item, Some(0));
    }

    #[test]
    fn covered_actions_are_listed_within_a_budget() {
        let actions = vec!["\"ec2:*\""; 20_000].join(",");
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Action": [{actions}], "Resource": "*"}}]}}"#
        );
        let source = load_text("many.json", &text, &Options::default());
        let o = Outline::build_with(&[source], Some(&crate::catalog::covered));
        let listed = o
            .nodes()
            .iter()
            .filter(|n| n.kind == NodeKind::Covered)
            .count();
        assert!(listed <= MAX_LISTED_ACTIONS, "{listed} rows listed");
        assert!(listed > 0, "the first wildcards are listed");
        let last = o.nodes().iter().rev().find(|n| n.label == "ec2:*").unwrap();
        assert!(
            last.summary.ends_with(" actions"),
            "later ones show their count: {}",
            last.summary
        );
    }
}

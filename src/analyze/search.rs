//! Fuzzy search over everything loaded and the whole catalog: every node of the outline
//! (holder, policy, statement Sid, action, resource, principal, condition, note,
//! placeholder, diagnostic) and every catalog action, each with a kind label. A catalog
//! action carries whether the loaded policies grant it and through which Action (or
//! NotAction) value, found once when the index is built.
//!
//! Texts are stored once however often the input repeats them (an account dump names
//! `s3:GetObject` thousands of times), so a query scores each distinct text once; a query
//! that extends the previous one rescores only what that one matched. Ranking is
//! `fuzzy-matcher`'s Skim score, then the kind (holders before actions before catalog
//! entries), then input order.

use std::collections::HashMap;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::grants::distinct_patterns;
use crate::catalog::Catalog;
use crate::model::outline::{Element, NodeId, NodeKind, Outline};
use crate::model::{Effect, PolicyKind, Source};

/// At most this many results are listed for one query; the count says how many matched.
pub const MAX_HITS: usize = 5_000;

/// What a result is, as its label says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Holder,
    Policy,
    Statement,
    Action,
    Resource,
    Principal,
    Condition,
    Note,
    Placeholder,
    Diagnostic,
    Element,
    Source,
    /// An action of the catalog, whether or not anything names it.
    Catalog,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Holder => "holder",
            Kind::Policy => "policy",
            Kind::Statement => "statement",
            Kind::Action => "action",
            Kind::Resource => "resource",
            Kind::Principal => "principal",
            Kind::Condition => "condition",
            Kind::Note => "note",
            Kind::Placeholder => "placeholder",
            Kind::Diagnostic => "diagnostic",
            Kind::Element => "element",
            Kind::Source => "source",
            Kind::Catalog => "catalog",
        }
    }

    /// The kind a node is searched as, and whether it is searched at all (the rows that
    /// only group others, such as `Action` or `diagnostics`, are not).
    fn of(kind: NodeKind) -> Option<Kind> {
        Some(match kind {
            NodeKind::Source => Kind::Source,
            NodeKind::Role => Kind::Holder,
            NodeKind::Policy => Kind::Policy,
            NodeKind::Statement => Kind::Statement,
            NodeKind::Value(Element::Action | Element::NotAction) | NodeKind::Covered => {
                Kind::Action
            }
            NodeKind::Value(Element::Resource | Element::NotResource) => Kind::Resource,
            NodeKind::Value(Element::Principal | Element::NotPrincipal) => Kind::Principal,
            NodeKind::Value(Element::Condition) | NodeKind::Inferred => Kind::Condition,
            NodeKind::Note => Kind::Note,
            NodeKind::Placeholder => Kind::Placeholder,
            NodeKind::Diagnostic(_) => Kind::Diagnostic,
            NodeKind::Unknown => Kind::Element,
            NodeKind::Element(_) | NodeKind::Placeholders | NodeKind::Diagnostics => return None,
        })
    }
}

/// Where a result leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Node(NodeId),
    /// A catalog action, by its id.
    Catalog(usize),
}

/// One result: what it is, where it leads, and the text it matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub target: Target,
    /// The matched text, by its number in the index.
    pub text: u32,
    pub score: i64,
}

/// The searchable texts of one outline and the catalog.
pub struct Index {
    texts: Vec<Box<str>>,
    /// For each text, what carries it, in input order.
    owners: Vec<Vec<(Kind, Target)>>,
    /// For each catalog action: the Action (or NotAction) value node of the first Allow
    /// statement that grants it, in an identity or resource policy.
    grants: Vec<Option<NodeId>>,
    /// For each catalog action: its name's number in `texts`.
    catalog: Vec<u32>,
}

/// What one query matched: every matching text with its score, best first, and the
/// results it leads to (at most [`MAX_HITS`]).
#[derive(Clone, Debug, Default)]
pub struct Matches {
    query: String,
    texts: Vec<(u32, i64)>,
    pub hits: Vec<Hit>,
    /// How many results there are in all, listed or not.
    pub total: usize,
}

impl Matches {
    pub fn query(&self) -> &str {
        &self.query
    }
}

fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

impl Index {
    /// Indexes every node of `outline` (built from `sources`) and every catalog action.
    pub fn build(sources: &[Source], outline: &Outline) -> Index {
        let mut index = Index {
            texts: Vec::new(),
            owners: Vec::new(),
            grants: vec![None; Catalog::get().action_count()],
            catalog: Vec::new(),
        };
        let mut ids: HashMap<Box<str>, u32> = HashMap::new();
        let mut add = |text: &str, kind: Kind, target: Target, index: &mut Index| {
            if text.is_empty() {
                return u32::MAX;
            }
            let id = match ids.get(text) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(index.texts.len()).unwrap_or(u32::MAX);
                    ids.insert(text.into(), id);
                    index.texts.push(text.into());
                    index.owners.push(Vec::new());
                    id
                }
            };
            if let Some(owners) = index.owners.get_mut(id as usize) {
                owners.push((kind, target));
            }
            id
        };
        for (id, node) in outline.nodes().iter().enumerate() {
            let Some(kind) = Kind::of(node.kind) else {
                continue;
            };
            let text = match node.kind {
                // A statement is found by its Sid; its actions and resources by their own.
                NodeKind::Statement => {
                    match node.at.statement(sources).and_then(|s| s.sid.as_ref()) {
                        Some(sid) => sid.value.as_str(),
                        None => continue,
                    }
                }
                _ => node.label.as_str(),
            };
            add(text, kind, Target::Node(id), &mut index);
        }
        let mut catalog = Vec::new();
        for action in Catalog::get().actions() {
            catalog.push(add(
                &action.full_name(),
                Kind::Catalog,
                Target::Catalog(action.id()),
                &mut index,
            ));
        }
        index.catalog = catalog;
        index.find_grants(sources, outline);
        index
    }

    /// Which Allow statement first grants each catalog action: each distinct Action
    /// pattern (and NotAction list) is expanded once.
    fn find_grants(&mut self, sources: &[Source], outline: &Outline) {
        let catalog = Catalog::get();
        let mut done: std::collections::HashSet<String> = std::collections::HashSet::new();
        for (id, node) in outline.nodes().iter().enumerate() {
            let granting = |kinds: &[PolicyKind]| {
                node.at
                    .policy(sources)
                    .is_some_and(|p| kinds.contains(&p.kind))
                    && node
                        .at
                        .statement(sources)
                        .is_some_and(|s| s.effect() == Some(Effect::Allow))
            };
            let counted = [PolicyKind::Identity, PolicyKind::Resource];
            let actions = match node.kind {
                NodeKind::Value(Element::Action) => {
                    let key = node.label.to_ascii_lowercase();
                    if done.contains(&key) || !granting(&counted) {
                        continue;
                    }
                    done.insert(key);
                    catalog.expand(&node.label).unwrap_or_default()
                }
                NodeKind::Element(Element::NotAction) => {
                    let Some(values) = node
                        .at
                        .statement(sources)
                        .and_then(|s| s.not_action.as_ref())
                    else {
                        continue;
                    };
                    let patterns: Vec<&str> = distinct_patterns(values)
                        .into_iter()
                        .map(|t| t.value.as_str())
                        .collect();
                    let key = format!("not:{}", patterns.join(",").to_ascii_lowercase());
                    if done.contains(&key) || !granting(&counted) {
                        continue;
                    }
                    done.insert(key);
                    catalog.not_action(&patterns).0
                }
                _ => continue,
            };
            for a in actions {
                if let Some(g) = self.grants.get_mut(a.id()) {
                    g.get_or_insert(id);
                }
            }
        }
    }

    /// The text a result matched.
    pub fn text(&self, hit: &Hit) -> &str {
        self.texts.get(hit.text as usize).map_or("", |t| t)
    }

    /// How many distinct texts are indexed.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The Action or NotAction node through which the loaded policies grant the catalog
    /// action `id`, if they do.
    pub fn granted_by(&self, id: usize) -> Option<NodeId> {
        self.grants.get(id).copied().flatten()
    }

    /// The catalog actions `names` (any case) as results, in the order given, only those
    /// matching `filter` when it is not empty: the viewer's `unused:` search, where `names`
    /// are the grants no event used. `query` is the query as typed.
    pub fn actions(&self, names: &[String], query: &str, filter: &str) -> Matches {
        let catalog = Catalog::get();
        let matcher = matcher();
        let filter = filter.trim();
        let mut texts = Vec::new();
        let mut hits = Vec::new();
        for name in names {
            let Some(a) = catalog.action(name) else {
                continue;
            };
            let Some(&text) = self.catalog.get(a.id()) else {
                continue;
            };
            let score = if filter.is_empty() {
                0
            } else {
                match matcher.fuzzy_match(name, filter) {
                    Some(score) => score,
                    None => continue,
                }
            };
            texts.push((text, score));
            hits.push(Hit {
                kind: Kind::Catalog,
                target: Target::Catalog(a.id()),
                text,
                score,
            });
        }
        let total = hits.len();
        hits.truncate(MAX_HITS);
        Matches {
            query: query.to_string(),
            texts,
            hits,
            total,
        }
    }

    /// Every result for `query`, best first. When `previous` was a query this one extends,
    /// only its matches are scored again (what does not match a prefix cannot match more).
    pub fn search(&self, query: &str, previous: Option<&Matches>) -> Matches {
        let query = query.trim();
        if query.is_empty() {
            return Matches::default();
        }
        let matcher = matcher();
        let score = |t: u32| {
            let text = self.texts.get(t as usize)?;
            matcher.fuzzy_match(text, query).map(|s| (t, s))
        };
        let narrowed = previous.filter(|p| !p.query.is_empty() && query.starts_with(&p.query));
        let mut texts: Vec<(u32, i64)> = match narrowed {
            Some(p) => p.texts.iter().filter_map(|&(t, _)| score(t)).collect(),
            None => (0..u32::try_from(self.texts.len()).unwrap_or(u32::MAX))
                .filter_map(score)
                .collect(),
        };
        // Best score first; of equal scores, the shorter text (the closer match).
        let len = |t: u32| self.texts[t as usize].len();
        texts.sort_unstable_by(|a, b| {
            b.1.cmp(&a.1)
                .then(len(a.0).cmp(&len(b.0)))
                .then(a.0.cmp(&b.0))
        });
        let total = texts
            .iter()
            .map(|&(t, _)| self.owners[t as usize].len())
            .sum();
        let mut hits = Vec::new();
        // Texts that rank alike are listed together, ordered by kind then input order.
        for same in texts.chunk_by(|a, b| a.1 == b.1 && len(a.0) == len(b.0)) {
            if hits.len() >= MAX_HITS {
                break;
            }
            let start = hits.len();
            for &(t, score) in same {
                hits.extend(self.owners[t as usize].iter().map(|&(kind, target)| Hit {
                    kind,
                    target,
                    text: t,
                    score,
                }));
            }
            hits[start..].sort_by_key(|h| (h.kind, target_order(h.target)));
        }
        hits.truncate(MAX_HITS);
        Matches {
            query: query.to_string(),
            texts,
            hits,
            total,
        }
    }
}

fn target_order(target: Target) -> (usize, usize) {
    match target {
        Target::Node(id) => (0, id),
        Target::Catalog(id) => (1, id),
    }
}

/// The `n` candidates that match `query` best, best first (all of them, in order, for an
/// empty query): completion for the viewer's why form.
pub fn best<'a>(candidates: impl Iterator<Item = &'a str>, query: &str, n: usize) -> Vec<&'a str> {
    let query = query.trim();
    if query.is_empty() {
        return candidates.take(n).collect();
    }
    let matcher = matcher();
    let mut scored: Vec<(i64, &str)> = candidates
        .filter_map(|c| matcher.fuzzy_match(c, query).map(|s| (s, c)))
        .collect();
    scored.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(a.1.len().cmp(&b.1.len()))
            .then(a.1.cmp(b.1))
    });
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// The characters (by index) of `text` that `query` matched, to highlight.
pub fn matched_chars(text: &str, query: &str) -> Vec<usize> {
    matcher()
        .fuzzy_indices(text, query.trim())
        .map(|(_, indices)| indices)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Options, load_text};

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "ReadOnly", "Effect": "Allow", "Action": ["ec2:Describe*", "s3:GetObject"],
   "Resource": "arn:aws:s3:::upsolver-data/*"},
  {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
]}"#;

    fn index() -> (Vec<Source>, Outline, Index) {
        let sources = vec![load_text("p.json", POLICY, &Options::default())];
        let outline = Outline::build_with(&sources, Some(&crate::catalog::covered));
        let index = Index::build(&sources, &outline);
        (sources, outline, index)
    }

    fn rows(index: &Index, outline: &Outline, m: &Matches, n: usize) -> Vec<String> {
        m.hits
            .iter()
            .take(n)
            .map(|h| {
                let at = match h.target {
                    Target::Node(id) => outline.nodes()[id].label.clone(),
                    Target::Catalog(id) => match index.granted_by(id) {
                        Some(g) => format!("granted by {}", outline.nodes()[g].label),
                        None => "not granted".into(),
                    },
                };
                format!("{} {} [{at}]", h.kind.as_str(), index.text(h))
            })
            .collect()
    }

    #[test]
    fn finds_nodes_and_catalog_actions_with_kinds_and_grants() {
        let (_, outline, index) = index();
        let m = index.search("getobject", None);
        assert_eq!(
            rows(&index, &outline, &m, 3),
            [
                "action s3:GetObject [s3:GetObject]",
                "catalog s3:GetObject [granted by s3:GetObject]",
                "catalog s3:GetObjectAcl [not granted]",
            ]
        );
        let m = index.search("readonly", None);
        assert_eq!(
            rows(&index, &outline, &m, 1),
            ["statement ReadOnly [#1 ReadOnly]"]
        );
        // The wildcard lists what it covers, so the action is a node too.
        let m = index.search("ec2:DescribeImages", None);
        assert_eq!(
            rows(&index, &outline, &m, 2),
            [
                "action ec2:DescribeImages [ec2:DescribeImages]",
                "catalog ec2:DescribeImages [granted by ec2:Describe*]"
            ]
        );
        // A Deny grants nothing.
        let m = index.search("iam:PassRole", None);
        assert!(
            rows(&index, &outline, &m, 5)
                .contains(&"catalog iam:PassRole [not granted]".to_string())
        );
        let m = index.search("upsolver-data", None);
        assert_eq!(m.hits[0].kind, Kind::Resource);
        assert!(index.search("zzzzqqqq", None).hits.is_empty());
    }

    #[test]
    fn named_actions_are_results_in_order_filtered_by_the_query() {
        let (_, outline, index) = index();
        let names = [
            "s3:GetObject".to_string(),
            "ec2:describeimages".to_string(),
            "nosuch:Thing".to_string(),
        ];
        let m = index.actions(&names, "unused:", "");
        assert_eq!(
            rows(&index, &outline, &m, 5),
            [
                "catalog s3:GetObject [granted by s3:GetObject]",
                "catalog ec2:DescribeImages [granted by ec2:Describe*]"
            ]
        );
        assert_eq!((m.total, m.query()), (2, "unused:"));
        let m = index.actions(&names, "unused:ec2", "ec2");
        assert_eq!(
            rows(&index, &outline, &m, 5),
            ["catalog ec2:DescribeImages [granted by ec2:Describe*]"]
        );
    }

    #[test]
    fn an_extended_query_narrows_the_previous_matches_to_the_same_result() {
        let (_, _, index) = index();
        let first = index.search("s3:get", None);
        let narrowed = index.search("s3:getob", Some(&first));
        let fresh = index.search("s3:getob", None);
        assert_eq!(narrowed.hits, fresh.hits);
        assert_eq!(narrowed.total, fresh.total);
        assert!(fresh.total < first.total);
    }

    #[test]
    fn highlights_are_the_matched_characters() {
        assert_eq!(matched_chars("s3:GetObject", "gob"), [3, 6, 7]);
    }
}

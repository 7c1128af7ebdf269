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
            NodeKind::Element(_)
            | NodeKind::Placeholders
            | NodeKind::Diagnostics
            | NodeKind::SharedDocuments => return None,
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
    /// For each text, the characters it holds ([`char_mask`]): a text that lacks one of a
    /// query's characters cannot match it, and is passed over without scoring.
    masks: Vec<u64>,
    /// For each text, what carries it: by kind, then in input order (as results that rank
    /// alike are listed).
    owners: Vec<Vec<(Kind, Target)>>,
    /// For each catalog action: the Action (or NotAction) value node of the first Allow
    /// statement that grants it, in an identity or resource policy.
    grants: Vec<Option<NodeId>>,
    /// For each catalog action: its name's number in `texts`.
    catalog: Vec<u32>,
}

/// What one query matched: every matching text with its score, and the
/// results it leads to (at most [`MAX_HITS`]).
#[derive(Clone, Debug, Default)]
pub struct Matches {
    query: String,
    /// Every matching text with its score, in no order (what a longer query rescans).
    texts: Vec<(u32, i64)>,
    pub hits: Vec<Hit>,
    /// How many results there are in all, listed or not.
    pub total: usize,
    /// While the query is still being answered: how many texts are scored so far, of how
    /// many (see [`Scan`]). `None` once every text is.
    pub pending: Option<(usize, usize)>,
}

impl Matches {
    pub fn query(&self) -> &str {
        &self.query
    }
}

/// A query being answered a part at a time, so a front end can show what matched so far
/// and stay responsive on a large input: [`Index::scan`] starts it, [`Index::advance`]
/// scores the next part, [`Index::matches`] ranks what matched so far.
#[derive(Clone, Debug)]
pub struct Scan {
    query: String,
    /// The query's characters, as [`query_mask`] gives them.
    mask: u64,
    /// The texts to score: those the previous query matched when this one extends it,
    /// otherwise every text (`None`).
    candidates: Option<Vec<u32>>,
    /// How many candidates are scored.
    next: usize,
    found: Vec<(u32, i64)>,
}

/// How much of a query one [`Index::advance`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// This many texts more.
    Texts(usize),
    /// Texts until this long has passed (a thousand at least).
    For(std::time::Duration),
}

impl Scan {
    pub fn query(&self) -> &str {
        &self.query
    }
}

/// The bit of an ASCII character in a [`char_mask`] (letters without case), if it has one.
fn char_bit(b: u8) -> Option<u32> {
    match b.to_ascii_lowercase() {
        c @ b'a'..=b'z' => Some(u32::from(c - b'a')),
        c @ b'0'..=b'9' => Some(26 + u32::from(c - b'0')),
        b':' => Some(36),
        b'/' => Some(37),
        b'-' => Some(38),
        b'_' => Some(39),
        b'*' => Some(40),
        b'.' => Some(41),
        b'$' => Some(42),
        b'{' => Some(43),
        b'}' => Some(44),
        b'@' => Some(45),
        b'=' => Some(46),
        _ => None,
    }
}

/// The set of a text's ASCII characters that have a bit ([`char_bit`]), as bits. A text
/// with any other character has every bit: without case, some of them match an ASCII
/// letter (the Kelvin sign is a `k`), so nothing is ruled out.
fn char_mask(text: &str) -> u64 {
    if text.is_ascii() {
        query_mask(text)
    } else {
        u64::MAX
    }
}

/// The bits of a query's ASCII characters: what a text must hold to match it.
fn query_mask(query: &str) -> u64 {
    query
        .bytes()
        .filter_map(char_bit)
        .fold(0, |mask, bit| mask | 1 << bit)
}

fn matcher() -> SkimMatcherV2 {
    SkimMatcherV2::default().ignore_case()
}

impl Index {
    /// Indexes every node of `outline` (built from `sources`) and every catalog action.
    pub fn build(sources: &[Source], outline: &Outline) -> Index {
        let mut index = Index {
            texts: Vec::new(),
            masks: Vec::new(),
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
                    index.masks.push(char_mask(text));
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
        // Each text's results in the order they are listed among equals, so a text
        // that a large input repeats thousands of times gives only the ones listed.
        for owners in &mut index.owners {
            owners.sort_by_key(|&(kind, target)| (kind, target_order(target)));
        }
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
            pending: None,
        }
    }

    /// Every result for `query`, best first. When `previous` was a query this one extends,
    /// only its matches are scored again (what does not match a prefix cannot match more).
    pub fn search(&self, query: &str, previous: Option<&Matches>) -> Matches {
        let mut scan = self.scan(query, previous);
        self.advance(&mut scan, Part::Texts(usize::MAX));
        self.matches(&scan)
    }

    /// Starts answering `query` (see [`Scan`]); nothing is scored yet. When `previous` is
    /// the whole answer to a query this one extends, only its matches are candidates.
    pub fn scan(&self, query: &str, previous: Option<&Matches>) -> Scan {
        let query = query.trim();
        let narrowed = previous
            .filter(|p| p.pending.is_none() && !p.query.is_empty() && query.starts_with(&p.query));
        Scan {
            query: query.to_string(),
            mask: query_mask(query),
            candidates: narrowed.map(|p| p.texts.iter().map(|&(t, _)| t).collect()),
            next: 0,
            found: Vec::new(),
        }
    }

    /// How many texts `scan` scores in all.
    fn candidates(&self, scan: &Scan) -> usize {
        match &scan.candidates {
            Some(c) => c.len(),
            None if scan.query.is_empty() => 0,
            None => self.texts.len(),
        }
    }

    /// Scores the next part of `scan`; true when every text is scored.
    pub fn advance(&self, scan: &mut Scan, part: Part) -> bool {
        match part {
            Part::Texts(n) => self.score_next(scan, n),
            Part::For(time) => {
                let start = std::time::Instant::now();
                loop {
                    if self.score_next(scan, 1_024) {
                        return true;
                    }
                    if start.elapsed() >= time {
                        return false;
                    }
                }
            }
        }
    }

    /// Scores up to `budget` more texts of `scan`; true when every text is scored.
    fn score_next(&self, scan: &mut Scan, budget: usize) -> bool {
        let total = self.candidates(scan);
        let end = scan.next.saturating_add(budget).min(total);
        let matcher = matcher();
        let query = scan.query.as_str();
        let mask = scan.mask;
        let score = |t: u32| {
            let i = t as usize;
            if self.masks.get(i)? & mask != mask {
                return None;
            }
            matcher.fuzzy_match(&self.texts[i], query).map(|s| (t, s))
        };
        let found = match &scan.candidates {
            Some(c) => c[scan.next..end].iter().filter_map(|&t| score(t)).collect(),
            None => {
                let ids = u32::try_from(scan.next).unwrap_or(u32::MAX)
                    ..u32::try_from(end).unwrap_or(u32::MAX);
                ids.filter_map(score).collect::<Vec<_>>()
            }
        };
        scan.found.extend(found);
        scan.next = end;
        end == total
    }

    /// What `scan` matched so far, ranked: best score first; of equal scores, the shorter
    /// text (the closer match); texts that rank alike are listed together, by kind then
    /// input order.
    pub fn matches(&self, scan: &Scan) -> Matches {
        let len = |t: u32| self.texts[t as usize].len();
        let rank = |&(t, score): &(u32, i64)| (std::cmp::Reverse(score), len(t), t);
        // Only the best texts can be listed (each has a result at least): they are picked
        // out, with every text ranking alike with the last of them, and only they sorted.
        let mut ranked = scan.found.clone();
        if ranked.len() > MAX_HITS {
            let (_, &mut (last, score), _) = ranked.select_nth_unstable_by_key(MAX_HITS - 1, rank);
            let alike = (std::cmp::Reverse(score), len(last));
            ranked.retain(|&(t, s)| (std::cmp::Reverse(s), len(t)) <= alike);
        }
        ranked.sort_unstable_by_key(rank);
        let total = scan
            .found
            .iter()
            .map(|&(t, _)| self.owners[t as usize].len())
            .sum();
        let candidates = self.candidates(scan);
        Matches {
            query: scan.query.clone(),
            texts: scan.found.clone(),
            hits: self.hits(&ranked),
            total,
            pending: (scan.next < candidates).then_some((scan.next, candidates)),
        }
    }

    /// The results of the texts `ranked` (best first), at most [`MAX_HITS`]: texts that
    /// rank alike (same score and length) are listed together, by kind then input order.
    fn hits(&self, ranked: &[(u32, i64)]) -> Vec<Hit> {
        let len = |t: u32| self.texts[t as usize].len();
        let mut hits = Vec::new();
        for same in ranked.chunk_by(|a, b| a.1 == b.1 && len(a.0) == len(b.0)) {
            if hits.len() >= MAX_HITS {
                break;
            }
            let start = hits.len();
            let room = MAX_HITS - start;
            for &(t, score) in same {
                let owners = self.owners[t as usize].iter().take(room);
                hits.extend(owners.map(|&(kind, target)| Hit {
                    kind,
                    target,
                    text: t,
                    score,
                }));
            }
            hits[start..].sort_by_key(|h| (h.kind, target_order(h.target)));
        }
        hits.truncate(MAX_HITS);
        hits
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
    fn a_query_answered_a_part_at_a_time_ranks_what_matched_so_far_then_all() {
        let (_, _, index) = index();
        let whole = index.search("getobj", None);
        let mut scan = index.scan("getobj", None);
        assert!(!index.advance(&mut scan, Part::Texts(10_000)));
        let part = index.matches(&scan);
        let all = index.len();
        assert_eq!(part.pending, Some((10_000, all)));
        assert!(part.total < whole.total, "{} {}", part.total, whole.total);
        let mut steps = 1;
        while !index.advance(&mut scan, Part::Texts(10_000)) {
            steps += 1;
        }
        assert_eq!(steps, all.div_ceil(10_000) - 1);
        let done = index.matches(&scan);
        assert_eq!(
            (done.hits, done.total, done.pending),
            (whole.hits, whole.total, None)
        );
        // An unfinished answer is not narrowed: every text is scored again.
        let extended = index.scan("getobje", Some(&part));
        assert_eq!(index.candidates(&extended), all);
    }

    #[test]
    fn the_best_results_picked_out_are_those_a_whole_sort_lists() {
        let (_, _, index) = index();
        for query in ["a", "e", "get", "de"] {
            let m = index.search(query, None);
            assert!(m.texts.len() > MAX_HITS, "{query}: {}", m.texts.len());
            let len = |t: u32| index.texts[t as usize].len();
            let mut sorted = m.texts.clone();
            sorted.sort_by_key(|&(t, s)| (std::cmp::Reverse(s), len(t), t));
            assert_eq!(m.hits, index.hits(&sorted), "{query}");
        }
    }

    #[test]
    fn texts_without_a_query_character_are_passed_over_but_never_a_match() {
        // The masks only rule out what cannot match; case and non-ASCII text included.
        assert_eq!(
            query_mask("S3:G") & char_mask("arn:aws:s3:::logs"),
            query_mask("S3:G")
        );
        assert_ne!(query_mask("x") & char_mask("s3:GetObject"), query_mask("x"));
        assert_eq!(char_mask("\u{212a}ey"), u64::MAX);
        let texts = ["s3:GetObject", "KMS:Decrypt", "\u{212a}ms", "Grüße/* über"];
        for query in ["get", "kms", "K", "gr/*", "ü", "s3 get", "{x}"] {
            for text in texts {
                let possible = query_mask(query) & char_mask(text) == query_mask(query);
                let matched = matcher().fuzzy_match(text, query).is_some();
                assert!(
                    possible || !matched,
                    "{query:?} matched {text:?} but was ruled out"
                );
            }
        }
    }

    #[test]
    fn highlights_are_the_matched_characters() {
        assert_eq!(matched_chars("s3:GetObject", "gob"), [3, 6, 7]);
    }
}

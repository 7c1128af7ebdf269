//! `--used`: the CloudTrail events the viewer was given, read once with the same core
//! functions `minimize --used` and `review --used` read them with
//! ([`crate::analyze::used`]), and each holder's use, for the tree's marks, the matrix's
//! counts and the `unused:` search ([`crate::analyze::usage`] answers every question).

use std::collections::BTreeMap;

use crate::analyze::usage;
use crate::analyze::used::{self, Trail, Usage};
use crate::model::outline::{Element, Node, NodeKind};
use crate::model::{Effect, PolicyKind, RoleKind, Source};
use crate::text::{escape, plural};

pub struct Used {
    trail: Trail,
    /// Each holder's use, by (source, role) index; none for a holder events never name
    /// (a group, a resource).
    holders: BTreeMap<(usize, usize), Usage>,
}

impl Used {
    /// Reads the events of `paths`; what could not be read is in [`Used::problems`].
    pub fn read(paths: &[String], sources: &[Source]) -> Used {
        let mut used = Used {
            trail: used::read(paths),
            holders: BTreeMap::new(),
        };
        used.match_holders(sources);
        used
    }

    /// Matches the events to the holders of `sources` again (after values were filled in).
    pub fn match_holders(&mut self, sources: &[Source]) {
        self.holders.clear();
        for (s, source) in sources.iter().enumerate() {
            for (r, role) in source.roles.iter().enumerate() {
                if matches!(role.kind, RoleKind::Group | RoleKind::Resource) {
                    continue;
                }
                let (_, usage) = self.trail.for_holder(role);
                self.holders.insert((s, r), usage);
            }
        }
    }

    /// The use of holder `r` of source `s`.
    pub fn holder(&self, s: usize, r: usize) -> Option<&Usage> {
        self.holders.get(&(s, r))
    }

    /// How much of a tree row's action was used, as (used, covered): an action pattern of
    /// an Allow statement (or an action such a wildcard covers), in an identity or resource
    /// policy of a holder the events can name.
    pub fn node_use(&self, sources: &[Source], node: &Node) -> Option<(usize, usize)> {
        if !matches!(
            node.kind,
            NodeKind::Value(Element::Action) | NodeKind::Covered
        ) {
            return None;
        }
        let usage = self.holder(node.at.source, node.at.role?)?;
        let policy = node.at.policy(sources)?;
        let allow = node.at.statement(sources)?.effect() == Some(Effect::Allow);
        if !allow || !matches!(policy.kind, PolicyKind::Identity | PolicyKind::Resource) {
            return None;
        }
        match node.kind {
            NodeKind::Covered => Some((usize::from(usage::is_used(usage, &node.label)), 1)),
            _ => usage::pattern_use(usage, &node.label),
        }
    }

    /// The actions `holders` ((source, role) indices) are granted that no event used,
    /// each once, holder by holder.
    pub fn unused_grants(&self, sources: &[Source], holders: &[(usize, usize)]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for &(s, r) in holders {
            let (Some(usage), Some(source)) = (self.holder(s, r), sources.get(s)) else {
                continue;
            };
            let Some(role) = source.roles.get(r) else {
                continue;
            };
            for a in usage::unused_grants(source, role, usage) {
                if seen.insert(a.clone()) {
                    out.push(a);
                }
            }
        }
        out
    }

    /// `used: 21 events, 2024-05-01 → 05-03` (the dates of the calls counted).
    pub fn summary(&self) -> String {
        let (events, first, last) = usage::period(&self.trail);
        let events = plural(
            usize::try_from(events).unwrap_or(usize::MAX),
            "event",
            "events",
        );
        let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
        let span = match (first.map(day), last.map(day)) {
            (Some(f), Some(l)) if f == l => format!(", {f}"),
            (Some(f), Some(l)) if f.get(..5) == l.get(..5) => {
                format!(", {f} → {}", l.get(5..).unwrap_or(&l))
            }
            (Some(f), Some(l)) => format!(", {f} → {l}"),
            _ => String::new(),
        };
        let problems = match self.trail.problems.len() {
            0 => String::new(),
            n => format!(", {} not read", plural(n, "file", "files")),
        };
        escape(&format!("used: {events}{span}{problems}")).into_owned()
    }

    /// What could not be read, one line each, for the status line.
    pub fn problems(&self) -> Vec<String> {
        self.trail
            .problems
            .iter()
            .map(|p| escape(&format!("--used: {}: {}", p.path, p.message)).into_owned())
            .collect()
    }
}

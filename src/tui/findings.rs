//! The findings view's state: every `check` finding (the same `analyze::check` the command
//! runs), the node each one belongs to, the rows shown (grouped by severity, then code,
//! with counts; filtered by severity) and the cursor. Also the severity mark each tree
//! node carries in the gutter: the worst finding in its subtree.

use smol_str::SmolStr;
use std::collections::HashMap;

use crate::analyze::{Finding, check};
use crate::model::outline::{NodeId, NodeKind, Outline};
use crate::model::{Severity, Source};

/// One row of the findings list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    /// A severity's heading with its count.
    Severity(Severity, usize),
    /// A code's heading (a finding's index for its code) with its count.
    Code(usize, usize),
    Finding(usize),
}

pub struct Findings {
    findings: Vec<Finding>,
    /// The node each finding leads to.
    nodes: Vec<Option<NodeId>>,
    /// Which severities are shown: error, warning, info.
    shown: [bool; 3],
    rows: Vec<Row>,
    pub cursor: usize,
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

fn slot(severity: Severity) -> usize {
    SEVERITIES
        .iter()
        .position(|s| *s == severity)
        .unwrap_or_default()
}

impl Findings {
    pub fn new(sources: &[Source], outline: &Outline) -> Findings {
        let findings = check(sources);
        let places = Places::new(sources, outline);
        let nodes = findings.iter().map(|f| places.node(f)).collect();
        let mut out = Findings {
            findings,
            nodes,
            shown: [true; 3],
            rows: Vec::new(),
            cursor: 0,
        };
        out.layout();
        out
    }

    pub fn all(&self) -> &[Finding] {
        &self.findings
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn is_shown(&self, severity: Severity) -> bool {
        self.shown[slot(severity)]
    }

    /// How many findings there are of `severity`, shown or not.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn toggle(&mut self, severity: Severity) {
        self.shown[slot(severity)] ^= true;
        self.layout();
    }

    /// The finding under the cursor, if the cursor is on one.
    pub fn current(&self) -> Option<&Finding> {
        match self.rows.get(self.cursor)? {
            Row::Finding(i) => self.findings.get(*i),
            _ => None,
        }
    }

    /// The node the finding under the cursor leads to.
    pub fn destination(&self) -> Option<NodeId> {
        match self.rows.get(self.cursor)? {
            Row::Finding(i) => self.nodes.get(*i).copied().flatten(),
            _ => None,
        }
    }

    /// The worst severity of the findings in each node's subtree, for the tree's gutter.
    pub fn marks(&self, outline: &Outline) -> Vec<Option<Severity>> {
        let mut marks: Vec<Option<Severity>> = vec![None; outline.len()];
        for (f, node) in self.findings.iter().zip(&self.nodes) {
            let mut at = *node;
            while let Some(id) = at {
                if marks[id].is_some_and(|m| m >= f.severity) {
                    break;
                }
                marks[id] = Some(f.severity);
                at = outline.get(id).and_then(|n| n.parent());
            }
        }
        marks
    }

    /// Rebuilds the rows: severities worst first, codes in order, findings in input order.
    fn layout(&mut self) {
        let mut rows = Vec::new();
        for severity in SEVERITIES {
            if !self.is_shown(severity) {
                continue;
            }
            let mut of: Vec<usize> = (0..self.findings.len())
                .filter(|&i| self.findings[i].severity == severity)
                .collect();
            if of.is_empty() {
                continue;
            }
            of.sort_by_key(|&i| self.findings[i].code);
            rows.push(Row::Severity(severity, of.len()));
            for same in of.chunk_by(|&a, &b| self.findings[a].code == self.findings[b].code) {
                rows.push(Row::Code(same[0], same.len()));
                rows.extend(same.iter().map(|&i| Row::Finding(i)));
            }
        }
        self.rows = rows;
        self.cursor = self
            .rows
            .iter()
            .position(|r| matches!(r, Row::Finding(_)))
            .unwrap_or(0);
    }
}

/// Finds the outline node a finding is about: its statement, else its policy, its holder,
/// the loader diagnostic at its position, or its source.
struct Places {
    sources: HashMap<String, NodeId>,
    /// (source node, holder, policy, statement number or 0) → node.
    named: HashMap<(NodeId, String, String, usize), NodeId>,
    holders: HashMap<(NodeId, String), NodeId>,
    /// (source node, line, column) → diagnostic node.
    diagnostics: HashMap<(NodeId, u32, u32), NodeId>,
}

impl Places {
    fn new(sources: &[Source], outline: &Outline) -> Places {
        let mut places = Places {
            sources: HashMap::new(),
            named: HashMap::new(),
            holders: HashMap::new(),
            diagnostics: HashMap::new(),
        };
        let mut source_node = 0;
        for (id, node) in outline.nodes().iter().enumerate() {
            let at = node.at;
            let role = at.role(sources).map(|r| r.name.clone()).unwrap_or_default();
            let policy = at
                .policy(sources)
                .map(|p| p.name.to_string())
                .unwrap_or_default();
            match node.kind {
                NodeKind::Source => {
                    source_node = id;
                    places.sources.entry(node.label.clone()).or_insert(id);
                }
                NodeKind::Role => {
                    places.holders.entry((source_node, role)).or_insert(id);
                }
                NodeKind::Policy => {
                    places
                        .named
                        .entry((source_node, role, policy, 0))
                        .or_insert(id);
                }
                NodeKind::Statement => {
                    let n = at.statement.map_or(0, |s| s + 1);
                    places
                        .named
                        .entry((source_node, role, policy, n))
                        .or_insert(id);
                }
                NodeKind::Diagnostic(_) => {
                    let key = (source_node, node.loc.line, node.loc.column);
                    places.diagnostics.entry(key).or_insert(id);
                }
                _ => {}
            }
        }
        places
    }

    fn node(&self, f: &Finding) -> Option<NodeId> {
        let source = *self.sources.get(f.path.as_str())?;
        let role = f.role.as_ref().map(SmolStr::to_string).unwrap_or_default();
        if let Some(policy) = &f.policy {
            let statement = f.statement.unwrap_or(0);
            for n in [statement, 0] {
                if let Some(id) = self
                    .named
                    .get(&(source, role.clone(), policy.to_string(), n))
                {
                    return Some(*id);
                }
            }
        }
        if let Some(id) = self.holders.get(&(source, role)) {
            return Some(*id);
        }
        let diagnostic = self.diagnostics.get(&(source, f.line, f.column));
        Some(diagnostic.copied().unwrap_or(source))
    }
}

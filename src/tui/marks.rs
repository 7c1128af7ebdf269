//! What the user marked for copying (`space`): nodes of the tree (an action, a statement, a
//! policy), a matrix cell's actions, search results. Each mark is the action patterns it
//! stands for and the holder they were marked on, if any; `y` keeps those actions of those
//! holders, as `iamscope minimize --keep` does.

use crate::catalog::AccessLevel;
use crate::model::Effect;
use crate::model::Source;
use crate::model::outline::{Element, Node, NodeId, NodeKind, Outline};

/// A holder, as (source, role) indices.
pub type HolderAt = (usize, usize);

/// One mark.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The tree node marked, which the tree shows marked (none for a matrix cell or a
    /// catalog action).
    pub node: Option<NodeId>,
    /// The holder the actions were marked on (none for a catalog action: every holder).
    pub holder: Option<HolderAt>,
    /// The action patterns, as written.
    pub actions: Vec<String>,
    /// The matrix cell marked (service prefix and access level), which the matrix shows
    /// marked.
    pub cell: Option<(&'static str, AccessLevel)>,
}

/// Every mark, in the order made.
#[derive(Clone, Debug, Default)]
pub struct Marks {
    marks: Vec<Mark>,
}

impl Marks {
    /// Adds `mark`, or removes it when it is already there. Returns whether it is marked now.
    pub fn toggle(&mut self, mark: Mark) -> bool {
        let same = |m: &Mark| match (m.node, mark.node) {
            (Some(a), Some(b)) => a == b,
            (None, None) => m.holder == mark.holder && m.actions == mark.actions,
            _ => false,
        };
        match self.marks.iter().position(same) {
            Some(i) => {
                self.marks.remove(i);
                false
            }
            None => {
                self.marks.push(mark);
                true
            }
        }
    }

    pub fn clear(&mut self) {
        self.marks.clear();
    }

    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    pub fn is_marked(&self, id: NodeId) -> bool {
        self.marks.iter().any(|m| m.node == Some(id))
    }

    /// Whether the matrix cell of `holder`, `service` and `level` is marked.
    pub fn is_cell_marked(&self, holder: HolderAt, service: &str, level: AccessLevel) -> bool {
        self.marks
            .iter()
            .any(|m| m.holder == Some(holder) && m.cell == Some((service, level)))
    }

    /// Whether the catalog action `name` is marked alone (from a search result).
    pub fn is_catalog_marked(&self, name: &str) -> bool {
        self.marks
            .iter()
            .any(|m| m.node.is_none() && m.holder.is_none() && m.actions == [name])
    }

    /// The marked action patterns, each once (compared without case, as IAM compares
    /// actions), in the order marked.
    pub fn actions(&self) -> Vec<String> {
        distinct(self.marks.iter().flat_map(|m| m.actions.iter()))
    }

    /// The holders marked on, in input order; `None` when a mark holds for every holder.
    pub fn holders(&self) -> Option<Vec<HolderAt>> {
        let mut out: Vec<HolderAt> = Vec::new();
        for m in &self.marks {
            out.push(m.holder?);
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

/// Each pattern once, compared without case, in order.
pub fn distinct<'a>(patterns: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in patterns {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(p)) {
            out.push(p.clone());
        }
    }
    out
}

/// The mark for tree node `id`: an action (or an action a wildcard covers), an Action
/// element, a statement (its actions), a policy (the actions of its Allow statements).
/// `None` for what holds no actions to keep.
pub fn of_node(sources: &[Source], outline: &Outline, id: NodeId) -> Option<Mark> {
    let node: &Node = outline.get(id)?;
    let holder = node.at.role.map(|r| (node.at.source, r));
    let actions: Vec<String> = match node.kind {
        NodeKind::Value(Element::Action) | NodeKind::Covered => vec![node.label.clone()],
        NodeKind::Element(Element::Action) | NodeKind::Statement => {
            let s = node.at.statement(sources)?;
            s.action.as_ref()?.iter().map(str::to_string).collect()
        }
        NodeKind::Policy => {
            let p = node.at.policy(sources)?;
            let allows = p
                .statements()
                .iter()
                .filter(|s| s.effect() == Some(Effect::Allow));
            let all: Vec<String> = allows
                .flat_map(|s| s.action.iter().flat_map(|v| v.iter().map(str::to_string)))
                .collect();
            distinct(all.iter())
        }
        _ => return None,
    };
    (!actions.is_empty()).then_some(Mark {
        node: Some(id),
        holder,
        actions,
        cell: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(node: Option<NodeId>, holder: Option<HolderAt>, actions: &[&str]) -> Mark {
        Mark {
            node,
            holder,
            actions: actions.iter().map(|a| a.to_string()).collect(),
            cell: None,
        }
    }

    #[test]
    fn marking_twice_unmarks_and_actions_are_counted_once() {
        let mut marks = Marks::default();
        assert!(marks.toggle(mark(
            Some(3),
            Some((0, 0)),
            &["s3:GetObject", "s3:PutObject"]
        )));
        assert!(marks.toggle(mark(
            None,
            Some((0, 1)),
            &["S3:getobject", "sqs:SendMessage"]
        )));
        assert_eq!(
            marks.actions(),
            ["s3:GetObject", "s3:PutObject", "sqs:SendMessage"]
        );
        assert_eq!(marks.holders(), Some(vec![(0, 0), (0, 1)]));
        assert!(marks.is_marked(3));
        assert!(!marks.toggle(mark(Some(3), Some((0, 0)), &[])));
        assert!(!marks.is_marked(3));
        assert!(marks.toggle(mark(None, None, &["iam:PassRole"])));
        assert_eq!(marks.holders(), None);
        marks.clear();
        assert!(marks.is_empty());
    }
}

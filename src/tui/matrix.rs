//! The matrix view's state: every holder to choose from, the selected holder's matrix (the
//! same `analyze::matrix::role_matrix` the `matrix` command prints), the cell under the
//! cursor, and the drill-down of a cell (`analyze::matrix::service_actions`, as
//! `matrix --service` prints it) with its own cursor. With `--used`, how many of each cell's
//! actions the holder used (`analyze::usage::level_use`).

use super::marks::{Mark, distinct};
use crate::analyze::matrix::{ActionGrant, Granting, RoleMatrix, role_matrix, service_actions};
use crate::analyze::usage::level_use;
use crate::analyze::used::Usage;
use crate::catalog::AccessLevel;
use crate::model::Source;

/// Which list the cursor moves in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Holders,
    Table,
    Drill,
}

/// A cell's actions: one row per (action, granting statement).
pub struct Drill {
    pub service: &'static str,
    pub level: AccessLevel,
    pub rows: Vec<(ActionGrant, Granting)>,
    pub cursor: usize,
}

pub struct Matrix {
    /// Every holder: (source, role) indices.
    pub holders: Vec<(usize, usize)>,
    pub holder: usize,
    pub part: Part,
    /// The selected holder's matrix, built when it is chosen.
    pub matrix: Option<RoleMatrix>,
    /// The service row and the access level column under the cursor.
    pub row: usize,
    pub column: usize,
    pub drill: Option<Drill>,
    /// With `--used`: per service row of the matrix, how many actions were used at each
    /// access level; counted once the matrix is built.
    pub used: Option<Vec<[usize; 5]>>,
}

impl Matrix {
    pub fn new(sources: &[Source]) -> Matrix {
        let holders = sources
            .iter()
            .enumerate()
            .flat_map(|(s, source)| (0..source.roles.len()).map(move |r| (s, r)))
            .collect();
        Matrix {
            holders,
            holder: 0,
            part: Part::Table,
            matrix: None,
            row: 0,
            column: 0,
            drill: None,
            used: None,
        }
    }

    /// Builds the selected holder's matrix if it is not built yet.
    pub fn ensure(&mut self, sources: &[Source]) {
        if self.matrix.is_some() {
            return;
        }
        self.matrix = self
            .holders
            .get(self.holder)
            .and_then(|&(s, r)| Some(role_matrix(sources.get(s)?, sources[s].roles.get(r)?)));
    }

    /// Chooses another holder.
    pub fn choose(&mut self, sources: &[Source], holder: usize) {
        let holder = holder.min(self.holders.len().saturating_sub(1));
        if holder != self.holder || self.matrix.is_none() {
            self.holder = holder;
            self.matrix = None;
            self.used = None;
            self.row = 0;
            self.drill = None;
            self.ensure(sources);
        }
    }

    /// Counts the used actions of each cell of the built matrix, if not counted yet;
    /// `usage` is the selected holder's (none: nothing is counted).
    pub fn count_used(&mut self, sources: &[Source], usage: Option<&Usage>) {
        let (Some(usage), Some(m), None) = (usage, &self.matrix, &self.used) else {
            return;
        };
        let Some((source, role)) = self
            .holders
            .get(self.holder)
            .and_then(|&(s, r)| Some((sources.get(s)?, sources[s].roles.get(r)?)))
        else {
            return;
        };
        self.used = Some(
            m.services
                .iter()
                .map(|row| level_use(source, role, row.service, usage))
                .collect(),
        );
    }

    /// The selected holder: (source, role) indices.
    pub fn selected_holder(&self) -> Option<(usize, usize)> {
        self.holders.get(self.holder).copied()
    }

    pub fn services(&self) -> usize {
        self.matrix.as_ref().map_or(0, |m| m.services.len())
    }

    /// Opens the cell under the cursor: the actions granted at its level.
    pub fn open(&mut self, sources: &[Source]) {
        let Some(&(s, r)) = self.holders.get(self.holder) else {
            return;
        };
        let (Some(source), Some(m)) = (sources.get(s), self.matrix.as_ref()) else {
            return;
        };
        let (Some(role), Some(row)) = (source.roles.get(r), m.services.get(self.row)) else {
            return;
        };
        let level = AccessLevel::ALL[self.column.min(4)];
        let rows: Vec<(ActionGrant, Granting)> = service_actions(source, role, row.service)
            .into_iter()
            .filter(|a| a.access_level == level.as_str())
            .flat_map(|a| {
                a.statements
                    .iter()
                    .map(|g| (a.clone(), g.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        self.drill = Some(Drill {
            service: row.service,
            level,
            rows,
            cursor: 0,
        });
        self.part = Part::Drill;
    }

    /// The mark for the cell under the cursor: the actions the holder is granted at its
    /// access level (those the drill-down lists, when it is open).
    pub fn cell_mark(&self, sources: &[Source]) -> Option<Mark> {
        let &(s, r) = self.holders.get(self.holder)?;
        let (cell, actions): (_, Vec<String>) = match (self.part, &self.drill) {
            (Part::Drill, Some(d)) => (
                (d.service, d.level),
                d.rows.iter().map(|(a, _)| a.action.clone()).collect(),
            ),
            (Part::Table, _) => {
                let (source, m) = (sources.get(s)?, self.matrix.as_ref()?);
                let (role, row) = (source.roles.get(r)?, m.services.get(self.row)?);
                let level = AccessLevel::ALL[self.column.min(4)];
                let actions = service_actions(source, role, row.service)
                    .into_iter()
                    .filter(|a| a.access_level == level.as_str())
                    .map(|a| a.action)
                    .collect();
                ((row.service, level), actions)
            }
            _ => return None,
        };
        let actions = distinct(actions.iter());
        (!actions.is_empty()).then_some(Mark {
            node: None,
            holder: Some((s, r)),
            actions,
            cell: Some(cell),
        })
    }

    /// The statement the drill-down row under the cursor names: (source, holder, policy,
    /// statement index).
    pub fn destination(&self) -> Option<(usize, usize, usize, usize)> {
        let d = self.drill.as_ref()?;
        let (_, g) = d.rows.get(d.cursor)?;
        let (source, _) = self.holders.get(self.holder)?;
        Some((*source, g.at.0, g.at.1, g.statement.checked_sub(1)?))
    }

    /// Moves the cursor of the focused part by `delta` rows, within `0..len`.
    pub fn step(&mut self, sources: &[Source], delta: isize) {
        let moved = |at: usize, len: usize| -> usize {
            let last = len.saturating_sub(1);
            at.saturating_add_signed(delta).min(last)
        };
        match self.part {
            Part::Holders => self.choose(sources, moved(self.holder, self.holders.len())),
            Part::Table => self.row = moved(self.row, self.services()),
            Part::Drill => {
                if let Some(d) = self.drill.as_mut() {
                    d.cursor = moved(d.cursor, d.rows.len());
                }
            }
        }
    }
}

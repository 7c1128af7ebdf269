//! Reading a table of permissions: which column names actions, which labels the row, which
//! explains it, and which rows name managed policies instead.
//!
//! Actions are words shaped like `service:Action` (see [`prose::is_action`]), in code, bold
//! or plain text, separated by line breaks (`<br>`), commas, semicolons or spaces. The
//! column in which most rows name actions is the action column. A short cell before it is
//! the row's label (its Sid); the rest of the action cell ("Limited to selected VPC &
//! Subnet") and the cells after it are the row's note.

use std::collections::HashSet;

use super::{Piece, Positions, Row, prose};
use crate::model::{Loc, Text};

/// A label longer than this is prose, kept in the note rather than as a Sid.
const MAX_LABEL_CHARS: usize = 60;

/// What a table says.
#[derive(Debug, Default, PartialEq)]
pub struct Read {
    /// Rows that name actions, in order.
    pub rows: Vec<ActionRow>,
    /// Managed policies the table names, in order, with the rest of their row as a note.
    pub managed: Vec<(prose::ManagedName, Option<String>)>,
    /// Rows that name neither actions nor managed policies, as `label: text`.
    pub other: Vec<String>,
    pub loc: Loc,
}

/// A row that names actions.
#[derive(Debug, PartialEq)]
pub struct ActionRow {
    pub label: Option<Text>,
    pub actions: Vec<Text>,
    pub note: Option<String>,
    pub loc: Loc,
}

/// One cell, read.
#[derive(Debug, Default)]
struct Cell {
    actions: Vec<Text>,
    /// The cell's text without its actions, cleaned.
    prose: String,
    /// The cell's whole text, cleaned.
    plain: String,
    loc: Loc,
}

/// The words of `s` with their byte offsets, split at white space, commas and semicolons.
fn words(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let separator = c.is_whitespace() || c == ',' || c == ';';
        match start {
            Some(st) if separator => {
                out.push((st, &s[st..i]));
                start = None;
            }
            None if !separator => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// A word without the brackets, quotes and punctuation around it, with the offset of what
/// is left.
fn trim_word(word: &str) -> (usize, &str) {
    let start = word.len()
        - word
            .trim_start_matches(['(', '[', '{', '"', '\'', '“', '‘'])
            .len();
    let trimmed = word[start..].trim_end_matches([')', ']', '}', '"', '\'', '”', '’', '.', ':']);
    (start, trimmed)
}

fn cell(pieces: &[Piece]) -> Cell {
    let mut out = Cell {
        loc: pieces
            .iter()
            .find_map(|p| match p {
                Piece::Text(_, l) | Piece::Bold(_, l) | Piece::Code(_, l) => Some(*l),
                Piece::Break => None,
            })
            .unwrap_or_default(),
        ..Cell::default()
    };
    let mut prose = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(s, at) | Piece::Bold(s, at) => {
                let mut kept = 0;
                let mut positions = Positions::new(s, *at);
                for (start, word) in words(s) {
                    let (offset, token) = trim_word(word);
                    if prose::is_action(token) {
                        prose.push_str(&s[kept..start]);
                        prose.push(' ');
                        kept = start + word.len();
                        let loc = positions.loc(start + offset);
                        out.actions.push(Text::new(token, loc));
                    }
                }
                prose.push_str(&s[kept..]);
            }
            Piece::Code(s, at) => {
                let tokens = words(s);
                if !tokens.is_empty() && tokens.iter().all(|(_, t)| prose::is_action(t)) {
                    let mut positions = Positions::new(s, *at);
                    for (start, token) in tokens {
                        out.actions.push(Text::new(token, positions.loc(start)));
                    }
                } else {
                    prose.push('`');
                    prose.push_str(s);
                    prose.push('`');
                }
            }
            Piece::Break => prose.push(' '),
        }
    }
    out.prose = prose::clean(&prose);
    out.plain = prose::clean(&super::plain(pieces));
    out
}

/// Reads a table. `managed_context` says a heading in scope announces managed policies.
pub fn read(header: &[Vec<Piece>], rows: &[Row], loc: Loc, managed_context: bool) -> Read {
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| r.cells.iter().map(|c| cell(c)).collect())
        .collect();
    let width = cells.iter().map(Vec::len).max().unwrap_or(0);
    let action_column = (0..width)
        .map(|c| {
            let count = cells
                .iter()
                .filter(|row| row.get(c).is_some_and(|cell| !cell.actions.is_empty()))
                .count();
            (c, count)
        })
        .filter(|&(_, count)| count > 0)
        .fold(
            None,
            |best: Option<(usize, usize)>, (c, count)| match best {
                Some((_, n)) if n >= count => best,
                _ => Some((c, count)),
            },
        )
        .map(|(c, _)| c);
    let lists_policies = |c: usize| {
        managed_context
            || header
                .get(c)
                .is_some_and(|h| super::plain(h).to_lowercase().contains("polic"))
    };
    let mut out = Read {
        loc,
        ..Read::default()
    };
    for (row, cells) in rows.iter().zip(&cells) {
        if let Some(a) = action_column
            && cells.get(a).is_some_and(|c| !c.actions.is_empty())
        {
            out.rows.push(action_row(row, cells, a));
            continue;
        }
        let mut found = false;
        for (i, c) in cells.iter().enumerate() {
            let names = managed_names(c, lists_policies(i));
            if names.is_empty() {
                continue;
            }
            found = true;
            let note = join(cells.iter().enumerate().filter(|&(j, _)| j != i), " — ");
            out.managed
                .extend(names.into_iter().map(|m| (m, note.clone())));
        }
        if !found && let Some(text) = join(cells.iter().enumerate(), ": ") {
            out.other.push(text);
        }
    }
    out
}

/// The cleaned text of some cells, joined; `None` when all are empty.
fn join<'a>(cells: impl Iterator<Item = (usize, &'a Cell)>, separator: &str) -> Option<String> {
    let parts: Vec<&str> = cells
        .map(|(_, c)| c.plain.as_str())
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(separator))
}

fn action_row(row: &Row, cells: &[Cell], a: usize) -> ActionRow {
    let label_at = cells[..a]
        .iter()
        .position(|c| !c.plain.is_empty() && c.plain.chars().count() <= MAX_LABEL_CHARS);
    let label = label_at.map(|i| Text::new(cells[i].plain.clone(), cells[i].loc));
    let mut note: Vec<&str> = Vec::new();
    if !cells[a].prose.is_empty() {
        note.push(&cells[a].prose);
    }
    for (i, c) in cells.iter().enumerate() {
        if i != a && Some(i) != label_at && !c.plain.is_empty() {
            note.push(&c.plain);
        }
    }
    let mut seen = HashSet::new();
    let actions: Vec<Text> = cells[a]
        .actions
        .iter()
        .filter(|t| seen.insert(t.value.as_str()))
        .cloned()
        .collect();
    ActionRow {
        label,
        actions,
        note: (!note.is_empty()).then(|| note.join(" — ")),
        loc: row.loc,
    }
}

/// The managed policies a cell names: AWS managed ARNs anywhere; in a column that lists
/// policies, a cell made only of managed-policy names.
fn managed_names(cell: &Cell, lists_policies: bool) -> Vec<prose::ManagedName> {
    let arns = prose::managed_arns(&cell.plain);
    if !arns.is_empty() {
        return arns
            .into_iter()
            .map(|(_, path)| prose::managed(&path, cell.loc))
            .collect();
    }
    let names: Vec<&str> = words(&cell.plain)
        .into_iter()
        .map(|(_, w)| w.trim_matches('`'))
        .collect();
    if lists_policies && !names.is_empty() && names.iter().all(|n| prose::is_managed_name(n)) {
        names
            .into_iter()
            .map(|n| prose::managed(n, cell.loc))
            .collect()
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str, line: u32, column: u32) -> Piece {
        Piece::Text(s.into(), Loc::new(line, column))
    }

    fn row(cells: Vec<Vec<Piece>>, line: u32) -> Row {
        Row {
            cells,
            loc: Loc::new(line, 1),
        }
    }

    #[test]
    fn a_row_of_actions_with_a_label_and_scope_prose() {
        let r = row(
            vec![
                vec![t(" Instance Management ", 5, 2)],
                vec![
                    t("** Limited to Epsio resources (where ", 5, 24),
                    Piece::Code("Owner=Epsio".into(), Loc::new(5, 62)),
                    t("):**", 5, 75),
                    Piece::Break,
                    Piece::Code("ec2:RebootInstances".into(), Loc::new(5, 86)),
                    Piece::Break,
                    t(" ec2:StopInstances, ec2:StopInstances", 5, 110),
                ],
            ],
            5,
        );
        let read = read(&[], &[r], Loc::new(3, 1), false);
        assert_eq!(read.rows.len(), 1);
        let a = &read.rows[0];
        assert_eq!(
            a.label,
            Some(Text::new("Instance Management", Loc::new(5, 2)))
        );
        let actions: Vec<(&str, Loc)> = a
            .actions
            .iter()
            .map(|t| (t.value.as_str(), t.loc))
            .collect();
        assert_eq!(
            actions,
            [
                ("ec2:RebootInstances", Loc::new(5, 86)),
                ("ec2:StopInstances", Loc::new(5, 111))
            ]
        );
        assert_eq!(
            a.note.as_deref(),
            Some("Limited to Epsio resources (where `Owner=Epsio`)")
        );
    }

    #[test]
    fn managed_policies_by_arn_or_under_a_policy_header() {
        let header = vec![vec![t("Policy", 1, 3)], vec![t("Description", 1, 12)]];
        let rows = [
            row(
                vec![
                    vec![Piece::Bold(
                        "AWSCloudFormationReadOnlyAccess".into(),
                        Loc::new(3, 5),
                    )],
                    vec![t("Needed.", 3, 40)],
                ],
                3,
            ),
            row(
                vec![
                    vec![Piece::Bold("Additional permissions".into(), Loc::new(4, 5))],
                    vec![t("You may need more.", 4, 40)],
                ],
                4,
            ),
        ];
        let r = read(&header, &rows, Loc::new(1, 1), false);
        assert!(r.rows.is_empty());
        assert_eq!(r.managed.len(), 1);
        assert_eq!(r.managed[0].0.name, "AWSCloudFormationReadOnlyAccess");
        assert_eq!(r.managed[0].0.loc, Loc::new(3, 5));
        assert_eq!(r.managed[0].1.as_deref(), Some("Needed."));
        assert_eq!(r.other, ["Additional permissions: You may need more."]);
        let plain_header = vec![vec![t("Name", 1, 3)]];
        let r = read(&plain_header, &rows[..1], Loc::new(1, 1), false);
        assert!(
            r.managed.is_empty(),
            "no policy header, no ARN: not a policy"
        );
        let arn = row(
            vec![vec![Piece::Bold(
                "arn:aws:iam::aws:policy/ AmazonAthenaFullAccess".into(),
                Loc::new(9, 3),
            )]],
            9,
        );
        let r = read(&plain_header, &[arn], Loc::new(1, 1), false);
        assert_eq!(r.managed[0].0.name, "AmazonAthenaFullAccess");
        assert_eq!(
            r.managed[0].0.arn, "arn:aws:iam::aws:policy/ AmazonAthenaFullAccess",
            "kept as written, for the catalog to resolve and report"
        );
    }

    #[test]
    fn a_table_without_actions_says_nothing_of_policies() {
        let rows = [row(
            vec![vec![t("Region", 2, 1)], vec![t("us-east-1", 2, 10)]],
            2,
        )];
        let r = read(&[], &rows, Loc::new(1, 1), false);
        assert!(r.rows.is_empty() && r.managed.is_empty());
    }
}

//! The one table of key bindings: which keys do which action in which mode, with the text
//! the help screen shows for each and the short hint the status line shows. Nothing else
//! in the viewer looks at keys.

use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::action::View;
use super::app::Mode;
use crate::model::Severity;

/// A key as a binding names it: a key code, with or without Ctrl. Shift is part of the
/// character (`G`, `?`), so it is not matched separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    const fn char(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: false,
        }
    }

    const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    const fn code(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    /// Whether a key press from the terminal is this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let mods = event.modifiers - KeyModifiers::SHIFT;
        let wanted = if self.ctrl {
            KeyModifiers::CONTROL
        } else {
            KeyModifiers::NONE
        };
        event.kind != KeyEventKind::Release && event.code == self.code && mods == wanted
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        match self.code {
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Null => f.write_str("a-z…"),
            other => write!(f, "{other}"),
        }
    }
}

/// The groups the help screen lists bindings under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Move,
    Tree,
    Views,
    Search,
    Why,
    Findings,
    Review,
    Copy,
    Values,
    General,
}

impl Section {
    pub const ALL: [Section; 10] = [
        Section::Move,
        Section::Tree,
        Section::Views,
        Section::Search,
        Section::Why,
        Section::Findings,
        Section::Review,
        Section::Copy,
        Section::Values,
        Section::General,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Section::Move => "Move",
            Section::Tree => "Expand and collapse",
            Section::Views => "Views and panes",
            Section::Search => "Search",
            Section::Why => "Why: is it allowed?",
            Section::Findings => "Findings view",
            Section::Review => "Review walkthrough",
            Section::Copy => "Mark and copy",
            Section::Values => "Placeholder values",
            Section::General => "General",
        }
    }
}

/// Keys that do one action in some modes.
#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub modes: &'static [Mode],
    pub section: Section,
    /// What the help screen says the keys do.
    pub help: &'static str,
    /// A word or two for the status line; bindings without one appear only in the help.
    /// Neighbouring bindings with the same hint are shown together (`j/k move`).
    pub hint: Option<&'static str>,
}

/// Stands for any character typed (bound to [`Action::Insert`]).
const TYPED: Key = Key::code(KeyCode::Null);

const VIEWS: &[Mode] = &[
    Mode::Tree,
    Mode::Matrix,
    Mode::Findings,
    Mode::Review,
    Mode::Values,
];
const LISTS: &[Mode] = &[
    Mode::Tree,
    Mode::Matrix,
    Mode::Findings,
    Mode::Review,
    Mode::Values,
    Mode::Help,
    Mode::Preview,
];
const TREE: &[Mode] = &[Mode::Tree];
const MATRIX: &[Mode] = &[Mode::Matrix];
const FINDINGS: &[Mode] = &[Mode::Findings];
const HELP: &[Mode] = &[Mode::Help];
const TEXT: &[Mode] = &[Mode::Search, Mode::Form, Mode::Comment, Mode::Value];
const REVIEW: &[Mode] = &[Mode::Review];
const COMMENT: &[Mode] = &[Mode::Comment];
const SEARCH: &[Mode] = &[Mode::Search];
const FORM: &[Mode] = &[Mode::Form];
const ALL: &[Mode] = &[
    Mode::Tree,
    Mode::Matrix,
    Mode::Findings,
    Mode::Help,
    Mode::Preview,
    Mode::Search,
    Mode::Form,
    Mode::Review,
    Mode::Comment,
    Mode::Values,
    Mode::Value,
];

const fn bind(
    keys: &'static [Key],
    action: Action,
    modes: &'static [Mode],
    section: Section,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        action,
        modes,
        section,
        help,
        hint,
    }
}

/// Every binding, in the order the help screen lists them.
pub const BINDINGS: &[Binding] = &[
    bind(
        &[Key::char('j'), Key::code(KeyCode::Down)],
        Action::Down,
        LISTS,
        Section::Move,
        "down one row (in the focused pane)",
        Some("move"),
    ),
    bind(
        &[Key::char('k'), Key::code(KeyCode::Up)],
        Action::Up,
        LISTS,
        Section::Move,
        "up one row",
        Some("move"),
    ),
    bind(
        &[Key::code(KeyCode::PageDown)],
        Action::PageDown,
        LISTS,
        Section::Move,
        "down one page",
        None,
    ),
    bind(
        &[Key::code(KeyCode::PageUp)],
        Action::PageUp,
        LISTS,
        Section::Move,
        "up one page",
        None,
    ),
    bind(
        &[Key::char('g'), Key::code(KeyCode::Home)],
        Action::First,
        LISTS,
        Section::Move,
        "to the first row",
        None,
    ),
    bind(
        &[Key::char('G'), Key::code(KeyCode::End)],
        Action::Last,
        LISTS,
        Section::Move,
        "to the last row",
        None,
    ),
    bind(
        &[Key::char('l'), Key::code(KeyCode::Right)],
        Action::Expand,
        TREE,
        Section::Tree,
        "expand; on an expanded node, go to its first child",
        Some("open"),
    ),
    bind(
        &[Key::char('h'), Key::code(KeyCode::Left)],
        Action::Collapse,
        TREE,
        Section::Tree,
        "collapse; on a collapsed node or a leaf, go to its parent",
        Some("close"),
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Toggle,
        TREE,
        Section::Tree,
        "expand or collapse",
        None,
    ),
    bind(
        &[Key::char('l'), Key::code(KeyCode::Right)],
        Action::Expand,
        MATRIX,
        Section::Views,
        "matrix: next column",
        Some("column"),
    ),
    bind(
        &[Key::char('h'), Key::code(KeyCode::Left)],
        Action::Collapse,
        MATRIX,
        Section::Views,
        "matrix: previous column",
        Some("column"),
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Open,
        &[Mode::Matrix, Mode::Findings],
        Section::Views,
        "matrix: the actions of a cell, then jump to a statement; findings: jump to the statement",
        Some("open"),
    ),
    bind(
        &[Key::code(KeyCode::Esc)],
        Action::Back,
        &[Mode::Tree, Mode::Matrix],
        Section::Views,
        "back out of a matrix cell; close the why answer",
        Some("back"),
    ),
    bind(
        &[Key::char('1')],
        Action::Show(View::Tree),
        VIEWS,
        Section::Views,
        "the tree view",
        None,
    ),
    bind(
        &[Key::char('2')],
        Action::Show(View::Matrix),
        VIEWS,
        Section::Views,
        "the matrix view: a holder's access, service by service",
        None,
    ),
    bind(
        &[Key::char('3')],
        Action::Show(View::Findings),
        VIEWS,
        Section::Views,
        "the findings view: every `check` finding",
        None,
    ),
    bind(
        &[Key::code(KeyCode::Tab)],
        Action::NextPane,
        VIEWS,
        Section::Views,
        "focus the next pane (the detail pane scrolls when focused)",
        Some("pane"),
    ),
    bind(
        &[Key::char('/')],
        Action::Search,
        VIEWS,
        Section::Search,
        "search every node and every catalog action; with --used, `unused:` lists the grants no event used",
        Some("search"),
    ),
    bind(
        &[Key::char('n')],
        Action::NextMatch,
        VIEWS,
        Section::Search,
        "next search result",
        Some("next"),
    ),
    bind(
        &[Key::char('N')],
        Action::PrevMatch,
        VIEWS,
        Section::Search,
        "previous search result",
        None,
    ),
    bind(
        &[Key::code(KeyCode::Down), Key::ctrl('n')],
        Action::Down,
        TEXT,
        Section::Search,
        "next result (search), next field (why form)",
        Some("move"),
    ),
    bind(
        &[Key::code(KeyCode::Up), Key::ctrl('p')],
        Action::Up,
        TEXT,
        Section::Search,
        "previous result or field",
        Some("move"),
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Submit,
        SEARCH,
        Section::Search,
        "jump to the result",
        Some("jump"),
    ),
    bind(
        &[Key::code(KeyCode::Esc)],
        Action::Cancel,
        SEARCH,
        Section::Search,
        "cancel, back to where you were",
        Some("cancel"),
    ),
    bind(
        &[TYPED],
        Action::Insert(' '),
        TEXT,
        Section::Search,
        "any character types into the query or the field",
        None,
    ),
    bind(
        &[Key::code(KeyCode::Backspace)],
        Action::DeleteBack,
        TEXT,
        Section::Search,
        "delete a character",
        None,
    ),
    bind(
        &[Key::char('w')],
        Action::Why,
        &[Mode::Tree],
        Section::Why,
        "why: is the action under the cursor allowed? A form for action, resource, principal and context; the answer and the full trace show in the detail pane",
        Some("why"),
    ),
    bind(
        &[Key::code(KeyCode::Tab)],
        Action::Complete,
        FORM,
        Section::Why,
        "complete the field with its first suggestion",
        Some("complete"),
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Submit,
        FORM,
        Section::Why,
        "on a field, keep the answer and close the form; on a deciding statement, jump to it",
        Some("done"),
    ),
    bind(
        &[Key::code(KeyCode::Esc)],
        Action::Cancel,
        FORM,
        Section::Why,
        "close the form and its answer",
        Some("cancel"),
    ),
    bind(
        &[Key::char('e')],
        Action::Filter(Severity::Error),
        FINDINGS,
        Section::Findings,
        "show or hide errors",
        Some("filter"),
    ),
    bind(
        &[Key::char('w')],
        Action::Filter(Severity::Warning),
        FINDINGS,
        Section::Findings,
        "show or hide warnings",
        Some("filter"),
    ),
    bind(
        &[Key::char('i')],
        Action::Filter(Severity::Info),
        FINDINGS,
        Section::Findings,
        "show or hide info",
        Some("filter"),
    ),
    bind(
        &[Key::char('r')],
        Action::Review,
        &[Mode::Tree, Mode::Matrix, Mode::Findings],
        Section::Review,
        "start or resume the review: every statement once, riskiest first, decisions saved to the review file as you go; from a statement in the tree, its step. The tree then marks each statement: ✓ accepted, ✗ flagged, ? undecided",
        None,
    ),
    bind(
        &[Key::char('a')],
        Action::Accept,
        REVIEW,
        Section::Review,
        "accept the statement",
        Some("accept"),
    ),
    bind(
        &[Key::char('f')],
        Action::Flag,
        REVIEW,
        Section::Review,
        "flag the statement",
        Some("flag"),
    ),
    bind(
        &[Key::char('c')],
        Action::Comment,
        REVIEW,
        Section::Review,
        "comment on the statement (one line; Enter records it, Esc leaves it as it was)",
        Some("comment"),
    ),
    bind(
        &[Key::char('u')],
        Action::Undecide,
        REVIEW,
        Section::Review,
        "clear the decision and comment",
        Some("clear"),
    ),
    bind(
        &[Key::char(']')],
        Action::Step { forward: true },
        REVIEW,
        Section::Review,
        "next step",
        Some("step"),
    ),
    bind(
        &[Key::char('[')],
        Action::Step { forward: false },
        REVIEW,
        Section::Review,
        "previous step",
        Some("step"),
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Open,
        REVIEW,
        Section::Review,
        "show the statement in the tree",
        Some("tree"),
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Submit,
        COMMENT,
        Section::Review,
        "record the comment",
        Some("record"),
    ),
    bind(
        &[Key::code(KeyCode::Esc)],
        Action::Cancel,
        COMMENT,
        Section::Review,
        "leave the comment as it was",
        Some("cancel"),
    ),
    bind(
        &[Key::char(' ')],
        Action::Mark,
        &[Mode::Tree, Mode::Matrix],
        Section::Copy,
        "mark the node under the cursor for copying, or unmark it: an action, a statement or a policy (its actions), a matrix cell (its actions); the status line counts the marked actions",
        None,
    ),
    bind(
        &[Key::code(KeyCode::Tab)],
        Action::Mark,
        SEARCH,
        Section::Copy,
        "search: mark the result under the cursor (a catalog action is marked alone)",
        Some("mark"),
    ),
    bind(
        &[Key::char('x')],
        Action::ClearMarks,
        &[Mode::Tree, Mode::Matrix],
        Section::Copy,
        "unmark everything",
        Some("unmark"),
    ),
    bind(
        &[Key::char('y')],
        Action::Copy,
        &[Mode::Tree, Mode::Matrix],
        Section::Copy,
        "copy the minimal policy for the marked actions (or those under the cursor), exactly as `iamscope minimize --keep` prints it; a preview shows what was copied",
        None,
    ),
    bind(
        &[Key::char('Y')],
        Action::CopyPolicy,
        TREE,
        Section::Copy,
        "copy the policy under the cursor as JSON (as loaded and repaired, placeholder values filled in)",
        None,
    ),
    bind(
        &[
            Key::code(KeyCode::Esc),
            Key::char('q'),
            Key::code(KeyCode::Enter),
        ],
        Action::ClosePreview,
        &[Mode::Preview],
        Section::Copy,
        "close the preview of what was copied",
        Some("close"),
    ),
    bind(
        &[Key::char('v')],
        Action::Values,
        &[Mode::Tree, Mode::Matrix, Mode::Findings, Mode::Review],
        Section::Values,
        "the placeholders of the loaded sources with their values and places (file:line:column)",
        None,
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Open,
        &[Mode::Values],
        Section::Values,
        "type a value for the placeholder under the cursor; it is filled in everywhere at once (tree, matrix, findings, why, copies); an empty value unfills it",
        Some("edit"),
    ),
    bind(
        &[Key::code(KeyCode::Enter)],
        Action::Submit,
        &[Mode::Value],
        Section::Values,
        "fill the value in (a value of the wrong shape for its name, such as an account id that is not 12 digits, is warned about, and used)",
        Some("fill"),
    ),
    bind(
        &[Key::code(KeyCode::Esc)],
        Action::Cancel,
        &[Mode::Value],
        Section::Values,
        "leave the value as it was",
        Some("cancel"),
    ),
    bind(
        &[Key::char('s')],
        Action::SaveValues,
        &[Mode::Values],
        Section::Values,
        "save the values to the --vars file (or iamscope-vars.env beside the first input), keeping its comments and other lines",
        Some("save"),
    ),
    bind(
        &[Key::char('?')],
        Action::Help,
        VIEWS,
        Section::General,
        "show this help",
        Some("help"),
    ),
    bind(
        &[Key::code(KeyCode::Esc), Key::char('?'), Key::char('q')],
        Action::CloseHelp,
        HELP,
        Section::General,
        "close this help",
        Some("close"),
    ),
    bind(
        &[Key::char('q')],
        Action::Quit,
        VIEWS,
        Section::General,
        "quit",
        Some("quit"),
    ),
    bind(
        &[Key::ctrl('c')],
        Action::Quit,
        ALL,
        Section::General,
        "quit, from anywhere",
        None,
    ),
];

/// The action a key press asks for in `mode`, if any. Where text is typed, a character no
/// binding takes is typed.
pub fn action_for(mode: Mode, event: &KeyEvent) -> Option<Action> {
    let bound = BINDINGS
        .iter()
        .find(|b| b.modes.contains(&mode) && b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action);
    let typed = match event.code {
        KeyCode::Char(c) if TEXT.contains(&mode) && event.kind != KeyEventKind::Release => {
            let mods = event.modifiers - KeyModifiers::SHIFT;
            mods.is_empty().then_some(Action::Insert(c))
        }
        _ => None,
    };
    bound.or(typed)
}

/// The keys of a binding as the help shows them: `j ↓`.
pub fn keys_label(binding: &Binding) -> String {
    let keys: Vec<String> = binding.keys.iter().map(Key::to_string).collect();
    keys.join(" ")
}

/// The status line's hints for `mode`: each binding with a hint whose action `works`,
/// with neighbours of the same hint merged (`j/k`, `move`).
pub fn hints(mode: Mode, works: impl Fn(Action) -> bool) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    let shown = BINDINGS
        .iter()
        .filter(|b| b.modes.contains(&mode) && works(b.action));
    for b in shown {
        let Some(hint) = b.hint else { continue };
        let key = b.keys[0].to_string();
        match out.last_mut() {
            Some((keys, last)) if *last == hint => {
                keys.push('/');
                keys.push_str(&key);
            }
            _ => out.push((key, hint)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_does_two_things_in_one_mode() {
        for mode in ALL {
            let keys: Vec<Key> = BINDINGS
                .iter()
                .filter(|b| b.modes.contains(mode))
                .flat_map(|b| b.keys.iter().copied())
                .collect();
            for (i, key) in keys.iter().enumerate() {
                assert!(
                    !keys[i + 1..].contains(key),
                    "{key} is bound twice in {mode:?}"
                );
            }
        }
    }

    #[test]
    fn every_binding_has_keys_a_mode_and_a_description() {
        for b in BINDINGS {
            assert!(!b.keys.is_empty(), "{:?} has no key", b.action);
            assert!(!b.modes.is_empty(), "{:?} works in no mode", b.action);
            assert!(!b.help.trim().is_empty(), "{:?} is not described", b.action);
            assert!(b.hint.is_none_or(|h| !h.is_empty() && h.len() <= 8));
        }
    }

    #[test]
    fn keys_match_presses_with_shift_but_not_other_modifiers() {
        let press = |code, mods| KeyEvent::new(code, mods);
        let shifted_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Mode::Tree, &shifted_g), Some(Action::Last));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Mode::Help, &ctrl_c), Some(Action::Quit));
        let plain_c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(action_for(Mode::Tree, &plain_c), None);
        let alt_j = press(KeyCode::Char('j'), KeyModifiers::ALT);
        assert_eq!(action_for(Mode::Tree, &alt_j), None);
        let typed = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Mode::Search, &typed), Some(Action::Insert('q')));
        let n = press(KeyCode::Char('n'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Mode::Search, &n), Some(Action::Down));
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Mode::Tree, &q), Some(Action::Quit));
        assert_eq!(action_for(Mode::Help, &q), Some(Action::CloseHelp));
    }

    #[test]
    fn hints_merge_neighbours_and_skip_what_does_not_work() {
        let all = hints(Mode::Tree, |_| true);
        let words: Vec<String> = all.iter().map(|(k, h)| format!("{k} {h}")).collect();
        assert_eq!(
            words,
            [
                "j/k move", "l open", "h close", "Esc back", "Tab pane", "/ search", "n next",
                "w why", "x unmark", "? help", "q quit"
            ]
        );
        let leaf = hints(Mode::Tree, |a| {
            !matches!(
                a,
                Action::Expand | Action::Up | Action::Back | Action::NextMatch
            )
        });
        let words: Vec<String> = leaf.iter().map(|(k, h)| format!("{k} {h}")).collect();
        assert_eq!(
            words,
            [
                "j move", "h close", "Tab pane", "/ search", "w why", "x unmark", "? help",
                "q quit"
            ]
        );
        assert_eq!(Key::ctrl('c').to_string(), "Ctrl-C");
    }
}

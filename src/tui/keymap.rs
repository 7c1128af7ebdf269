//! The one table of key bindings: which keys do which action in which mode, with the text
//! the help screen shows for each and the short hint the status line shows. Nothing else
//! in the viewer looks at keys.

use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::app::Mode;

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
            other => write!(f, "{other}"),
        }
    }
}

/// The groups the help screen lists bindings under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Move,
    Tree,
    General,
}

impl Section {
    pub const ALL: [Section; 3] = [Section::Move, Section::Tree, Section::General];

    pub fn title(self) -> &'static str {
        match self {
            Section::Move => "Move",
            Section::Tree => "Expand and collapse",
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

const ANY: &[Mode] = &[Mode::Browse, Mode::Help];
const BROWSE: &[Mode] = &[Mode::Browse];
const HELP: &[Mode] = &[Mode::Help];

/// Every binding, in the order the help screen lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[Key::char('j'), Key::code(KeyCode::Down)],
        action: Action::Down,
        modes: ANY,
        section: Section::Move,
        help: "down one row",
        hint: Some("move"),
    },
    Binding {
        keys: &[Key::char('k'), Key::code(KeyCode::Up)],
        action: Action::Up,
        modes: ANY,
        section: Section::Move,
        help: "up one row",
        hint: Some("move"),
    },
    Binding {
        keys: &[Key::code(KeyCode::PageDown)],
        action: Action::PageDown,
        modes: ANY,
        section: Section::Move,
        help: "down one page",
        hint: None,
    },
    Binding {
        keys: &[Key::code(KeyCode::PageUp)],
        action: Action::PageUp,
        modes: ANY,
        section: Section::Move,
        help: "up one page",
        hint: None,
    },
    Binding {
        keys: &[Key::char('g'), Key::code(KeyCode::Home)],
        action: Action::First,
        modes: ANY,
        section: Section::Move,
        help: "to the first row",
        hint: None,
    },
    Binding {
        keys: &[Key::char('G'), Key::code(KeyCode::End)],
        action: Action::Last,
        modes: ANY,
        section: Section::Move,
        help: "to the last row",
        hint: None,
    },
    Binding {
        keys: &[Key::char('l'), Key::code(KeyCode::Right)],
        action: Action::Expand,
        modes: BROWSE,
        section: Section::Tree,
        help: "expand; on an expanded node, go to its first child",
        hint: Some("open"),
    },
    Binding {
        keys: &[Key::char('h'), Key::code(KeyCode::Left)],
        action: Action::Collapse,
        modes: BROWSE,
        section: Section::Tree,
        help: "collapse; on a collapsed node or a leaf, go to its parent",
        hint: Some("close"),
    },
    Binding {
        keys: &[Key::code(KeyCode::Enter)],
        action: Action::Toggle,
        modes: BROWSE,
        section: Section::Tree,
        help: "expand or collapse",
        hint: None,
    },
    Binding {
        keys: &[Key::char('?')],
        action: Action::Help,
        modes: BROWSE,
        section: Section::General,
        help: "show this help",
        hint: Some("help"),
    },
    Binding {
        keys: &[Key::code(KeyCode::Esc), Key::char('?'), Key::char('q')],
        action: Action::CloseHelp,
        modes: HELP,
        section: Section::General,
        help: "close this help",
        hint: Some("close"),
    },
    Binding {
        keys: &[Key::char('q')],
        action: Action::Quit,
        modes: BROWSE,
        section: Section::General,
        help: "quit",
        hint: Some("quit"),
    },
    Binding {
        keys: &[Key::ctrl('c')],
        action: Action::Quit,
        modes: ANY,
        section: Section::General,
        help: "quit, from anywhere",
        hint: None,
    },
];

/// The action a key press asks for in `mode`, if any.
pub fn action_for(mode: Mode, event: &KeyEvent) -> Option<Action> {
    BINDINGS
        .iter()
        .find(|b| b.modes.contains(&mode) && b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
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
        for mode in [Mode::Browse, Mode::Help] {
            let keys: Vec<Key> = BINDINGS
                .iter()
                .filter(|b| b.modes.contains(&mode))
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
        assert_eq!(action_for(Mode::Browse, &shifted_g), Some(Action::Last));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Mode::Help, &ctrl_c), Some(Action::Quit));
        let plain_c = press(KeyCode::Char('c'), KeyModifiers::NONE);
        assert_eq!(action_for(Mode::Browse, &plain_c), None);
        let alt_j = press(KeyCode::Char('j'), KeyModifiers::ALT);
        assert_eq!(action_for(Mode::Browse, &alt_j), None);
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Mode::Browse, &q), Some(Action::Quit));
        assert_eq!(action_for(Mode::Help, &q), Some(Action::CloseHelp));
    }

    #[test]
    fn hints_merge_neighbours_and_skip_what_does_not_work() {
        let all = hints(Mode::Browse, |_| true);
        let words: Vec<String> = all.iter().map(|(k, h)| format!("{k} {h}")).collect();
        assert_eq!(words, ["j/k move", "l open", "h close", "? help", "q quit"]);
        let leaf = hints(Mode::Browse, |a| a != Action::Expand && a != Action::Up);
        let words: Vec<String> = leaf.iter().map(|(k, h)| format!("{k} {h}")).collect();
        assert_eq!(words, ["j move", "h close", "? help", "q quit"]);
        assert_eq!(Key::ctrl('c').to_string(), "Ctrl-C");
    }
}

//! The viewer's styles in one place, so every pane colours the same thing the same way.
//! Without colour (`--no-color`, `NO_COLOR`) only bold, italic and reverse video remain.

use ratatui::style::{Color, Modifier, Style};

use crate::model::Severity;
use crate::model::outline::Element;

#[derive(Clone, Copy, Debug)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn border(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// The border of the pane that has the focus.
    pub fn focused_border(self) -> Style {
        if self.color {
            Style::new().fg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }

    /// Matched characters of a search result.
    pub fn matched(self) -> Style {
        self.fg(Color::Yellow)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// A matrix cell by how much of its level is granted: none, some, all.
    pub fn heat(self, granted: usize, total: usize) -> Style {
        match (granted, total) {
            (0, _) => self.fg(Color::DarkGray),
            (g, t) if g == t => self.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            _ => self.fg(Color::Yellow),
        }
    }

    /// The why answer's decision.
    pub fn decision(self, allowed: bool) -> Style {
        let style = if allowed {
            self.fg(Color::Green)
        } else {
            self.fg(Color::Red)
        };
        style.add_modifier(Modifier::BOLD)
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Secondary text: summaries, field names, positions, tree glyphs.
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    /// Secondary text on the selected row, whose background is already dark.
    pub fn dim_selected(self) -> Style {
        self.fg(Color::Gray)
    }

    pub fn selected(self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::DarkGray)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn source(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn role(self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }

    pub fn policy(self) -> Style {
        self.fg(Color::LightBlue)
    }

    pub fn element(self, element: Element) -> Style {
        let style = self.fg(Color::Yellow);
        match element {
            Element::NotPrincipal | Element::NotAction | Element::NotResource => {
                style.add_modifier(Modifier::ITALIC)
            }
            _ => style,
        }
    }

    pub fn note(self) -> Style {
        self.fg(Color::Gray).add_modifier(Modifier::ITALIC)
    }

    pub fn placeholder(self) -> Style {
        self.fg(Color::LightMagenta)
    }

    /// An Effect as written: Allow, Deny, or anything else (which IAM rejects).
    pub fn effect(self, effect: &str) -> Style {
        let style = match effect {
            "Allow" => self.fg(Color::Green),
            "Deny" => self.fg(Color::Red),
            _ => self.severity(Severity::Error),
        };
        style.add_modifier(Modifier::BOLD)
    }

    pub fn severity(self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.fg(Color::LightRed).add_modifier(Modifier::BOLD),
            Severity::Warning => self.fg(Color::Yellow),
            Severity::Info => self.fg(Color::LightBlue),
        }
    }

    /// A key in the status line and the help.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn json_key(self) -> Style {
        self.fg(Color::LightBlue)
    }

    pub fn json_scalar(self) -> Style {
        self.fg(Color::LightMagenta)
    }
}

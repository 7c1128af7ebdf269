//! Colour for text output: as `--color` says; by default only when standard output is a
//! terminal and neither `--no-color` nor `NO_COLOR` says otherwise (see
//! [`session::color_on`]).

use std::io::IsTerminal;

use crate::model::Severity;
use crate::session::{self, Common};

#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    /// The style for standard output under these options.
    pub fn for_stdout(common: &Common) -> Self {
        Style {
            color: session::color_on(common, std::io::stdout().is_terminal()),
        }
    }

    /// No colour at all (for files, pipes and tests).
    pub fn plain() -> Self {
        Style { color: false }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A severity word in its colour: errors red, warnings yellow, info blue.
    pub fn severity(self, severity: Severity) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "33",
            Severity::Info => "34",
        };
        self.paint(code, severity.as_str())
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

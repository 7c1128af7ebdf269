//! Where things stand in a source file: a line and column, and strings that carry theirs.

use serde::Serialize;
use smol_str::SmolStr;

/// A position in a source file. Lines and columns are 1-based; a column counts characters
/// (Unicode scalar values), not bytes. `Loc::default()` (0:0) means "no position known".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Loc {
    pub line: u32,
    pub column: u32,
}

impl Loc {
    pub const fn new(line: u32, column: u32) -> Self {
        Loc { line, column }
    }

    /// Whether a real position is known.
    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

impl std::fmt::Display for Loc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A string as the source wrote it, with the position of its first character
/// (the opening quote for a JSON string). Most strings of a policy (element names,
/// `Allow`, most actions and condition keys) are short: up to 23 bytes are kept inline,
/// with no allocation of their own, and a longer one is shared by its clones.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Text {
    pub value: SmolStr,
    pub loc: Loc,
}

impl Text {
    pub fn new(value: impl Into<SmolStr>, loc: Loc) -> Self {
        Text {
            value: value.into(),
            loc,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.value)
    }
}

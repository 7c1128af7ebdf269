//! Everything the viewer can do, as one enum. Keys map to actions in `keymap`; `App::update`
//! carries them out; nothing else changes the viewer's state.

use crate::model::Severity;

/// The views the top line offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    Tree,
    Matrix,
    Findings,
    /// The review walkthrough (`r`), not among the numbered tabs.
    Review,
    /// The placeholder values (`v`), not among the numbered tabs.
    Values,
}

impl View {
    pub const ALL: [View; 3] = [View::Tree, View::Matrix, View::Findings];

    pub fn title(self) -> &'static str {
        match self {
            View::Tree => "Tree",
            View::Matrix => "Matrix",
            View::Findings => "Findings",
            View::Review => "Review",
            View::Values => "Values",
        }
    }
}

/// One thing the viewer can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// One row down (in the tree, a list, the detail pane or the help).
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    /// Expand the selected node; on an expanded node, select its first child. In the
    /// matrix, the next column.
    Expand,
    /// Collapse the selected node; on a collapsed node or a leaf, select its parent. In the
    /// matrix, the previous column.
    Collapse,
    /// Expand a collapsed node, collapse an expanded one.
    Toggle,
    /// Open what is under the cursor: a matrix cell's actions, a finding's statement, a
    /// drill-down row's statement.
    Open,
    /// Back out of a drill-down, or close the trace.
    Back,
    /// Show a view.
    Show(View),
    /// Move the focus to the next pane.
    NextPane,
    /// Start a search.
    Search,
    NextMatch,
    PrevMatch,
    /// Score the next part of a query still being answered (no key: the event loop sends
    /// it while no key is waiting, so a large input's results refine as they come).
    Refine,
    /// Open the why form for the node under the cursor.
    Why,
    /// Start or resume the review walkthrough over the loaded sources.
    Review,
    /// Review: accept the statement of the step under the cursor.
    Accept,
    /// Review: flag it.
    Flag,
    /// Review: open the comment line on it.
    Comment,
    /// Review: remove its decision and comment.
    Undecide,
    /// Review: the next step, or the previous one (whichever pane has the focus).
    Step {
        forward: bool,
    },
    /// Mark the node under the cursor (the search result, the matrix cell) for copying, or
    /// unmark it.
    Mark,
    /// Forget every mark.
    ClearMarks,
    /// Copy the minimal policy for the marked actions (or those under the cursor).
    Copy,
    /// Copy the policy under the cursor as JSON.
    CopyPolicy,
    /// Close the preview of what was copied.
    ClosePreview,
    /// Show the placeholder values view.
    Values,
    /// Save the placeholder values to the values file.
    SaveValues,
    /// Show or hide the findings of a severity.
    Filter(Severity),
    /// Text entry: a character typed into the query or the focused field.
    Insert(char),
    DeleteBack,
    /// Accept the query (jump to the result) or close the form keeping its answer.
    Submit,
    /// Leave the query or the form, undoing what it showed.
    Cancel,
    /// Complete the focused field with its first suggestion.
    Complete,
    /// Show the help over the screen.
    Help,
    CloseHelp,
    Quit,
    /// The terminal now has this size.
    Resize {
        width: u16,
        height: u16,
    },
    /// A mouse click at a screen cell.
    Click {
        x: u16,
        y: u16,
    },
    /// The mouse wheel over a screen cell.
    Wheel {
        x: u16,
        y: u16,
        down: bool,
    },
}

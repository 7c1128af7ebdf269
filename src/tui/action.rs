//! Everything the viewer can do, as one enum. Keys map to actions in `keymap`; `App::update`
//! carries them out; nothing else changes the viewer's state.

/// One thing the viewer can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// One row down (in the tree, or through the help).
    Down,
    Up,
    PageDown,
    PageUp,
    First,
    Last,
    /// Expand the selected node; on an expanded node, select its first child.
    Expand,
    /// Collapse the selected node; on a collapsed node or a leaf, select its parent.
    Collapse,
    /// Expand a collapsed node, collapse an expanded one.
    Toggle,
    /// Show the help over the screen.
    Help,
    CloseHelp,
    Quit,
    /// The terminal now has this size.
    Resize {
        width: u16,
        height: u16,
    },
}

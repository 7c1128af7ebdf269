//! The interactive viewer (ratatui + crossterm), in four parts: `action` (everything it can
//! do), `keymap` (which keys do what), `app` (the state and `update`, the one place it
//! changes) and `view` (drawing, reading the state only). `terminal` owns the real terminal.

pub mod action;
pub mod app;
pub mod clipboard;
mod copy;
mod findings;
pub mod keymap;
mod line;
mod loading;
mod marks;
mod matrix;
mod review;
pub mod search;
mod terminal;
mod used;
mod values;
pub mod view;
mod why;

#[cfg(test)]
mod copy_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod used_tests;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use ratatui::crossterm::event::{Event, MouseButton, MouseEventKind};

use crate::session::{Common, EXIT_USAGE};

pub use action::{Action, View};
pub use app::{App, Mode};

/// Opens the viewer on `paths`, or on the bundled samples when there are none, with
/// progress on standard error while slow input loads. Input that cannot be read is
/// reported before the screen changes, and the viewer does not open. The review
/// walkthrough keeps its decisions in `review` (none: nothing is recorded); `used` are the
/// CloudTrail events (`--used`) whose calls the viewer marks.
pub fn run(
    paths: &[String],
    used: &[String],
    review: Option<PathBuf>,
    common: &Common,
) -> ExitCode {
    let Some(mut app) = loading::open(paths, used, common) else {
        return ExitCode::from(EXIT_USAGE);
    };
    app.set_review_path(review);
    app.set_clipboard(clipboard::detect(Box::new(std::io::stdout())));
    let vars_file = common.vars_file.as_ref().map(PathBuf::from);
    app.set_vars_path(vars_file.or_else(|| crate::load::vars::default_path(paths)));
    if !std::io::stdout().is_terminal() {
        eprintln!(
            "iamscope: the viewer needs a terminal; to print the tree instead, run `iamscope tree PATH...`"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    match terminal::run(&mut app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iamscope: the terminal failed: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Carries out what a terminal event asks for: a key press through the keymap, a click or
/// the wheel, or a new size. The event loop and the tests both come through here.
pub fn handle_event(app: &mut App, event: &Event) {
    match event {
        Event::Key(key) => {
            if let Some(action) = keymap::action_for(app.mode(), key) {
                app.update(action);
            }
        }
        Event::Resize(width, height) => app.update(Action::Resize {
            width: *width,
            height: *height,
        }),
        Event::Mouse(mouse) => {
            let (x, y) = (mouse.column, mouse.row);
            match mouse.kind {
                MouseEventKind::Down(MouseButton::Left) => app.update(Action::Click { x, y }),
                MouseEventKind::ScrollDown => app.update(Action::Wheel { x, y, down: true }),
                MouseEventKind::ScrollUp => app.update(Action::Wheel { x, y, down: false }),
                _ => {}
            }
        }
        _ => {}
    }
}

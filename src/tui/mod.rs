//! The interactive viewer (ratatui + crossterm), in four parts: `action` (everything it can
//! do), `keymap` (which keys do what), `app` (the state and `update`, the one place it
//! changes) and `view` (drawing, reading the state only). `terminal` owns the real terminal.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod keymap;
mod terminal;
pub mod view;

#[cfg(test)]
mod tests;

use std::io::IsTerminal;
use std::process::ExitCode;

use ratatui::crossterm::event::Event;

use crate::session::{self, Common, EXIT_USAGE};

pub use action::Action;
pub use app::{App, Mode};

/// Opens the viewer on `paths`, or on the bundled samples when there are none. Input that
/// cannot be read is reported before the screen changes, and the viewer does not open.
pub fn run(paths: &[String], common: &Common) -> ExitCode {
    let (sources, all_read) = session::load_reporting(paths, common);
    if !all_read {
        return ExitCode::from(EXIT_USAGE);
    }
    if !std::io::stdout().is_terminal() {
        eprintln!(
            "iamscope: the viewer needs a terminal; to print the tree instead, run `iamscope tree PATH...`"
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let mut app = App::new(sources, session::wants_color(common));
    match terminal::run(&mut app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iamscope: the terminal failed: {e}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Carries out what a terminal event asks for: a key press through the keymap, or a new
/// size. The event loop and the tests both come through here.
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
        _ => {}
    }
}

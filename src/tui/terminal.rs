//! The real terminal: raw mode, the alternate screen and mouse capture on the way in, the
//! same undone on every way out (return, error, panic), and the loop that draws and waits
//! for events.

use std::io;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::action::Action;
use super::app::App;
use super::view;

/// Whether the terminal is in the viewer's state and must be restored. Restoring twice
/// would be harmful: leaving the alternate screen again moves the cursor back up, over
/// whatever was printed since (a panic message, say).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back as it was, once.
fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(
            io::stdout(),
            DisableMouseCapture,
            LeaveAlternateScreen,
            Show
        );
    }
}

/// Restores the terminal before the panic message is printed, so the message lands on the
/// normal screen where it stays readable.
fn install_panic_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// The viewer's hold on the terminal; dropping it restores the terminal.
struct Session;

impl Session {
    fn start() -> io::Result<Session> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let session = Session;
        execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, Hide)?;
        Ok(session)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        restore();
    }
}

/// Runs the viewer until it quits. Draws only after an event, so it is idle between keys;
/// while a search is still being answered and no key waits, it refines the results and
/// draws them, so a keystroke is never held up behind a whole answer.
pub fn run(app: &mut App) -> io::Result<()> {
    let _session = Session::start()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let size = terminal.size()?;
    app.update(Action::Resize {
        width: size.width,
        height: size.height,
    });
    while !app.should_quit() {
        terminal.draw(|frame| view::render(frame, app))?;
        if app.search().is_refining() && !event::poll(Duration::ZERO)? {
            app.update(Action::Refine);
            continue;
        }
        super::handle_event(app, &event::read()?);
    }
    Ok(())
}

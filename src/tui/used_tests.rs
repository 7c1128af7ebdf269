//! `--used` in the viewer: the stackstate sample with the CloudTrail fixture events, driven
//! by key presses; screens are compared with reviewed snapshots.

use super::App;
use super::tests::{press, screen, stackstate_app};

const EVENTS: &str = "tests/fixtures/cloudtrail/stackstate";

fn with_events(width: u16, height: u16) -> App {
    let mut app = stackstate_app(width, height);
    app.read_used(&[EVENTS.to_string()]);
    app
}

#[test]
fn the_top_line_says_what_was_read() {
    let app = with_events(100, 8);
    let top = screen(&app).lines().next().unwrap_or_default().to_string();
    assert!(top.contains("used: 21 events, 2024-05-01 → 05-03"), "{top}");
}

#[test]
fn events_that_cannot_be_read_are_said_in_the_status_line() {
    let mut app = stackstate_app(100, 8);
    app.read_used(&["tests/fixtures/cloudtrail/no-such-dir".to_string()]);
    let shown = screen(&app);
    let status = shown.lines().last().unwrap_or_default();
    assert!(
        status.contains("--used: tests/fixtures/cloudtrail/no-such-dir:"),
        "{status}"
    );
    let top = shown.lines().next().unwrap_or_default();
    assert!(top.contains("used: 0 events, 1 file not read"), "{top}");
    // The first key press clears it; the viewer goes on.
    press(&mut app, "j");
    let status = screen(&app).lines().last().unwrap_or_default().to_string();
    assert!(!status.contains("--used"), "{status}");
}

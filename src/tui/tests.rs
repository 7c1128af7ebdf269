//! The viewer driven by key presses on a test terminal, through the same keymap and
//! `update` real keys go through; screens are compared with reviewed snapshots.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use super::{App, Mode, handle_event, view};
use crate::load::{Options, load_text, samples};
use crate::model::Source;

fn open(sources: Vec<Source>, width: u16, height: u16) -> App {
    let mut app = App::new(sources, true);
    handle_event(&mut app, &Event::Resize(width, height));
    app
}

fn samples_app(width: u16, height: u16) -> App {
    open(samples::load(&Options::default()), width, height)
}

/// Presses keys named by space-separated words: a character, or `Enter`, `Esc`, `Down`,
/// `Up`, `Left`, `Right`, `PgDn`, `PgUp`, `Ctrl-c`.
fn press(app: &mut App, keys: &str) {
    for word in keys.split_whitespace() {
        let (code, mods) = match word {
            "Enter" => (KeyCode::Enter, KeyModifiers::NONE),
            "Esc" => (KeyCode::Esc, KeyModifiers::NONE),
            "Down" => (KeyCode::Down, KeyModifiers::NONE),
            "Up" => (KeyCode::Up, KeyModifiers::NONE),
            "Left" => (KeyCode::Left, KeyModifiers::NONE),
            "Right" => (KeyCode::Right, KeyModifiers::NONE),
            "PgDn" => (KeyCode::PageDown, KeyModifiers::NONE),
            "PgUp" => (KeyCode::PageUp, KeyModifiers::NONE),
            "Ctrl-c" => (KeyCode::Char('c'), KeyModifiers::CONTROL),
            w if w.chars().count() == 1 => {
                let c = w.chars().next().unwrap_or(' ');
                let mods = if c.is_uppercase() || c == '?' {
                    KeyModifiers::SHIFT
                } else {
                    KeyModifiers::NONE
                };
                (KeyCode::Char(c), mods)
            }
            w => panic!("unknown key {w}"),
        };
        handle_event(app, &Event::Key(KeyEvent::new(code, mods)));
    }
}

fn terminal(app: &App) -> Terminal<TestBackend> {
    let size = app.size();
    let mut terminal = Terminal::new(TestBackend::new(size.width, size.height)).unwrap();
    terminal.draw(|frame| view::render(frame, app)).unwrap();
    terminal
}

fn screen(app: &App) -> String {
    terminal(app).backend().to_string()
}

fn selected_label(app: &App) -> String {
    app.selected().map(|n| n.label.clone()).unwrap_or_default()
}

#[test]
fn first_screen() {
    insta::assert_snapshot!("first_80x24", screen(&samples_app(80, 24)));
    insta::assert_snapshot!("first_40x12", screen(&samples_app(40, 12)));
}

#[test]
fn moving_and_expanding_a_statement() {
    let mut app = samples_app(80, 24);
    // Down to the dstack policy, open it, past its note to its first statement, open that.
    press(&mut app, "j l j j l");
    assert_eq!(selected_label(&app), "#1");
    insta::assert_snapshot!("statement_open_80x24", screen(&app));
    // l on an open statement goes to its first child; j to the action under it.
    press(&mut app, "l j");
    assert_eq!(selected_label(&app), "*");
    insta::assert_snapshot!("action_value_80x24", screen(&app));
}

#[test]
fn a_statement_with_a_sid_and_conditions() {
    let mut app = samples_app(80, 24);
    // Seven rows down is the identity policy with conditions (opened, with its first
    // statement opened too); Enter toggles like l/h.
    press(&mut app, "j j j j j j j Enter j Enter");
    assert_eq!(selected_label(&app), "#1 ReadReportsOverTls");
    insta::assert_snapshot!("statement_with_conditions_80x24", screen(&app));
}

#[test]
fn narrow_screen_after_moving() {
    let mut app = samples_app(40, 12);
    press(&mut app, "Down Right Down Down Right");
    assert_eq!(selected_label(&app), "#1");
    insta::assert_snapshot!("statement_open_40x12", screen(&app));
}

#[test]
fn help_is_generated_from_the_keymap_and_scrolls() {
    let mut app = samples_app(80, 24);
    press(&mut app, "?");
    assert_eq!(app.mode(), Mode::Help);
    let help = screen(&app);
    for text in [
        "Help: keys",
        "j ↓",
        "down one row",
        "Enter",
        "Ctrl-C",
        "Esc ? q",
    ] {
        assert!(help.contains(text), "help lacks {text}");
    }
    insta::assert_snapshot!("help_80x24", help);
    press(&mut app, "Esc");
    assert_eq!(app.mode(), Mode::Browse);
    assert_eq!(screen(&app), screen(&samples_app(80, 24)));

    let mut small = samples_app(40, 12);
    press(&mut small, "?");
    insta::assert_snapshot!("help_40x12", screen(&small));
    press(&mut small, "G");
    insta::assert_snapshot!("help_40x12_end", screen(&small));
    // In the help, q closes it rather than quitting.
    press(&mut small, "q");
    assert_eq!(small.mode(), Mode::Browse);
    assert!(!small.should_quit());
}

#[test]
fn collapse_and_expand_toggle_back_to_the_same_screen() {
    let mut app = samples_app(80, 24);
    let before = screen(&app);
    press(&mut app, "h");
    insta::assert_snapshot!("first_source_collapsed_80x24", screen(&app));
    press(&mut app, "Enter");
    assert_eq!(screen(&app), before);
    // l expands the policy under the cursor, h collapses it, h again goes to its parent.
    press(&mut app, "j l");
    assert_eq!((app.selected_id(), app.is_open(1)), (1, true));
    press(&mut app, "h");
    assert_eq!((app.selected_id(), app.is_open(1)), (1, false));
    press(&mut app, "h");
    assert_eq!(app.selected_id(), 0);
}

#[test]
fn end_of_list() {
    let mut app = samples_app(80, 24);
    press(&mut app, "G");
    assert_eq!(selected_label(&app), "diagnostics");
    insta::assert_snapshot!("last_80x24", screen(&app));
    // Opening the last node and going to the end again lands on its last child, and
    // paging back up and home returns to the top.
    press(&mut app, "l G");
    assert_eq!(
        selected_label(&app),
        "managed policy `arn:aws:iam::aws:policy/ AmazonAthenaFullAccess` holds white space no ARN or name can; read as `arn:aws:iam::aws:policy/AmazonAthenaFullAccess`"
    );
    press(&mut app, "PgUp PgUp PgUp PgUp PgUp g");
    assert_eq!(app.selected_id(), 0);
}

#[test]
fn quitting() {
    let mut app = samples_app(80, 24);
    press(&mut app, "q");
    assert!(app.should_quit());
    let mut app = samples_app(80, 24);
    press(&mut app, "? Ctrl-c");
    assert!(app.should_quit());
}

#[test]
fn resizing_keeps_the_selection_on_screen() {
    let mut app = samples_app(80, 24);
    press(&mut app, "G");
    handle_event(&mut app, &Event::Resize(40, 12));
    let rows: Vec<usize> = app.visible_rows().collect();
    assert!(rows.contains(&app.selected_id()));
    assert!(screen(&app).contains("diagnostics"));
}

#[test]
fn control_characters_from_input_are_shown_escaped() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
        {"Sid": "x\u001b[2Jy", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}"#;
    let mut app = open(
        vec![load_text("evil.json", text, &Options::default())],
        80,
        24,
    );
    press(&mut app, "j j");
    assert_eq!(selected_label(&app), "#1 x\u{1b}[2Jy");
    let terminal = terminal(&app);
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content()
            .iter()
            .all(|cell| !cell.symbol().contains('\u{1b}')),
        "a raw escape reached the screen"
    );
    let screen = terminal.backend().to_string();
    assert!(screen.contains(r"Deny #1 x\x1b[2Jy"), "{screen}");
    assert!(screen.contains(r#""Sid": "x\u001b[2Jy","#), "{screen}");
}

#[test]
fn selection_and_effects_are_coloured() {
    let text = r#"{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}"#;
    let mut app = open(vec![load_text("d.json", text, &Options::default())], 80, 24);
    press(&mut app, "j j");
    let terminal = terminal(&app);
    let buffer = terminal.backend().buffer();
    // Row 3 (below the border, the source and the policy) is the statement: highlighted,
    // "Deny" in red.
    let row = 3;
    let deny = (1..40)
        .find(|&x| buffer[(x, row)].symbol() == "D")
        .expect("Deny on the statement's row");
    assert_eq!(buffer[(deny, row)].fg, Color::Red);
    assert_eq!(buffer[(deny, row)].bg, Color::DarkGray);
    assert_eq!(buffer[(30, row)].bg, Color::DarkGray);
    assert_eq!(buffer[(30, row + 1)].bg, Color::Reset);
}

#[test]
fn nothing_loaded_and_tiny_screens_draw_without_panicking() {
    let mut empty = open(Vec::new(), 40, 12);
    press(&mut empty, "j k G g l h Enter PgDn PgUp");
    assert!(screen(&empty).contains("Nothing was loaded."));
    for (width, height) in [(1, 1), (2, 3), (10, 4), (20, 2), (200, 60)] {
        let mut app = samples_app(width, height);
        press(&mut app, "j l j l G PgUp ? G PgUp k Esc");
        let drawn = screen(&app);
        // Every row drawn (each quoted), as wide as the screen: nothing cut short or spilled.
        assert_eq!(
            drawn.lines().count(),
            usize::from(height),
            "{width}x{height}"
        );
        assert!(
            drawn
                .lines()
                .all(|l| unicode_width::UnicodeWidthStr::width(l) == usize::from(width) + 2),
            "{width}x{height}:\n{drawn}"
        );
        if width <= 20 {
            insta::assert_snapshot!(format!("tiny_screen_{width}x{height}"), drawn);
        }
    }
}

#[test]
fn help_scroll_stays_in_range_when_the_screen_grows() {
    let mut app = samples_app(40, 12);
    press(&mut app, "? G");
    handle_event(&mut app, &Event::Resize(100, 40));
    assert_eq!(app.help_scroll(), Some(0));
    assert!(!app.can(super::Action::Down));
}

#[test]
fn a_wildcard_action_lists_the_actions_it_covers() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["kms:Create*", "iam:DeleteFunction"], "Resource": "*"}]}"#;
    let mut app = open(
        vec![load_text("kms.json", policy, &Options::default())],
        80,
        24,
    );
    // The single policy opens expanded: down to its statement and open it, down to the
    // first pattern, which covers four actions; open it and select the first.
    press(&mut app, "j j l j j l l");
    assert_eq!(selected_label(&app), "kms:CreateAlias");
    insta::assert_snapshot!("wildcard_covers_80x24", screen(&app));
}

//! The viewer driven by key presses on a test terminal, through the same keymap and
//! `update` real keys go through; screens are compared with reviewed snapshots.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Color;

use super::{App, Mode, handle_event, view};
use crate::assemble::{Options, load_text, samples};
use crate::model::Source;

/// The viewer on `sources` at `width`×`height`. A search is answered whole on each key
/// (not for a few milliseconds at a time, which would make a screen depend on the
/// machine's speed); `a_query_on_a_large_input_...` tests the parts.
pub(super) fn open(sources: Vec<Source>, width: u16, height: u16) -> App {
    let mut app = App::new(sources, true);
    app.set_search_part(crate::analyze::search::Part::Texts(usize::MAX));
    handle_event(&mut app, &Event::Resize(width, height));
    app
}

pub(super) fn samples_app(width: u16, height: u16) -> App {
    open(samples(&Options::default()), width, height)
}

/// Presses keys named by space-separated words: a character, or `Enter`, `Esc`, `Down`,
/// `Up`, `Left`, `Right`, `PgDn`, `PgUp`, `Ctrl-c`, `Tab`, `Backspace`, `Space`.
pub(super) fn press(app: &mut App, keys: &str) {
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
            "Tab" => (KeyCode::Tab, KeyModifiers::NONE),
            "Backspace" => (KeyCode::Backspace, KeyModifiers::NONE),
            "Space" => (KeyCode::Char(' '), KeyModifiers::NONE),
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

pub(super) fn screen(app: &App) -> String {
    terminal(app).backend().to_string()
}

pub(super) fn selected_label(app: &App) -> String {
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
    insta::assert_snapshot!("help_80x24", help);
    let mut pages = help.clone();
    for _ in 0..4 {
        press(&mut app, "PgDn");
        pages.push_str(&screen(&app));
    }
    press(&mut app, "g");
    for text in [
        "Help: keys",
        "j ↓",
        "down one row",
        "Enter",
        "Esc ? q",
        "Ctrl-C",
        "/",
        "a-z…",
    ] {
        assert!(pages.contains(text), "help lacks {text}");
    }
    press(&mut app, "Esc");
    assert_eq!(app.mode(), Mode::Tree);
    assert_eq!(screen(&app), screen(&samples_app(80, 24)));

    let mut small = samples_app(40, 12);
    press(&mut small, "?");
    insta::assert_snapshot!("help_40x12", screen(&small));
    press(&mut small, "G");
    insta::assert_snapshot!("help_40x12_end", screen(&small));
    // In the help, q closes it rather than quitting.
    press(&mut small, "q");
    assert_eq!(small.mode(), Mode::Tree);
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
    // Row 4 (below the tabs, the border, the source and the policy) is the statement:
    // highlighted, "Deny" in red.
    let row = 4;
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
        // Every view, the search and the why form draw at every size too.
        for keys in [
            "2 Tab j Tab l Enter",
            "3 j Enter",
            "/ s 3 Down",
            "Enter w s Tab Down",
        ] {
            press(&mut app, keys);
            screen(&app);
        }
    }
}

#[test]
fn help_scroll_stays_in_range_when_the_screen_grows() {
    let mut app = samples_app(40, 12);
    press(&mut app, "? G");
    handle_event(&mut app, &Event::Resize(120, 120));
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

/// Types `text` one character at a time (no spaces).
pub(super) fn typing(app: &mut App, text: &str) {
    let keys: Vec<String> = text.chars().map(String::from).collect();
    press(app, &keys.join(" "));
}

pub(super) fn stackstate_app(width: u16, height: u16) -> App {
    let mut options = Options::default();
    options
        .vars
        .insert("AccountId".into(), "111122223333".into());
    let (path, text) = crate::load::samples::SAMPLES
        .iter()
        .find(|(p, _)| p.ends_with("stackstate.md"))
        .copied()
        .unwrap();
    open(vec![load_text(path, text, &options)], width, height)
}

#[test]
fn search_lists_kinds_and_jumps_to_a_statement_then_steps_with_n() {
    let mut app = samples_app(80, 24);
    press(&mut app, "/");
    assert_eq!(app.mode(), Mode::Search);
    typing(&mut app, "ReadReports");
    insta::assert_snapshot!("search_results_80x24", screen(&app));
    press(&mut app, "Enter");
    assert_eq!(app.mode(), Mode::Tree);
    assert_eq!(selected_label(&app), "#1 ReadReportsOverTls");
    insta::assert_snapshot!("search_jumped_80x24", screen(&app));
    // n and N step through the same results: next is a catalog action, granted by the
    // dstack page's `*`.
    press(&mut app, "n");
    assert_eq!(selected_label(&app), "*");
    press(&mut app, "N");
    assert_eq!(selected_label(&app), "#1 ReadReportsOverTls");
}

#[test]
fn a_query_on_a_large_input_is_answered_a_part_at_a_time_while_keys_still_work() {
    let mut app = samples_app(80, 24);
    let mut whole = samples_app(80, 24);
    press(&mut whole, "/");
    typing(&mut whole, "ReadRep");
    // Parts of 4,000 texts: the samples and the catalog take several.
    app.set_search_part(crate::analyze::search::Part::Texts(4_000));
    press(&mut app, "/");
    typing(&mut app, "R");
    assert!(app.search().is_refining());
    assert!(screen(&app).contains("searching "), "{}", screen(&app));
    // A key typed meanwhile starts the longer query over the whole input.
    typing(&mut app, "eadRep");
    let mut parts = 1;
    while app.search().is_refining() {
        app.update(super::Action::Refine);
        parts += 1;
    }
    assert!(parts > 3, "{parts}");
    assert!(!screen(&app).contains("searching "));
    assert_eq!(screen(&app), screen(&whole));
    // Enter on an unfinished answer answers it whole first, then jumps to the best.
    press(&mut app, "Esc / R e a d R e p o r t s Enter");
    assert!(!app.search().is_refining());
    assert_eq!(selected_label(&app), "#1 ReadReportsOverTls");
}

#[test]
fn search_esc_restores_and_no_match_says_so() {
    let mut app = samples_app(80, 24);
    press(&mut app, "j j");
    let before = app.selected_id();
    press(&mut app, "/");
    typing(&mut app, "kms:Decrypt");
    press(&mut app, "Esc");
    assert_eq!(app.selected_id(), before);
    press(&mut app, "/");
    typing(&mut app, "qqqqzzzz");
    assert!(screen(&app).contains("no match"));
    press(&mut app, "Enter");
    assert_eq!(app.selected_id(), before);
}

#[test]
fn a_catalog_action_says_whether_and_where_it_is_granted() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "ReadOnly", "Effect": "Allow",
  "Action": ["ec2:Describe*"], "Resource": "*"}]}"#;
    let mut app = open(
        vec![load_text("ro.json", policy, &Options::default())],
        100,
        24,
    );
    press(&mut app, "/");
    typing(&mut app, "ec2:DescribeImages");
    let screen = screen(&app);
    assert!(
        screen.contains(r#"catalog    ec2:DescribeImages  granted by "ReadOnly" (ec2:Describe*)"#),
        "{screen}"
    );
    press(&mut app, "Esc /");
    typing(&mut app, "s3:GetObjectAcl");
    assert!(crate::tui::tests::screen(&app).contains("s3:GetObjectAcl  not granted"));
}

#[test]
fn matrix_view_drills_into_a_cell_and_jumps_to_the_statement() {
    let mut app = stackstate_app(80, 24);
    press(&mut app, "2");
    assert_eq!(app.mode(), Mode::Matrix);
    insta::assert_snapshot!("matrix_80x24", screen(&app));
    // The first holder is the integration role; its s3 row, Read column.
    let services: Vec<&str> = app
        .matrix()
        .matrix
        .as_ref()
        .unwrap()
        .services
        .iter()
        .map(|s| s.service)
        .collect();
    let s3 = services.iter().position(|s| *s == "s3").unwrap();
    for _ in 0..s3 {
        press(&mut app, "j");
    }
    press(&mut app, "l Enter");
    insta::assert_snapshot!("matrix_drill_80x24", screen(&app));
    let drill = app.matrix().drill.as_ref().unwrap();
    let cell = app.matrix().matrix.as_ref().unwrap().services[s3]
        .levels
        .get(crate::catalog::AccessLevel::Read);
    let actions: std::collections::BTreeSet<&str> =
        drill.rows.iter().map(|(a, _)| a.action.as_str()).collect();
    assert_eq!(
        actions.len(),
        cell.granted,
        "the drill-down lists the cell's actions"
    );
    press(&mut app, "Enter");
    assert_eq!(app.mode(), Mode::Tree);
    let node = app.selected().unwrap();
    assert_eq!(node.kind, crate::model::outline::NodeKind::Statement);
    press(&mut app, "2 Esc");
    assert!(app.matrix().drill.is_none());
}

#[test]
fn findings_view_groups_filters_and_jumps_to_the_statement() {
    let mut app = samples_app(80, 24);
    press(&mut app, "3");
    assert_eq!(app.mode(), Mode::Findings);
    insta::assert_snapshot!("findings_80x24", screen(&app));
    // Down to the dstack page's `Resources` typo.
    while app
        .findings()
        .current()
        .is_none_or(|f| f.code != "unknown-element")
    {
        press(&mut app, "j");
    }
    let f = app.findings().current().unwrap();
    assert_eq!(
        (f.path.as_str(), f.line, f.column),
        ("sample-policies/dstack.md", 15, 7)
    );
    insta::assert_snapshot!("findings_typo_80x24", screen(&app));
    press(&mut app, "Enter");
    assert_eq!(app.mode(), Mode::Tree);
    assert_eq!(selected_label(&app), "#1");
    press(&mut app, "3 e");
    assert!(!app.findings().is_shown(crate::model::Severity::Error));
    assert!(
        app.findings()
            .current()
            .is_none_or(|f| f.severity != crate::model::Severity::Error)
    );
}

#[test]
fn why_on_an_action_answers_inline_and_jumps_to_the_deciding_statement() {
    let mut app = stackstate_app(100, 40);
    press(&mut app, "/");
    typing(&mut app, "EventsS3Access");
    press(&mut app, "Enter l j l j");
    assert_eq!(selected_label(&app), "s3:GetObject");
    press(&mut app, "w");
    assert_eq!(app.mode(), Mode::Form);
    insta::assert_snapshot!("why_form_100x40", screen(&app));
    let text = screen(&app);
    assert!(text.contains("Allowed"), "{text}");
    assert!(text.contains("EventsS3Access"), "{text}");
    // Editing re-evaluates at once: another action is not allowed.
    press(&mut app, "Up");
    typing(&mut app, "x");
    assert!(screen(&app).contains("ImplicitDeny"));
    press(&mut app, "Backspace");
    // Down past the fields to the deciding statement; Enter jumps to it.
    press(&mut app, "Down Down Down Down Enter");
    assert_eq!(app.mode(), Mode::Tree);
    assert_eq!(selected_label(&app), "#3 EventsS3Access");
    // The request is remembered for the holder: w on its policy asks it again.
    press(&mut app, "h h w");
    assert_eq!(app.why().fields[0], "s3:GetObject");
}

#[test]
fn tab_focuses_the_detail_which_scrolls() {
    let mut app = samples_app(80, 24);
    press(&mut app, "Tab");
    assert_eq!(app.focus(), super::app::Focus::Detail);
    let selected = app.selected_id();
    press(&mut app, "j j");
    assert_eq!(app.selected_id(), selected);
    assert_eq!(app.detail_scroll(), 2);
    press(&mut app, "Tab");
    assert_eq!(app.focus(), super::app::Focus::Main);
}

#[test]
fn mouse_clicks_select_rows_and_switch_tabs() {
    let mut app = samples_app(80, 24);
    // Row 4 of the screen is the tree's third row.
    app.update(super::Action::Click { x: 5, y: 4 });
    assert_eq!(app.selected_id(), app.visible_rows().nth(2).unwrap());
    app.update(super::Action::Click { x: 14, y: 0 });
    assert_eq!(app.view(), super::View::Matrix);
    app.update(super::Action::Click { x: 25, y: 0 });
    assert_eq!(app.view(), super::View::Findings);
    app.update(super::Action::Wheel {
        x: 60,
        y: 10,
        down: true,
    });
    assert_eq!(app.detail_scroll(), 3);
}

/// An empty directory of its own for a test's review file.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("iamscope-tui-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn reviewing(path: &std::path::Path) -> App {
    let mut app = stackstate_app(100, 30);
    app.set_review_path(Some(path.to_path_buf()));
    press(&mut app, "r");
    app
}

fn progress(app: &App) -> String {
    app.walk().unwrap().review.progress().to_string()
}

#[test]
fn review_steps_are_accepted_flagged_commented_and_marked_in_the_tree() {
    let dir = scratch("walk");
    let file = dir.join("stackstate.review.json");
    let mut app = reviewing(&file);
    assert_eq!(app.mode(), Mode::Review);
    assert_eq!(app.message(), None);
    insta::assert_snapshot!("review_first_step", screen(&app));
    press(&mut app, "a");
    insta::assert_snapshot!("review_after_accept", screen(&app));
    press(&mut app, "] f c");
    assert_eq!(app.mode(), Mode::Comment);
    typing(&mut app, "not");
    press(&mut app, "Space");
    typing(&mut app, "needed");
    insta::assert_snapshot!("review_typing_a_comment", screen(&app));
    press(&mut app, "Enter");
    assert_eq!(app.mode(), Mode::Review);
    insta::assert_snapshot!("review_after_flag_with_comment", screen(&app));
    // Enter shows the flagged statement in the tree; `r` there comes back to its step;
    // then the first step's statement in the tree, beside its undecided sibling.
    press(&mut app, "Enter");
    assert_eq!(app.mode(), Mode::Tree);
    assert!(screen(&app).contains("W✗      ▸ Allow sts:AssumeRole"));
    press(&mut app, "r");
    assert_eq!(app.walk().map(|w| w.cursor), Some(1));
    press(&mut app, "g Enter");
    insta::assert_snapshot!("review_tree_with_marks", screen(&app));

    // Saved as it went: another viewer on the same file finds the decisions.
    let again = reviewing(&file);
    assert_eq!(progress(&again), progress(&app));
    assert!(
        progress(&again).starts_with("2 of "),
        "{}",
        progress(&again)
    );
    assert!(progress(&again).ends_with(" decided, 1 flagged"));
    let walk = again.walk().unwrap();
    let flagged = walk
        .review
        .statuses
        .iter()
        .find(|s| s.verdict() == Some(crate::analyze::review::Verdict::Flagged))
        .and_then(|s| s.entry.as_ref()?.comment.clone());
    assert_eq!(flagged.as_deref(), Some("not needed"));
    // Esc leaves a comment as it was; u clears the decision.
    let mut app = again;
    press(&mut app, "g c x Esc u");
    assert!(progress(&app).starts_with("1 of "), "{}", progress(&app));
    // With the detail pane focused, j scrolls it, and the review's keys still work.
    press(&mut app, "Tab j ] ] a");
    assert_eq!(app.detail_scroll(), 0);
    assert_eq!(app.walk().map(|w| w.cursor), Some(2));
    assert!(progress(&app).starts_with("2 of "), "{}", progress(&app));
    // A click on a step's row (the fifth, under the tabs and the frame) selects it.
    handle_event(
        &mut app,
        &Event::Mouse(ratatui::crossterm::event::MouseEvent {
            kind: ratatui::crossterm::event::MouseEventKind::Down(
                ratatui::crossterm::event::MouseButton::Left,
            ),
            column: 5,
            row: 6,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.walk().map(|w| w.cursor), Some(4));
}

#[test]
fn an_unreadable_review_file_is_left_alone_and_a_new_one_beside_it_says_so() {
    let dir = scratch("unreadable");
    let file = dir.join("stackstate.review.json");
    std::fs::write(&file, "{ \"format\": \"iamscope-review\",\n  oops").unwrap();
    let mut app = reviewing(&file);
    let message = app.message().unwrap_or_default().to_string();
    assert!(message.contains("stackstate.review.json:2:3"), "{message}");
    assert!(
        message.ends_with(&format!(
            "left untouched, decisions go to {}",
            dir.join("stackstate.review-2.json").to_string_lossy()
        )),
        "{message}"
    );
    press(&mut app, "a");
    assert!(dir.join("stackstate.review-2.json").exists());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{ \"format\": \"iamscope-review\",\n  oops"
    );
    // Without a file to keep decisions in, the review is read-only and says so.
    let mut app = stackstate_app(100, 30);
    press(&mut app, "r");
    assert_eq!(
        app.message(),
        Some("read-only: no review file (open the viewer with --review FILE)")
    );
    press(&mut app, "a");
    assert!(
        app.message()
            .unwrap_or_default()
            .contains("nothing is recorded"),
        "{:?}",
        app.message()
    );
}

#[test]
fn a_save_merging_another_viewers_decisions_says_so() {
    let dir = scratch("merge");
    let file = dir.join("stackstate.review.json");
    let mut one = reviewing(&file);
    let mut two = reviewing(&file);
    press(&mut one, "a");
    assert_eq!(one.message(), None);
    press(&mut two, "] a");
    assert_eq!(
        two.message(),
        Some("saved, with 1 decision another writer made meanwhile")
    );
    // The same statement decided differently by the first viewer: refused, with the
    // core's reason.
    press(&mut one, "] f");
    let message = one.message().unwrap_or_default();
    assert!(message.starts_with("not saved: "), "{message}");
}

#[test]
fn a_partial_read_is_marked_in_the_title_and_on_its_nodes() {
    let path = "tests/fixtures/shapes/truncated-policy.json";
    let text = std::fs::read_to_string(path).unwrap();
    let source = load_text(path, &text, &Options::default());
    let mut app = open(vec![source], 80, 24);
    press(&mut app, "l j l");
    insta::assert_snapshot!("partial_source_80x24", screen(&app));
    let narrow = open(vec![app.sources()[0].clone()], 40, 12);
    insta::assert_snapshot!("partial_source_40x12", screen(&narrow));
}

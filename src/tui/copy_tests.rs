//! The viewer's marks, copies and placeholder values, driven by key presses on a test
//! terminal (see `tests`), with the in-memory clipboard.

use std::sync::{Arc, Mutex};

use super::App;
use super::clipboard::{Clipboard, Copied, Memory, Osc52};
use super::tests::{open, press, screen, selected_label};
use crate::assemble::{Options, load_text};

/// A vendor's role policy with placeholders, as `tests/fixtures/copy/vendor-role.json`.
const VENDOR: &str = include_str!("../../tests/fixtures/copy/vendor-role.json");
const VENDOR_PATH: &str = "tests/fixtures/copy/vendor-role.json";

/// What `iamscope minimize tests/fixtures/copy/vendor-role.json --keep sqs:SendMessage
/// --keep s3:GetObject` prints (tests/cli_minimize.rs checks the command prints it).
const VENDOR_KEEP: &str = include_str!("../../tests/fixtures/copy/vendor-role.keep.json");

fn vendor_app() -> App {
    open(
        vec![load_text(VENDOR_PATH, VENDOR, &Options::default())],
        100,
        30,
    )
}

/// The in-memory clipboard, shared so the test can read what was copied.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Memory>>);

impl Clipboard for Shared {
    fn copy(&mut self, text: &str) -> Result<Copied, String> {
        self.0.lock().unwrap().copy(text)
    }
}

impl Shared {
    fn copied(&self) -> Vec<String> {
        self.0.lock().unwrap().copied.clone()
    }
}

fn with_memory(mut app: App) -> (App, Shared) {
    let clipboard = Shared::default();
    app.set_clipboard(Box::new(clipboard.clone()));
    (app, clipboard)
}

#[test]
fn space_marks_x_clears_and_the_status_line_counts() {
    let mut app = vendor_app();
    // The first statement, then its action s3:GetObject.
    press(&mut app, "j j");
    assert_eq!(selected_label(&app), "#1 ReadLogs");
    press(&mut app, "Space");
    assert_eq!(app.marked().actions(), ["s3:GetObject", "s3:ListBucket"]);
    insta::assert_snapshot!("marked_statement", screen(&app));
    // The second statement's action: three actions; its row is marked.
    press(&mut app, "j l l j Space");
    assert_eq!(selected_label(&app), "sqs:SendMessage");
    insta::assert_snapshot!("marked_action", screen(&app));
    // Once the message is gone, the status line counts what is marked.
    press(&mut app, "k");
    insta::assert_snapshot!("marked_count_in_status", screen(&app));
    press(&mut app, "j");
    // Space again unmarks; x forgets every mark.
    press(&mut app, "Space");
    assert_eq!(app.marked().actions(), ["s3:GetObject", "s3:ListBucket"]);
    press(&mut app, "x");
    assert!(app.marked().is_empty());
    insta::assert_snapshot!("marks_cleared", screen(&app));
}

#[test]
fn a_matrix_cell_and_search_results_are_marked() {
    let mut app = vendor_app();
    // The matrix opens on ec2's List cell: one action. Its Read cell has none.
    press(&mut app, "2 Space");
    assert_eq!(app.marked().actions(), ["ec2:DescribeInstances"]);
    press(&mut app, "j Enter");
    insta::assert_snapshot!("matrix_drill_down", screen(&app));
    // In a cell's drill-down, space marks the cell's actions.
    press(&mut app, "Space");
    assert_eq!(
        app.marked().actions(),
        ["ec2:DescribeInstances", "s3:ListBucket"]
    );
    assert_eq!(app.marked().holders(), Some(vec![(0, 0)]));
    press(&mut app, "l");
    insta::assert_snapshot!("matrix_cell_marked", screen(&app));
    press(&mut app, "Esc l Space");
    insta::assert_snapshot!("matrix_empty_cell", screen(&app));
    press(&mut app, "x");
    // In search mode space is a query character; Tab marks the result under the cursor.
    press(&mut app, "/ s q s : s e n d m e s s a g e Tab");
    assert_eq!(app.marked().actions(), ["sqs:SendMessage"]);
    // A catalog action is marked alone, with no holder (every holder's grant of it).
    press(&mut app, "Esc / s q s : d e l e t e q u e u e Tab");
    assert_eq!(
        app.marked().actions(),
        ["sqs:SendMessage", "sqs:DeleteQueue"]
    );
    assert_eq!(app.marked().holders(), None);
    insta::assert_snapshot!("search_results_marked", screen(&app));
}

#[test]
fn y_copies_what_minimize_keep_prints_and_shows_it() {
    let (mut app, clipboard) = with_memory(vendor_app());
    // Mark statement 2 (sqs:SendMessage), then s3:GetObject in statement 1.
    press(&mut app, "j j j Space k l l j");
    assert_eq!(selected_label(&app), "s3:GetObject");
    press(&mut app, "Space y");
    assert_eq!(app.mode(), super::Mode::Preview);
    assert_eq!(clipboard.copied(), [VENDOR_KEEP]);
    insta::assert_snapshot!("y_preview", screen(&app));
    // Esc closes the preview; the marks stay.
    press(&mut app, "Esc");
    assert_eq!(app.mode(), super::Mode::Tree);
    assert_eq!(app.marked().actions(), ["sqs:SendMessage", "s3:GetObject"]);
}

#[test]
fn y_with_nothing_marked_copies_what_is_under_the_cursor() {
    let (mut app, clipboard) = with_memory(vendor_app());
    // Statement 3: ec2:DescribeInstances and s3:GetObject on *, as `iamscope minimize
    // tests/fixtures/copy/vendor-role.json --keep ec2:DescribeInstances --keep s3:GetObject`
    // prints it.
    press(&mut app, "j j j j y");
    assert_eq!(
        clipboard.copied(),
        [
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\n        \"ec2:DescribeInstances\",\n        \"s3:GetObject\"\n      ],\n      \"Resource\": \"*\"\n    }\n  ]\n}\n"
        ]
    );
    // On something that holds no action, y says what it copies from.
    press(&mut app, "Esc g y");
    assert_eq!(clipboard.copied().len(), 1);
    insta::assert_snapshot!("y_nothing_to_copy", screen(&app));
}

#[test]
fn big_y_copies_the_policy_as_json() {
    let (mut app, clipboard) = with_memory(vendor_app());
    press(&mut app, "j j Y");
    let copied = clipboard.copied();
    assert_eq!(copied.len(), 1);
    let value: serde_json::Value = serde_json::from_str(&copied[0]).unwrap();
    let original: serde_json::Value = serde_json::from_str(VENDOR).unwrap();
    assert_eq!(value, original);
    insta::assert_snapshot!("big_y_preview", screen(&app));
}

#[test]
fn a_copy_too_large_for_osc52_is_refused_with_a_way_out() {
    let resources: Vec<String> = (0..3000)
        .map(|i| format!("\"arn:aws:s3:::vendor-bucket-number-{i}/*\""))
        .collect();
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": [{}]}}]}}"#,
        resources.join(", ")
    );
    let mut app = open(
        vec![load_text("big.json", &policy, &Options::default())],
        100,
        12,
    );
    let written = Arc::new(Mutex::new(Vec::new()));
    app.set_clipboard(Box::new(Osc52 {
        out: Box::new(Writer(written.clone())),
        tmux: false,
    }));
    press(&mut app, "j y");
    assert!(written.lock().unwrap().is_empty());
    assert_eq!(app.preview().map(|p| p.text.len()), None);
    insta::assert_snapshot!("too_large_refused", screen(&app));
    press(&mut app, "Y");
    assert!(written.lock().unwrap().is_empty());
    assert!(
        app.message()
            .is_some_and(|m| m.contains("iamscope minimize"))
    );
}

/// A terminal the test reads back.
struct Writer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn v_lists_placeholders_and_a_value_typed_fills_them_everywhere() {
    let (mut app, clipboard) = with_memory(vendor_app());
    let findings_before = app.findings().all().len();
    press(&mut app, "v");
    assert_eq!(app.mode(), super::Mode::Values);
    insta::assert_snapshot!("values_list", screen(&app));
    // Enter types a value on the value line; a value of the wrong shape is warned about.
    press(&mut app, "Enter 1 1 1 1");
    assert_eq!(app.mode(), super::Mode::Value);
    insta::assert_snapshot!("value_with_shape_warning", screen(&app));
    // Enter fills it in: the list shows it, with the warning, and so does everything else.
    press(&mut app, "Enter");
    insta::assert_snapshot!("value_filled_with_warning", screen(&app));
    // Typed again in full, with the right shape.
    press(
        &mut app,
        "Enter Backspace Backspace Backspace Backspace 1 1 1 1 2 2 2 2 3 3 3 3 Enter",
    );
    assert_eq!(
        app.values().get("AccountId").map(String::as_str),
        Some("111122223333")
    );
    assert!(app.findings().all().len() < findings_before);
    // The tree shows the value where the placeholder was.
    press(&mut app, "1 j j l l j j j j");
    insta::assert_snapshot!("value_applied_to_tree", screen(&app));
    // So do the copies: statement 1's actions, s3:GetObject as statement 3 grants it.
    press(&mut app, "k k k k y");
    assert_eq!(
        clipboard.copied(),
        [
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:ListBucket\",\n      \"Resource\": [\n        \"arn:aws:s3:::logs-111122223333\",\n        \"arn:aws:s3:::logs-111122223333/*\"\n      ]\n    },\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": \"*\"\n    }\n  ]\n}\n"
        ]
    );
    // An empty value unfills it.
    press(
        &mut app,
        "Esc v Enter Backspace Backspace Backspace Backspace Backspace Backspace Backspace Backspace Backspace Backspace Backspace Backspace Enter",
    );
    assert!(app.values().is_empty());
    assert_eq!(app.findings().all().len(), findings_before);
}

#[test]
fn s_saves_the_values_to_the_file_keeping_its_other_lines() {
    let dir = std::env::temp_dir().join(format!("iamscope-values-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vendor.env");
    std::fs::write(
        &path,
        "# for the vendor review\nAccountId=000000000000\nUnrelated=kept\n",
    )
    .unwrap();
    let mut app = vendor_app();
    app.set_vars_path(Some(path.clone()));
    press(&mut app, "v j Enter u s - e a s t - 2 Enter s");
    let shown = path.to_string_lossy();
    assert_eq!(app.message(), Some(&*format!("saved 1 value to {shown}")));
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        saved,
        "# for the vendor review\nAccountId=000000000000\nUnrelated=kept\nRegion=us-east-2\n"
    );
    // Read back as `--vars FILE` reads it, the values open the same tree.
    let read = crate::load::vars::parse(&saved).unwrap();
    assert!(read.contains(&("Region".to_string(), "us-east-2".to_string())));
    let again = App::with_values(
        vec![load_text(VENDOR_PATH, VENDOR, &Options::default())],
        read.into_iter().filter(|(n, _)| n == "Region").collect(),
        true,
    );
    let mut again = open_app(again);
    press(&mut app, "1");
    press(&mut again, "v 1");
    assert_eq!(screen(&again), screen(&app));
    press(&mut again, "v");
    insta::assert_snapshot!("values_read_back", screen(&again));
    std::fs::remove_dir_all(&dir).unwrap();
    // Without a file to save to, s says how to get one.
    let mut nowhere = vendor_app();
    press(&mut nowhere, "v Enter 1 Enter s");
    insta::assert_snapshot!("values_nowhere_to_save", screen(&nowhere));
}

/// `app` on the test terminal size the other tests use, answering searches whole.
fn open_app(mut app: App) -> App {
    app.set_search_part(crate::analyze::search::Part::Texts(usize::MAX));
    super::handle_event(&mut app, &ratatui::crossterm::event::Event::Resize(100, 30));
    app
}

#[test]
fn a_value_filled_in_renews_the_walkthrough_keeping_its_decisions() {
    let dir = std::env::temp_dir().join(format!("iamscope-refill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut app = vendor_app();
    app.set_review_path(Some(dir.join("vendor.review.json")));
    press(&mut app, "r a ] a ] a");
    let progress = |app: &App| app.walk().unwrap().review.progress().to_string();
    assert_eq!(progress(&app), "3 of 3 decided, 0 flagged");
    press(&mut app, "v Enter 1 1 1 1 2 2 2 2 3 3 3 3 Enter r");
    let walk = app.walk().unwrap();
    let summary = |sid: &str| {
        let step = walk
            .review
            .steps
            .iter()
            .position(|s| s.sid.as_deref() == Some(sid));
        let step = step.unwrap();
        (
            walk.review.steps[step].summary.clone(),
            walk.review.statuses[step].verdict(),
        )
    };
    // The statements that named the account are new statements now: undecided, their
    // previous decision shown; the one without a placeholder keeps its decision.
    let (logs, decided) = summary("ReadLogs");
    assert!(logs.contains("logs-111122223333"), "{logs}");
    assert_eq!(decided, None);
    assert_eq!(summary("SendJobs").1, None);
    let accepted = Some(crate::analyze::review::Verdict::Accepted);
    assert_eq!(summary("Describe").1, accepted);
    assert_eq!(
        progress(&app),
        "1 of 3 decided, 0 flagged, 2 changed since decided"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

//! `--used` in the viewer: the stackstate sample with the CloudTrail fixture events, driven
//! by key presses; screens are compared with reviewed snapshots.

use super::App;
use super::tests::{open, press, screen, selected_label, stackstate_app, typing};
use crate::assemble::{Options, load_text};

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

#[test]
fn the_tree_marks_each_granted_action_used_or_unused() {
    let mut app = with_events(100, 24);
    // Open the role's identity policy and its statement #3 EventsS3Access.
    press(&mut app, "j j j j l j j j l");
    insta::assert_snapshot!("tree_used_marks", screen(&app));
}

#[test]
fn a_wildcard_says_how_many_of_its_actions_were_used() {
    let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["lambda:List*", "sqs:ListQueues"], "Resource": "*"}]}"#;
    let mut app = open(
        vec![load_text("lambda.json", policy, &Options::default())],
        100,
        24,
    );
    app.read_used(&[EVENTS.to_string()]);
    // Down to the statement, open it, down to the wildcard and open it.
    press(&mut app, "j j l j j l");
    insta::assert_snapshot!("tree_used_wildcard", screen(&app));
}

#[test]
fn the_matrix_counts_used_of_granted_and_its_drill_down_marks_each_action() {
    let mut app = with_events(100, 30);
    press(&mut app, "2");
    insta::assert_snapshot!("matrix_used", screen(&app));
    // The s3 row, Read column: 2 of its 5 actions were used.
    let s3 = app
        .matrix()
        .matrix
        .as_ref()
        .map(|m| m.services.iter().position(|s| s.service == "s3"))
        .unwrap_or_default()
        .unwrap_or_default();
    for _ in 0..s3 {
        press(&mut app, "j");
    }
    press(&mut app, "l Enter");
    insta::assert_snapshot!("matrix_used_drill", screen(&app));
}

#[test]
fn an_unused_query_lists_the_grants_no_event_used_of_the_selected_holder() {
    let mut app = with_events(100, 24);
    // The integration role, then the query.
    press(&mut app, "j /");
    typing(&mut app, "unused:");
    insta::assert_snapshot!("search_unused", screen(&app));
    // 65 of its 76 granted actions were not used (as `review --used` lists them).
    assert_eq!(app.search().matches().total, 65);
    typing(&mut app, "s3");
    insta::assert_snapshot!("search_unused_s3", screen(&app));
    // Enter goes to the Action value that grants the first.
    press(&mut app, "Enter");
    assert_eq!(selected_label(&app), "s3:GetBucketNotification");
}

#[test]
fn an_unused_query_without_events_says_what_it_needs() {
    let mut app = stackstate_app(100, 24);
    press(&mut app, "j /");
    typing(&mut app, "unused:");
    let status = screen(&app).lines().last().unwrap_or_default().to_string();
    assert!(status.contains("open with --used EVENTS"), "{status}");
    assert!(app.search().matches().hits.is_empty());
}

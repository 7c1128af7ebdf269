//! The viewer's marks, copies and placeholder values, driven by key presses on a test
//! terminal (see `tests`), with the in-memory clipboard.

use super::App;
use super::tests::{open, press, screen, selected_label};
use crate::load::{Options, load_text};

/// A vendor's role policy with placeholders, as `tests/fixtures/copy/vendor-role.json`.
const VENDOR: &str = include_str!("../../tests/fixtures/copy/vendor-role.json");
const VENDOR_PATH: &str = "tests/fixtures/copy/vendor-role.json";

fn vendor_app() -> App {
    open(
        vec![load_text(VENDOR_PATH, VENDOR, &Options::default())],
        100,
        30,
    )
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

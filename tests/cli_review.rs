//! `iamscope review` as users run it: decisions recorded by fingerprint and found again,
//! exit codes for CI, an unreadable review file left untouched, and reports that a
//! vendor's page cannot inject markup into.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Options, Parser, Tag};

mod common;
use common::iamscope;

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("iamscope-cli-review-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const PAGE: &str = "sample-policies/stackstate.md";

/// Accept one statement, flag another with a comment: the next run shows them, and CI
/// fails on undecided statements until --fail-on says otherwise.
#[test]
fn decisions_by_fingerprint_and_exit_codes() {
    let dir = scratch("decide");
    let file = dir.join("r.json");
    let (code, out, _) = iamscope(&["review", PAGE, "--review", s(&file)]);
    assert_eq!(code, 1);
    assert!(out.starts_with("0 of 31 decided, 0 flagged\n"), "{out}");
    // SelfAccess and EventsS3Access, by the first digits of their fingerprints.
    let (code, _, err) = iamscope(&[
        "review",
        PAGE,
        "--review",
        s(&file),
        "--accept",
        "1ed818ba",
        "--flag",
        "d90968be",
        "--comment",
        "d90968be=s3:DeleteObject is not needed",
    ]);
    assert_eq!(
        err,
        format!("iamscope: recorded 3 changes in {}\n", s(&file))
    );
    assert_eq!(code, 1);
    let (code, out, _) = iamscope(&["review", PAGE, "--review", s(&file), "--fail-on", "never"]);
    assert_eq!(code, 0);
    let flagged = out.split("Undecided").next().unwrap();
    assert_eq!(
        flagged,
        format!(
            "2 of 31 decided, 1 flagged\nreview file: {}\n\nFlagged (1):\n    7. d90968be1e84dc53 Write  StackStateAwsIntegrationRole › IAM Policy Document › EventsS3Access {PAGE}:89\n       lets `StackStateAwsIntegrationRole` list, read and write bucket `stackstate-logs-${{AccountId}}` and objects in bucket `stackstate-logs-${{AccountId}}`; 1 Write action, 2 Read, 1 List\n       comment: s3:DeleteObject is not needed\n\n",
            s(&file)
        )
    );
    let (code, _, _) = iamscope(&["review", PAGE, "--review", s(&file), "--fail-on", "flagged"]);
    assert_eq!(code, 1);
    let (code, _, _) = iamscope(&[
        "review",
        PAGE,
        "--review",
        s(&file),
        "--clear",
        "d90968be",
        "--fail-on",
        "flagged",
    ]);
    assert_eq!(code, 0);
    let (code, _, err) = iamscope(&["review", PAGE, "--review", s(&file), "--accept", "zz"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "iamscope: `zz`: give at least 4 digits of a fingerprint\n"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A review file that cannot be read is reported with its position and never written.
#[test]
fn an_unreadable_review_file_is_left_untouched() {
    let dir = scratch("unreadable");
    let file = dir.join("r.json");
    std::fs::write(
        &file,
        "{\"format\": \"iamscope-review\", \"version\": 1, \"decisions\": [}",
    )
    .unwrap();
    let (code, out, err) =
        iamscope(&["review", PAGE, "--review", s(&file), "--accept", "1ed818ba"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with(&format!(
            "iamscope: the review file cannot be read: {}:1:59: not valid JSON: expected value\n",
            s(&file)
        )),
        "{err}"
    );
    let (code, out, _) = iamscope(&["review", PAGE, "--review", s(&file)]);
    assert_eq!(code, 1);
    assert!(out.contains("(unreadable, left untouched)"), "{out}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{\"format\": \"iamscope-review\", \"version\": 1, \"decisions\": [}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A page whose Sid, Resource, condition and prose hold HTML and Markdown: both reports show
/// the text and no markup of it.
#[test]
fn a_page_cannot_inject_markup_into_the_report() {
    let dir = scratch("injection");
    let page = "tests/fixtures/review/injection.md";
    let md = dir.join("report.md");
    let html = dir.join("report.html");
    for export in [&md, &html] {
        let (code, _, err) = iamscope(&[
            "review",
            page,
            "--review",
            s(&dir.join("r.json")),
            "--export",
            s(export),
        ]);
        assert_eq!(code, 1, "{err}");
    }
    let md = std::fs::read_to_string(md).unwrap();
    let mut text = String::new();
    for event in Parser::new_ext(&md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML in the Markdown report: {h}"),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                panic!("a link in the Markdown report: {dest_url}")
            }
            Event::Start(Tag::Strikethrough) => panic!("strikethrough from the input"),
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            _ => {}
        }
    }
    for shown in [
        "Read</td><script>alert(4)</script>",
        "logs-<b>bold<",
        "a|b](javascript:alert(5))\\x1b[31m",
        "@security-team $x^2$ `code`",
    ] {
        assert!(
            text.contains(shown),
            "`{shown}` is not shown as text in:\n{text}"
        );
    }
    let html = std::fs::read_to_string(html).unwrap();
    for markup in ["<script", "<b>", "<img", "<td><script", "href", "\u{1b}"] {
        assert!(!html.contains(markup), "`{markup}` in the HTML report");
    }
    assert!(html.contains("Read&lt;/td&gt;&lt;script&gt;alert(4)&lt;/script&gt;"));
    assert!(html.contains("a|b](javascript:alert(5))\\x1b[31m"));
    std::fs::remove_dir_all(dir).unwrap();
}

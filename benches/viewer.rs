//! The viewer's first frame: from the file's text to a drawn screen (load, outline with the
//! catalog's expansions, first render), which DESIGN.md wants well under 100 ms for any
//! single document. Drawn on ratatui's test backend at 120x40, so only iamscope's own work
//! is measured, not the terminal's.
//!
//! Search: one keystroke's results over a synthetic account dump of about 100 MB (generated
//! here, never committed) plus the whole catalog, as a query is typed letter by letter (each
//! keystroke narrows the previous one's matches), as a fresh query, and as the first part
//! of an answer (what the viewer waits for on a keystroke before drawing).
//!
//! Views: switching to the matrix, findings and tree views on that dump, each drawn; and
//! opening the viewer on it (load, outline, search index, findings, first frame).
//!
//! Run with `cargo bench --bench viewer`.

#[allow(dead_code, reason = "each bench uses some of the generators")]
mod synthetic;

use std::sync::{LazyLock, Mutex};

use divan::Bencher;
use iamscope::analyze::search::Index;
use iamscope::assemble::{Options, load_text, samples};
use iamscope::model::Source;
use iamscope::model::outline::Outline;
use iamscope::tui::{App, handle_event, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

fn main() {
    divan::main();
}

/// Opens the viewer on `sources` in a 120x40 terminal and draws its first frame.
fn first_screen(sources: Vec<Source>) -> Terminal<TestBackend> {
    let mut app = App::new(sources, true);
    handle_event(&mut app, &Event::Resize(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    terminal
        .draw(|frame| view::render(frame, &app))
        .expect("draw");
    terminal
}

/// Every bundled sample, by the path it is shown under.
fn sample(path: &str) -> &'static str {
    iamscope::load::samples::SAMPLES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, text)| *text)
        .expect("a bundled sample")
}

#[divan::bench(args = [
    "sample-policies/stackstate.md",
    "sample-policies/upsolver.md",
    "sample-policies/ownstak.txt",
    "sample-policies/dstack.md",
])]
fn first_frame(bencher: Bencher, path: &str) {
    let text = sample(path);
    bencher.bench(|| first_screen(vec![load_text(path, text, &Options::default())]));
}

#[divan::bench(sample_count = 20)]
fn first_frame_every_sample(bencher: Bencher) {
    bencher.bench(|| first_screen(samples(&Options::default())));
}

/// The synthetic dump's text.
static DUMP_TEXT: LazyLock<String> = LazyLock::new(|| synthetic::dump(100 << 20));

/// The synthetic dump, loaded, with its outline and search index.
static DUMP: LazyLock<(Vec<Source>, Outline, Index)> = LazyLock::new(|| {
    let sources = vec![load_text("dump.json", &DUMP_TEXT, &Options::default())];
    let outline = Outline::build_with(&sources, Some(&iamscope::catalog::covered));
    let index = Index::build(&sources, &outline);
    (sources, outline, index)
});

/// The viewer on the synthetic dump, at 120x40.
static DUMP_APP: LazyLock<Mutex<App>> = LazyLock::new(|| {
    let sources = vec![load_text("dump.json", &DUMP_TEXT, &Options::default())];
    let mut app = App::new(sources, true);
    handle_event(&mut app, &Event::Resize(120, 40));
    Mutex::new(app)
});

/// Each keystroke of a query typed letter by letter: the first letter searches everything,
/// each next one narrows what the previous matched. The figure is one keystroke's mean.
#[divan::bench(args = ["s3:getobj", "passrole", "bucket-17-3", "ec2:describeimages"], sample_count = 10)]
fn search_keystroke_100mb_dump(bencher: Bencher, query: &str) {
    let (_, _, index) = &*DUMP;
    let prefixes: Vec<&str> = (1..=query.len()).map(|n| &query[..n]).collect();
    bencher
        .counter(divan::counter::ItemsCount::new(prefixes.len()))
        .bench(|| {
            let mut previous = None;
            for q in &prefixes {
                previous = Some(index.search(q, previous.as_ref()));
            }
            previous
        });
}

/// What one keystroke costs in the viewer, which answers a query a part at a time: the
/// first part of a fresh query (the most a keystroke waits for), ranked and listed.
#[divan::bench(args = ["s", "s3:getobj", "passrole", "bucket-17-3"], sample_count = 10)]
fn search_first_part_100mb_dump(bencher: Bencher, query: &str) {
    let (_, _, index) = &*DUMP;
    bencher.bench(|| {
        let mut scan = index.scan(query, None);
        index.advance(&mut scan, iamscope::tui::search::PART);
        index.matches(&scan)
    });
}

/// A whole query pasted at once (nothing to narrow).
#[divan::bench(args = ["s3:getobj", "passrole", "bucket-17-3"], sample_count = 10)]
fn search_fresh_query_100mb_dump(bencher: Bencher, query: &str) {
    let (_, _, index) = &*DUMP;
    bencher.bench(|| index.search(query, None));
}

/// Switching views on the dump and drawing each: the matrix (of the first holder, built
/// on the first visit), the findings, the tree.
#[divan::bench(args = ['2', '3', '1'], sample_count = 10)]
fn switch_view_100mb_dump(bencher: Bencher, key: char) {
    let mut app = DUMP_APP.lock().expect("the viewer");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    bencher.bench_local(|| {
        handle_event(
            &mut app,
            &Event::Key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE)),
        );
        terminal
            .draw(|frame| view::render(frame, &app))
            .expect("draw");
        // Back to the tree, so each sample switches again.
        handle_event(
            &mut app,
            &Event::Key(KeyEvent::new(KeyCode::Char('1'), KeyModifiers::NONE)),
        );
    });
}

/// Opening the viewer on the dump: outline, search index, findings and the first frame.
#[divan::bench(sample_count = 3, sample_size = 1)]
fn open_100mb_dump(bencher: Bencher) {
    bencher.bench(|| {
        let sources = vec![load_text("dump.json", &DUMP_TEXT, &Options::default())];
        first_screen(sources)
    });
}

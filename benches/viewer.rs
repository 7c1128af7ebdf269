//! The viewer's first frame: from the file's text to a drawn screen (load, outline with the
//! catalog's expansions, first render), which DESIGN.md wants well under 100 ms for any
//! single document. Drawn on ratatui's test backend at 120x40, so only iamscope's own work
//! is measured, not the terminal's.
//!
//! Run with `cargo bench --bench viewer`.

use divan::Bencher;
use iamscope::load::{Options, load_text, samples};
use iamscope::model::Source;
use iamscope::tui::{App, handle_event, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::Event;

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
    samples::SAMPLES
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
    bencher.bench(|| first_screen(samples::load(&Options::default())));
}

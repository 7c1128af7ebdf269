//! Per-decision speed of `why --scenarios`: a few hundred realistic generated scenarios
//! (identity policies, bucket and key policies, boundaries, two SCP levels, conditions;
//! see scenario_gen.rs), judged
//!
//! - `line_to_decision`: from the JSON line to the decision and deciding statements, as
//!   the command does (read, compile, judge), on one thread;
//! - `all_cores`: the same through `eval::batch::run` on every core;
//! - `judge_compiled`: the decision alone, the policies compiled once beforehand.
//!
//! Run with `cargo bench --bench scenarios`. Divan reports items per second: each item is
//! one decision. `scripts/compare-iam-simulate.sh` runs the same scenarios through
//! @cloud-copilot/iam-simulate.

#[path = "scenario_gen.rs"]
mod scenario_gen;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use iamscope::eval::batch::{self, Judged, Options, judge_line, read_line};
use iamscope::eval::batch_cache::PolicyCache;
use iamscope::eval::judge;

const SCENARIOS: usize = 400;

fn main() {
    divan::main();
}

fn no_check(_: &str) -> Option<String> {
    None
}

fn options(jobs: usize) -> Options<'static> {
    Options {
        explain: false,
        action_problem: &no_check,
        jobs,
    }
}

fn lines() -> Vec<String> {
    let lines = scenario_gen::lines(SCENARIOS);
    // Every line is read and judged: a bench of errors would measure nothing.
    for (i, l) in lines.iter().enumerate() {
        let o = judge_line(i as u32 + 1, l, &options(1), None);
        assert!(matches!(o.result, Judged::Decided(_)), "{o:?}");
    }
    lines
}

#[divan::bench]
fn line_to_decision(bencher: Bencher) {
    let lines = lines();
    let options = options(1);
    bencher.counter(ItemsCount::new(lines.len())).bench(|| {
        // A run's cache: each distinct policy is compiled once per run.
        let cache = PolicyCache::default();
        for (i, l) in lines.iter().enumerate() {
            black_box(judge_line(i as u32 + 1, l, &options, Some(&cache)));
        }
    });
}

/// As `line_to_decision`, every line read and compiled in full (no policy kept between
/// lines): what each line costs when no two share a policy.
#[divan::bench]
fn line_to_decision_uncached(bencher: Bencher) {
    let lines = lines();
    let options = options(1);
    bencher.counter(ItemsCount::new(lines.len())).bench(|| {
        for (i, l) in lines.iter().enumerate() {
            black_box(judge_line(i as u32 + 1, l, &options, None));
        }
    });
}

#[divan::bench]
fn all_cores(bencher: Bencher) {
    let text = lines().join("\n");
    let options = options(iamscope::pool::jobs(None));
    bencher.counter(ItemsCount::new(SCENARIOS)).bench(|| {
        batch::run(&text, &options, |o| {
            black_box(o);
        });
    });
}

#[divan::bench]
fn judge_compiled(bencher: Bencher) {
    let cases: Vec<_> = lines()
        .iter()
        .enumerate()
        .filter_map(|(i, l)| read_line(i as u32 + 1, l).ok())
        .collect();
    bencher.counter(ItemsCount::new(cases.len())).bench(|| {
        for c in &cases {
            black_box(judge(&c.scenario.set, &c.scenario.request));
        }
    });
}

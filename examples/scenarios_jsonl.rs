//! Writes the generated benchmark scenarios as JSON Lines on standard output, for
//! `iamscope why --scenarios` and `scripts/compare-iam-simulate.sh`.
//!
//!     cargo run --release --example scenarios_jsonl -- 400 > scenarios.jsonl

#[path = "../benches/scenario_gen.rs"]
mod scenario_gen;

fn main() {
    let n = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(400);
    for line in scenario_gen::lines(n) {
        println!("{line}");
    }
}

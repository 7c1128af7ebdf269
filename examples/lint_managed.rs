//! Runs `check`'s rules over every AWS managed policy in the catalog, as if each were a
//! policy the user wrote (on user input, `check` reads AWS managed policies without
//! linting them), and prints how many findings each code has. Used to find false positives
//! at their cause.
//!
//! `cargo run --example lint_managed [CODE]`: the counts per code; with a CODE, every finding
//! of that code with the policy it is in.

use std::collections::BTreeMap;
use std::io::Write;

use iamscope::analyze::check;
use iamscope::catalog::managed;
use iamscope::model::Source;

fn main() {
    let show = std::env::args().nth(1);
    let sources: Vec<Source> = managed::all().iter().map(|p| p.as_source()).collect();
    let started = std::time::Instant::now();
    let findings = check(&sources);
    let elapsed = started.elapsed();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    // Output stops quietly when the reader goes away (`| head`).
    let mut out = std::io::stdout().lock();
    for f in &findings {
        *counts.entry(f.code).or_default() += 1;
        if show.as_deref() == Some(f.code) {
            let _ = writeln!(
                out,
                "{}: {}",
                f.role.as_deref().unwrap_or(&f.path),
                f.message
            );
        }
    }
    let mut by_count: Vec<_> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (code, n) in by_count {
        let _ = writeln!(out, "{n:6}  {code}");
    }
    let _ = writeln!(
        out,
        "{} policies, {} findings, {:.2?}",
        sources.len(),
        findings.len(),
        elapsed
    );
}

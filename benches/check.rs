//! Findings speed: `check`'s rules over a vendor role, and over inputs large enough that
//! work growing with pairs of statements or with repeated patterns would show.
//!
//! Run with `cargo bench --bench check`.

use divan::{Bencher, black_box};
use iamscope::analyze::check;
use iamscope::assemble::{Options, load_text};
use iamscope::catalog::Catalog;
use iamscope::model::Source;

fn main() {
    divan::main();
}

/// StackState's integration role: 21 statements over 20 services, as vendors write them.
const VENDOR_ROLE: &str = include_str!("../tests/fixtures/stackstate-integration-role.json");

fn source(text: &str) -> Vec<Source> {
    let source = load_text("bench.json", text, &Options::default());
    assert!(source.diagnostics.is_empty(), "{:?}", source.diagnostics);
    // Decode the whole catalog before measuring.
    Catalog::get().expand("*").unwrap();
    vec![source]
}

/// A policy of `n` statements, each granting a few actions on its own bucket.
fn many_statements(n: usize) -> String {
    let statements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Sid": "S{i}", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "ec2:Describe*"], "Resource": "arn:aws:s3:::bucket-{i}/*"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(",\n")
    )
}

#[divan::bench]
fn check_a_vendor_role(bencher: Bencher) {
    let sources = source(VENDOR_ROLE);
    bencher.bench_local(|| black_box(check(&sources)));
}

#[divan::bench]
fn check_4000_statements(bencher: Bencher) {
    let sources = source(&many_statements(4000));
    bencher.bench_local(|| black_box(check(&sources)));
}

#[divan::bench]
fn check_2000_stars(bencher: Bencher) {
    let stars = vec![r#""*""#; 2000].join(", ");
    let text = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": [{stars}], "Resource": "*"}}]}}"#
    );
    let sources = source(&text);
    bencher.bench_local(|| black_box(check(&sources)));
}

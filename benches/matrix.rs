//! Permission matrix speed: one role's matrix from its policies, for a typical vendor role
//! and for `*` on `*`, which touches every action of the catalog.
//!
//! Run with `cargo bench --bench matrix`.

use divan::{Bencher, black_box};
use iamscope::analyze::matrix::role_matrix;
use iamscope::assemble::{Options, load_text};
use iamscope::catalog::Catalog;
use iamscope::model::Source;

fn main() {
    divan::main();
}

/// StackState's integration role: 21 statements over 20 services, as vendors write them.
const VENDOR_ROLE: &str = include_str!("../tests/fixtures/stackstate-integration-role.json");

const ADMIN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

fn source(text: &str) -> Source {
    let source = load_text("bench.json", text, &Options::default());
    assert_eq!(source.roles.len(), 1);
    // Decode the whole catalog before measuring.
    Catalog::get().expand("*").unwrap();
    source
}

#[divan::bench]
fn matrix_of_a_vendor_role(bencher: Bencher) {
    let source = source(VENDOR_ROLE);
    bencher.bench_local(|| black_box(role_matrix(&source, &source.roles[0])));
}

#[divan::bench]
fn matrix_of_full_admin(bencher: Bencher) {
    let source = source(ADMIN);
    bencher.bench_local(|| black_box(role_matrix(&source, &source.roles[0])));
}

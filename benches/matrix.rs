//! Permission matrix speed: one role's matrix from its policies (a typical vendor role, and
//! `*` on `*`, which touches every action of the catalog), and the evaluator's bar from
//! issue 5: every catalog action decided against one role in under 50 ms.
//!
//! Run with `cargo bench --bench matrix`.

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use iamscope::analyze::matrix::role_matrix;
use iamscope::catalog::Catalog;
use iamscope::eval::{Caller, CompiledPolicy, Context, PolicySet, Request, decide};
use iamscope::load::{Options, load_text};
use iamscope::model::{PolicyKind, Source};

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

/// Every action of the catalog decided against the vendor role, changing only the action
/// of one request (as a matrix built on the evaluator would).
#[divan::bench]
fn decide_every_catalog_action_against_one_role(bencher: Bencher) {
    let source = source(VENDOR_ROLE);
    let document = source.roles[0].policies[0].document.as_deref().unwrap();
    let set = PolicySet {
        identity: vec![CompiledPolicy::compile(
            document,
            PolicyKind::Identity,
            "vendor",
            None,
        )],
        ..PolicySet::default()
    };
    let actions: Vec<String> = Catalog::get().actions().map(|a| a.full_name()).collect();
    let mut request = Request::new(
        "s3:GetObject",
        Some("arn:aws:s3:::stackstate-logs-111122223333/AWSLogs/x"),
        Caller::parse("arn:aws:sts::111122223333:assumed-role/StackState/session"),
        None,
        Context::default(),
    );
    bencher
        .counter(ItemsCount::new(actions.len()))
        .bench_local(|| {
            for action in &actions {
                request.set_action(action);
                black_box(decide(&set, &request));
            }
        });
}

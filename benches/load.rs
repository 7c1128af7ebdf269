//! Loading benchmarks: a synthetic account dump of about 100 MB (generated here, never
//! committed) must load in one pass well under the 2 s DESIGN.md allows, and the
//! CloudFormation, Terraform and dump fixtures in far less than a frame's 100 ms.
//!
//! Run with `cargo bench --bench load`.

use std::sync::LazyLock;

use divan::Bencher;
use iamscope::assemble::{Options, load_text};

#[allow(dead_code, reason = "each bench uses some of the generators")]
mod synthetic;

fn main() {
    divan::main();
}

/// Size of the synthetic dump.
const DUMP_BYTES: usize = 100 << 20;

static DUMP: LazyLock<String> = LazyLock::new(|| synthetic::dump(DUMP_BYTES));

#[divan::bench(sample_count = 5, sample_size = 1)]
fn account_dump_100mb(bencher: Bencher) {
    let text = &*DUMP;
    bencher.bench(|| load_text("dump.json", text, &Options::default()));
}

#[divan::bench(args = [
    "cloudformation/roles.yaml",
    "cloudformation/resource-policies.json",
    "terraform/iam.tf",
    "authorization-details/account.json",
])]
fn fixture(bencher: Bencher, name: &str) {
    let text = std::fs::read_to_string(format!("tests/fixtures/{name}")).unwrap_or_default();
    bencher.bench(|| load_text(name, &text, &Options::default()));
}

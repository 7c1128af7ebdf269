//! Catalog benchmarks: decoding the embedded core asset cold and looking up an action, the
//! work a first `iamscope expand s3:GetObject` does, and a few lookups on the warm catalog.
//!
//! `cargo bench --bench catalog`. Each cold iteration decodes a fresh copy of the asset and
//! keeps it (the catalog borrows its text for the program's life), so samples are few.

use iamscope::catalog::{Catalog, asset, managed};

fn main() {
    divan::main();
}

/// Decompress the core asset, parse it, look up `s3:GetObject`.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn cold_decode_and_lookup() -> usize {
    let text: &'static str = asset::decode(asset::CORE).unwrap().leak();
    let catalog: &'static Catalog = Box::leak(Box::new(Catalog::parse(text).unwrap()));
    catalog.expand("s3:GetObject").unwrap().len()
}

/// Decompress the core asset only.
#[divan::bench(sample_count = 20)]
fn decompress_core() -> usize {
    asset::decode(asset::CORE).unwrap().len()
}

/// Parse the already decompressed core asset.
#[divan::bench(sample_count = 20)]
fn parse_core() -> usize {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let text = TEXT.get_or_init(|| asset::decode(asset::CORE).unwrap());
    Catalog::parse(text).unwrap().action_count()
}

/// Decompress the managed-policies asset only.
#[divan::bench(sample_count = 20)]
fn decompress_managed() -> usize {
    asset::decode(asset::MANAGED).unwrap().len()
}

#[divan::bench]
fn warm_action_lookup() -> bool {
    Catalog::get()
        .action(divan::black_box("s3:getobject"))
        .is_some()
}

#[divan::bench]
fn warm_expand_service_wildcard() -> usize {
    Catalog::get()
        .expand(divan::black_box("ec2:Describe*"))
        .unwrap()
        .len()
}

#[divan::bench]
fn warm_expand_everything() -> usize {
    Catalog::get().expand(divan::black_box("*")).unwrap().len()
}

#[divan::bench]
fn warm_condition_key_templated() -> bool {
    Catalog::get()
        .condition_key(divan::black_box("s3:ExistingObjectTag/Owner"))
        .is_some()
}

#[divan::bench]
fn warm_managed_policy_by_arn() -> bool {
    matches!(
        managed::lookup(divan::black_box(
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        )),
        managed::ManagedLookup::Found(_)
    )
}

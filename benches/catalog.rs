//! Catalog benchmarks: decoding the embedded core asset cold and looking up an action, the
//! work a first `iamscope expand s3:GetObject` does, and a few lookups on the warm catalog.
//!
//! `cargo bench --bench catalog`. Each cold iteration decodes fresh copies of what it needs
//! and keeps them (the catalog borrows its text for the program's life), so samples are
//! few.

use iamscope::catalog::{Catalog, asset, managed};

fn main() {
    divan::main();
}

/// Read the core asset's index, decompress and parse the s3 service, look up
/// `s3:GetObject`: what a first `iamscope expand s3:GetObject` does.
#[divan::bench(sample_count = 50, sample_size = 1)]
fn cold_decode_and_lookup() -> usize {
    let catalog = Catalog::from_asset(asset::CORE).unwrap();
    catalog.expand("s3:GetObject").unwrap().len()
}

/// Read the core asset and decompress and parse every service (`expand '*'` cold).
#[divan::bench(sample_count = 20, sample_size = 1)]
fn cold_every_service() -> usize {
    let catalog = Catalog::from_asset(asset::CORE).unwrap();
    catalog.expand("*").unwrap().len()
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

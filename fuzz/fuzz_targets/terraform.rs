//! Fuzzes the Terraform loader (HCL parse and block-by-block recovery, policy documents).
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use iamscope::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::Terraform),
        ..Options::default()
    };
    let _ = load_bytes("fuzz.tf", data, &options);
});

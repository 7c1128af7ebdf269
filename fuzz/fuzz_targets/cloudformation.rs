//! Fuzzes the CloudFormation loader (YAML and JSON templates, intrinsic functions, conditions).
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use iamscope::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::Cloudformation),
        ..Options::default()
    };
    let _ = load_bytes("fuzz.yaml", data, &options);
});

//! Fuzzes the account dump loader (raw document members, encodings, managed policies).
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use iamscope::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::AuthorizationDetails),
        ..Options::default()
    };
    let _ = load_bytes("fuzz.json", data, &options);
});

//! Fuzzes the JSON loader (tolerant parser, repairs, policy builder, placeholders).
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use iamscope::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::Json),
        ..Options::default()
    };
    let _ = load_bytes("fuzz.json", data, &options);
});

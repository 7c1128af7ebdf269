//! Fuzzes the page-text loader (pipe tables, heading lines, JSON in text).
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use iamscope::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::Text),
        ..Options::default()
    };
    let _ = load_bytes("fuzz.txt", data, &options);
});

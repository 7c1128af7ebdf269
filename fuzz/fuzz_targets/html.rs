//! Fuzzes the HTML loader (tags, tables, entities, pre).
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use iamscope::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::Html),
        ..Options::default()
    };
    let _ = load_bytes("fuzz.html", data, &options);
});

//! Fuzzes the Markdown loader (fenced JSON, headings, tables).
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use iamscope::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::Markdown),
        ..Options::default()
    };
    let _ = load_bytes("fuzz.md", data, &options);
});

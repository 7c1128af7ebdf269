//! Fuzzes format detection together with whichever loader it picks, as `iamscope FILE` runs.
#![no_main]

use iamscope::assemble::{Options, load_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = load_bytes("fuzz", data, &Options::default());
});

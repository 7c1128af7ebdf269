//! Fuzzes everything after loading: whatever the loaders make of the bytes goes through
//! `check`, the matrix of every holder, the viewer's outline (wildcards listing the actions
//! they cover), and an explained decision per holder; the bytes are also read as a `why`
//! scenario file.
#![no_main]

use iamscope::analyze::{self, matrix};
use iamscope::assemble::{Options, load_bytes};
use iamscope::eval::{decide, holder, scenario};
use iamscope::model::outline::Outline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sources = [load_bytes("fuzz", data, &Options::default())];
    let _ = analyze::check(&sources);
    let _ = matrix::matrix(&sources, None);
    let _ = Outline::build_with(&sources, Some(&iamscope::catalog::covered));
    for role in &sources[0].roles {
        let question = holder::Question {
            action: "s3:GetObject",
            resource: Some("arn:aws:s3:::bucket/key"),
            role: Some(&role.name),
            ..Default::default()
        };
        if let Ok(prepared) = holder::prepare(&sources, question) {
            let _ = decide::explain(&prepared.set, &prepared.request);
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = scenario::parse(text);
    }
});

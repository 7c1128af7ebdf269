//! Fuzzes reading an account dump a window at a time against reading it whole: whatever
//! the window does not give up on must load exactly as the whole text does.
#![no_main]

use iamscope::load::authz;
use iamscope::model::{Format, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let known = &iamscope::catalog::managed::BuiltIn;
    let mut windowed = Source::new("fuzz.json", Format::AuthorizationDetails);
    if authz::load_windowed(data, &mut windowed, known).is_err() {
        return;
    }
    let text = std::str::from_utf8(data).expect("the window reads only UTF-8");
    let mut whole = Source::new("fuzz.json", Format::AuthorizationDetails);
    authz::load(text, &mut whole, known);
    assert_eq!(format!("{windowed:?}"), format!("{whole:?}"));
});

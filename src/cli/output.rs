//! Writing command output to standard output. A reader that goes away early (`iamscope tree
//! … | head`) is not an error: output simply stops.

use std::io::Write;

/// Writes `text` to standard output.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("iamscope: cannot write output: {e}");
    }
}

/// Writes `value` as pretty JSON and a line break.
pub fn emit_json(value: &serde_json::Value) {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    emit(&text);
}

//! Writes a synthetic `get-account-authorization-details` dump to standard output, the one
//! the benchmarks generate, for measuring whole commands on it.
//!
//! `cargo run --release --example synthetic_dump -- roles|mixed MEGABYTES > dump.json`:
//! `roles` is tens of thousands of roles attaching AWS managed policies; `mixed` has
//! customer managed policies, users and groups too.

#[path = "../benches/synthetic.rs"]
#[allow(dead_code, reason = "each bench uses some of the generators")]
mod synthetic;

use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let megabytes = args.get(1).and_then(|m| m.parse::<usize>().ok());
    let text = match (args.first().map(String::as_str), megabytes) {
        (Some("roles"), Some(mb)) => synthetic::roles_dump(mb << 20),
        (Some("mixed"), Some(mb)) => synthetic::dump(mb << 20),
        _ => {
            eprintln!("usage: synthetic_dump roles|mixed MEGABYTES");
            return std::process::ExitCode::from(2);
        }
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    std::process::ExitCode::SUCCESS
}

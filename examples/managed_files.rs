//! Writes every AWS managed policy of the embedded catalog to a directory, one
//! `NAME.json` file each (the default version's document as AWS publishes it), for the
//! directory benchmarks and the comparison with other linters (`scripts/`).
//!
//! `cargo run --release --example managed_files DIR`

use std::path::PathBuf;

use iamscope::catalog::managed;

fn main() -> std::process::ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: managed_files DIR");
        return std::process::ExitCode::from(2);
    };
    match write_all(&dir) {
        Ok(n) => {
            println!("{n} policies written to {}", dir.display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("managed_files: {}: {e}", dir.display());
            std::process::ExitCode::FAILURE
        }
    }
}

fn write_all(dir: &std::path::Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let all = managed::all();
    for p in all {
        std::fs::write(dir.join(format!("{}.json", p.name)), p.json)?;
    }
    Ok(all.len())
}

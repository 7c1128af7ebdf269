//! The `iamscope` binary: parses the command line, then runs a command (`cli`) or opens the
//! viewer (`tui`).

use std::process::ExitCode;

use iamscope::cli;
use iamscope::tui;

fn main() -> ExitCode {
    let args = cli::version::parse();
    match args.command {
        Some(command) => cli::run(command, &args.common),
        None => tui::run(&args.paths, &args.common),
    }
}

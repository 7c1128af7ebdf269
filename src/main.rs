//! The `iamscope` binary: parses the command line, then runs a command (`cli`) or opens the
//! viewer (`tui`).

use std::process::ExitCode;

use iamscope::cli;
use iamscope::tui;

fn main() -> ExitCode {
    let mut args = cli::args::parse();
    if let Some(common) = args.common_mut()
        && let Err(message) = iamscope::session::read_vars_file(common)
    {
        eprintln!("iamscope: {message}");
        return ExitCode::from(cli::EXIT_USAGE);
    }
    match args.command {
        Some(command) => cli::run(command),
        None => match cli::args::misplaced_command(&args.paths) {
            Some(name) => {
                eprintln!(
                    "iamscope: options go after the command: `iamscope {name} [OPTIONS] PATH...`"
                );
                ExitCode::from(cli::EXIT_USAGE)
            }
            None => tui::run(
                &args.paths,
                &args.used,
                args.review.path(&args.paths),
                &args.common,
            ),
        },
    }
}

//! The `iamscope` binary: parses the command line, then runs a command (`cli`) or opens the
//! viewer (`tui`).

use std::process::ExitCode;

use iamscope::cli;
use iamscope::tui;

/// mimalloc 2 rather than the system's allocator: loading and checking allocate many small
/// strings and lists on every thread, and glibc's malloc and free were a sixth of the CPU
/// time of `check` on a folder of policies (with mimalloc: a sixth less CPU there, a
/// quarter to a third less on large account dumps, a seventeenth of the page faults).
/// Built without transparent huge pages (`no_thp`): with them a large account dump's
/// peak was 4-10% higher, over 3× the input; without, it is what it was with glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

//! The non-interactive commands: each loads its input with the core, then prints text or
//! JSON. Nothing here draws a screen; `tui` does that.

pub mod args;
pub mod check;
pub mod completions;
pub mod diff;
pub mod expand;
pub mod holders;
pub mod matrix;
pub mod minimize;
pub mod output;
pub mod review;
pub mod sarif;
pub mod style;
pub mod tree;
pub mod version;
pub mod why;
pub mod why_batch;

use std::process::ExitCode;

pub use crate::session::{Common, EXIT_FINDINGS, EXIT_USAGE, load_reporting};
pub use args::{Cli, Command, OutputFormat};

/// Runs one command.
pub fn run(command: Command) -> ExitCode {
    match command {
        Command::Tree(args) => tree::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Why(args) => why::run(&args),
        Command::Matrix(args) => matrix::run(&args),
        Command::Expand(args) => expand::run(&args),
        Command::Review(args) => review::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Minimize(args) => minimize::run(&args),
    }
}

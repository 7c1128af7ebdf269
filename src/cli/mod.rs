//! The non-interactive commands: each loads its input with the core, then prints text or
//! JSON. Nothing here draws a screen; `tui` does that.

pub mod args;
pub mod check;
pub mod expand;
pub mod matrix;
pub mod outline;
pub mod output;
pub mod sarif;
pub mod style;
pub mod tree;
pub mod version;
pub mod why;

use std::collections::BTreeMap;
use std::process::ExitCode;

use crate::load::{self, Options};
use crate::model::Source;

pub use args::{Cli, Command, Common, OutputFormat};

/// Exit code for findings at or above `--fail-on`, and for a request `why` denies.
pub const EXIT_FINDINGS: u8 = 1;

/// Exit code for bad usage or input that could not be read at all.
pub const EXIT_USAGE: u8 = 2;

/// Runs one command.
pub fn run(command: Command, common: &Common) -> ExitCode {
    match command {
        Command::Tree(args) => tree::run(&args, common),
        Command::Check(args) => check::run(&args, common),
        Command::Why(args) => why::run(&args, common),
        Command::Matrix(args) => matrix::run(&args, common),
        Command::Expand(args) => expand::run(&args),
    }
}

/// The load options the common flags ask for.
pub fn options(common: &Common) -> Options {
    Options {
        vars: common.vars.iter().cloned().collect::<BTreeMap<_, _>>(),
        format: common.input_format,
    }
}

/// Loads `paths`, reporting on standard error what could not be read and any `--var` that
/// names no placeholder. Returns the sources and whether everything could be read.
pub fn load_reporting(paths: &[String], common: &Common) -> (Vec<Source>, bool) {
    let options = options(common);
    let loaded = load::load_paths(paths, &options);
    for e in &loaded.errors {
        eprintln!("iamscope: {e}");
    }
    warn_unused_vars(&loaded.sources, &options);
    (loaded.sources, loaded.errors.is_empty())
}

fn warn_unused_vars(sources: &[Source], options: &Options) {
    for name in options.vars.keys() {
        let used = sources
            .iter()
            .any(|s| s.placeholders.iter().any(|p| &p.name == name));
        if !used {
            eprintln!(
                "iamscope: warning: --var {}: no placeholder of that name in the input",
                crate::text::escape(name)
            );
        }
    }
}

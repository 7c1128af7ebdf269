//! The interactive viewer (ratatui + crossterm).

use std::process::ExitCode;

use crate::cli::Common;

/// Opens the viewer on `paths` (the bundled samples when empty).
pub fn run(_paths: &[String], _common: &Common) -> ExitCode {
    eprintln!("iamscope: the viewer is not built yet; use `iamscope tree PATH`");
    ExitCode::from(crate::cli::EXIT_USAGE)
}

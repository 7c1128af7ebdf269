//! `iamscope completions SHELL`: the shell completion script for every command and option,
//! generated from the same clap definitions as `--help`.

use std::process::ExitCode;

use clap::ValueEnum;

use super::args::CompletionsArgs;

/// The shells a completion script can be written for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

impl From<Shell> for clap_complete::Shell {
    fn from(shell: Shell) -> Self {
        match shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
        }
    }
}

/// The completion script for `shell`.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(
        clap_complete::Shell::from(shell),
        &mut super::args::command(),
        "iamscope",
        &mut out,
    );
    out
}

pub fn run(args: &CompletionsArgs) -> ExitCode {
    super::output::emit(&String::from_utf8_lossy(&script(args.shell)));
    ExitCode::SUCCESS
}

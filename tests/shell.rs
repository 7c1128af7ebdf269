//! Shell conventions: the completion scripts `iamscope completions SHELL` prints parse in
//! their shell (where it is installed here) and offer every command.

use std::process::Command;

fn completions(shell: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["completions", shell])
        .output()
        .expect("run iamscope");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every command `iamscope --help` lists.
fn commands() -> Vec<String> {
    iamscope::cli::args::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .filter(|name| name != "help")
        .collect()
}

/// Whether `shell` reads `script` without a syntax error (`None` when it is not installed).
fn parses(shell: &str, flag: &str, script: &str) -> Option<bool> {
    let dir = std::env::temp_dir().join(format!("iamscope-shell-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("completion.{shell}"));
    std::fs::write(&file, script).unwrap();
    let status = Command::new(shell).arg(flag).arg(&file).status().ok()?;
    Some(status.success())
}

#[test]
fn completion_scripts_parse_and_offer_every_command() {
    let commands = commands();
    assert!(commands.len() >= 6, "{commands:?}");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = completions(shell);
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell}: no {command}");
        }
        // Options of the commands are offered too (fish writes `-l vars`).
        for option in ["vars", "color", "fail-on", "format", "scenario"] {
            assert!(script.contains(option), "{shell}: no {option}");
        }
    }
    assert_eq!(parses("bash", "-n", &completions("bash")), Some(true));
    for (shell, flag) in [("zsh", "-n"), ("fish", "--no-execute")] {
        assert_ne!(
            parses(shell, flag, &completions(shell)),
            Some(false),
            "{shell}"
        );
    }
}

#[test]
fn an_unknown_shell_is_bad_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bash, zsh, fish, powershell"));
}

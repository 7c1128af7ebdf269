//! Shell conventions: the completion scripts `iamscope completions SHELL` prints parse in
//! their shell (where it is installed here) and offer every command; the man page `cargo
//! xtask man` writes (from the same definition) formats and names every command; the binary
//! works alone in an empty directory.

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

#[test]
fn the_man_page_formats_and_names_every_command() {
    let mut page = Vec::new();
    clap_mangen::Man::new(iamscope::cli::args::command())
        .render(&mut page)
        .unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{}", &page[..80]);
    assert!(page.contains(".TH iamscope 1"));
    for command in commands() {
        assert!(page.contains(&command), "no {command}");
    }
    // groff formats it without a warning, where groff is installed.
    let dir = std::env::temp_dir().join(format!("iamscope-man-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("iamscope.1"), &page).unwrap();
    if let Ok(out) = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(dir.join("iamscope.1"))
        .output()
    {
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    }
}

/// What `cargo install` puts on the PATH needs nothing beside it: a copy of the binary run
/// in an empty directory still has the catalog and reads standard input.
#[test]
fn the_binary_works_alone_in_an_empty_directory() {
    let dir = std::env::temp_dir().join(format!("iamscope-alone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let binary = dir.join("bin").join("iamscope");
    std::fs::copy(env!("CARGO_BIN_EXE_iamscope"), &binary).unwrap();
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = Command::new(&binary)
            .args(args)
            .current_dir(&dir)
            .env_clear()
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    let (code, out) = run(&["expand", "s3:GetObject"], "");
    assert_eq!(code, Some(0));
    assert!(out.starts_with("s3:GetObject"), "{out}");
    let (code, out) = run(
        &["matrix", "-"],
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#,
    );
    assert_eq!(code, Some(0));
    assert!(out.contains("iam"), "{out}");
}

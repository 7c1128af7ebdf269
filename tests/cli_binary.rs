//! The binary as users run it, for what no other test covers: `expand`'s exit codes,
//! `-V`, `--help`, the error for options written before the command, colour in a terminal
//! and `--no-color`, `--ignore-file`, `why --resource-account`, `check --fail-on info`, and
//! the viewer giving the terminal back after a panic. Colour and the viewer need a
//! terminal: they run under `script` (util-linux), which gives the command a pseudo-terminal.

use std::process::{Command, Output, Stdio};

const DSTACK: &str = "sample-policies/dstack.md";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }
}

fn iamscope(args: &[&str]) -> Run {
    Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run iamscope")
        .into()
}

/// Runs a shell command line in a pseudo-terminal (`script -qec`), returning what the
/// terminal received.
fn in_terminal(command_line: &str, env: &[(&str, &str)]) -> Run {
    Command::new("script")
        .args(["-qec", command_line, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("script (util-linux) runs")
        .into()
}

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_iamscope")
}

#[test]
fn expand_exits_0_with_actions_1_when_none_match_and_2_on_bad_usage() {
    let run = iamscope(&["expand", "sqs:Send*"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout, "sqs:SendMessage  Write\n",
        "one action, padded to the longest name"
    );

    let run = iamscope(&["expand", "sqs:NoSuch*"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "iamscope: `sqs:NoSuch*` matches no action\n");

    let run = iamscope(&["expand", "s*:GetObject"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "iamscope: `s*:GetObject` is not a valid action: its service prefix has a wildcard, which IAM does not expand\n"
    );

    let run = iamscope(&["expand"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("<PATTERN>...") && run.stderr.contains("Usage: iamscope expand"),
        "{}",
        run.stderr
    );
}

#[test]
fn version_names_the_release_and_the_catalog() {
    let run = iamscope(&["-V"]);
    assert_eq!(run.code, 0);
    let prefix = format!("iamscope {} (AWS catalog of ", env!("CARGO_PKG_VERSION"));
    assert!(run.stdout.starts_with(&prefix), "{}", run.stdout);
    assert!(
        run.stdout.ends_with(")\n") && run.stdout.lines().count() == 1,
        "{}",
        run.stdout
    );
    // --version says more: the catalog's size and sources, and the managed policies'.
    let run = iamscope(&["--version"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert_eq!(lines[0], format!("iamscope {}", env!("CARGO_PKG_VERSION")));
    assert!(lines[1].starts_with("AWS catalog: "), "{}", lines[1]);
    assert!(
        lines[2].starts_with("AWS managed policies: "),
        "{}",
        lines[2]
    );
}

#[test]
fn help_teaches_with_commands_examples_and_exit_codes() {
    let run = iamscope(&["--help"]);
    assert_eq!(run.code, 0);
    for expected in [
        "Usage: iamscope [OPTIONS] [PATH]...",
        "       iamscope <COMMAND>",
        "  tree    ",
        "  check   ",
        "  why     ",
        "  matrix  ",
        "  expand  ",
        "--no-color",
        "--var <NAME=VALUE>",
        "Examples:\n  iamscope                                   browse the bundled sample policies",
        "Exit codes: 0 success; 1 a command's negative answer (see its --help); 2 bad usage or input\nthat could not be read at all.",
    ] {
        assert!(
            run.stdout.contains(expected),
            "--help lacks {expected:?}:\n{}",
            run.stdout
        );
    }
    // -h is the summary: shorter, same commands.
    let short = iamscope(&["-h"]);
    assert_eq!(short.code, 0);
    assert!(short.stdout.len() < run.stdout.len());
    assert!(short.stdout.contains("  expand  "));
}

#[test]
fn options_before_the_command_are_bad_usage_that_says_where_they_go() {
    let run = iamscope(&["--no-color", "tree", DSTACK]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "iamscope: options go after the command: `iamscope tree [OPTIONS] PATH...`\n"
    );
    // Written after the command, the same option works.
    let run = iamscope(&["tree", DSTACK, "--no-color"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn colour_in_a_terminal_and_none_with_no_color_or_no_color_env() {
    let command = format!("'{}' check {DSTACK} --fail-on never", binary());
    let coloured = in_terminal(&command, &[]);
    assert_eq!(coloured.code, 0, "{}", coloured.stderr);
    assert!(
        coloured.stdout.contains("\x1b[1;31merror\x1b[0m"),
        "errors are red in a terminal:\n{}",
        coloured.stdout
    );
    let plain = in_terminal(&format!("{command} --no-color"), &[]);
    assert_eq!(plain.code, 0);
    assert!(!plain.stdout.contains('\x1b'), "{:?}", plain.stdout);
    assert!(plain.stdout.contains("  error  missing-resource  "));
    // The same text, colour aside.
    assert_eq!(without_colour(&coloured.stdout), plain.stdout);
    let env = in_terminal(&command, &[("NO_COLOR", "1")]);
    assert!(!env.stdout.contains('\x1b'), "{:?}", env.stdout);
}

/// `text` without its SGR (colour and weight) escape sequences.
fn without_colour(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("\x1b[") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('m').expect("an SGR sequence ends with m");
        assert!(after[..end].chars().all(|c| c.is_ascii_digit() || c == ';'));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn ignore_file_names_the_rules_to_use() {
    let dir = std::env::temp_dir().join(format!("iamscope-ignore-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("rules");
    std::fs::write(&rules, "missing-resource\nunknown-element *.md\n").unwrap();
    let rules = rules.to_str().unwrap();
    let run = iamscope(&["check", DSTACK, "--ignore-file", rules]);
    assert_eq!(run.code, 1, "errors are left: {}", run.stdout);
    assert!(!run.stdout.contains("missing-resource"), "{}", run.stdout);
    assert!(!run.stdout.contains("unknown-element"), "{}", run.stdout);
    assert!(
        run.stdout
            .ends_with("; 3 suppressed (0 by --ignore, 3 by the ignore file)\n"),
        "{}",
        run.stdout
    );
    // A file that cannot be read is bad usage, not an empty rule set.
    let missing = dir.join("no-such-rules");
    let run = iamscope(&["check", DSTACK, "--ignore-file", missing.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with(&format!("iamscope: {}: ", missing.display())),
        "{}",
        run.stderr
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn resource_account_decides_same_or_cross_account() {
    let dir =
        std::env::temp_dir().join(format!("iamscope-resource-account-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policy = dir.join("reader.json");
    std::fs::write(
        &policy,
        r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
]}"#,
    )
    .unwrap();
    let why = |account: Option<&str>| {
        let mut args = vec![
            "why",
            policy.to_str().unwrap(),
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::reports/q1.csv",
            "--principal",
            "arn:aws:iam::111122223333:user/alice",
        ];
        if let Some(account) = account {
            args.extend(["--resource-account", account]);
        }
        iamscope(&args)
    };
    // An S3 ARN names no account: without the option the bucket is taken to be the
    // caller's, as with the option naming it.
    for account in [None, Some("111122223333")] {
        let run = why(account);
        assert_eq!(run.code, 0, "{}", run.stdout);
        assert!(run.stdout.starts_with(
            "Allowed: an identity policy allows it, and nothing denies it\n  request: s3:GetObject on arn:aws:s3:::reports/q1.csv by arn:aws:iam::111122223333:user/alice\n  same account (111122223333)\n"
        ), "{}", run.stdout);
    }
    let run = why(Some("444455556666"));
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with(
        "ImplicitDeny: the request crosses accounts, so the resource's own policy must allow it too, and none does\n  request: s3:GetObject on arn:aws:s3:::reports/q1.csv by arn:aws:iam::111122223333:user/alice\n  cross-account: caller in 111122223333, resource in 444455556666\n"
    ), "{}", run.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fail_on_info_fails_on_an_info_finding_and_warning_does_not() {
    let input = "tests/fixtures/codes/no-policies.md";
    let expected = format!(
        "{input}\n    {input}:1:1  info  no-policies  no IAM policy found in this markdown input\n\n1 finding: 0 errors, 0 warnings, 1 info\n"
    );
    let run = iamscope(&["check", input, "--fail-on", "info", "--no-color"]);
    assert_eq!((run.code, run.stdout.as_str()), (1, expected.as_str()));
    let run = iamscope(&["check", input, "--fail-on", "warning", "--no-color"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, expected.as_str()));
    // The default (error) passes too.
    assert_eq!(iamscope(&["check", input]).code, 0);
}

/// Set for the copy of this test binary that [`the_viewer_restores_the_terminal_after_a_panic`]
/// runs in a terminal; read by test code only.
const PANIC_HELPER: &str = "IAMSCOPE_TEST_PANIC_IN_VIEWER";

/// Not a test on its own: opens the viewer on the samples and, once it holds the terminal,
/// panics on another thread, as a bug would. Does nothing unless [`PANIC_HELPER`] is set.
#[test]
#[ignore = "run by the_viewer_restores_the_terminal_after_a_panic, in a terminal"]
fn viewer_that_panics() {
    if std::env::var_os(PANIC_HELPER).is_none() {
        return;
    }
    std::thread::spawn(|| {
        use ratatui::crossterm::terminal::is_raw_mode_enabled;
        while !is_raw_mode_enabled().unwrap_or(false) {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        // The alternate screen is entered right after raw mode; let the first frame draw.
        std::thread::sleep(std::time::Duration::from_millis(300));
        let _ = std::panic::catch_unwind(|| panic!("a bug in the viewer"));
        std::process::exit(101);
    });
    let _ = iamscope::tui::run(&[], &[], None, &iamscope::session::Common::default());
}

#[test]
fn the_viewer_restores_the_terminal_after_a_panic() {
    let helper = std::env::current_exe().unwrap();
    let run = in_terminal(
        &format!(
            "stty rows 30 cols 100; '{}' --exact viewer_that_panics --ignored --nocapture --test-threads=1; echo \"status-$?\"; stty -a",
            helper.display()
        ),
        &[(PANIC_HELPER, "1")],
    );
    let screen = &run.stdout;
    let entered = screen
        .find("\x1b[?1049h")
        .unwrap_or_else(|| panic!("the viewer never took the screen:\n{screen:?}"));
    let drawn = screen.find("Tree ·").expect("the viewer drew its tree");
    let left = screen
        .rfind("\x1b[?1049l")
        .expect("the alternate screen was left");
    let message = screen
        .find("panicked at")
        .expect("the panic message was printed");
    assert!(entered < drawn && drawn < left, "{screen:?}");
    assert!(
        left < message,
        "the panic message is printed after the screen is restored, where it stays readable"
    );
    assert!(screen.contains("a bug in the viewer"));
    assert!(screen.contains("status-101"), "{screen:?}");
    // Raw mode is off again: the terminal reads lines and echoes.
    let stty = &screen[screen.find("status-101").unwrap()..];
    let modes: Vec<&str> = stty.split_whitespace().collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(modes.contains(&mode), "{mode} is not back on:\n{stty}");
    }
    // And the cursor, hidden while the viewer ran, is shown again.
    let hidden = screen
        .rfind("\x1b[?25l")
        .expect("the viewer hid the cursor");
    assert!(screen[hidden..].contains("\x1b[?25h"), "{screen:?}");
}

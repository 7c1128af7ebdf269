//! The viewer in a real terminal: runs the binary in tmux, presses keys, reads the screen
//! with `capture-pane`, quits, and checks the shell is usable again (normal screen, cooked
//! mode, exit status 0).
//!
//! Every test here is `#[ignore]`d with the reason, so a plain `cargo test` on a machine
//! without tmux says it skipped them; `.ci/run` runs them explicitly
//! (`cargo test --test tmux -- --include-ignored`), where a missing tmux fails.

use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long to wait for the screen to show something before failing.
const WAIT: Duration = Duration::from_secs(30);

/// A tmux server of its own (own socket, no user configuration) with one session running
/// `sh`; dropping it kills the server.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(width: u16, height: u16) -> Tmux {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmux = Tmux {
            socket: format!("iamscope-test-{}-{nanos}", std::process::id()),
        };
        let (w, h) = (width.to_string(), height.to_string());
        tmux.run(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &w,
            "-y",
            &h,
            "sh",
        ]);
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        let output = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs (install it: apt-get install -y tmux)");
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Presses keys, named as tmux names them (`j`, `Enter`).
    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    /// Types `line` literally, then Enter.
    fn type_line(&self, line: &str) {
        self.run(&["send-keys", "-l", line]);
        self.send(&["Enter"]);
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p"]).stdout).into_owned()
    }

    fn alternate_screen_on(&self) -> bool {
        let out = self.run(&["display-message", "-p", "#{alternate_on}"]);
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Polls the screen until `ready` holds; fails with the last screen after [`WAIT`].
    fn wait_for(&self, what: &str, ready: impl Fn(&Tmux, &str) -> bool) {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(self, &screen) {
                return;
            }
            assert!(
                start.elapsed() < WAIT,
                "timed out waiting for {what}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn viewer_runs_in_a_real_terminal_and_gives_the_shell_back() {
    let tmux = Tmux::start(100, 30);
    // From a directory without the samples: they are inside the binary.
    tmux.type_line(&format!(
        "cd '{}' && '{}'",
        std::env::temp_dir().display(),
        env!("CARGO_BIN_EXE_iamscope")
    ));
    // A frame may be captured half drawn, so each wait is for everything expected.
    tmux.wait_for("the tree", |t, s| {
        s.contains("Tree ·")
            && s.contains("▾ sample-policies/dstack.md  markdown")
            && s.contains("▸ AWS permissions")
            && s.contains("? help")
            && t.alternate_screen_on()
    });

    tmux.send(&["j", "l"]);
    tmux.wait_for("the policy opened", |_, s| {
        s.contains("▾ AWS permissions") && s.contains("▸ Allow *")
    });

    tmux.send(&["?"]);
    tmux.wait_for("the help", |_, s| {
        s.contains("Help: keys") && s.contains("on an expanded node, go to its first child")
    });

    tmux.send(&["q"]);
    tmux.wait_for("the help to close", |_, s| {
        !s.contains("Help: keys") && s.contains("▸ Allow *")
    });

    tmux.send(&["q"]);
    tmux.wait_for("the normal screen without the viewer", |t, s| {
        !s.contains("Tree ·") && !t.alternate_screen_on()
    });

    // The viewer exited with 0, and the shell reads lines again (cooked mode).
    tmux.type_line(
        r#"echo "status-$?"; case "$(stty -a)" in *-icanon*) echo RAW;; *) echo "cooked-$((6*7))";; esac"#,
    );
    tmux.wait_for("the shell's answer", |_, s| {
        s.contains("status-0") && s.contains("cooked-42")
    });
}

/// A 100x30 terminal.
fn terminal() -> Tmux {
    Tmux::start(100, 30)
}

/// The stackstate page with its account filled, as the viewer's arguments.
const STACKSTATE: &str = "sample-policies/stackstate.md --var AccountId=111122223333";

/// Starts the viewer from the repository with `args`, waits for the tree, and returns the
/// terminal.
fn viewer(args: &str) -> Tmux {
    let tmux = terminal();
    tmux.type_line(&format!(
        "cd '{}' && '{}' {args}",
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_BIN_EXE_iamscope")
    ));
    tmux.wait_for("the tree", |t, s| {
        s.contains("Tree ·") && s.contains("1 Tree") && t.alternate_screen_on()
    });
    tmux
}

/// Quits and waits for the shell's screen.
fn quit(tmux: &Tmux) {
    tmux.send(&["q"]);
    tmux.wait_for("the viewer to quit", |t, s| {
        !s.contains("Tree ·") && !t.alternate_screen_on()
    });
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn search_jumps_to_a_statement() {
    let tmux = viewer("");
    tmux.send(&["/"]);
    tmux.run(&["send-keys", "-l", "ReadReports"]);
    tmux.wait_for("the results", |_, s| {
        s.contains("Results") && s.contains("statement  ReadReportsOverTls")
    });
    tmux.send(&["Enter"]);
    tmux.wait_for("the statement selected", |_, s| {
        s.contains("Statement #1 ReadReportsOverTls")
            && s.contains("▸ Allow #1 ReadReportsOverTls")
            && !s.contains("Results")
    });
    quit(&tmux);
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn matrix_drill_down_jumps_to_a_statement() {
    let tmux = viewer(STACKSTATE);
    tmux.send(&["2"]);
    tmux.wait_for("the matrix", |_, s| {
        s.contains("Holders (4)") && s.contains("apigateway") && s.contains("Perm mgmt")
    });
    // The first service's Read cell, then its first grant.
    tmux.send(&["l", "Enter"]);
    tmux.wait_for("the cell's actions", |_, s| {
        s.contains("apigateway · Read · 1 grant") && s.contains("apigateway:GET")
    });
    tmux.send(&["Enter"]);
    tmux.wait_for("the granting statement in the tree", |_, s| {
        s.contains("Statement #19 ApiGatewayAccess") && s.contains("\"apigateway:GET\"")
    });
    quit(&tmux);
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn why_on_an_action_shows_allowed_and_the_deciding_statement() {
    let tmux = viewer(STACKSTATE);
    tmux.send(&["/"]);
    tmux.run(&["send-keys", "-l", "EventsS3Access"]);
    tmux.wait_for("the result", |_, s| s.contains("statement  EventsS3Access"));
    // To the statement, open it, to its Action list, its second action.
    tmux.send(&["Enter", "l", "j", "l", "j"]);
    tmux.wait_for("s3:GetObject selected", |_, s| {
        s.contains("Action   s3:GetObject")
    });
    tmux.send(&["w"]);
    tmux.wait_for("the answer", |_, s| {
        s.contains("Why · StackStateAwsIntegrationRole")
            && s.contains("Allowed: an identity policy allows it")
            && s.contains("EventsS3Access (Allow, 89:9)")
    });
    tmux.send(&["Escape"]);
    tmux.wait_for("the form closed", |_, s| !s.contains("Why ·"));
    quit(&tmux);
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn findings_view_jumps_to_the_resources_typo() {
    let tmux = viewer("sample-policies/dstack.md");
    tmux.send(&["3"]);
    tmux.wait_for("the findings", |_, s| s.contains("Findings · E"));
    // Down the list until the typo's finding is under the cursor (the detail shows it),
    // one row at a time, each drawn in full before the next.
    let mut found = false;
    for _ in 0..40 {
        std::thread::sleep(Duration::from_millis(300));
        if tmux.screen().contains("error unknown-element") {
            found = true;
            break;
        }
        tmux.send(&["j"]);
    }
    assert!(found, "no typo finding; the screen was:\n{}", tmux.screen());
    tmux.send(&["Enter"]);
    tmux.wait_for("the statement with the typo", |_, s| {
        s.contains("Statement #1 ") && s.contains("\"Resources\": [") && s.contains("1 Tree")
    });
    quit(&tmux);
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn slow_loading_shows_progress_and_ctrl_c_quits_cleanly() {
    let tmux = terminal();
    // A policy of 200,000 statements: seconds to load and index in a test build.
    let statement =
        r#"{"Effect": "Allow", "Action": ["s3:GetObject", "ec2:Describe*"], "Resource": "*"}"#;
    let statements = vec![statement; 200_000].join(",\n");
    let dir = std::env::temp_dir().join(format!("iamscope-slow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("big.json");
    std::fs::write(
        &file,
        format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#),
    )
    .expect("the big policy");
    tmux.type_line(&format!(
        "'{}' '{}'",
        env!("CARGO_BIN_EXE_iamscope"),
        file.display()
    ));
    tmux.wait_for("the progress line", |_, s| {
        s.contains("iamscope: reading 1 file (") && s.contains("MB) and indexing…")
    });
    tmux.send(&["C-c"]);
    tmux.type_line(
        r#"echo "status-$?"; case "$(stty -a)" in *-icanon*) echo RAW;; *) echo "cooked-$((6*7))";; esac"#,
    );
    tmux.wait_for("the shell's answer", |t, s| {
        s.contains("status-130") && s.contains("cooked-42") && !t.alternate_screen_on()
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn review_decisions_are_saved_and_found_again() {
    let dir = std::env::temp_dir().join(format!("iamscope-review-tmux-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("stackstate.review.json");
    let args = format!("{STACKSTATE} --review '{}'", file.display());
    let tmux = viewer(&args);
    tmux.send(&["r"]);
    tmux.wait_for("the first step", |_, s| {
        s.contains("Review · 0 of 31 decided, 0 flagged") && s.contains("Step 1 of 31")
    });
    tmux.send(&["a"]);
    tmux.wait_for("the step accepted", |_, s| {
        s.contains("1 of 31 decided, 0 flagged") && s.contains("Decision ✓ accepted")
    });
    tmux.send(&["]", "f", "c"]);
    tmux.wait_for("the comment line", |_, s| s.contains("Enter records it"));
    tmux.type_line("trust from any principal of the account");
    tmux.wait_for("the step flagged with its comment", |_, s| {
        s.contains("2 of 31 decided, 1 flagged")
            && s.contains("Decision ✗ flagged")
            && s.contains("Comment  trust from any principal")
    });
    quit(&tmux);
    drop(tmux);

    let tmux = viewer(&args);
    tmux.send(&["r"]);
    // Resumed on the first undecided step.
    tmux.wait_for("the decisions found again", |_, s| {
        s.contains("Review · 2 of 31 decided, 1 flagged")
            && s.contains("✗   2 warning")
            && s.contains("Step 3 of 31")
    });
    tmux.send(&["["]);
    tmux.wait_for("the comment found again", |_, s| {
        s.contains("Step 2 of 31") && s.contains("Comment  trust from any principal")
    });
    quit(&tmux);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The text an OSC 52 sequence in `output` sets the clipboard to: the first
/// `ESC ] 52 ; c ; BASE64 BEL`, inside tmux's DCS passthrough or not, decoded.
fn osc52_text(output: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(output);
    let start = text.find("]52;c;")? + "]52;c;".len();
    let end = start + text[start..].find('\x07')?;
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut bytes = Vec::new();
    for c in text[start..end].bytes().filter(|&b| b != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(bytes).ok()
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn y_copies_the_minimal_policy_through_osc52_in_tmux() {
    let dir = std::env::temp_dir().join(format!("iamscope-copy-tmux-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let output = dir.join("pane-output");
    let tmux = terminal();
    // Everything the program writes to the terminal goes to a file too.
    tmux.run(&["pipe-pane", "-O", &format!("cat >> '{}'", output.display())]);
    // No display server: the copy goes through OSC 52, wrapped for tmux ($TMUX is set).
    tmux.type_line(&format!(
        "cd '{}' && env -u DISPLAY -u WAYLAND_DISPLAY '{}' tests/fixtures/copy/vendor-role.json",
        env!("CARGO_MANIFEST_DIR"),
        env!("CARGO_BIN_EXE_iamscope")
    ));
    tmux.wait_for("the tree", |t, s| {
        s.contains("Allow #2 SendJobs") && t.alternate_screen_on()
    });
    // Statement 2, then y: its one action's minimal policy.
    tmux.send(&["j", "j", "j", "y"]);
    tmux.wait_for("the copy", |_, s| {
        s.contains("copied 1 statement") && s.contains("via OSC 52 through tmux")
    });
    let wait = Instant::now();
    let copied = loop {
        let written = std::fs::read(&output).unwrap_or_default();
        match osc52_text(&written) {
            Some(text) => break text,
            None if wait.elapsed() < WAIT => std::thread::sleep(Duration::from_millis(50)),
            None => panic!("no OSC 52 sequence in the pane's output"),
        }
    };
    let written = std::fs::read(&output).unwrap_or_default();
    assert!(
        String::from_utf8_lossy(&written).contains("\x1bPtmux;\x1b\x1b]52;c;"),
        "the sequence is wrapped in tmux's passthrough"
    );
    let minimize = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "minimize",
            "tests/fixtures/copy/vendor-role.json",
            "--keep",
            "sqs:SendMessage",
        ])
        .output()
        .expect("iamscope minimize runs");
    assert_eq!(copied, String::from_utf8_lossy(&minimize.stdout));
    assert!(
        copied.contains("\"Action\": \"sqs:SendMessage\""),
        "{copied}"
    );
    tmux.send(&["Escape"]);
    quit(&tmux);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[ignore = "needs tmux: run with --include-ignored"]
fn used_events_mark_the_tree_and_fill_the_unused_search() {
    let tmux = viewer(&format!(
        "{STACKSTATE} --used tests/fixtures/cloudtrail/stackstate"
    ));
    tmux.wait_for("what was read", |_, s| {
        s.contains("used: 21 events, 2024-05-01 → 05-03")
    });
    // The role's identity policy, its statement #3 EventsS3Access.
    tmux.send(&["j", "j", "j", "j", "l", "j", "j", "j", "l"]);
    tmux.wait_for("the marks", |_, s| {
        s.contains("[used]   s3:GetObject") && s.contains("[unused] s3:GetObjectVersion")
    });
    tmux.send(&["/"]);
    tmux.run(&["send-keys", "-l", "unused:s3"]);
    tmux.wait_for("the unused grants", |_, s| {
        s.contains("catalog    s3:GetBucketTagging") && s.contains("1 of 3 results")
    });
    // Enter, not Esc: an Esc read together with the next key would be Alt and that key.
    tmux.send(&["Enter"]);
    tmux.wait_for("the grant selected", |_, s| {
        s.contains("Action   s3:GetBucketNotification") && !s.contains("Results")
    });
    quit(&tmux);
}

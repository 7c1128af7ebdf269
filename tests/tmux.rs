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
        s.contains("▾ AWS permissions") && s.contains("▸ Allow #1")
    });

    tmux.send(&["?"]);
    tmux.wait_for("the help", |_, s| {
        s.contains("Help: keys")
            && s.contains("on an expanded node, go to its first child")
            && s.contains("Ctrl-C")
    });

    tmux.send(&["q"]);
    tmux.wait_for("the help to close", |_, s| {
        !s.contains("Help: keys") && s.contains("▸ Allow #1")
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

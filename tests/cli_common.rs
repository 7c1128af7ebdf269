//! The options every command shares, as users run them: `--vars FILE`, `--color` with
//! `--no-color`, NO_COLOR and CLICOLOR_FORCE.

use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary in the repository with `env` set (and the colour variables cleared).
fn iamscope_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamscope"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null());
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let out = command.output().expect("run iamscope");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn iamscope(args: &[&str]) -> Run {
    iamscope_env(args, &[])
}

/// A file in a fresh temporary directory.
fn temp_file(name: &str, text: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "iamscope-common-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// Each placeholder of the first source with its value.
fn placeholder_values(tree_json: &str) -> Vec<(String, Value)> {
    let tree: Value = serde_json::from_str(tree_json).unwrap();
    tree["sources"][0]["placeholders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["value"].clone()))
        .collect()
}

const STACKSTATE: &str = "sample-policies/stackstate.md";

#[test]
fn a_vars_file_fills_placeholders_and_var_wins_over_it() {
    let file = temp_file(
        "review.env",
        "# values for the StackState review\n\nAccountId=111122223333\nexport Region = \"eu-west-1\"\nBucketName=only-in-other-inputs\n",
    );
    let run = iamscope(&["tree", STACKSTATE, "--vars", &file, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A shared file may name placeholders this input lacks: no warning for those.
    assert_eq!(run.stderr, "");
    assert_eq!(
        placeholder_values(&run.stdout),
        [
            ("AccountId".to_string(), Value::from("111122223333")),
            ("ExternalId".to_string(), Value::Null),
            ("Region".to_string(), Value::from("eu-west-1")),
        ]
    );
    assert!(run.stdout.contains("arn:aws:iam::111122223333:"));

    let run = iamscope(&[
        "tree",
        STACKSTATE,
        "--vars",
        &file,
        "--var",
        "Region=us-east-1",
        "--format",
        "json",
    ]);
    assert_eq!(
        placeholder_values(&run.stdout)[2],
        ("Region".to_string(), Value::from("us-east-1"))
    );
}

#[test]
fn every_command_reads_the_vars_file() {
    let file = temp_file("v.env", "AccountId=111122223333\nRegion=eu-west-1\n");
    let unfilled = |run: &Run| {
        let check: Value = serde_json::from_str(&run.stdout).unwrap();
        check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "unfilled-placeholder")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let without = iamscope(&["check", STACKSTATE, "--format", "json"]);
    let with = iamscope(&["check", STACKSTATE, "--format", "json", "--vars", &file]);
    assert!(unfilled(&without).iter().any(|m| m.contains("AccountId")));
    assert!(
        unfilled(&with)
            .iter()
            .all(|m| !m.contains("AccountId") && !m.contains("Region")),
        "{:?}",
        unfilled(&with)
    );

    let run = iamscope(&[
        "why",
        STACKSTATE,
        "--role",
        "StackStateAwsIntegrationRole",
        "--vars",
        &file,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::stackstate-logs-111122223333/x",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.starts_with("Allowed"), "{}", run.stdout);

    let run = iamscope(&["matrix", STACKSTATE, "--vars", &file, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("111122223333"));
}

#[test]
fn a_bad_vars_file_is_an_error_with_its_line_and_column() {
    let file = temp_file(
        "bad.env",
        "AccountId=111122223333\n# fine\n  Region us-east-1\n",
    );
    let run = iamscope(&["check", STACKSTATE, "--vars", &file]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("iamscope: {file}:3:3: expected NAME=VALUE, got `Region us-east-1`\n")
    );
    assert_eq!(run.stdout, "");

    let missing = format!("{file}.missing");
    let run = iamscope(&["tree", STACKSTATE, "--vars", &missing]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with(&format!("iamscope: --vars {missing}: ")),
        "{}",
        run.stderr
    );
}

/// Whether the text holds an escape sequence (colour).
fn coloured(text: &str) -> bool {
    text.contains("\x1b[")
}

#[test]
fn colour_follows_color_no_color_and_the_environment() {
    // dstack has errors, which are coloured; output here is a pipe, not a terminal.
    let check = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", "sample-policies/dstack.md"];
        all.extend_from_slice(args);
        let run = iamscope_env(&all, env);
        assert_eq!(run.code, 1, "{}", run.stderr);
        coloured(&run.stdout)
    };
    assert!(!check(&[], &[]), "a pipe gets no colour by default");
    assert!(check(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!check(&[], &[("CLICOLOR_FORCE", "0")]));
    assert!(!check(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]));
    assert!(check(&["--color", "always"], &[]));
    assert!(check(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!check(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!check(&["--no-color"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!check(&["--color", "auto"], &[]));

    let run = iamscope(&[
        "check",
        "sample-policies/dstack.md",
        "--no-color",
        "--color",
        "always",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
}

#[test]
fn a_missing_file_names_the_path_as_given_and_the_working_directory() {
    let run = iamscope(&["check", "no/such/policy.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "iamscope: no/such/policy.json: no such file or directory (looked for in {}); check the path, or give `-` to read standard input\n",
            env!("CARGO_MANIFEST_DIR")
        )
    );
}

//! Commands over many files on several threads (`-j`, `IAMSCOPE_JOBS`) print exactly what
//! one thread prints, in the same order, with the same exit code and the same complaints
//! about what could not be read.

use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn iamscope(args: &[&str], jobs_variable: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamscope"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("IAMSCOPE_JOBS")
        .stdin(Stdio::null());
    if let Some(jobs) = jobs_variable {
        command.env("IAMSCOPE_JOBS", jobs);
    }
    let out = command.output().expect("run iamscope");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Every fixture and sample, plus a file that does not exist in the middle: its error must
/// not change what is printed around it.
const INPUTS: [&str; 3] = ["tests/fixtures", "no-such-file.json", "sample-policies"];

fn same_with_any_number_of_jobs(command: &[&str]) {
    let mut args = command.to_vec();
    args.extend(INPUTS);
    let one = iamscope(&[args.as_slice(), &["-j", "1"]].concat(), None);
    assert!(one.stdout.len() > 1000, "{}", one.stderr);
    assert_eq!(one.code, 2, "a path that does not exist: {}", one.stderr);
    assert!(one.stderr.contains("no-such-file.json"), "{}", one.stderr);
    for jobs in ["2", "7"] {
        let many = iamscope(&[args.as_slice(), &["--jobs", jobs]].concat(), None);
        assert_eq!(many.stdout, one.stdout, "{command:?} -j {jobs}");
        assert_eq!(many.stderr, one.stderr, "{command:?} -j {jobs}");
        assert_eq!(many.code, one.code);
    }
    let from_environment = iamscope(&args, Some("3"));
    assert_eq!(from_environment.stdout, one.stdout, "IAMSCOPE_JOBS=3");
}

#[test]
fn check_prints_the_same_on_any_number_of_threads() {
    same_with_any_number_of_jobs(&["check"]);
    same_with_any_number_of_jobs(&["check", "--format", "json"]);
    same_with_any_number_of_jobs(&["check", "--format", "sarif"]);
}

#[test]
fn check_exit_codes_do_not_depend_on_threads() {
    for jobs in ["1", "4"] {
        let fails = iamscope(&["check", "tests/fixtures", "-j", jobs], None);
        let never = iamscope(
            &["check", "tests/fixtures", "--fail-on", "never", "-j", jobs],
            None,
        );
        assert_eq!((fails.code, never.code), (1, 0), "-j {jobs}");
    }
}

#[test]
fn a_bad_job_count_is_a_usage_error() {
    let run = iamscope(&["check", "sample-policies", "-j", "0"], None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--jobs"), "{}", run.stderr);
}

#[test]
fn tree_prints_the_same_on_any_number_of_threads() {
    same_with_any_number_of_jobs(&["tree"]);
    same_with_any_number_of_jobs(&["tree", "--format", "json"]);
}

#[test]
fn matrix_prints_the_same_on_any_number_of_threads() {
    same_with_any_number_of_jobs(&["matrix"]);
    same_with_any_number_of_jobs(&["matrix", "--format", "json"]);
}

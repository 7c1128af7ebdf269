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

#[path = "../benches/synthetic.rs"]
#[allow(dead_code, reason = "the tests use one of the generators")]
mod synthetic;

/// An account dump of about 700 roles of 60 shapes, more than one piece of work holds;
/// written once, so tests running at the same time never read it half written.
fn dump() -> std::path::PathBuf {
    static DUMP: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DUMP.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("iamscope-parallel-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("dump.json");
        std::fs::write(&file, synthetic::roles_dump(1 << 20)).unwrap();
        file
    })
    .clone()
}

fn json(args: &[&str]) -> serde_json::Value {
    let run = iamscope(args, None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// Holders of the same policies get the same matrix, worked out once: each role's row in
/// the whole output is what `--role` (worked out alone) says of it.
#[test]
fn a_large_dump_matrix_is_each_roles_own() {
    let file = dump();
    let path = file.to_str().unwrap();
    let all = json(&["matrix", path, "--format", "json", "-j", "2"]);
    let roles = all["roles"].as_array().unwrap();
    let dumped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let in_dump = dumped["RoleDetailList"].as_array().unwrap().len();
    assert!(in_dump > 300, "{in_dump}");
    assert_eq!(roles.len(), in_dump, "every role of the dump has its row");
    for i in [1, 61, roles.len() - 1] {
        let name = roles[i]["name"].as_str().unwrap();
        let alone = json(&["matrix", path, "--role", name, "--format", "json"]);
        assert_eq!(alone["roles"][0], roles[i], "{name}");
    }
    let text = iamscope(&["matrix", path, "-j", "1"], None);
    assert_eq!(
        iamscope(&["matrix", path, "-j", "3"], None).stdout,
        text.stdout
    );
}

/// A managed policy attached to hundreds of roles of a dump is printed once, under the
/// source's `shared_documents`; each policy holding it names it by index.
#[test]
fn a_large_dump_tree_prints_each_shared_policy_once() {
    let file = dump();
    let path = file.to_str().unwrap();
    let run = iamscope(&["tree", path, "--format", "json", "-j", "1"], None);
    assert_eq!(
        iamscope(&["tree", path, "--format", "json", "-j", "2"], None).stdout,
        run.stdout
    );
    let tree: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let source = &tree["sources"][0];
    let shared = source["shared_documents"].as_array().unwrap();
    let roles = source["roles"].as_array().unwrap();
    let read_only = roles
        .iter()
        .flat_map(|r| r["policies"].as_array().unwrap())
        .filter(|p| p["name"] == "ReadOnlyAccess")
        .collect::<Vec<_>>();
    assert!(read_only.len() > 100);
    let index = read_only[0]["document"].as_u64().unwrap();
    assert!(
        read_only
            .iter()
            .all(|p| p["document"] == index && p.get("statements").is_none())
    );
    let document = &shared[usize::try_from(index).unwrap()];
    assert_eq!(document["document"], index);
    assert!(document["statements"].as_array().unwrap().len() > 1);
    // The inline policy of each role is its own: printed where it is held.
    let inline = &roles[0]["policies"][1];
    assert_eq!(inline["name"], "app-0");
    assert_eq!(
        inline["statements"][0]["action"],
        serde_json::json!(["s3:GetObject", "s3:PutObject"])
    );
}

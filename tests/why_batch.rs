//! `iamscope why --scenarios` as a team runs it in CI: a JSON Lines file of scenarios
//! (identity and resource policies, a boundary, SCP levels, conditions), a line that is
//! not JSON, an unknown action, expectations that pass and one that fails.

use std::io::Write;
use std::process::{Command, Stdio};

const FIXTURE: &str = "tests/fixtures/scenarios/checks.jsonl";

/// Runs iamscope with `stdin` as standard input: (exit code, stdout, stderr).
fn iamscope(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("IAMSCOPE_JOBS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iamscope");
    let mut input = child.stdin.take().expect("stdin");
    let text = stdin.to_string();
    let writer = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let out = child.wait_with_output().expect("iamscope finishes");
    writer.join().expect("writer").expect("stdin written");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn fixture() -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE)).unwrap()
}

const STDERR: &str = "\
iamscope: line 4: invalid JSON: trailing comma before `}`
iamscope: line 9 (typo): \"action\": `s3:GetObjekt` is not an action of Amazon S3 (s3); did you mean `s3:GetObject`?
iamscope: line 10 (payroll-without-the-scp): expected Denied, got Allowed by identity policy \"identity_policies[0]\", statement 1 ReadReports
iamscope: 9 scenarios: 5 passed, 1 failed, 2 could not be read
";

#[test]
fn text_is_one_readable_line_per_scenario_and_a_failed_expectation_exits_1() {
    let (code, out, err) = iamscope(&["why", "--scenarios", FIXTURE, "--format", "text"], "");
    assert_eq!(
        out,
        "\
line 1 (reads-reports): Allowed by identity policy \"identity_policies[0]\", statement 1 ReadReports (expected Allowed: pass)
line 2 (boundary-limits): ImplicitDeny: nothing allowed it in the permissions boundary (expected Denied: pass)
line 3 (scp-ou-level): ImplicitDeny: nothing allowed it in the SCPs at level 2
line 4: error at column 54: invalid JSON: trailing comma before `}`
line 5 (vendor-never-reads-payroll): ExplicitDeny by SCP \"scps[0][1]\", statement 1 NoPayroll (expected Denied: pass)
line 6 (cross-account): Allowed by resource policy \"resource_policy\", statement 1 VendorReads (+1 more) (expected Allowed: pass)
line 7 (not-over-tls): ImplicitDeny: nothing allowed it in the identity policies (expected ImplicitDeny: pass)
line 9 (typo): error: \"action\": `s3:GetObjekt` is not an action of Amazon S3 (s3); did you mean `s3:GetObject`?
line 10 (payroll-without-the-scp): Allowed by identity policy \"identity_policies[0]\", statement 1 ReadReports (expected Denied: FAIL)
"
    );
    assert_eq!(err, STDERR);
    assert_eq!(code, 1);
}

#[test]
fn json_is_one_result_per_line_with_the_deciding_statements() {
    let (code, out, err) = iamscope(&["why", "--scenarios", FIXTURE], "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 9, "{out}");
    assert_eq!(
        lines[2],
        r#"{"line":3,"id":"scp-ou-level","decision":"ImplicitDeny","deciding":[],"denied_by":{"kind":"scp","level":2},"rule":null}"#
    );
    assert_eq!(
        lines[3],
        r#"{"line":4,"id":null,"error":{"line":4,"column":54,"message":"invalid JSON: trailing comma before `}`"}}"#
    );
    assert_eq!(
        lines[4],
        r#"{"line":5,"id":"vendor-never-reads-payroll","decision":"ExplicitDeny","deciding":[{"role":null,"policy":"scps[0][1]","kind":"scp","statement":1,"sid":"NoPayroll","effect":"Deny","line":5,"column":703}],"denied_by":null,"rule":null,"expect":"Denied","pass":true}"#
    );
    assert_eq!(
        lines[5],
        r#"{"line":6,"id":"cross-account","decision":"Allowed","deciding":[{"role":null,"policy":"resource_policy","kind":"resource","statement":1,"sid":"VendorReads","effect":"Allow","line":6,"column":616},{"role":null,"policy":"identity_policies[0]","kind":"identity","statement":1,"sid":"ReadReports","effect":"Allow","line":6,"column":325}],"denied_by":null,"rule":null,"expect":"Allowed","pass":true}"#
    );
    assert_eq!(
        lines[7],
        r#"{"line":9,"id":"typo","error":{"line":9,"column":null,"message":"\"action\": `s3:GetObjekt` is not an action of Amazon S3 (s3); did you mean `s3:GetObject`?"}}"#
    );
    assert_eq!(
        lines[8],
        r#"{"line":10,"id":"payroll-without-the-scp","decision":"Allowed","deciding":[{"role":null,"policy":"identity_policies[0]","kind":"identity","statement":1,"sid":"ReadReports","effect":"Allow","line":10,"column":302}],"denied_by":null,"rule":null,"expect":"Denied","pass":false}"#
    );
    assert_eq!(err, STDERR);
    assert_eq!(code, 1);
}

#[test]
fn explain_adds_the_why_answer_of_each_line() {
    let (_, out, _) = iamscope(&["why", "--scenarios", FIXTURE, "--explain"], "");
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let e = &first["explanation"];
    assert_eq!(e["decision"], "Allowed");
    assert_eq!(
        e["reason"],
        "an identity policy allows it, and nothing denies it"
    );
    assert_eq!(e["deciding"], first["deciding"]);
    assert_eq!(
        e["policies"][0]["statements"][0]["condition"]["clauses"][0]["key"],
        "aws:SecureTransport"
    );
    let (_, text, _) = iamscope(
        &[
            "why",
            "--scenarios",
            FIXTURE,
            "--explain",
            "--format",
            "text",
        ],
        "",
    );
    let head: Vec<&str> = text.lines().take(3).collect();
    assert_eq!(
        head,
        [
            "line 1 (reads-reports): Allowed by identity policy \"identity_policies[0]\", statement 1 ReadReports (expected Allowed: pass)",
            "    Allowed: an identity policy allows it, and nothing denies it",
            "      request: s3:GetObject on arn:aws:s3:::reports/q1.csv by a session of arn:aws:iam::111122223333:role/Vendor",
        ]
    );
}

/// The fixture many times over, with each line's `id` made unique.
fn many(copies: usize) -> String {
    let text = fixture();
    let mut out = String::new();
    for copy in 0..copies {
        for line in text.lines() {
            out.push_str(&line.replace("\"id\": \"", &format!("\"id\": \"{copy}-")));
            out.push('\n');
        }
    }
    out
}

#[test]
fn two_threads_keep_the_input_order_and_stdin_reads_like_a_file() {
    let input = many(30);
    let (code, one, err_one) = iamscope(&["why", "--scenarios", "-", "-j", "1"], &input);
    let (_, two, err_two) = iamscope(&["why", "--scenarios", "-", "-j", "2"], &input);
    assert_eq!(code, 1);
    assert_eq!(one, two);
    assert_eq!(err_one, err_two);
    let numbers: Vec<u64> = two
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["line"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(numbers.len(), 30 * 9);
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    assert!(err_two.ends_with("270 scenarios: 150 passed, 30 failed, 60 could not be read\n"));

    let (_, file, _) = iamscope(&["why", "--scenarios", FIXTURE], "");
    let (_, stdin, _) = iamscope(&["why", "--scenarios", "-"], &fixture());
    assert_eq!(file, stdin);
}

#[test]
fn expectations_met_exit_0_and_a_run_without_expectations_says_nothing_on_stderr() {
    let passing: String = fixture()
        .lines()
        .filter(|l| {
            l.contains("\"pass") || l.contains("reads-reports") || l.contains("vendor-never")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let (code, out, err) = iamscope(&["why", "--scenarios", "-", "--format", "text"], &passing);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert_eq!(err, "iamscope: 2 scenarios: 2 passed, 0 failed\n");
    assert_eq!(code, 0);

    let untested = fixture().lines().nth(2).unwrap().to_string();
    let (code, out, err) = iamscope(&["why", "--scenarios", "-", "--format", "text"], &untested);
    assert_eq!(
        out,
        "line 1 (scp-ou-level): ImplicitDeny: nothing allowed it in the SCPs at level 2\n"
    );
    assert_eq!((code, err.as_str()), (0, ""));
}

#[test]
fn a_file_that_cannot_be_read_is_bad_input() {
    let (code, out, err) = iamscope(&["why", "--scenarios", "no/such.jsonl"], "");
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("iamscope: no/such.jsonl: no such file"),
        "{err}"
    );
    let (code, _, err) = iamscope(
        &["why", "--scenarios", FIXTURE, "--action", "s3:GetObject"],
        "",
    );
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}

#[path = "../benches/scenario_gen.rs"]
mod scenario_gen;

/// Policies compiled once per run must not change an answer: every line judged with the
/// run's cache (positions moved to where each policy now is) equals the line read in full,
/// explanation and all, for the fixture, lines with non-ASCII text and a policy wrapper
/// with a warning, and the generated benchmark scenarios.
#[test]
fn policies_compiled_once_per_run_give_the_answers_of_a_full_read() {
    use iamscope::eval::batch::{Options, judge_line};
    use iamscope::eval::batch_cache::PolicyCache;
    let fixture = fixture();
    let mut lines: Vec<String> = fixture.lines().map(str::to_string).collect();
    // The same policies moved along the line by a longer id, and by non-ASCII text.
    lines.extend(
        fixture
            .lines()
            .map(|l| l.replace("\"id\": \"", "\"id\": \"é-longer-")),
    );
    lines.push(
        r#"{"id": "wrapped", "request": {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "arn:aws:iam::111122223333:user/ü"}, "identity_policies": [{"PolicyName": "named", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}], "resource_policy": {"Statement": [{"Effect": "Allow", "Principal": "arn:aws:iam::111122223333:root", "Action": "s3:*", "Resource": "*"}]}}"#
            .to_string(),
    );
    lines.push(lines.last().unwrap().replace("wrapped", "wrapped-again"));
    lines.extend(scenario_gen::lines(400));
    let check = |_: &str| None;
    let options = Options {
        explain: true,
        action_problem: &check,
        jobs: 1,
    };
    let cache = PolicyCache::default();
    let mut fast = 0;
    for (i, line) in lines.iter().enumerate() {
        let number = i as u32 + 1;
        // The cached reading applies to every well-formed line (the others are read in full).
        fast += usize::from(iamscope::eval::batch_cache::read(number, line, &cache).is_some());
        let cached = judge_line(number, line, &options, Some(&cache));
        let full = judge_line(number, line, &options, None);
        assert_eq!(
            format!("{cached:?}"),
            format!("{full:?}"),
            "line {number}: {line}"
        );
    }
    // All but the two broken lines of the fixture and its copy.
    assert_eq!(fast, lines.len() - 4);
}

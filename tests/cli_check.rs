//! `iamscope check` as users run it: exact findings on the samples, exit codes, suppression,
//! and SARIF validated against the SARIF 2.1.0 schema.

use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn iamscope_in(dir: &std::path::Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run iamscope");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn iamscope(args: &[&str]) -> Run {
    iamscope_in(env!("CARGO_MANIFEST_DIR").as_ref(), args)
}

fn check_json(args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let run = iamscope(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// (code, line, column, statement index) of every finding with `code`.
fn located(report: &Value, code: &str) -> Vec<(u64, u64, Option<u64>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["statement"].as_u64(),
            )
        })
        .collect()
}

fn messages(report: &Value, code: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// Every finding as (line, column, code, statement index), sorted: the whole list, so an
/// extra finding fails as surely as a missing one.
fn all_findings(report: &Value) -> Vec<(u64, u64, String, Option<u64>)> {
    let mut all: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["code"].as_str().unwrap().to_string(),
                f["statement"].as_u64(),
            )
        })
        .collect();
    all.sort();
    all
}

/// The expected list for [`all_findings`], written as (line, column, code, statement).
fn expected(rows: &[(u64, u64, &str, Option<u64>)]) -> Vec<(u64, u64, String, Option<u64>)> {
    rows.iter()
        .map(|&(line, column, code, statement)| (line, column, code.to_string(), statement))
        .collect()
}

#[test]
fn dstack_findings() {
    let r = check_json(&["sample-policies/dstack.md"]);
    assert_eq!(
        all_findings(&r),
        expected(&[
            (12, 5, "missing-resource", Some(1)),
            (15, 7, "unfilled-placeholder", Some(1)),
            (15, 7, "unknown-element", Some(1)),
            (67, 9, "infrastructure-modification", Some(6)),
            (69, 19, "could-be-scoped", Some(6)),
            (74, 9, "infrastructure-modification", Some(7)),
            (76, 19, "could-be-scoped", Some(7)),
            (85, 5, "missing-resource", Some(9)),
            (88, 9, "unknown-action", Some(9)),
            (109, 9, "resource-mismatch", Some(11)),
            (116, 9, "resource-mismatch", Some(12)),
            (117, 9, "resource-mismatch", Some(12)),
            (118, 9, "resource-mismatch", Some(12)),
        ])
    );
    assert_eq!(located(&r, "unknown-element"), [(15, 7, Some(1))]);
    assert_eq!(
        located(&r, "missing-resource"),
        [(12, 5, Some(1)), (85, 5, Some(9))]
    );
    assert_eq!(located(&r, "unfilled-placeholder"), [(15, 7, Some(1))]);
    assert_eq!(located(&r, "unknown-action"), [(88, 9, Some(9))]);
    assert_eq!(
        messages(&r, "unknown-action"),
        [
            "`ec2:CancelSpotRequests` is not an action of Amazon EC2 (ec2); did you mean `ec2:CancelSpotFleetRequests` or `ec2:CancelSpotInstanceRequests`?"
        ]
    );
    // iam:CreatePolicy on a role ARN; the instance-profile actions on a role ARN too.
    assert_eq!(
        located(&r, "resource-mismatch"),
        [
            (109, 9, Some(11)),
            (116, 9, Some(12)),
            (117, 9, Some(12)),
            (118, 9, Some(12))
        ]
    );
    assert_eq!(
        messages(&r, "resource-mismatch")[0],
        "`iam:CreatePolicy` acts on policy (arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}); `arn:aws:iam::*:role/dstack_policy_{bucket_name}*` is a role, so the statement grants it on nothing"
    );
    assert_eq!(
        messages(&r, "unfilled-placeholder"),
        [
            "placeholder {bucket_name} is not filled (8 places); fill it with --var bucket_name=VALUE"
        ]
    );
    let f = &r["findings"][0];
    assert_eq!(f["path"], "sample-policies/dstack.md");
    assert_eq!(f["policy"], "AWS permissions");
    assert_eq!(f["category"], "validity");
}

#[test]
fn upsolver_findings() {
    let r = check_json(&["sample-policies/upsolver.md"]);
    assert_eq!(
        all_findings(&r),
        expected(&[
            (42, 5, "data-exfiltration", Some(1)),
            (42, 5, "managed-policy-whitespace", None),
            (67, 1, "missing-version", None),
            (69, 5, "malformed-json", Some(1)),
            (78, 10, "granted-not-documented", Some(1)),
            (94, 9, "pass-role-star", Some(1)),
            (94, 9, "privilege-escalation", Some(1)),
            (97, 9, "could-be-scoped", Some(1)),
            (106, 9, "infrastructure-modification", Some(2)),
            (112, 9, "could-be-scoped", Some(2)),
            (123, 9, "infrastructure-modification", Some(3)),
            (127, 9, "could-be-scoped", Some(3)),
            (145, 9, "could-be-scoped", Some(4)),
            (197, 1, "missing-version", None),
            (202, 9, "service-wildcard", Some(1)),
            (205, 9, "unfilled-placeholder", Some(1)),
            (223, 9, "service-wildcard", Some(3)),
            (236, 9, "could-be-scoped", Some(4)),
        ])
    );
    let wildcards: Vec<Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "service-wildcard")
        .map(|f| serde_json::json!([f["action"], f["sid"], f["line"], f["column"]]))
        .collect();
    assert_eq!(
        wildcards,
        [
            serde_json::json!(["s3:*", "upsolverBucketAccess", 202, 9]),
            serde_json::json!(["kinesis:*", "upsolverManagedStream", 223, 9]),
        ]
    );
    assert_eq!(located(&r, "malformed-json"), [(69, 5, Some(1))]);
    // The repaired management policy grants iam:PassRole on every role.
    assert_eq!(located(&r, "pass-role-star"), [(94, 9, Some(1))]);
    assert_eq!(
        messages(&r, "pass-role-star"),
        [
            "`iam:PassRole` allows iam:PassRole on every role (Resource `*`) with no iam:PassedToService condition"
        ]
    );
    // With ec2:RunInstances (conditioned only on the tags it sets): a role for any instance.
    assert_eq!(located(&r, "privilege-escalation"), [(94, 9, Some(1))]);
    assert_eq!(
        messages(&r, "privilege-escalation"),
        [
            "grants on every resource actions that let the holder raise its privileges: iam:PassRole + ec2:RunInstances; iam:PassRole + ec2:RequestSpotInstances"
        ]
    );
}

#[test]
fn epsio_findings() {
    // The page's table of actions is read as a policy; one of its actions does not exist.
    let r = check_json(&["sample-policies/epsio.md"]);
    assert_eq!(
        all_findings(&r),
        expected(&[
            (16, 1, "inferred-condition", Some(2)),
            (17, 1, "inferred-condition", Some(3)),
            (19, 169, "unknown-action", Some(5)),
        ])
    );
    assert_eq!(located(&r, "unknown-action"), [(19, 169, Some(5))]);
    assert_eq!(
        messages(&r, "unknown-action"),
        [
            "`iam:DeleteFunction` is not an action of AWS Identity and Access Management (IAM) (iam); `DeleteFunction` is an action of appsync, cloudfront, lambda"
        ]
    );
    let f = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "unknown-action")
        .unwrap();
    assert_eq!(
        (&f["action"], &f["sid"]),
        (
            &serde_json::json!("iam:DeleteFunction"),
            &serde_json::json!("Termination")
        )
    );
}

#[test]
fn stackstate_placeholders_until_filled() {
    let r = check_json(&["sample-policies/stackstate.md"]);
    assert_eq!(
        all_findings(&r),
        expected(&[
            (34, 11, "unfilled-placeholder", Some(1)),
            (40, 29, "unfilled-placeholder", Some(1)),
            (302, 1, "unfilled-placeholder", None),
            (326, 1, "missing-version", None),
            (366, 1, "missing-version", None),
            (394, 17, "resource-mismatch", Some(2)),
            (395, 17, "resource-mismatch", Some(2)),
            (409, 1, "not-a-policy", None),
            (471, 26, "public-principal", Some(2)),
        ])
    );
    let mut unfilled: Vec<String> = messages(&r, "unfilled-placeholder")
        .into_iter()
        .map(|m| m.split(' ').nth(1).unwrap().to_string())
        .collect();
    unfilled.sort();
    assert_eq!(unfilled, ["${AccountId}", "${ExternalId}", "${Region}"]);
    assert!(located(&r, "cross-account-trust-without-external-id").is_empty());
    // The Firehose role's policy names a key alias where kms:Decrypt needs the key.
    assert_eq!(
        located(&r, "resource-mismatch"),
        [(394, 17, Some(2)), (395, 17, Some(2))]
    );
    let filled = check_json(&[
        "sample-policies/stackstate.md",
        "--var",
        "AccountId=111122223333",
        "--var",
        "Region=us-east-1",
        "--var",
        "ExternalId=abc",
    ]);
    assert!(located(&filled, "unfilled-placeholder").is_empty());
    assert!(located(&filled, "cross-account-trust-without-external-id").is_empty());
}

#[test]
fn cross_account_trust_without_external_id_is_flagged() {
    let dir = tempdir();
    std::fs::write(
        dir.join("trust.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "777788889999"]}, "Action": "sts:AssumeRole"}]}"#,
    )
    .unwrap();
    let run = iamscope_in(&dir, &["check", "trust.json", "--format", "json"]);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        located(&r, "cross-account-trust-without-external-id"),
        [(2, 25, Some(1)), (2, 59, Some(1))]
    );
    assert_eq!(run.code, 0, "warnings do not fail by default");
    let run = iamscope_in(&dir, &["check", "trust.json", "--fail-on", "warning"]);
    assert_eq!(run.code, 1);
}

/// `sts:AssumeRole*` lets the other account assume the role too, and only a positive
/// String condition requires an external ID: not Null, StringNotEquals or IfExists.
#[test]
fn cross_account_trust_reads_wildcards_and_conditions_that_require_an_external_id() {
    let dir = tempdir();
    let statement = |action: &str, condition: &str| {
        format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": "444455556666"}}, "Action": "{action}"{condition}}}"#
        )
    };
    let statements = [
        statement("sts:AssumeRole*", ""),
        statement(
            "sts:AssumeRole",
            r#", "Condition": {"Null": {"sts:ExternalId": "false"}}"#,
        ),
        statement(
            "sts:AssumeRole",
            r#", "Condition": {"StringNotEquals": {"sts:ExternalId": "x"}}"#,
        ),
        statement(
            "sts:AssumeRole",
            r#", "Condition": {"StringEqualsIfExists": {"sts:ExternalId": "x"}}"#,
        ),
        statement(
            "STS:ASSUMEROLE",
            r#", "Condition": {"StringEquals": {"sts:externalid": "x"}}"#,
        ),
        statement(
            "sts:AssumeRole",
            r#", "Condition": {"StringLike": {"sts:ExternalId": "x-*"}}"#,
        ),
        statement("sts:TagSession", ""),
    ];
    std::fs::write(
        dir.join("trust.json"),
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}]}}",
            statements.join(",\n")
        ),
    )
    .unwrap();
    let run = iamscope_in(&dir, &["check", "trust.json", "--format", "json"]);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        located(&r, "cross-account-trust-without-external-id"),
        [
            (2, 42, Some(1)),
            (3, 42, Some(2)),
            (4, 42, Some(3)),
            (5, 42, Some(4))
        ]
    );
    assert_eq!(
        messages(&r, "cross-account-trust-without-external-id")[0],
        "444455556666 may assume this role with no condition requiring an sts:ExternalId"
    );
}

#[test]
fn clean_samples_have_no_errors_and_exit_0() {
    for sample in [
        "sample-policies/identity-with-conditions.json",
        "sample-policies/trust-external-id.json",
        "sample-policies/s3-bucket-policy.json",
        "sample-policies/scp-region-guardrails.json",
    ] {
        let run = iamscope(&["check", sample, "--fail-on", "error"]);
        assert_eq!(run.code, 0, "{sample}: {}", run.stdout);
        assert_eq!(run.stdout, "no findings\n", "{sample}");
    }
}

#[test]
fn errors_fail_by_default_and_never_does_not() {
    assert_eq!(iamscope(&["check", "sample-policies/dstack.md"]).code, 1);
    assert_eq!(
        iamscope(&["check", "sample-policies/dstack.md", "--fail-on", "never"]).code,
        0
    );
}

#[test]
fn text_output_groups_by_source_role_and_policy() {
    let run = iamscope(&["check", "sample-policies/dstack.md"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "sample-policies/dstack.md");
    assert!(
        lines[1].starts_with("  ") && lines[1].ends_with("› AWS permissions"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "    sample-policies/dstack.md:12:5  error  missing-resource  the statement has neither Resource nor NotResource, which identity policies require [statement 1]"
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with(&format!("{} findings: ", lines.len() - 4))
    );
}

#[test]
fn ignore_option_and_file_are_counted() {
    let dir = tempdir();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/sample-policies/dstack.md"),
        dir.join("dstack.md"),
    )
    .unwrap();
    std::fs::write(
        dir.join(".iamscope-ignore"),
        "# noise\nunknown-element *.md\nresource-mismatch *.md\nunknown-action\n",
    )
    .unwrap();
    let run = iamscope_in(
        &dir,
        &[
            "check",
            "dstack.md",
            "--ignore",
            "missing-resource",
            "--format",
            "json",
        ],
    );
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(
        located(&r, "missing-resource").is_empty() && located(&r, "unknown-element").is_empty()
    );
    assert_eq!(
        r["summary"]["suppressed"],
        serde_json::json!({"ignore_option": 2, "ignore_file": 6})
    );
    assert_eq!(run.code, 0, "only warnings are left");
    let run = iamscope_in(
        &dir,
        &["check", "dstack.md", "--ignore", "missing-resource"],
    );
    assert!(
        run.stdout
            .ends_with("; 8 suppressed (2 by --ignore, 6 by the ignore file)\n"),
        "{}",
        run.stdout
    );
    std::fs::write(dir.join(".iamscope-ignore"), "unknown-elemnt\n").unwrap();
    let run = iamscope_in(&dir, &["check", "dstack.md"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "iamscope: .iamscope-ignore:1: `unknown-elemnt` is not a finding code\n"
    );
    let run = iamscope_in(&dir, &["check", "dstack.md", "--ignore", "nope"]);
    assert_eq!(run.code, 2);
}

#[test]
fn sarif_is_valid_against_the_schema() {
    let run = iamscope(&["check", "sample-policies", "--format", "sarif"]);
    assert_eq!(run.code, 1, "dstack has errors");
    let log: Value = serde_json::from_str(&run.stdout).unwrap();
    let schema = std::fs::read_to_string(sarif_schema()).unwrap();
    // The schema's `run.language` pattern has a stray `]` that JavaScript regexes accept as a
    // literal and Rust's reject; escape it so the schema compiles.
    let schema = schema.replace(r"-[a-zA-Z]{2}]?$", r"-[a-zA-Z]{2}\\]?$");
    let schema: Value = serde_json::from_str(&schema).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The typed model of SARIF reads it too.
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(log.clone()).unwrap();
    assert_eq!(typed.runs.len(), 1);
    // What GitHub code scanning needs: rules with help, results with physical locations.
    let run0 = &log["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "unknown-element" && r["help"]["text"].is_string())
    );
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let location = &r["locations"][0]["physicalLocation"];
        assert!(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("sample-policies/")
        );
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
    }
}

/// The SARIF 2.1.0 schema, as shipped in the sources of the `serde-sarif` crate that cargo
/// compiled for this very test (no copy lives in this repository). Cargo's dep-info file for
/// that build, beside this test binary, names the crate's source files; the schema sits next
/// to its `lib.rs`. Nothing is fetched or resolved: whatever `cargo test` built is enough.
fn sarif_schema() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("the test binary's directory");
    let mut candidates = Vec::new();
    for entry in std::fs::read_dir(deps).expect("the test binary's directory is readable") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("serde_sarif-") && name.ends_with(".d")) {
            continue;
        }
        let info = std::fs::read_to_string(&path).unwrap_or_default();
        // Make syntax: `target: dep dep ...`, a space inside a path escaped as `\ `.
        let info = info.replace("\\ ", "\u{0}");
        candidates.extend(
            info.split_whitespace()
                .map(|f| f.trim_end_matches(':').replace('\u{0}', " "))
                .filter(|f| f.ends_with("lib.rs"))
                .map(|lib| std::path::Path::new(&lib).with_file_name("schema.json"))
                .filter(|schema| schema.is_file()),
        );
    }
    candidates.sort();
    candidates.pop().unwrap_or_else(|| {
        panic!(
            "no serde_sarif-*.d naming the crate's sources in {}",
            deps.display()
        )
    })
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "iamscope-check-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn grammar_findings_name_the_element_and_its_position() {
    let dir = tempdir();
    std::fs::write(
        dir.join("broken.json"),
        r#"{"Version": "2012-10-18", "Statement": [
  {"Sid": "bad sid", "Effect": "allow", "Action": ["s3:Get*,s3:Put*", "*:GetObject"], "NotAction": "iam:*",
   "Resource": ["s3://bucket", "arn:aws:s3:::ok"], "NotResource": "*",
   "Condition": {"StringEqualz": {"aws:SourceIp": "x"}, "NullIfExists": {"aws:TokenIssueTime": "true"}}},
  {"Sid": "bad sid", "Action": "s3:ListBucket"}
]}"#,
    )
    .unwrap();
    let run = iamscope_in(&dir, &["check", "broken.json", "--format", "json"]);
    assert_eq!(run.code, 1);
    let r: Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = all_findings(&r)
        .into_iter()
        .map(|(line, column, code, _)| (code, line, column))
        .collect();
    let mut expected: Vec<(String, u64, u64)> = [
        ("invalid-version", 1, 13),
        ("missing-resource", 5, 3),
        ("missing-effect", 5, 3),
        ("invalid-sid", 2, 11),
        ("invalid-effect", 2, 32),
        ("unknown-action", 2, 52),
        ("invalid-action-wildcard", 2, 71),
        ("action-and-not-action", 2, 100),
        ("invalid-arn", 3, 17),
        ("resource-and-not-resource", 3, 67),
        ("unknown-condition-operator", 4, 18),
        ("null-with-if-exists", 4, 57),
        ("duplicate-sid", 5, 11),
        ("invalid-sid", 5, 11),
    ]
    .map(|(code, line, column)| (code.to_string(), line, column))
    .into();
    expected.sort();
    let mut found = found;
    found.sort();
    assert_eq!(found, expected, "the whole list: none missing, none extra");
    let message = |code: &str| messages(&r, code).remove(0);
    assert_eq!(
        message("unknown-action"),
        "`s3:Get*,s3:Put*` matches no action: it contains a comma; list each action as its own string"
    );
    assert_eq!(
        message("invalid-arn"),
        "`s3://bucket` is a URL, not an ARN; write arn:aws:s3:::bucket"
    );
    assert_eq!(
        message("invalid-effect"),
        "Effect \"allow\" must be exactly Allow or Deny"
    );
}

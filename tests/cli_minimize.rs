//! `iamscope minimize` as users run it: the exact policy and summary for a policy that says
//! things twice, `--keep`, `--no-wildcards`, splitting over the size quota, and the vendor
//! samples, whose minimized policies `iamscope check` finds no error in.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

fn iamscope(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run iamscope");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const OVERLAPPING: &str = "tests/fixtures/minimize/overlapping.json";

#[test]
fn statements_said_twice_are_dropped_and_the_rest_merged() {
    let (code, stdout, stderr) = iamscope(&["minimize", OVERLAPPING]);
    assert_eq!(code, 0, "{stderr}");
    let policy: Value = serde_json::from_str(&stdout).unwrap();
    let bucket = ["arn:aws:s3:::${BucketName}", "arn:aws:s3:::${BucketName}/*"];
    assert_eq!(
        policy,
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"],
                    "Resource": bucket
                },
                {
                    "Effect": "Allow",
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
                },
                {
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": "arn:aws:logs:*:*:log-group:/vendor/*"
                },
                {
                    "Effect": "Allow",
                    "Action": ["kms:Create*", "kms:DescribeKey"],
                    "Resource": "*"
                },
                {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}
            ]
        })
    );
    assert_eq!(
        stderr,
        r#"iamscope minimize: overlapping.json (identity policies: overlapping)
  statements 9 → 5, action patterns 19 → 11
  redundant, dropped:
    overlapping statement 2 "ReadAgain": the whole statement, already granted by overlapping statement 1 "Read"
    overlapping statement 5 "KmsAgain": the whole statement, already granted by overlapping statement 4 "Kms"
    overlapping statement 7 "LogStreams": the whole statement, already granted by overlapping statement 6 "Logs"
  merged (same effect, resources and conditions, or same actions):
    statement 1: overlapping statement 1 "Read" + overlapping statement 3 "Write"
  size 623 characters without white space; AWS's quota 6,144 for a managed policy
"#
    );
}

#[test]
fn placeholders_given_with_var_are_filled() {
    let (_, stdout, _) = iamscope(&["minimize", OVERLAPPING, "--var", "BucketName=logs"]);
    let policy: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        policy["Statement"][0]["Resource"],
        json!(["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"])
    );
}

#[test]
fn keep_narrows_and_reports_what_the_input_does_not_grant() {
    let (code, stdout, stderr) = iamscope(&[
        "minimize",
        OVERLAPPING,
        "--format",
        "json",
        "--keep",
        "s3:GetObject",
        "kms:Decrypt",
        "ec2:RunInstances",
        "s3:Put*",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out["policies"][0]["document"]["Statement"],
        json!([
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": ["arn:aws:s3:::${BucketName}", "arn:aws:s3:::${BucketName}/*"]
            },
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
            }
        ])
    );
    assert_eq!(out["policies"][0]["name"], "overlapping.json-minimal");
    assert_eq!(
        out["reports"][0]["not_granted"],
        json!(["ec2:RunInstances"])
    );
    assert_eq!(out["reports"][0]["statements_after"], 2);
}

#[test]
fn keep_rejects_a_pattern_iam_would_never_match() {
    let (code, _, stderr) = iamscope(&["minimize", OVERLAPPING, "--keep", "*:GetObject"]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("iamscope: --keep *:GetObject: "),
        "{stderr}"
    );
}

#[test]
fn no_wildcards_writes_every_action() {
    let (_, stdout, _) = iamscope(&["minimize", OVERLAPPING, "--no-wildcards"]);
    let policy: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        policy["Statement"][3]["Action"],
        json!([
            "kms:CreateAlias",
            "kms:CreateCustomKeyStore",
            "kms:CreateGrant",
            "kms:CreateKey",
            "kms:DescribeKey"
        ])
    );
}

/// Writes `text` to a file under the test's temporary directory.
fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The error findings `check` reports for these policies.
fn check_errors(path: &Path) -> Vec<Value> {
    let (_, stdout, stderr) = iamscope(&["check", path.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .cloned()
        .collect()
}

#[test]
fn vendor_samples_minimize_to_policies_check_finds_no_error_in() {
    for (sample, role) in [
        ("sample-policies/upsolver.md", "UpsolverServerRole"),
        (
            "sample-policies/stackstate.md",
            "StackStateAwsIntegrationRole",
        ),
    ] {
        let (code, stdout, stderr) = iamscope(&["minimize", sample, "--role", role]);
        assert_eq!(code, 0, "{stderr}");
        let path = temp_file(&format!("{role}.json"), &stdout);
        assert_eq!(check_errors(&path), Vec::<Value>::new(), "{role}");
        let policy: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(policy["Version"], "2012-10-17");
    }
}

#[test]
fn an_output_over_the_quota_is_split_into_named_policies_each_under_it() {
    let (code, stdout, stderr) = iamscope(&[
        "minimize",
        "tests/fixtures/cloudformation/roles.yaml",
        "--role",
        "vendor-prod",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    let policies = out["policies"].as_array().unwrap();
    assert!(policies.len() > 2, "{}", policies.len());
    for (i, p) in policies.iter().enumerate() {
        assert_eq!(p["name"], format!("vendor-prod-minimal-{}", i + 1));
        assert!(p["characters"].as_u64().unwrap() <= 6144);
        let path = temp_file(&format!("vendor-prod-{i}.json"), &p["document"].to_string());
        assert_eq!(check_errors(&path), Vec::<Value>::new());
    }
}

#[test]
fn check_reports_a_policy_over_its_quota() {
    let actions: Vec<String> = (0..400)
        .map(|i| format!("\"s3:GetObject{i:04}\""))
        .collect();
    let path = temp_file(
        "too-large.json",
        &format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}]}}"#,
            actions.join(", ")
        ),
    );
    let (_, stdout, _) = iamscope(&["check", path.to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let found: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "policy-too-large")
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]["message"],
        "the policy is 7,683 characters without white space, over AWS's quota of 6,144 for a managed policy; `iamscope minimize` writes it smaller or splits it"
    );
    assert_eq!(found[0]["severity"], "error");
}

#[test]
fn api_operations_are_written_as_the_action_that_authorises_them() {
    let path = "tests/fixtures/minimize/api-operations.json";
    let (code, stdout, stderr) = iamscope(&["minimize", path]);
    assert_eq!(code, 0, "{stderr}");
    let policy: Value = serde_json::from_str(&stdout).unwrap();
    let bucket = [
        "arn:aws:s3:::vendor-exports",
        "arn:aws:s3:::vendor-exports/*",
    ];
    assert_eq!(
        policy,
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": bucket},
                {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}
            ]
        })
    );
    assert_eq!(
        stderr,
        r#"iamscope minimize: api-operations.json (identity policies: api-operations)
  statements 2 → 2, action patterns 5 → 3
  API operations, replaced by the action IAM authorises them with:
    api-operations statement 1 "ReadExports": s3:HeadBucket → s3:ListBucket
    api-operations statement 1 "ReadExports": s3:ListObjectsV2 → s3:ListBucket
    api-operations statement 1 "ReadExports": s3:HeadObject → s3:GetObject
  size 241 characters without white space; AWS's quota 6,144 for a managed policy
"#
    );
    // The input's three operations are unknown-action errors; the output has none.
    assert_eq!(check_errors(Path::new(path)).len(), 3);
    let output = temp_file("api-operations-minimized.json", &stdout);
    assert_eq!(check_errors(&output), Vec::<Value>::new());
}

/// The viewer's `y` test (src/tui/copy_tests.rs) copies this same file's text: what the
/// command prints for the same input and the same kept actions.
#[test]
fn keep_prints_what_the_viewer_copies() {
    let (code, stdout, stderr) = iamscope(&[
        "minimize",
        "tests/fixtures/copy/vendor-role.json",
        "--keep",
        "sqs:SendMessage",
        "--keep",
        "s3:GetObject",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let expected = std::fs::read_to_string("tests/fixtures/copy/vendor-role.keep.json").unwrap();
    assert_eq!(stdout, expected);
}

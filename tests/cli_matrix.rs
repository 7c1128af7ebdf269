//! `iamscope matrix` as users run it: what each sample grants, service by service, field by
//! field in JSON, and the text table.

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

fn matrix_json(args: &[&str]) -> Value {
    let mut all = vec!["matrix", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = iamscope(&all);
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// The service row of `service` in the only role.
fn service<'a>(report: &'a Value, service: &str) -> &'a Value {
    report["roles"][0]["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == service)
        .unwrap_or_else(|| panic!("no {service} row"))
}

fn granted(row: &Value) -> Vec<u64> {
    ["List", "Read", "Write", "Permissions management", "Tagging"]
        .iter()
        .map(|l| row["levels"][l]["granted"].as_u64().unwrap())
        .collect()
}

#[test]
fn identity_policy_with_conditions() {
    let r = matrix_json(&["sample-policies/identity-with-conditions.json"]);
    let role = &r["roles"][0];
    assert_eq!(role["name"], "identity-with-conditions.json");
    assert_eq!(role["kind"], "document");
    assert_eq!(role["basis"], "identity");
    assert_eq!(role["policies"], json!(["identity-with-conditions"]));
    let services: Vec<&str> = role["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["ec2", "s3"]);
    // ec2:TerminateInstances is denied only without MFA: a conditional deny takes nothing
    // away, and names a service the policy also grants, so nothing is "denied only".
    assert_eq!(role["denied_only"], json!([]));

    let ec2 = service(&r, "ec2");
    assert_eq!(ec2["name"], "Amazon EC2");
    assert_eq!(granted(ec2), [1, 0, 2, 0, 0]);
    assert_eq!(ec2["levels"]["List"]["total"], 224);
    assert_eq!(ec2["summary"], "Limited: List, Write");
    assert_eq!(
        ec2["resources"],
        json!([
            {"resource": "*", "not": false, "levels": ["List"]},
            {"resource": "arn:aws:ec2:us-east-1:111122223333:instance/*", "not": false, "levels": ["Write"]},
        ])
    );
    assert_eq!(
        ec2["conditions"],
        json!([
            {"operator": "IpAddress", "key": "aws:SourceIp", "values": ["203.0.113.0/24", "2001:db8::/32"]},
            {"operator": "StringEquals", "key": "aws:ResourceTag/Owner", "values": ["${aws:username}"]},
        ])
    );

    let s3 = service(&r, "s3");
    assert_eq!(granted(s3), [1, 1, 0, 0, 0]);
    assert_eq!(s3["summary"], "Limited: List, Read");
    assert_eq!(
        s3["resources"],
        json!([
            {"resource": "arn:aws:s3:::example-reports", "not": false, "levels": ["List"]},
            {"resource": "arn:aws:s3:::example-reports/*", "not": false, "levels": ["Read"]},
        ])
    );
    assert_eq!(
        s3["conditions"],
        json!([{"operator": "Bool", "key": "aws:SecureTransport", "values": ["true"]}])
    );
}

#[test]
fn bucket_policy_counts_as_a_resource_policy() {
    let r = matrix_json(&["sample-policies/s3-bucket-policy.json"]);
    assert_eq!(r["roles"][0]["basis"], "resource");
    let s3 = service(&r, "s3");
    assert_eq!(granted(s3), [0, 1, 1, 0, 0]);
    assert_eq!(s3["summary"], "Limited: Read, Write");
    assert_eq!(
        s3["resources"],
        json!([
            {"resource": "arn:aws:s3:::example-logs", "not": false, "levels": ["Read"]},
            {"resource": "arn:aws:s3:::example-logs/AWSLogs/111122223333/*", "not": false, "levels": ["Write"]},
        ])
    );
}

#[test]
fn trust_policies_and_scps_grant_nothing() {
    for sample in [
        "sample-policies/scp-region-guardrails.json",
        "sample-policies/trust-external-id.json",
    ] {
        let r = matrix_json(&[sample]);
        let role = &r["roles"][0];
        assert_eq!(role["basis"], Value::Null, "{sample}");
        assert_eq!(role["services"], json!([]), "{sample}");
        assert_eq!(role["policies"], json!([]), "{sample}");
    }
}

/// The integration role's policy from stackstate.md, as a file of its own.
fn assert_stackstate_integration_role(r: &Value) {
    let ec2 = service(r, "ec2");
    assert_eq!(
        ec2["levels"]["List"],
        json!({"granted": 7, "total": 224}),
        "DescribeInstances and the others are List in the catalog"
    );
    assert_eq!(granted(ec2), [7, 0, 0, 0, 0]);
    assert_eq!(ec2["summary"], "Limited: List");
    let s3 = service(r, "s3");
    assert_eq!(granted(s3), [2, 5, 1, 0, 0]);
    assert_eq!(
        s3["resources"],
        json!([
            {"resource": "*", "not": false, "levels": ["List", "Read"]},
            {"resource": "arn:aws:s3:::stackstate-logs-${AccountId}", "not": false, "levels": ["List"]},
            {"resource": "arn:aws:s3:::stackstate-logs-${AccountId}/*", "not": false, "levels": ["Read", "Write"]},
        ])
    );
}

#[test]
fn stackstate_integration_role_from_a_policy_file() {
    let r = matrix_json(&["tests/fixtures/stackstate-integration-role.json"]);
    assert_stackstate_integration_role(&r);
}

#[test]
fn stackstate_integration_role_by_name() {
    let r = matrix_json(&[
        "sample-policies/stackstate.md",
        "--role",
        "StackStateAwsIntegrationRole",
    ]);
    assert_eq!(r["roles"].as_array().unwrap().len(), 1);
    assert_stackstate_integration_role(&r);
}

#[test]
fn text_is_a_table_per_role_within_80_columns() {
    let (code, stdout, _) = iamscope(&["matrix", "sample-policies/identity-with-conditions.json"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[..9],
        [
            "identity-with-conditions.json (document)",
            "  in sample-policies/identity-with-conditions.json",
            "  from identity policy: identity-with-conditions",
            "  Service  List      Read     Write     Perm mgmt  Tagging",
            "  ec2      1 of 224  None     2 of 517  None       None",
            "      All resources: List",
            "      arn:aws:ec2:us-east-1:111122223333:instance/*: Write",
            "      if IpAddress aws:SourceIp = 203.0.113.0/24, 2001:db8::/32",
            "      if StringEquals aws:ResourceTag/Owner = ${aws:username}",
        ]
    );
    let (_, stdout, _) = iamscope(&["matrix", "tests/fixtures/stackstate-integration-role.json"]);
    // Only ARNs and paths, which cannot be cut, may be longer.
    for line in stdout
        .lines()
        .filter(|l| !l.contains("arn:") && !l.starts_with("  in "))
    {
        assert!(line.chars().count() <= 80, "{line}");
    }
}

#[test]
fn an_unknown_role_is_bad_usage() {
    let (code, _, stderr) = iamscope(&[
        "matrix",
        "sample-policies/identity-with-conditions.json",
        "--role",
        "Nobody",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("iamscope: no role named `Nobody` in the input; the roles there are: identity-with-conditions.json"),
        "{stderr}"
    );
}

/// `--service` drills into one service: each granted action with its access level, the
/// statement that grants it, the resources it applies on and the conditions that gate it.
#[test]
fn service_drill_down_names_statements_resources_and_conditions() {
    let (code, stdout, stderr) = iamscope(&[
        "matrix",
        "sample-policies/identity-with-conditions.json",
        "--service",
        "S3",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "identity-with-conditions.json (document)
  in sample-policies/identity-with-conditions.json
  s3: 2 actions granted
  s3:GetObject   Read
      by \"identity-with-conditions\" statement 1 ReadReportsOverTls (4:5) on arn:aws:s3:::example-reports/*
        if Bool aws:SecureTransport = true
  s3:ListBucket  List
      by \"identity-with-conditions\" statement 1 ReadReportsOverTls (4:5) on arn:aws:s3:::example-reports
        if Bool aws:SecureTransport = true
"
    );
    let report = matrix_json(&["sample-policies/stackstate.md", "--service", "s3"]);
    let role = &report["roles"][0];
    assert_eq!(role["service"], "s3");
    let get = role["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "s3:GetObject")
        .unwrap();
    assert_eq!(get["access_level"], "Read");
    assert_eq!(get["statements"][0]["sid"], "EventsS3Access");
    assert_eq!(get["statements"][0]["statement"], 3);
    let (code, _, stderr) = iamscope(&[
        "matrix",
        "sample-policies/stackstate.md",
        "--service",
        "nosuch",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no service `nosuch`"), "{stderr}");
}

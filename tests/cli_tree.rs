//! `iamscope tree` as users run it: the binary, its exit codes, its JSON field by field and
//! its text outline.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn iamscope(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iamscope");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

fn tree_json(args: &[&str]) -> Value {
    let mut all = vec!["tree", "--format", "json"];
    all.extend_from_slice(args);
    let run = iamscope(&all, None);
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("tree prints JSON")
}

fn statements(source: &Value) -> Vec<&Value> {
    source["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["policies"].as_array().unwrap())
        .flat_map(|p| p["statements"].as_array().unwrap())
        .collect()
}

fn codes(source: &Value) -> Vec<(String, u64, u64)> {
    source["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn identity_policy_with_conditions_field_by_field() {
    let out = tree_json(&["sample-policies/identity-with-conditions.json"]);
    let source = &out["sources"][0];
    assert_eq!(
        source["path"],
        "sample-policies/identity-with-conditions.json"
    );
    assert_eq!(source["format"], "json");
    assert_eq!(source["diagnostics"], json!([]));
    assert_eq!(source["placeholders"], json!([]));
    let role = &source["roles"][0];
    assert_eq!(role["name"], "identity-with-conditions.json");
    assert_eq!(role["kind"], "document");
    let policy = &role["policies"][0];
    assert_eq!(policy["name"], "identity-with-conditions");
    assert_eq!(policy["kind"], "identity");
    assert_eq!(policy["managed"], Value::Null);
    assert_eq!(policy["statements"].as_array().unwrap().len(), 4);
    let s = &policy["statements"][0];
    assert_eq!(s["sid"], "ReadReportsOverTls");
    assert_eq!(s["effect"], "Allow");
    assert_eq!(s["action"], json!(["s3:GetObject", "s3:ListBucket"]));
    assert_eq!(s["not_action"], json!([]));
    assert_eq!(
        s["resource"],
        json!([
            "arn:aws:s3:::example-reports",
            "arn:aws:s3:::example-reports/*"
        ])
    );
    assert_eq!(s["not_resource"], json!([]));
    assert_eq!(s["principal"], Value::Null);
    assert_eq!(s["not_principal"], Value::Null);
    assert_eq!(
        s["condition"],
        json!({"Bool": {"aws:SecureTransport": ["true"]}})
    );
    assert_eq!(s["note"], Value::Null);
    assert_eq!(
        (s["line"].as_u64(), s["column"].as_u64()),
        (Some(4), Some(5))
    );
    let s = &policy["statements"][2];
    assert_eq!(
        s["action"],
        json!(["ec2:DescribeInstances"]),
        "one string becomes a list"
    );
    assert_eq!(
        s["condition"],
        json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}})
    );
    assert_eq!(policy["statements"][3]["effect"], "Deny");
}

#[test]
fn policy_kinds_of_the_json_samples() {
    let kind =
        |path: &str| tree_json(&[path])["sources"][0]["roles"][0]["policies"][0]["kind"].clone();
    assert_eq!(kind("sample-policies/trust-external-id.json"), "trust");
    assert_eq!(kind("sample-policies/s3-bucket-policy.json"), "resource");
    assert_eq!(kind("sample-policies/scp-region-guardrails.json"), "scp");
    let out = tree_json(&["sample-policies/s3-bucket-policy.json"]);
    let s = &out["sources"][0]["roles"][0]["policies"][0]["statements"];
    assert_eq!(
        s[0]["principal"],
        json!({"Service": ["cloudtrail.amazonaws.com"]})
    );
    assert_eq!(s[2]["principal"], "*");
    let out = tree_json(&["sample-policies/scp-region-guardrails.json"]);
    let s = &out["sources"][0]["roles"][0]["policies"][0]["statements"][0];
    assert_eq!(s["action"], json!([]));
    assert_eq!(s["not_action"].as_array().unwrap().len(), 6);
}

#[test]
fn dstack_one_policy_of_twelve_statements_with_an_unknown_element() {
    let out = tree_json(&["sample-policies/dstack.md"]);
    let source = &out["sources"][0];
    assert_eq!(source["format"], "markdown");
    let policies: Vec<&Value> = source["roles"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["policies"].as_array().unwrap())
        .collect();
    assert_eq!(policies.len(), 1);
    assert_eq!(policies[0]["name"], "AWS permissions");
    assert_eq!(policies[0]["kind"], "identity");
    let s = statements(source);
    assert_eq!(s.len(), 12);
    assert_eq!(s[0]["action"], json!(["*"]));
    assert_eq!(s[0]["resource"], json!([]));
    assert_eq!(
        s[0]["unknown"],
        json!({"Resources": ["s3://{bucket_name}", "s3://{bucket_name}*"]})
    );
    assert_eq!(
        (s[0]["line"].as_u64(), s[0]["column"].as_u64()),
        (Some(12), Some(5))
    );
    assert_eq!(
        s[8]["action"],
        json!(["ec2:CancelSpotRequests", "ec2:TerminateInstances"])
    );
    assert_eq!(
        s[8]["condition"],
        json!({"StringEquals": {"aws:ResourceTag/dstack_bucket": ["{bucket_name}"]}})
    );
    assert_eq!(codes(source), [("unknown-element".to_string(), 15, 7)]);
    let message = source["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("`Resources`"), "{message}");
    let placeholders = source["placeholders"].as_array().unwrap();
    assert_eq!(placeholders.len(), 1);
    assert_eq!(placeholders[0]["name"], "bucket_name");
    assert_eq!(placeholders[0]["syntax"], json!(["{bucket_name}"]));
    assert_eq!(placeholders[0]["value"], Value::Null);
}

#[test]
fn stackstate_every_fenced_policy_loads_and_the_event_pattern_is_not_a_policy() {
    let out = tree_json(&["sample-policies/stackstate.md"]);
    let source = &out["sources"][0];
    assert_eq!(statements(source).len(), 31);
    let not_policy: Vec<&Value> = source["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "not-a-policy")
        .collect();
    assert_eq!(not_policy.len(), 1);
    assert_eq!(
        (
            not_policy[0]["line"].as_u64(),
            not_policy[0]["column"].as_u64()
        ),
        (Some(409), Some(1))
    );
    assert!(
        not_policy[0]["message"]
            .as_str()
            .unwrap()
            .contains("EventBridge event pattern")
    );
    let names: Vec<&str> = source["placeholders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["AccountId", "ExternalId", "Region"]);
    let kms = statements(source)
        .into_iter()
        .find(|s| s["sid"] == "AllowKeyAdministration")
        .expect("the KMS key policy is loaded");
    assert_eq!(
        kms["principal"],
        json!({"AWS": ["arn:aws:iam::${AccountId}:root"]})
    );
}

#[test]
fn upsolver_malformed_policy_is_repaired_and_reported() {
    let out = tree_json(&["sample-policies/upsolver.md"]);
    let source = &out["sources"][0];
    let repairs: Vec<_> = codes(source)
        .into_iter()
        .filter(|(code, _, _)| code == "malformed-json")
        .collect();
    assert_eq!(repairs, [("malformed-json".to_string(), 69, 5)]);
    let s = statements(source);
    let first = s
        .iter()
        .find(|s| s["line"] == 69)
        .expect("recovered statement");
    assert_eq!(first["effect"], "Allow");
    assert_eq!(first["action"].as_array().unwrap().len(), 25);
}

#[test]
fn vars_fill_placeholders_everywhere() {
    let out = tree_json(&[
        "sample-policies/stackstate.md",
        "--var",
        "AccountId=111122223333",
        "--var",
        "Region=eu-west-1",
    ]);
    let source = &out["sources"][0];
    let text = source["roles"].to_string();
    assert!(!text.contains("${AccountId}") && !text.contains("${Region}"));
    assert!(text.contains("arn:aws:s3:::stackstate-logs-111122223333/*"));
    assert!(text.contains("${ExternalId}"), "unfilled placeholders stay");
    let filled: Vec<(&str, &Value)> = source["placeholders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), &p["value"]))
        .collect();
    assert_eq!(
        filled,
        [
            ("AccountId", &json!("111122223333")),
            ("ExternalId", &Value::Null),
            ("Region", &json!("eu-west-1")),
        ]
    );
}

#[test]
fn unknown_var_is_a_warning() {
    let run = iamscope(
        &["tree", "sample-policies/dstack.md", "--var", "bucket=x"],
        None,
    );
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stderr,
        "iamscope: warning: --var bucket: no placeholder of that name in the input\n"
    );
}

#[test]
fn standard_input_and_directories() {
    let run = iamscope(
        &["tree", "-"],
        Some(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}"#,
        ),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "-  json\n\
         └─ policy  identity, 1 statement  1:1\n\
         \x20  └─ #1  Allow  1:37\n\
         \x20     ├─ Action  1:64\n\
         \x20     │  └─ s3:ListAllMyBuckets  List\n\
         \x20     └─ Resource  1:97\n\
         \x20        └─ *\n"
    );
    let out = tree_json(&["sample-policies"]);
    let paths: Vec<&str> = out["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "sample-policies/dstack.md",
            "sample-policies/epsio.md",
            "sample-policies/identity-with-conditions.json",
            "sample-policies/ownstak.txt",
            "sample-policies/s3-bucket-policy.json",
            "sample-policies/scp-region-guardrails.json",
            "sample-policies/stackstate.md",
            "sample-policies/trust-external-id.json",
            "sample-policies/upsolver.md",
        ]
    );
}

#[test]
fn unreadable_path_exits_2_and_the_rest_is_still_shown() {
    let run = iamscope(
        &[
            "tree",
            "no/such/file.json",
            "sample-policies/trust-external-id.json",
        ],
        None,
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("iamscope: no/such/file.json: "),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("trust-external-id  trust, 1 statement"));
}

#[test]
fn control_characters_from_input_are_shown_escaped() {
    let run = iamscope(
        &["tree", "-"],
        Some(
            "{\"Statement\":[{\"Sid\":\"x\\u001b[2Jy\",\"Effect\":\"Allow\",\"Action\":\"a:b\\u0007\",\"Resource\":\"*\"}]}",
        ),
    );
    assert_eq!(run.code, 0);
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{7}'));
    assert!(
        run.stdout.contains("#1 x\\x1b[2Jy  Allow"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("a:b\\x07  unknown action"));
}

#[test]
fn bad_usage_exits_2() {
    // On a sample that loads, so exit 2 comes from the flag alone.
    let sample = "sample-policies/dstack.md";
    assert_eq!(iamscope(&["tree", sample], None).code, 0);
    let cases: [(&[&str], &str); 3] = [
        (
            &["tree"],
            "error: the following required arguments were not provided:\n  <PATH>...\n",
        ),
        (
            &["tree", sample, "--var", "novalue"],
            "error: invalid value 'novalue' for '--var <NAME=VALUE>': expected NAME=VALUE, got `novalue`\n",
        ),
        (
            &["tree", sample, "--format", "xml"],
            "error: invalid value 'xml' for '--format <FORMAT>'\n  [possible values: text, json]\n",
        ),
    ];
    for (args, message) in cases {
        let run = iamscope(args, None);
        assert_eq!(run.code, 2, "{args:?}");
        assert_eq!(run.stdout, "", "{args:?}");
        assert!(run.stderr.starts_with(message), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn a_reader_closing_early_is_not_an_error() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        // Larger than a pipe's buffer, so the writer meets the closed pipe.
        .args([
            "tree",
            "--format",
            "json",
            "sample-policies",
            "sample-policies",
            "sample-policies",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn json_output_escapes_what_a_terminal_would_act_on() {
    let policy = "{\"Statement\":[{\"Sid\":\"A\\u009b31mB\\u202eC\\u007fD\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
    let run = iamscope(&["tree", "--format", "json", "-"], Some(policy));
    assert_eq!(run.code, 0);
    assert!(
        !run.stdout.contains(['\u{9b}', '\u{202e}', '\u{7f}']),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(r#""sid": "A\u009b31mB\u202eC\u007fD""#),
        "{}",
        run.stdout
    );
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        json["sources"][0]["roles"][0]["policies"][0]["statements"][0]["sid"],
        "A\u{9b}31mB\u{202e}C\u{7f}D"
    );
}

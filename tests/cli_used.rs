//! Least privilege from CloudTrail (`--used EVENTS`) as users run it, on fixtures of events
//! written for the project (tests/fixtures/cloudtrail): a few days of a vendor role's
//! sessions (management events as delivered, S3 data events gzipped, lookup-events output),
//! an IAM user's lookup-events, and malformed or oversized input. The exact policies and
//! reports are asserted; the vendor's minimized policy is one `iamscope check` finds no
//! error in.

use std::io::Write;
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

const STACKSTATE: [&str; 8] = [
    "minimize",
    "sample-policies/stackstate.md",
    "--role",
    "StackStateAwsIntegrationRole",
    "--var",
    "AccountId=111122223333",
    "--used",
    "tests/fixtures/cloudtrail/stackstate",
];

const DEPLOYER: [&str; 4] = [
    "minimize",
    "tests/fixtures/cloudtrail/deployer-policy.json",
    "--used",
    "tests/fixtures/cloudtrail/iam-user-lookup-events.json",
];

fn temp_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-used-{name}"))
}

fn temp_file(name: &str, bytes: &[u8]) -> String {
    let path = temp_path(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

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
fn a_vendor_role_keeps_what_its_sessions_called_over_three_days() {
    let (code, stdout, stderr) = iamscope(&STACKSTATE);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!("stackstate_policy", stdout);
    insta::assert_snapshot!("stackstate_report", stderr);
}

#[test]
fn the_vendor_policy_from_events_is_one_check_finds_no_error_in() {
    let (code, stdout, stderr) = iamscope(&STACKSTATE);
    assert_eq!(code, 0, "{stderr}");
    let path = temp_path("stackstate.json");
    std::fs::write(&path, &stdout).unwrap();
    assert_eq!(check_errors(&path), Vec::<Value>::new());
}

#[test]
fn an_iam_users_calls_narrow_a_policy_to_the_tables_and_queues_it_used() {
    let (code, stdout, stderr) = iamscope(&DEPLOYER);
    assert_eq!(code, 0, "{stderr}");
    let policy: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        policy,
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:DescribeTable",
                    "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/*"
                },
                {
                    "Effect": "Allow",
                    "Action": "dynamodb:GetItem",
                    "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
                },
                {
                    "Effect": "Allow",
                    "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:eu-west-1:111122223333:jobs"
                },
                {
                    "Effect": "Deny",
                    "Action": ["dynamodb:DescribeTable", "dynamodb:GetItem"],
                    "Resource": "arn:aws:dynamodb:*:*:table/prod-*"
                }
            ]
        })
    );
    assert_eq!(
        stderr,
        "\
iamscope minimize --used: 5 events read from 1 file; not counted: 1 AwsConsoleSignIn (not an API call)
iamscope minimize: deployer-policy.json (identity policies: deployer-policy)
  statements 3 → 4, action patterns 6 → 5
  used: 4 events of arn:aws:iam::111122223333:user/deployer, 2024-06-10T08:00:00Z to 2024-06-10T08:00:03Z
  granted 24 actions, used 3
    dynamodb  Read 2/3, Write 0/1 (used/granted)
    sqs       Read 0/7, Write 1/8, Permissions management 0/3, Tagging 0/2 (used/granted)
  unused grants (take them back):
    dynamodb:PutItem
    dynamodb:Query
  partly used grants:
    sqs:* (1 of 20 used)
  narrowed to the resources used:
    dynamodb:GetItem: arn:aws:dynamodb:eu-west-1:111122223333:table/orders (input: arn:aws:dynamodb:eu-west-1:111122223333:table/*)
    sqs:SendMessage: arn:aws:sqs:eu-west-1:111122223333:jobs (input: arn:aws:sqs:eu-west-1:111122223333:*)
  denied (tried, not granted):
    iam:DeleteRole (AccessDenied) × 1
  size 484 characters without white space; AWS's quota 6,144 for a managed policy
"
    );
}

#[test]
fn json_holds_the_policy_the_report_and_what_was_read() {
    let mut args = DEPLOYER.to_vec();
    args.extend(["--format", "json"]);
    let (code, stdout, stderr) = iamscope(&args);
    assert_eq!(code, 0, "{stderr}");
    let out: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        out["policies"][0]["document"]["Statement"][2]["Action"],
        "sqs:SendMessage"
    );
    let used = &out["reports"][0]["used"];
    assert_eq!(
        (
            used["granted"].clone(),
            used["used"].clone(),
            used["events"].clone()
        ),
        (json!(24), json!(3), json!(4))
    );
    assert_eq!(
        used["principals"],
        json!(["arn:aws:iam::111122223333:user/deployer"])
    );
    assert_eq!(used["first"], "2024-06-10T08:00:00Z");
    assert_eq!(used["last"], "2024-06-10T08:00:03Z");
    assert_eq!(
        used["unused"],
        json!(["dynamodb:PutItem", "dynamodb:Query"])
    );
    assert_eq!(used["denied"], json!(["iam:DeleteRole (AccessDenied) × 1"]));
    assert_eq!(
        used["services"][0],
        json!({"service": "dynamodb", "levels": [
            {"level": "Read", "granted": 3, "used": 2},
            {"level": "Write", "granted": 1, "used": 0}
        ]})
    );
    assert_eq!(
        out["events"],
        json!({
            "files": 1,
            "records": 5,
            "problems": [],
            "callers": ["arn:aws:iam::111122223333:user/deployer"],
            "not_calls": {"AwsConsoleSignIn": 1},
            "without_principal": 0,
            "unreadable": 0,
            "other_principals": 0
        })
    );
}

#[test]
fn events_of_no_holder_of_the_input_are_a_usage_error_naming_the_callers() {
    let (code, stdout, stderr) = iamscope(&[
        "minimize",
        "sample-policies/stackstate.md",
        "--role",
        "StackStateAwsIntegrationRole",
        "--used",
        "tests/fixtures/cloudtrail/iam-user-lookup-events.json",
    ]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "\
iamscope minimize --used: 5 events read from 1 file; not counted: 1 AwsConsoleSignIn (not an API call)
iamscope: --used: no event is StackStateAwsIntegrationRole's; the events' callers are arn:aws:iam::111122223333:user/deployer
"
    );
}

/// The deployer's events as a log file CloudTrail delivers, with `tail` after the records.
fn delivered(tail: &str) -> String {
    let text =
        std::fs::read_to_string("tests/fixtures/cloudtrail/iam-user-lookup-events.json").unwrap();
    let lookup: Value = serde_json::from_str(&text).unwrap();
    let records: Vec<String> = lookup["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["CloudTrailEvent"].as_str().unwrap().to_string())
        .collect();
    format!("{{\"Records\":[{}{tail}", records.join(","))
}

#[test]
fn a_truncated_file_keeps_the_records_before_the_break_and_exits_2() {
    let path = temp_file(
        "truncated.json",
        delivered(",{\"eventVersion\":").as_bytes(),
    );
    let (code, stdout, stderr) = iamscope(&[DEPLOYER[0], DEPLOYER[1], "--used", &path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.contains("sqs:SendMessage"), "{stdout}");
    assert!(
        stderr.starts_with(&format!(
            "iamscope minimize --used: 5 events read from 1 file; not counted: 1 AwsConsoleSignIn (not an API call)\niamscope: {path}: not CloudTrail JSON after 5 records: EOF while parsing a value at line 1 column "
        )),
        "{stderr}"
    );
}

#[test]
fn a_record_of_100_mb_is_refused_without_reading_it_whole() {
    let path = temp_path("huge.json");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(delivered(",{\"requestParameters\":\"").as_bytes())
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..100 {
        file.write_all(&chunk).unwrap();
    }
    file.write_all(b"\"}]}").unwrap();
    drop(file);
    let path = path.to_string_lossy().into_owned();
    let (code, stdout, stderr) = iamscope(&[DEPLOYER[0], DEPLOYER[1], "--used", &path]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.contains("sqs:SendMessage"), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "iamscope: {path}: record 6 is over 4 MiB (CloudTrail's records are at most 256 KB); the rest of the file was not read\n"
        )),
        "{stderr}"
    );
    let _ = std::fs::remove_file(&path);
}

#[test]
fn a_file_that_holds_no_events_is_said_so() {
    let path = temp_file(
        "policy.json",
        br#"{"Version": "2012-10-17", "Statement": []}"#,
    );
    let (code, stdout, stderr) = iamscope(&[DEPLOYER[0], DEPLOYER[1], "--used", &path]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "iamscope minimize --used: 0 events read from 1 file\niamscope: {path}: no CloudTrail records here: expected {{\"Records\": [...]}} as CloudTrail delivers them, {{\"Events\": [...]}} from lookup-events, or an array of events\niamscope: --used: no CloudTrail event was read\n"
        )
    );
}

#[test]
fn a_directory_without_event_files_says_what_it_skipped() {
    let dir = temp_path("empty-dir");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "x").unwrap();
    let dir = dir.to_string_lossy().into_owned();
    let (code, _, stderr) = iamscope(&[DEPLOYER[0], DEPLOYER[1], "--used", &dir]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!(
            "iamscope: {dir}: no file iamscope reads here (skipped 1 file with other extensions: .txt); a directory walk reads files ending in .json, .gz;"
        )),
        "{stderr}"
    );
}

#[test]
fn review_adds_what_each_holder_used_and_was_denied() {
    let input = temp_path("review-stackstate.md");
    std::fs::copy("sample-policies/stackstate.md", &input).unwrap();
    let input = input.to_string_lossy().into_owned();
    let review_file = format!("{input}.review.json");
    let _ = std::fs::remove_file(&review_file);
    let args = [
        "review",
        &input,
        "--var",
        "AccountId=111122223333",
        "--used",
        "tests/fixtures/cloudtrail/stackstate",
        "--fail-on",
        "never",
    ];
    let (code, stdout, stderr) = iamscope(&args);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let used = &stdout[stdout.find("\nUsed ").expect("a Used section")..];
    insta::assert_snapshot!("review_used", used);
    let export = temp_path("review-stackstate.review.md");
    let export = export.to_string_lossy().into_owned();
    let (code, _, stderr) = iamscope(&[args.as_slice(), &["--export", &export]].concat());
    assert_eq!(code, 0, "{stderr}");
    let markdown = std::fs::read_to_string(&export).unwrap();
    assert!(
        markdown.contains(
            "## Used (CloudTrail)\n\n**StackStateAwsIntegrationRole**: granted 76 actions, used 11; 18 events from 2024-05-01T00:00:05Z to 2024-05-03T23:59:30Z.\n\n- Unused grants (take them back) (65)\n  - apigateway:GET\n"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "- Denied (tried, not granted) (2)\n  - ec2:DescribeVolumes (Client.UnauthorizedOperation) × 1\n  - s3:PutObject (AccessDenied) × 1\n"
        ),
        "{markdown}"
    );
}

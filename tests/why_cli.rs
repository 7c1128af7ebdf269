//! `iamscope why` as users run it: on the bundled samples, on scenario files, and with bad
//! input. Each test checks the exit code, the decision and the deciding statement.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The JSON of a run that exited with `code` and decided `decision`.
    fn decided(&self, code: i32, decision: &str) -> Value {
        assert_eq!(self.code, code, "{}{}", self.stdout, self.stderr);
        let json = self.json();
        assert_eq!(json["decision"], decision);
        json
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }
}

fn iamscope(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("iamscope runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The deciding statements of a `why` JSON as `role/policy #index Sid`.
fn deciding(json: &Value) -> Vec<String> {
    json["deciding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}/{} #{} {}",
                d["role"].as_str().unwrap_or("-"),
                d["policy"].as_str().unwrap(),
                d["statement"],
                d["sid"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

/// The statement of a `why` JSON whose Sid is `sid`.
fn statement_by_sid<'a>(json: &'a Value, sid: &str) -> &'a Value {
    json["policies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["statements"].as_array().unwrap())
        .find(|s| s["sid"] == sid)
        .unwrap_or_else(|| panic!("no statement {sid}"))
}

/// `why --scenario FILE --format json`.
fn scenario_json(file: &str) -> Run {
    iamscope(&["why", "--scenario", file, "--format", "json"])
}

const STACKSTATE: &str = "sample-policies/stackstate.md";
const LOGS_OBJECT: &str = "arn:aws:s3:::stackstate-logs-111122223333/x";

fn stackstate_role(extra: &[&str]) -> Run {
    let mut args = vec![
        "why",
        STACKSTATE,
        "--role",
        "StackStateAwsIntegrationRole",
        "--var",
        "AccountId=111122223333",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    iamscope(&args)
}

#[test]
fn stackstate_integration_role_reads_its_logs_bucket_only() {
    let run = stackstate_role(&["--action", "s3:GetObject", "--resource", LOGS_OBJECT]);
    let json = run.decided(0, "Allowed");
    assert_eq!(
        deciding(&json),
        ["StackStateAwsIntegrationRole/IAM Policy Document #3 EventsS3Access"]
    );

    let run = stackstate_role(&[
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::other-bucket/x",
    ]);
    let json = run.decided(1, "ImplicitDeny");
    assert_eq!(deciding(&json), Vec::<String>::new());
    let events = statement_by_sid(&json, "EventsS3Access");
    assert_eq!(events["applies"], false);
    assert_eq!(events["action"]["matched"], true);
    assert_eq!(events["resource"]["matched"], false);
}

#[test]
fn stackstate_trust_policy_needs_the_external_id() {
    let assume = |external_id: &str| {
        let context = format!("sts:ExternalId={external_id}");
        stackstate_role(&[
            "--var",
            "ExternalId=abc",
            "--action",
            "sts:AssumeRole",
            "--principal",
            "arn:aws:iam::111122223333:root",
            "--context",
            &context,
        ])
    };
    let run = assume("abc");
    let json = run.decided(0, "Allowed");
    assert_eq!(
        deciding(&json),
        ["StackStateAwsIntegrationRole/Trust Relationship #1 -"]
    );

    let run = assume("wrong");
    let json = run.decided(1, "ImplicitDeny");
    let trust = &json["policies"][0]["statements"][0];
    assert_eq!(trust["principal"]["matched"], true);
    let clause = &trust["condition"]["clauses"][0];
    assert_eq!(clause["operator"], "StringEquals");
    assert_eq!(clause["key"], "sts:ExternalId");
    assert_eq!(clause["request_values"], serde_json::json!(["wrong"]));
    assert_eq!(clause["policy_values"], serde_json::json!(["abc"]));
    assert_eq!(clause["matched"], false);
}

#[test]
fn stackstate_scenario_reads_its_logs_bucket_only() {
    let run = scenario_json("tests/scenarios/stackstate-logs-bucket.json");
    let json = run.decided(0, "Allowed");
    assert_eq!(deciding(&json), ["-/IAM Policy Document #2 EventsS3Access"]);

    let run = scenario_json("tests/scenarios/stackstate-other-bucket.json");
    let json = run.decided(1, "ImplicitDeny");
    assert_eq!(json["denied_by"]["kind"], "identity");
    let events = statement_by_sid(&json, "EventsS3Access");
    assert_eq!(events["resource"]["matched"], false);
    assert_eq!(
        events["reason"],
        "resource: `arn:aws:s3:::other-bucket/x` matches none of \
         `arn:aws:s3:::stackstate-logs-111122223333`, `arn:aws:s3:::stackstate-logs-111122223333/*`"
    );
}

#[test]
fn stackstate_scenario_trust_needs_the_external_id() {
    let run = iamscope(&[
        "why",
        "--scenario",
        "tests/scenarios/stackstate-trust-external-id.json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = run.stdout.lines().next().unwrap();
    assert!(first.starts_with("Allowed: "), "{first}");
    assert!(run.stdout.contains(
        "Deciding statements:\n  trust policy \"Trust Relationship\", statement 1 (Allow, 15:9)"
    ));

    let run = iamscope(&[
        "why",
        "--scenario",
        "tests/scenarios/stackstate-trust-wrong-external-id.json",
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with(
        "ImplicitDeny: a role's trust policy must allow the caller, and none of its statements does\n"
    ));
    assert!(
        run.stdout.contains(
            "      condition StringEquals sts:ExternalId: request \"wrong\" | policy \"abc\" → false: \
             no request value matches a policy value"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_role_lists_the_roles_there_are() {
    let run = iamscope(&[
        "why",
        "sample-policies/identity-with-conditions.json",
        "--role",
        "Admin",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "iamscope: no role named `Admin` in the input; the roles there are: \
         identity-with-conditions.json (document, sample-policies/identity-with-conditions.json)\n"
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn a_scenario_with_broken_json_reports_file_line_and_column() {
    let path: PathBuf =
        std::env::temp_dir().join(format!("iamscope-broken-{}.json", std::process::id()));
    std::fs::write(
        &path,
        "{\n  \"request\": {\"action\": \"s3:GetObject\"\n  \"identity_policies\": []\n}\n",
    )
    .unwrap();
    let shown = path.to_string_lossy().into_owned();
    let run = iamscope(&["why", "--scenario", &shown]);
    std::fs::remove_file(&path).ok();
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!("iamscope: {shown}:2:39: invalid JSON: missing `,` between members\n")
    );
}

#[test]
fn context_values_are_checked_against_the_key_type() {
    let run = iamscope(&[
        "why",
        "sample-policies/identity-with-conditions.json",
        "--action",
        "ec2:DescribeInstances",
        "--context",
        "aws:SourceIp=not-an-ip",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "iamscope: --context: context key \"aws:SourceIp\" holds IPAddress values: `not-an-ip` is not an IP address\n"
    );
}

#[test]
fn repeated_context_keys_hold_several_values_and_ip_ranges_decide() {
    let run = iamscope(&[
        "why",
        "sample-policies/identity-with-conditions.json",
        "--action",
        "ec2:DescribeInstances",
        "--context",
        "aws:SourceIp=2001:db8::7",
        "--format",
        "json",
    ]);
    let json = run.decided(0, "Allowed");
    assert_eq!(
        deciding(&json),
        ["identity-with-conditions.json/identity-with-conditions #3 DescribeFromOfficeNetwork"]
    );

    let run = iamscope(&[
        "why",
        "sample-policies/identity-with-conditions.json",
        "--action",
        "ec2:TerminateInstances",
        "--format",
        "json",
    ]);
    let json = run.decided(1, "ExplicitDeny");
    assert_eq!(
        deciding(&json),
        ["identity-with-conditions.json/identity-with-conditions #4 DenyTerminateWithoutMfa"]
    );
}

#[test]
fn several_roles_without_role_is_bad_usage() {
    let run = iamscope(&[
        "why",
        "sample-policies/identity-with-conditions.json",
        "sample-policies/dstack.md",
        "--action",
        "s3:GetObject",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("iamscope: the input holds several roles; choose one with --role: "),
        "{}",
        run.stderr
    );
}

#[test]
fn statements_from_a_documentation_table_cover_any_resource() {
    let run = iamscope(&[
        "why",
        "sample-policies/epsio.md",
        "--action",
        "ec2:TerminateInstances",
        "--resource",
        "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
        "--format",
        "json",
    ]);
    let json = run.decided(0, "Allowed");
    assert_eq!(
        deciding(&json),
        ["epsio.md/Permissions #2 Instance Management"]
    );
    assert!(run.stdout.contains(
        "the documentation this statement comes from names no resources; read as any resource"
    ));
}

const USERS_AND_TRUST: &str = "tests/fixtures/why/users-and-trust.json";

/// What `why` and `matrix` say of TestUser1's group that the dump lacks.
const MISSING_GROUP: &str =
    "group `Auditors` of `TestUser1` is not in the input; its policies are not counted";

/// `why` on the dump: can `holder` read a report?
fn reads_reports(holder: &str) -> Value {
    let run = users_and_trust(&[
        "--role",
        holder,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::reports/q1.csv",
    ]);
    let json = run.decided(0, "Allowed");
    assert_eq!(deciding(&json), ["Readers/read-reports #1 Reports"]);
    json
}

fn users_and_trust(extra: &[&str]) -> Run {
    let mut args = vec!["why", USERS_AND_TRUST, "--format", "json"];
    args.extend_from_slice(extra);
    iamscope(&args)
}

#[test]
fn a_user_of_an_account_dump_is_judged_as_a_user() {
    let run = users_and_trust(&[
        "--role",
        "TestUser1",
        "--action",
        "iam:CreateAccessKey",
        "--resource",
        "arn:aws:iam::111122223333:user/TestUser1",
    ]);
    let json = run.decided(0, "Allowed");
    assert_eq!(deciding(&json), ["TestUser1/own-keys #1 OwnKeys"]);
    let request = &json["request"];
    assert_eq!(
        request["principal"],
        "arn:aws:iam::111122223333:user/TestUser1"
    );
    assert_eq!(request["principal_type"], "User");
    let derived = &request["derived_context"];
    assert_eq!(derived["aws:PrincipalType"], serde_json::json!(["User"]));
    assert_eq!(derived["aws:username"], serde_json::json!(["TestUser1"]));
    assert_eq!(
        derived["aws:PrincipalArn"],
        serde_json::json!(["arn:aws:iam::111122223333:user/TestUser1"])
    );
    // Its group's policy counts; the group the dump lacks is named.
    let json = reads_reports("TestUser1");
    assert_eq!(json["notes"], serde_json::json!([MISSING_GROUP]));
}

#[test]
fn matrix_names_the_missing_group_as_why_does() {
    let run = iamscope(&[
        "matrix",
        USERS_AND_TRUST,
        "--role",
        "TestUser1",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.json()["roles"][0]["notes"],
        serde_json::json!([MISSING_GROUP])
    );
}

#[test]
fn a_group_is_judged_for_a_user_in_it() {
    let json = reads_reports("Readers");
    assert_eq!(
        json["request"]["principal"],
        "a user in group Readers (account 111122223333)"
    );
    assert_eq!(json["request"]["principal_type"], "User");
}

#[test]
fn can_the_vendor_assume_our_role_is_asked_of_the_trust_policy() {
    let assume = |external_id: &str| {
        let context = format!("sts:ExternalId={external_id}");
        users_and_trust(&[
            "--action",
            "sts:AssumeRole",
            "--principal",
            "arn:aws:iam::999988887777:role/vendor",
            "--context",
            &context,
        ])
    };
    let json = assume("vendor-123").decided(1, "ImplicitDeny");
    assert_eq!(
        json["reason"],
        "the trust policy allows it; the caller's own account must also allow it (its policies are not in these inputs)"
    );
    assert_eq!(
        json["request"]["resource"],
        "arn:aws:iam::111122223333:role/VendorAccess"
    );
    assert_eq!(json["request"]["resource_account"], "111122223333");
    assert_eq!(json["request"]["cross_account"], true);
    assert_eq!(statement_by_sid(&json, "Vendor")["applies"], true);
    let json = assume("wrong").decided(1, "ImplicitDeny");
    assert_eq!(
        json["reason"],
        "the request crosses accounts, so the resource's own policy must allow it too, and none does"
    );
    assert_eq!(json["denied_by"]["kind"], "trust");
}

const PLACEHOLDER: &str = "tests/fixtures/why/placeholder.json";

#[test]
fn an_unknown_action_is_an_error_naming_the_nearest_real_one() {
    let run = iamscope(&["why", PLACEHOLDER, "--action", "s3:GetObjct"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "iamscope: --action: `s3:GetObjct` is not an action of Amazon S3 (s3); did you mean `s3:GetObject`?\n"
    );
    let run = iamscope(&["why", PLACEHOLDER, "--action", "s3:HeadBucket"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "iamscope: --action: `s3:HeadBucket` is an API operation, not an IAM action; IAM authorises it as `s3:ListBucket`\n"
    );
}

#[test]
fn an_action_pattern_answers_for_every_action_it_covers() {
    let run = iamscope(&[
        "why",
        PLACEHOLDER,
        "--var",
        "AccountId=111122223333",
        "--action",
        "s3:ListBucket*",
        "--resource",
        "arn:aws:s3:::logs-111122223333",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["pattern"], "s3:ListBucket*");
    let rows: Vec<String> = json["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let by = r["deciding"][0]["sid"].as_str().unwrap_or("-");
            format!(
                "{} {} {by}",
                r["action"].as_str().unwrap(),
                r["decision"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "s3:ListBucket Allowed Logs",
            "s3:ListBucketMultipartUploads ImplicitDeny -",
            "s3:ListBucketVersions ImplicitDeny -",
        ]
    );
    assert_eq!(
        json["summary"],
        serde_json::json!({"Allowed": 1, "ImplicitDeny": 2, "ExplicitDeny": 0})
    );
}

#[test]
fn a_decision_that_depends_on_an_unfilled_placeholder_names_it() {
    let run = iamscope(&[
        "why",
        PLACEHOLDER,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::logs-111122223333/x",
        "--format",
        "json",
    ]);
    let json = run.decided(1, "ImplicitDeny");
    let notes: Vec<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .filter(|n| n.contains("unfilled placeholder"))
        .collect();
    assert_eq!(
        notes,
        [
            "the decision depends on the unfilled placeholder `${AccountId}` (statement 1 of identity policy \"placeholder\"); fill it with --var AccountId=VALUE"
        ]
    );
}

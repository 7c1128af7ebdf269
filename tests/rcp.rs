//! Resource control policies, as the evaluator applies them: level by level from the root,
//! every level must allow and a Deny at any level decides; AWS does not apply them to
//! service-linked roles (what such a role does, and a service assuming one), nor SCPs to
//! what a service-linked role does.
//! Each case is a `why --scenario` file, judged through the binary as users run it.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
const OBJECT: &str = "arn:aws:s3:::reports/2026/q1.csv";

/// An RCP level that allows everything (what AWS attaches as `RCPFullAWSAccess`).
fn allow_all() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    ]})
}

/// An RCP level that allows only SQS.
fn allow_sqs_only() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "OnlySqs", "Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": "*"}
    ]})
}

/// An RCP level that denies reading objects.
fn deny_get_object() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Sid": "NoReads", "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
    ]})
}

/// The caller's identity policy: reads the object.
fn reads_objects() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
    ]})
}

/// The policy type (`rcp`, `identity`, ...) that failed to allow, with its level.
type DeniedBy = Option<(String, Option<u64>)>;

/// `why --scenario` on this scenario: (exit code, decision, deciding statements as
/// `kind policy #n Sid`, the policy type and level that failed to allow).
fn why(scenario: &Value) -> (i32, String, Vec<String>, DeniedBy) {
    let dir = std::env::temp_dir().join(format!("iamscope-rcp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{:x}.json", fxhash(&scenario.to_string())));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(scenario.to_string().as_bytes())
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["why", "--format", "json", "--scenario"])
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .expect("run iamscope");
    std::fs::remove_file(&path).unwrap();
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let deciding = report["deciding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} #{} {}",
                d["policy"].as_str().unwrap(),
                d["statement"],
                d["sid"].as_str().unwrap_or("")
            )
        })
        .collect();
    let denied_by = report["denied_by"]
        .as_object()
        .map(|d| (d["kind"].as_str().unwrap().to_string(), d["level"].as_u64()));
    (
        out.status.code().unwrap_or(-1),
        report["decision"].as_str().unwrap().to_string(),
        deciding,
        denied_by,
    )
}

/// A file name for a scenario (FNV-1a of its text), so cases run in parallel never share one.
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A role session of this account reading the object, with these RCP levels.
fn read_by(principal: &str, rcps: Vec<Vec<Value>>) -> Value {
    json!({
        "request": {"action": "s3:GetObject", "resource": OBJECT, "principal": principal,
                    "resource_account": ACCOUNT},
        "identity_policies": [reads_objects()],
        "rcps": rcps,
    })
}

fn session(role: &str) -> String {
    format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/s1")
}

#[test]
fn allow_all_at_every_level_leaves_the_identity_policy_to_decide() {
    let (code, decision, deciding, denied_by) = why(&read_by(
        &session("Reader"),
        vec![vec![allow_all()], vec![allow_all()]],
    ));
    assert_eq!((code, decision.as_str()), (0, "Allowed"));
    assert_eq!(
        deciding,
        [
            "rcps[0][0] #1 AllowAll",
            "rcps[1][0] #1 AllowAll",
            "identity_policies[0] #1 "
        ]
    );
    assert_eq!(denied_by, None);
}

#[test]
fn a_deny_at_one_level_decides() {
    let (code, decision, deciding, _) = why(&read_by(
        &session("Reader"),
        vec![
            vec![allow_all()],
            vec![deny_get_object()],
            vec![allow_all()],
        ],
    ));
    assert_eq!((code, decision.as_str()), (1, "ExplicitDeny"));
    assert_eq!(deciding, ["rcps[1][0] #2 NoReads"]);
}

#[test]
fn a_level_without_an_allow_denies_implicitly_and_names_the_level() {
    let (code, decision, deciding, denied_by) = why(&read_by(
        &session("Reader"),
        vec![vec![allow_all()], vec![allow_all()], vec![allow_sqs_only()]],
    ));
    assert_eq!((code, decision.as_str()), (1, "ImplicitDeny"));
    assert!(deciding.is_empty());
    assert_eq!(denied_by, Some(("rcp".to_string(), Some(3))));
}

#[test]
fn a_level_allows_when_any_of_its_policies_allows() {
    let (code, decision, _, _) = why(&read_by(
        &session("Reader"),
        vec![vec![allow_sqs_only(), allow_all()]],
    ));
    assert_eq!((code, decision.as_str()), (0, "Allowed"));
}

#[test]
fn service_linked_roles_are_not_restricted_by_rcps() {
    let slr = session("AWSServiceRoleForElasticLoadBalancing");
    // Neither a level without an Allow nor a Deny applies to what the role does.
    for rcps in [
        vec![vec![allow_sqs_only()]],
        vec![vec![allow_all()], vec![deny_get_object()]],
    ] {
        let (code, decision, deciding, _) = why(&read_by(&slr, rcps));
        assert_eq!((code, decision.as_str()), (0, "Allowed"));
        assert_eq!(deciding, ["identity_policies[0] #1 "]);
    }
    // The role's ARN with its path says the same.
    let by_arn = format!(
        "arn:aws:iam::{ACCOUNT}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"
    );
    let (code, decision, _, _) = why(&read_by(&by_arn, vec![vec![allow_sqs_only()]]));
    assert_eq!((code, decision.as_str()), (0, "Allowed"));
}

#[test]
fn a_service_assuming_its_service_linked_role_is_not_restricted_by_rcps() {
    let role = format!(
        "arn:aws:iam::{ACCOUNT}:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing"
    );
    let trust = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "elasticloadbalancing.amazonaws.com"},
         "Action": "sts:AssumeRole"}
    ]});
    let deny_assume = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Sid": "NoAssume", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"}
    ]});
    let scenario = |resource: &str| {
        json!({
            "request": {"action": "sts:AssumeRole", "resource": resource,
                        "principal": "elasticloadbalancing.amazonaws.com"},
            "resource_policy": trust,
            "rcps": [[deny_assume]],
        })
    };
    let (code, decision, _, _) = why(&scenario(&role));
    assert_eq!((code, decision.as_str()), (0, "Allowed"));
    // Any other role: the RCP's Deny decides.
    let (code, decision, deciding, _) = why(&scenario(&format!(
        "arn:aws:iam::{ACCOUNT}:role/service-role/LoadBalancerLogs"
    )));
    assert_eq!((code, decision.as_str()), (1, "ExplicitDeny"));
    assert_eq!(deciding, ["rcps[0][0] #2 NoAssume"]);
}

#[test]
fn other_roles_are_restricted_by_rcps() {
    let (code, decision, _, denied_by) = why(&read_by(
        &session("ServiceRoleForReports"),
        vec![vec![allow_sqs_only()]],
    ));
    assert_eq!((code, decision.as_str()), (1, "ImplicitDeny"));
    assert_eq!(denied_by, Some(("rcp".to_string(), Some(1))));
}

#[test]
fn service_linked_roles_are_not_restricted_by_scps_either() {
    let only_sqs = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "OnlySqs", "Effect": "Allow", "Action": "sqs:*", "Resource": "*"}
    ]});
    let scenario = |role: &str| {
        json!({
            "request": {"action": "s3:GetObject", "resource": OBJECT,
                        "principal": session(role), "resource_account": ACCOUNT},
            "identity_policies": [reads_objects()],
            "scps": [[only_sqs]],
        })
    };
    let (code, decision, deciding, _) = why(&scenario("AWSServiceRoleForElasticLoadBalancing"));
    assert_eq!((code, decision.as_str()), (0, "Allowed"));
    assert_eq!(deciding, ["identity_policies[0] #1 "]);
    let (code, decision, _, denied_by) = why(&scenario("ServiceRoleForReports"));
    assert_eq!((code, decision.as_str()), (1, "ImplicitDeny"));
    assert_eq!(denied_by, Some(("scp".to_string(), Some(1))));
}

//! The numbered evaluator cases of issue 5, one test each, written as scenario files (the
//! JSON `iamscope why --scenario` reads) and judged by the evaluator. Each asserts the
//! decision and the statements that decided it (for an implicit deny: that none did, and
//! which policy type failed to allow).

use iamscope::eval::rules::Rule;
use iamscope::eval::scenario;
use iamscope::eval::trace::{ClauseTrace, StatementTrace};
use iamscope::eval::{Decision, Explanation, explain};
use iamscope::model::PolicyKind;

use Decision::{Allowed, ExplicitDeny, ImplicitDeny};

/// Judges a scenario given as JSON text.
fn why(scenario: &str) -> Explanation {
    let s = scenario::parse(scenario).unwrap_or_else(|e| panic!("bad scenario: {e}\n{scenario}"));
    explain(&s.set, &s.request)
}

/// A Version 2012-10-17 policy with these statements (JSON text, comma-separated).
fn policy(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

/// The deciding statements as `policy #index Sid`.
fn deciding(e: &Explanation) -> Vec<String> {
    e.deciding
        .iter()
        .map(|d| {
            let sid = d
                .sid
                .as_deref()
                .map(|s| format!(" {s}"))
                .unwrap_or_default();
            format!("{} #{}{sid}", d.policy, d.statement)
        })
        .collect()
}

/// The policy type that left the request implicitly denied, with its level.
fn denied_by(e: &Explanation) -> Option<(PolicyKind, Option<usize>)> {
    e.denied_by.as_ref().map(|d| (d.kind, d.level))
}

fn assert_decision(e: &Explanation, decision: Decision, expected_deciding: &[&str]) {
    assert_eq!(e.decision, decision, "reason: {}", e.reason);
    assert_eq!(deciding(e), expected_deciding, "reason: {}", e.reason);
}

fn assert_implicit_deny(e: &Explanation, by: PolicyKind, level: Option<usize>) {
    assert_decision(e, ImplicitDeny, &[]);
    assert_eq!(denied_by(e), Some((by, level)), "reason: {}", e.reason);
}

/// The trace of statement `index` (1-based) of the policy named `name`.
fn statement<'a>(e: &'a Explanation, name: &str, index: usize) -> &'a StatementTrace {
    e.policies
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.statements.iter().find(|s| s.index == index))
        .unwrap_or_else(|| panic!("no statement {index} in {name}"))
}

fn clause<'a>(e: &'a Explanation, name: &str, index: usize) -> &'a ClauseTrace {
    &statement(e, name, index).condition.clauses[0]
}

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/dev-app/s1";

/// An identity-only scenario: one identity policy, a request by alice.
fn identity_only(statements: &str, action: &str, resource: &str, context: &str) -> Explanation {
    why(&format!(
        r#"{{"request": {{"action": "{action}", "resource": "{resource}", "principal": "{ALICE}",
              "context": {{{context}}}}},
            "identity_policies": [{}]}}"#,
        policy(statements)
    ))
}

/// One Allow statement for everything with this condition.
fn allow_if(condition: &str) -> String {
    format!(
        r#"{{"Sid": "Conditional", "Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {condition}}}"#
    )
}

fn conditional(condition: &str, context: &str) -> Explanation {
    identity_only(
        &allow_if(condition),
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        context,
    )
}

#[test]
fn case_01_nothing_matches_implicit_deny() {
    let e = identity_only(
        r#"{"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#,
        "ec2:RunInstances",
        "*",
        "",
    );
    assert_implicit_deny(&e, PolicyKind::Identity, None);
    assert_eq!(
        statement(&e, "identity_policies[0]", 1).reason.as_deref(),
        Some("action: `ec2:RunInstances` matches none of `s3:GetObject`")
    );
}

#[test]
fn case_02_a_deny_anywhere_beats_every_allow() {
    let everything = policy(r#"{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}"#);
    let e = why(&format!(
        r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "{ALICE}"}},
            "identity_policies": [{everything}],
            "scps": [[{everything}]],
            "resource_policy": {}}}"#,
        policy(
            r#"{"Sid": "AllowAlice", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:user/alice"}, "Action": "s3:*", "Resource": "*"},
               {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}"#
        )
    ));
    assert_decision(&e, ExplicitDeny, &["resource_policy #2 DenyAll"]);
    assert_eq!(e.denied_by, None);
}

#[test]
fn case_03_an_scp_level_above_the_account_that_does_not_allow_denies() {
    let e = why(&format!(
        r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "{ALICE}"}},
            "identity_policies": [{}],
            "scps": [[{}], [{}], [{}]]}}"#,
        policy(r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#),
        policy(r#"{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}"#),
        policy(r#"{"Sid": "OnlyEc2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}"#),
        policy(r#"{"Sid": "AccountS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#),
    ));
    assert_implicit_deny(&e, PolicyKind::Scp, Some(2));
}

/// A role session whose identity policy allows S3 and whose `slot` (boundary or session
/// policy) allows only EC2, asking for an S3 object.
fn s3_allowed_but_limited_to_ec2_by(slot: &str) -> Explanation {
    why(&format!(
        r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "{SESSION}"}},
            "identity_policies": [{}],
            "{slot}": {}}}"#,
        policy(r#"{"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#),
        policy(r#"{"Sid": "Ec2Only", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}"#),
    ))
}

#[test]
fn case_04_identity_allows_but_the_boundary_does_not() {
    let e = s3_allowed_but_limited_to_ec2_by("permission_boundary");
    assert_implicit_deny(&e, PolicyKind::Boundary, None);
}

/// A same-account SQS queue whose policy allows `principal` to send messages, requested by
/// the dev-app session, which has a boundary allowing only S3.
fn queue_scenario(principal: &str, caller: &str, identity: &str) -> Explanation {
    why(&format!(
        r#"{{"request": {{"action": "sqs:SendMessage", "resource": "arn:aws:sqs:us-east-1:111122223333:jobs",
                          "principal": "{caller}"}},
            "identity_policies": [{identity}],
            "permission_boundary": {},
            "resource_policy": {}}}"#,
        policy(r#"{"Sid": "S3Only", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#),
        policy(&format!(
            r#"{{"Sid": "QueueAccess", "Effect": "Allow", "Principal": {{"AWS": "{principal}"}},
                 "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs"}}"#
        )),
    ))
}

#[test]
fn case_05_same_account_resource_policy_naming_the_user_allows_alone() {
    let e = why(&format!(
        r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv", "principal": "{ALICE}"}},
            "resource_policy": {}}}"#,
        policy(&format!(
            r#"{{"Sid": "AliceReads", "Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}},
                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}}"#
        ))
    ));
    assert_decision(&e, Allowed, &["resource_policy #1 AliceReads"]);
    assert_eq!(
        statement(&e, "resource_policy", 1).principal.grant,
        Some(iamscope::eval::Grant::Direct)
    );
}

#[test]
fn case_06_naming_the_role_does_not_pass_the_boundary_naming_the_session_does() {
    let role = queue_scenario("arn:aws:iam::111122223333:role/dev-app", SESSION, "");
    assert_implicit_deny(&role, PolicyKind::Boundary, None);
    assert!(
        role.reason.contains("naming the role, not the session"),
        "{}",
        role.reason
    );

    let session = queue_scenario(SESSION, SESSION, "");
    assert_decision(&session, Allowed, &["resource_policy #1 QueueAccess"]);
}

#[test]
fn case_07_same_account_resource_policy_naming_the_account_needs_an_identity_allow() {
    let alone = queue_scenario("arn:aws:iam::111122223333:root", ALICE, "");
    assert_implicit_deny(&alone, PolicyKind::Identity, None);

    let identity = policy(
        r#"{"Sid": "Send", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}"#,
    );
    let with_identity = why(&format!(
        r#"{{"request": {{"action": "sqs:SendMessage", "resource": "arn:aws:sqs:us-east-1:111122223333:jobs", "principal": "{ALICE}"}},
            "identity_policies": [{identity}],
            "resource_policy": {}}}"#,
        policy(
            r#"{"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sqs:*", "Resource": "*"}"#
        )
    ));
    assert_decision(
        &with_identity,
        Allowed,
        &["resource_policy #1 Account", "identity_policies[0] #1 Send"],
    );
}

#[test]
fn case_08_cross_account_needs_both_sides() {
    let scenario = |identity: &str, resource: &str| {
        why(&format!(
            r#"{{"request": {{"action": "sqs:SendMessage", "resource": "arn:aws:sqs:us-east-1:444455556666:jobs", "principal": "{ALICE}"}},
                "identity_policies": [{}], "resource_policy": {}}}"#,
            policy(identity),
            policy(resource)
        ))
    };
    let identity =
        r#"{"Sid": "Send", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}"#;
    let resource = &format!(
        r#"{{"Sid": "FromAlice", "Effect": "Allow", "Principal": {{"AWS": "{ALICE}"}}, "Action": "sqs:SendMessage", "Resource": "*"}}"#
    );
    let nothing = r#"{"Sid": "Other", "Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Principal": "*"}"#;

    let only_identity = scenario(identity, nothing);
    assert!(only_identity.request.cross_account);
    assert_implicit_deny(&only_identity, PolicyKind::Resource, None);

    let only_resource = scenario(nothing, resource);
    assert_implicit_deny(&only_resource, PolicyKind::Identity, None);

    let both = scenario(identity, resource);
    assert_decision(
        &both,
        Allowed,
        &[
            "resource_policy #1 FromAlice",
            "identity_policies[0] #1 Send",
        ],
    );
}

#[test]
fn case_09_a_session_policy_that_does_not_allow_denies() {
    let e = s3_allowed_but_limited_to_ec2_by("session_policy");
    assert_implicit_deny(&e, PolicyKind::Session, None);
}

#[test]
fn case_10_allow_not_action_iam_on_everything() {
    let statements =
        r#"{"Sid": "AllButIam", "Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}"#;
    let s3 = identity_only(statements, "s3:GetObject", "arn:aws:s3:::b/k", "");
    assert_decision(&s3, Allowed, &["identity_policies[0] #1 AllButIam"]);
    let iam = identity_only(statements, "iam:CreateUser", "*", "");
    assert_implicit_deny(&iam, PolicyKind::Identity, None);
    assert_eq!(
        statement(&iam, "identity_policies[0]", 1)
            .action
            .by
            .as_deref(),
        Some("iam:*")
    );
}

#[test]
fn case_11_deny_not_action_without_mfa_when_the_key_is_missing() {
    let e = identity_only(
        r#"{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Sid": "DenyWithoutMfa", "Effect": "Deny", "NotAction": "iam:*", "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}"#,
        "s3:ListBucket",
        "arn:aws:s3:::b",
        "",
    );
    assert_decision(
        &e,
        ExplicitDeny,
        &["identity_policies[0] #2 DenyWithoutMfa"],
    );
    let c = &statement(&e, "identity_policies[0]", 2).condition.clauses[0];
    assert!(c.key_missing && c.matched);
    assert_eq!(
        c.reason,
        "key missing: ...IfExists is true when the key is absent"
    );
}

#[test]
fn case_12_allow_everything_but_a_not_resource() {
    let statements = r#"{"Sid": "NotSecret", "Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::secret/*"}"#;
    let secret = identity_only(statements, "s3:GetObject", "arn:aws:s3:::secret/key", "");
    assert_implicit_deny(&secret, PolicyKind::Identity, None);
    let public = identity_only(statements, "s3:GetObject", "arn:aws:s3:::public/key", "");
    assert_decision(&public, Allowed, &["identity_policies[0] #1 NotSecret"]);
}

#[test]
fn case_13_not_action_and_resource_are_anded() {
    let statements = r#"{"Sid": "NotIamInB", "Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b/*"}"#;
    let inside = identity_only(statements, "s3:GetObject", "arn:aws:s3:::b/key", "");
    assert_decision(&inside, Allowed, &["identity_policies[0] #1 NotIamInB"]);
    let outside = identity_only(statements, "s3:GetObject", "arn:aws:s3:::c/key", "");
    assert_implicit_deny(&outside, PolicyKind::Identity, None);
    let iam = identity_only(statements, "iam:GetUser", "arn:aws:s3:::b/key", "");
    assert_implicit_deny(&iam, PolicyKind::Identity, None);
}

#[test]
fn case_14_action_names_ignore_case() {
    let e = identity_only(
        r#"{"Sid": "Mixed", "Effect": "Allow", "Action": "S3:getobject", "Resource": "*"}"#,
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        "",
    );
    assert_decision(&e, Allowed, &["identity_policies[0] #1 Mixed"]);
}

#[test]
fn case_15_a_wildcard_service_prefix_matches_nothing() {
    let e = identity_only(
        r#"{"Sid": "AnyService", "Effect": "Allow", "Action": "*:GetObject", "Resource": "*"}"#,
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        "",
    );
    assert_implicit_deny(&e, PolicyKind::Identity, None);
    let reason = &statement(&e, "identity_policies[0]", 1).action.reason;
    assert!(
        reason.contains("its service prefix has a wildcard"),
        "{reason}"
    );
}

#[test]
fn case_16_an_action_with_a_comma_matches_nothing() {
    let e = identity_only(
        r#"{"Sid": "Comma", "Effect": "Allow", "Action": "s3:GetObject,s3:PutObject", "Resource": "*"}"#,
        "s3:GetObject",
        "arn:aws:s3:::b/k",
        "",
    );
    assert_implicit_deny(&e, PolicyKind::Identity, None);
    let reason = &statement(&e, "identity_policies[0]", 1).action.reason;
    assert!(reason.contains("it contains a comma"), "{reason}");
}

#[test]
fn case_17_arns_are_case_sensitive() {
    let statements = r#"{"Sid": "Upper", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::Bucket/*"}"#;
    let lower = identity_only(statements, "s3:GetObject", "arn:aws:s3:::bucket/k", "");
    assert_implicit_deny(&lower, PolicyKind::Identity, None);
    let upper = identity_only(statements, "s3:GetObject", "arn:aws:s3:::Bucket/k", "");
    assert_decision(&upper, Allowed, &["identity_policies[0] #1 Upper"]);
}

#[test]
fn case_18_a_star_crosses_slashes() {
    let e = identity_only(
        r#"{"Sid": "Tests", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*/test/*"}"#,
        "s3:GetObject",
        "arn:aws:s3:::b/1/2/test/3/o.jpg",
        "",
    );
    assert_decision(&e, Allowed, &["identity_policies[0] #1 Tests"]);
    assert_eq!(
        statement(&e, "identity_policies[0]", 1)
            .resource
            .by
            .as_deref(),
        Some("arn:aws:s3:::b/*/test/*")
    );
}

#[test]
fn case_19_arn_like_checks_segments_string_like_does_not() {
    let source = "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/doc";
    let context = format!(r#""aws:SourceArn": "{source}""#);
    let condition = |op: &str| {
        format!(r#"{{"{op}": {{"aws:SourceArn": "arn:aws:svc:*:111122223333:finance/*"}}}}"#)
    };
    let string_like = conditional(&condition("StringLike"), &context);
    assert_decision(
        &string_like,
        Allowed,
        &["identity_policies[0] #1 Conditional"],
    );
    let arn_like = conditional(&condition("ArnLike"), &context);
    assert_implicit_deny(&arn_like, PolicyKind::Identity, None);
    let c = clause(&arn_like, "identity_policies[0]", 1);
    assert_eq!(c.request_values, [source]);
    assert_eq!(c.policy_values, ["arn:aws:svc:*:111122223333:finance/*"]);
}

#[test]
fn case_20_a_wildcard_only_action_needs_resource_star() {
    let scenario = |resource: &str| {
        why(&format!(
            r#"{{"request": {{"action": "s3:ListAllMyBuckets", "principal": "{ALICE}"}},
                "identity_policies": [{}]}}"#,
            policy(&format!(
                r#"{{"Sid": "List", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "{resource}"}}"#
            ))
        ))
    };
    assert_decision(&scenario("*"), Allowed, &["identity_policies[0] #1 List"]);
    let bucket = scenario("arn:aws:s3:::b");
    assert_eq!(bucket.request.resource, "*");
    assert_implicit_deny(&bucket, PolicyKind::Identity, None);
}

#[test]
fn case_21_a_missing_key_makes_a_positive_operator_false() {
    let e = conditional(r#"{"StringEquals": {"aws:PrincipalTag/team": "dev"}}"#, "");
    assert_implicit_deny(&e, PolicyKind::Identity, None);
    let c = clause(&e, "identity_policies[0]", 1);
    assert!(c.key_missing && !c.matched);
    assert!(c.request_values.is_empty());
}

#[test]
fn case_22_a_missing_key_makes_a_negated_operator_true() {
    let e = conditional(
        r#"{"StringNotEquals": {"aws:PrincipalTag/team": "dev"}}"#,
        "",
    );
    assert_decision(&e, Allowed, &["identity_policies[0] #1 Conditional"]);
    assert!(clause(&e, "identity_policies[0]", 1).key_missing);
}

#[test]
fn case_23_if_exists_on_a_missing_key_is_true() {
    let e = conditional(
        r#"{"StringEqualsIfExists": {"aws:PrincipalTag/team": "dev"}}"#,
        "",
    );
    assert_decision(&e, Allowed, &["identity_policies[0] #1 Conditional"]);
    let present = conditional(
        r#"{"StringEqualsIfExists": {"aws:PrincipalTag/team": "dev"}}"#,
        r#""aws:PrincipalTag/team": "ops""#,
    );
    assert_implicit_deny(&present, PolicyKind::Identity, None);
}

#[test]
fn case_24_null_tests_whether_the_key_is_absent() {
    let absent_wanted = r#"{"Null": {"aws:TokenIssueTime": "true"}}"#;
    let present_wanted = r#"{"Null": {"aws:TokenIssueTime": "false"}}"#;
    let issued = r#""aws:TokenIssueTime": "2024-01-31T12:00:00Z""#;
    assert_decision(
        &conditional(absent_wanted, ""),
        Allowed,
        &["identity_policies[0] #1 Conditional"],
    );
    assert_implicit_deny(
        &conditional(absent_wanted, issued),
        PolicyKind::Identity,
        None,
    );
    assert_decision(
        &conditional(present_wanted, issued),
        Allowed,
        &["identity_policies[0] #1 Conditional"],
    );
    assert_implicit_deny(&conditional(present_wanted, ""), PolicyKind::Identity, None);
}

#[test]
fn case_25_several_values_for_one_key_are_ored() {
    let e = conditional(
        r#"{"StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}"#,
        r#""aws:RequestedRegion": "us-east-1""#,
    );
    assert_decision(&e, Allowed, &["identity_policies[0] #1 Conditional"]);
    assert_eq!(
        clause(&e, "identity_policies[0]", 1).reason,
        "request value `us-east-1` matches policy value `us-east-1`"
    );
}

#[test]
fn case_26_a_negated_operator_with_several_values_means_none_of_them() {
    let condition = r#"{"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}}"#;
    let listed = conditional(condition, r#""aws:RequestedRegion": "us-east-1""#);
    assert_implicit_deny(&listed, PolicyKind::Identity, None);
    let other = conditional(condition, r#""aws:RequestedRegion": "ap-south-1""#);
    assert_decision(&other, Allowed, &["identity_policies[0] #1 Conditional"]);
}

#[test]
fn case_27_keys_and_operators_in_one_condition_are_anded() {
    let condition = r#"{"StringEquals": {"aws:RequestedRegion": "us-east-1", "aws:PrincipalTag/team": "dev"},
                        "Bool": {"aws:SecureTransport": "true"}}"#;
    let all = conditional(
        condition,
        r#""aws:RequestedRegion": "us-east-1", "aws:PrincipalTag/team": "dev", "aws:SecureTransport": "true""#,
    );
    assert_decision(&all, Allowed, &["identity_policies[0] #1 Conditional"]);
    assert_eq!(
        statement(&all, "identity_policies[0]", 1)
            .condition
            .clauses
            .len(),
        3
    );
    let one_fails = conditional(
        condition,
        r#""aws:RequestedRegion": "us-east-1", "aws:PrincipalTag/team": "dev", "aws:SecureTransport": "false""#,
    );
    assert_implicit_deny(&one_fails, PolicyKind::Identity, None);
    assert_eq!(
        statement(&one_fails, "identity_policies[0]", 1)
            .reason
            .as_deref(),
        Some("condition Bool aws:SecureTransport: no request value matches a policy value")
    );
}

#[test]
fn case_28_for_all_values_over_nothing_is_true_for_any_value_false() {
    let all = r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}"#;
    let any = r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team", "env"]}}"#;
    assert_decision(
        &conditional(all, ""),
        Allowed,
        &["identity_policies[0] #1 Conditional"],
    );
    assert_decision(
        &conditional(all, r#""aws:TagKeys": []"#),
        Allowed,
        &["identity_policies[0] #1 Conditional"],
    );
    let missing = conditional(any, "");
    assert_implicit_deny(&missing, PolicyKind::Identity, None);
    assert_eq!(
        clause(&missing, "identity_policies[0]", 1).reason,
        "key missing: ForAnyValue is false when there are no values"
    );
}

#[test]
fn case_29_for_all_values_and_for_any_value_on_two_request_values() {
    let context = r#""aws:TagKeys": ["a", "b"]"#;
    let all = conditional(
        r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["a"]}}"#,
        context,
    );
    assert_implicit_deny(&all, PolicyKind::Identity, None);
    assert_eq!(
        clause(&all, "identity_policies[0]", 1).reason,
        "request value `b` matches no policy value"
    );
    let any = conditional(
        r#"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["a"]}}"#,
        context,
    );
    assert_decision(&any, Allowed, &["identity_policies[0] #1 Conditional"]);
}

#[test]
fn case_30_key_names_ignore_case_values_do_not_except_ignore_case_operators() {
    let context = r#""aws:principaltag/team": "Dev""#;
    let exact = conditional(
        r#"{"StringEquals": {"AWS:PrincipalTag/Team": "Dev"}}"#,
        context,
    );
    assert_decision(&exact, Allowed, &["identity_policies[0] #1 Conditional"]);
    let lower = conditional(
        r#"{"StringEquals": {"AWS:PrincipalTag/Team": "dev"}}"#,
        context,
    );
    assert_implicit_deny(&lower, PolicyKind::Identity, None);
    let ignore_case = conditional(
        r#"{"StringEqualsIgnoreCase": {"AWS:PrincipalTag/Team": "dev"}}"#,
        context,
    );
    assert_decision(
        &ignore_case,
        Allowed,
        &["identity_policies[0] #1 Conditional"],
    );
}

#[test]
fn case_31_string_equals_treats_a_star_literally() {
    let condition = r#"{"StringEquals": {"s3:prefix": "home/*"}}"#;
    let other = conditional(condition, r#""s3:prefix": "home/alice""#);
    assert_implicit_deny(&other, PolicyKind::Identity, None);
    let star = conditional(condition, r#""s3:prefix": "home/*""#);
    assert_decision(&star, Allowed, &["identity_policies[0] #1 Conditional"]);
}

#[test]
fn case_32_a_username_variable_in_a_resource() {
    let statements = r#"{"Sid": "Home", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}"#;
    let own = identity_only(
        statements,
        "s3:GetObject",
        "arn:aws:s3:::home/alice/notes.txt",
        "",
    );
    assert_decision(&own, Allowed, &["identity_policies[0] #1 Home"]);
    assert_eq!(own.request.derived_context["aws:username"], ["alice"]);
    let other = identity_only(
        statements,
        "s3:GetObject",
        "arn:aws:s3:::home/bob/notes.txt",
        "",
    );
    assert_implicit_deny(&other, PolicyKind::Identity, None);
}

#[test]
fn case_33_a_variable_without_a_value_matches_nothing_but_satisfies_a_negated_condition() {
    let in_resource = why(&format!(
        r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::home/dev-app/x", "principal": "{SESSION}"}},
            "identity_policies": [{}]}}"#,
        policy(
            r#"{"Sid": "Home", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}/*"}"#
        )
    ));
    assert_implicit_deny(&in_resource, PolicyKind::Identity, None);
    let reason = &statement(&in_resource, "identity_policies[0]", 1)
        .resource
        .reason;
    assert!(
        reason.contains("`${aws:username}` has no value in the request"),
        "{reason}"
    );

    let negated = why(&format!(
        r#"{{"request": {{"action": "s3:ListBucket", "resource": "arn:aws:s3:::home", "principal": "{SESSION}",
                          "context": {{"s3:prefix": "other/"}}}},
            "identity_policies": [{}]}}"#,
        policy(&allow_if(
            r#"{"StringNotLike": {"s3:prefix": "${aws:username}/*"}}"#
        ))
    ));
    assert_decision(&negated, Allowed, &["identity_policies[0] #1 Conditional"]);
    let c = clause(&negated, "identity_policies[0]", 1);
    assert_eq!(
        c.resolved_policy_values.as_deref(),
        Some(&["${aws:username} (no value)".to_string()][..])
    );
}

#[test]
fn case_34_a_substituted_value_is_literal() {
    let scenario = |resource: &str| {
        why(&format!(
            r#"{{"request": {{"action": "s3:GetObject", "resource": "{resource}", "principal": "{SESSION}",
                              "context": {{"aws:username": "Bob*"}}}},
                "identity_policies": [{}]}}"#,
            policy(
                r#"{"Sid": "Home", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username}"}"#
            )
        ))
    };
    assert_implicit_deny(
        &scenario("arn:aws:s3:::home/Bobby"),
        PolicyKind::Identity,
        None,
    );
    assert_decision(
        &scenario("arn:aws:s3:::home/Bob*"),
        Allowed,
        &["identity_policies[0] #1 Home"],
    );
}

#[test]
fn case_35_escapes_for_star_question_mark_and_dollar() {
    let statements = r#"{"Sid": "Odd", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${*}${?}${$}"}"#;
    let literal = identity_only(statements, "s3:GetObject", "arn:aws:s3:::b/*?$", "");
    assert_decision(&literal, Allowed, &["identity_policies[0] #1 Odd"]);
    let wildcards = identity_only(statements, "s3:GetObject", "arn:aws:s3:::b/xy$", "");
    assert_implicit_deny(&wildcards, PolicyKind::Identity, None);
}

#[test]
fn case_36_version_2008_is_literal_and_defaults_apply_to_missing_keys() {
    let old = |resource: &str| {
        why(&format!(
            r#"{{"request": {{"action": "s3:GetObject", "resource": "{resource}", "principal": "{ALICE}"}},
                "identity_policies": [{{"Version": "2008-10-17", "Statement": [
                    {{"Sid": "Home", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${{aws:username}}"}}]}}]}}"#
        ))
    };
    assert_implicit_deny(&old("arn:aws:s3:::home/alice"), PolicyKind::Identity, None);
    assert_decision(
        &old("arn:aws:s3:::home/${aws:username}"),
        Allowed,
        &["identity_policies[0] #1 Home"],
    );

    let with_default = why(&format!(
        r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::home/guest", "principal": "{SESSION}"}},
            "identity_policies": [{}]}}"#,
        policy(
            r#"{"Sid": "Home", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::home/${aws:username, 'guest'}"}"#
        )
    ));
    assert_decision(&with_default, Allowed, &["identity_policies[0] #1 Home"]);
}

#[test]
fn case_37_principal_star_allows_anonymous_callers() {
    let scenario = |principal: &str| {
        why(&format!(
            r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::site/index.html", "principal": "anonymous"}},
                "resource_policy": {}}}"#,
            policy(&format!(
                r#"{{"Sid": "PublicRead", "Effect": "Allow", "Principal": {principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site/*"}}"#
            ))
        ))
    };
    assert_decision(
        &scenario(r#""*""#),
        Allowed,
        &["resource_policy #1 PublicRead"],
    );
    assert_decision(
        &scenario(r#"{"AWS": "*"}"#),
        Allowed,
        &["resource_policy #1 PublicRead"],
    );
    let account = scenario(r#"{"AWS": "111122223333"}"#);
    assert_implicit_deny(&account, PolicyKind::Resource, None);
}

#[test]
fn case_38_a_role_arn_matches_its_sessions_and_wildcards_never_match() {
    let scenario = |principal: &str| {
        why(&format!(
            r#"{{"request": {{"action": "sqs:SendMessage", "resource": "arn:aws:sqs:us-east-1:111122223333:jobs", "principal": "{SESSION}"}},
                "resource_policy": {}}}"#,
            policy(&format!(
                r#"{{"Sid": "Devs", "Effect": "Allow", "Principal": {{"AWS": "{principal}"}}, "Action": "sqs:*", "Resource": "*"}}"#
            ))
        ))
    };
    let role = scenario("arn:aws:iam::111122223333:role/dev-app");
    assert_decision(&role, Allowed, &["resource_policy #1 Devs"]);
    assert_eq!(
        statement(&role, "resource_policy", 1).principal.grant,
        Some(iamscope::eval::Grant::Role)
    );
    let wildcard = scenario("arn:aws:iam::111122223333:role/dev-*");
    assert_implicit_deny(&wildcard, PolicyKind::Identity, None);
    let principal = &statement(&wildcard, "resource_policy", 1).principal;
    assert!(!principal.matched);
    assert!(
        principal
            .reason
            .contains("a wildcard inside a principal matches nothing")
    );
}

#[test]
fn case_39_a_deny_with_not_principal_naming_the_caller_does_not_apply() {
    let scenario = |caller: &str| {
        why(&format!(
            r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "{caller}"}},
                "resource_policy": {}}}"#,
            policy(&format!(
                r#"{{"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}},
                   {{"Sid": "OnlyAlice", "Effect": "Deny", "NotPrincipal": {{"AWS": "{ALICE}"}}, "Action": "s3:*", "Resource": "*"}}"#
            ))
        ))
    };
    let alice = scenario(ALICE);
    assert_decision(&alice, Allowed, &["resource_policy #1 Everyone"]);
    assert!(!statement(&alice, "resource_policy", 2).applies);
    let bob = scenario("arn:aws:iam::111122223333:user/bob");
    assert_decision(&bob, ExplicitDeny, &["resource_policy #2 OnlyAlice"]);
}

#[test]
fn case_40_ip_ranges_dates_and_numbers_compare_as_their_types() {
    let ip = conditional(
        r#"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#,
        r#""aws:SourceIp": "10.1.2.3""#,
    );
    assert_decision(&ip, Allowed, &["identity_policies[0] #1 Conditional"]);

    // As strings "2024-12-31T23:00:00-02:00" < "2025-01-01"; as times it is 01:00 UTC on
    // 2025-01-01, which is not earlier.
    let date = conditional(
        r#"{"DateLessThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}}"#,
        r#""aws:CurrentTime": "2024-12-31T23:00:00-02:00""#,
    );
    assert_implicit_deny(&date, PolicyKind::Identity, None);

    // As strings "9" > "10"; as numbers 9 < 10.
    let number = conditional(
        r#"{"NumericLessThan": {"s3:max-keys": "10"}}"#,
        r#""s3:max-keys": "9""#,
    );
    assert_decision(&number, Allowed, &["identity_policies[0] #1 Conditional"]);
}

// Rules of AWS that no policy can change (issue 14). The headline names the rule; no
// statement decides.

fn assert_rule(e: &Explanation, decision: Decision, rule: Rule, headline: &str) {
    assert_eq!(e.decision, decision, "reason: {}", e.reason);
    assert_eq!(e.rule, Some(rule));
    assert!(e.deciding.is_empty());
    assert!(e.reason.starts_with(headline), "reason: {}", e.reason);
}

#[test]
fn get_caller_identity_needs_no_permission_and_cannot_be_denied() {
    let e = identity_only(
        r#"{"Sid": "DenyAll", "Effect": "Deny", "Action": "*", "Resource": "*"}"#,
        "sts:GetCallerIdentity",
        "*",
        "",
    );
    assert_rule(
        &e,
        Allowed,
        Rule::NoPermissionNeeded,
        "sts:GetCallerIdentity needs no permission and cannot be denied",
    );
    // The Deny is still traced as applying: the rule is what overrides it.
    assert!(statement(&e, "identity_policies[0]", 1).applies);
}

#[test]
fn aws_managed_policies_cannot_be_modified_by_anyone() {
    let all = r#"{"Sid": "All", "Effect": "Allow", "Action": "iam:*", "Resource": "*"}"#;
    for action in [
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
    ] {
        let e = identity_only(
            all,
            action,
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "",
        );
        assert_rule(
            &e,
            ExplicitDeny,
            Rule::AwsManagedPolicy,
            "AWS managed policies cannot be modified by anyone",
        );
    }
    let own = identity_only(
        all,
        "iam:CreatePolicyVersion",
        "arn:aws:iam::111122223333:policy/AdministratorAccess",
        "",
    );
    assert_decision(&own, Allowed, &["identity_policies[0] #1 All"]);
    let read = identity_only(
        all,
        "iam:GetPolicyVersion",
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "",
    );
    assert_decision(&read, Allowed, &["identity_policies[0] #1 All"]);
}

#[test]
fn service_linked_and_reserved_roles_cannot_be_changed() {
    let all = r#"{"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"}"#;
    let slr = "arn:aws:iam::111122223333:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing";
    for action in [
        "iam:AttachRolePolicy",
        "iam:PutRolePolicy",
        "iam:UpdateAssumeRolePolicy",
        "iam:DeleteRole",
        "iam:PutRolePermissionsBoundary",
        "iam:TagRole",
    ] {
        let e = identity_only(all, action, slr, "");
        assert_rule(
            &e,
            ExplicitDeny,
            Rule::ServiceLinkedRole,
            "service-linked roles are protected",
        );
    }
    for action in [
        "iam:DeleteServiceLinkedRole",
        "iam:UpdateRoleDescription",
        "iam:GetRole",
    ] {
        let e = identity_only(all, action, slr, "");
        assert_decision(&e, Allowed, &["identity_policies[0] #1 All"]);
    }
    let sso = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef";
    let e = identity_only(all, "iam:AttachRolePolicy", sso, "");
    assert_rule(
        &e,
        ExplicitDeny,
        Rule::ReservedRole,
        "roles under the /aws-reserved/ path",
    );
    let service_role = "arn:aws:iam::111122223333:role/service-role/my-lambda";
    let e = identity_only(all, "iam:AttachRolePolicy", service_role, "");
    assert_decision(&e, Allowed, &["identity_policies[0] #1 All"]);
}

#[test]
fn kms_alias_actions_are_decided_on_the_alias() {
    let alias = "arn:aws:kms:us-east-1:111122223333:alias/app";
    let allow = format!(
        r#"{{"Sid": "Alias", "Effect": "Allow", "Action": ["kms:DeleteAlias", "kms:CreateAlias"], "Resource": "{alias}"}}"#
    );
    let e = identity_only(&allow, "kms:DeleteAlias", alias, "");
    assert_decision(&e, Allowed, &["identity_policies[0] #1 Alias"]);
    // On the key, the key policy must allow too, and there is none.
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let e = identity_only(
        r#"{"Sid": "Keys", "Effect": "Allow", "Action": "kms:CreateAlias", "Resource": "*"}"#,
        "kms:CreateAlias",
        key,
        "",
    );
    assert_implicit_deny(&e, PolicyKind::Resource, None);
}

#[test]
fn a_deny_with_not_principal_denies_a_caller_with_a_boundary_whatever_it_lists() {
    let scenario = |boundary: bool| {
        let boundary = if boundary {
            format!(
                r#", "permission_boundary": {}"#,
                policy(r#"{"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#)
            )
        } else {
            String::new()
        };
        why(&format!(
            r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "{ALICE}"}},
                "identity_policies": [{}],
                "resource_policy": {}{boundary}}}"#,
            policy(
                r#"{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}"#
            ),
            policy(&format!(
                r#"{{"Sid": "OnlyAlice", "Effect": "Deny", "NotPrincipal": {{"AWS": "{ALICE}"}}, "Action": "s3:*", "Resource": "*"}}"#
            ))
        ))
    };
    let plain = scenario(false);
    assert_decision(&plain, Allowed, &["identity_policies[0] #1 Read"]);
    let bounded = scenario(true);
    assert_decision(&bounded, ExplicitDeny, &["resource_policy #1 OnlyAlice"]);
    assert_eq!(
        statement(&bounded, "resource_policy", 1).principal.reason,
        "a Deny with NotPrincipal denies every IAM principal that has a permissions boundary, whatever NotPrincipal lists (IAM User Guide, permissions boundaries)"
    );
}

#[test]
fn a_session_policy_limits_a_grant_to_the_role_arn_but_not_to_the_session_arn() {
    let scenario = |named: &str| {
        why(&format!(
            r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "{SESSION}"}},
                "resource_policy": {},
                "session_policy": {}}}"#,
            policy(&format!(
                r#"{{"Sid": "Named", "Effect": "Allow", "Principal": {{"AWS": "{named}"}}, "Action": "s3:GetObject", "Resource": "*"}}"#
            )),
            policy(
                r#"{"Sid": "OnlyList", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}"#
            )
        ))
    };
    let role = scenario("arn:aws:iam::111122223333:role/dev-app");
    assert_implicit_deny(&role, PolicyKind::Session, None);
    assert_eq!(
        role.reason,
        "the session policy does not allow it (the resource policy names the role ARN, not the session ARN, so the session policy limits what it grants)"
    );
    let session = scenario(SESSION);
    assert_decision(&session, Allowed, &["resource_policy #1 Named"]);
    assert!(
        session.reason.starts_with(
            "the resource policy names the caller itself (the session ARN, not the role ARN)"
        ),
        "{}",
        session.reason
    );
}

#[test]
fn a_resource_with_wildcards_is_decided_by_intersection() {
    let statements = r#"{"Sid": "Logs", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/AWSLogs/*"},
        {"Sid": "NoSecret", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::example-bucket/secret/*"}"#;
    let some = identity_only(
        statements,
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/*",
        "",
    );
    assert_decision(&some, Allowed, &["identity_policies[0] #1 Logs"]);
    assert_eq!(
        statement(&some, "identity_policies[0]", 1).resource.reason,
        "`arn:aws:s3:::*/AWSLogs/*` ∩ `arn:aws:s3:::example-bucket/*`: some resource of the requested shape matches both"
    );
    // The Deny covers only part of the shape: it does not decide.
    assert!(!statement(&some, "identity_policies[0]", 2).applies);
    let secret = identity_only(
        statements,
        "s3:GetObject",
        "arn:aws:s3:::example-bucket/secret/*",
        "",
    );
    assert_decision(&secret, ExplicitDeny, &["identity_policies[0] #2 NoSecret"]);
    let elsewhere = identity_only(
        statements,
        "s3:GetObject",
        "arn:aws:s3:::other/report-?.csv",
        "",
    );
    assert_implicit_deny(&elsewhere, PolicyKind::Identity, None);
    let anything = identity_only(statements, "s3:GetObject", "*", "");
    assert_decision(&anything, Allowed, &["identity_policies[0] #1 Logs"]);
}

#[test]
fn a_principal_written_as_a_bare_arn_is_read_as_aws_with_a_warning() {
    let s = scenario::parse(&format!(
        r#"{{"request": {{"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k", "principal": "{ALICE}"}},
            "resource_policy": {}}}"#,
        policy(&format!(
            r#"{{"Sid": "Alice", "Effect": "Allow", "Principal": "{ALICE}", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#
        ))
    ))
    .expect("a bare ARN Principal is repaired, not refused");
    let warnings: Vec<_> = s
        .warnings
        .iter()
        .map(|w| (w.severity.to_string(), w.message.clone()))
        .collect();
    assert_eq!(
        warnings,
        [(
            "warning".to_string(),
            format!(r#"Principal as a string must be "*"; read as {{"AWS": "{ALICE}"}}"#)
        )]
    );
    let e = explain(&s.set, &s.request);
    assert_decision(&e, Allowed, &["resource_policy #1 Alice"]);
}

//! Realistic generated scenarios for the per-decision benchmark and the comparison with
//! another evaluator (`scripts/compare-iam-simulate.sh`): a team's roles and users with
//! identity policies of several statements, bucket and key policies, permissions
//! boundaries, two SCP levels (the root's FullAWSAccess and a region guard; an OU's
//! service allow-list and a guard), conditions on tags, source IP, TLS, region and time,
//! same- and cross-account callers. Deterministic: the same `n` gives the same lines.

use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
const PARTNER: &str = "444455556666";
const TEAMS: [&str; 4] = ["payments", "search", "data", "web"];

/// A small deterministic generator (an LCG), so no dependency is needed.
struct Dice(u64);

impl Dice {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// The identity policy of a team's application role: what such roles usually hold.
fn identity(team: &str) -> Value {
    policy(vec![
        json!({"Sid": "ReadOwnBucket", "Effect": "Allow",
               "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
               "Resource": [format!("arn:aws:s3:::{team}-data"), format!("arn:aws:s3:::{team}-data/*")],
               "Condition": {"Bool": {"aws:SecureTransport": "true"}}}),
        json!({"Sid": "WriteOwnPrefix", "Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"],
               "Resource": format!("arn:aws:s3:::{team}-data/incoming/*"),
               "Condition": {"StringEquals": {"aws:PrincipalTag/team": team}}}),
        json!({"Sid": "Tables", "Effect": "Allow",
               "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem"],
               "Resource": format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{team}-*")}),
        json!({"Sid": "Describe", "Effect": "Allow", "Action": ["ec2:Describe*", "cloudwatch:Get*", "cloudwatch:List*"], "Resource": "*"}),
        json!({"Sid": "OwnInstances", "Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances", "ec2:RebootInstances"],
               "Resource": format!("arn:aws:ec2:*:{ACCOUNT}:instance/*"),
               "Condition": {"StringEquals": {"aws:ResourceTag/team": team}}}),
        json!({"Sid": "Queue", "Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
               "Resource": format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{team}-jobs")}),
        json!({"Sid": "Decrypt", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
               "Resource": format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/*")}),
        json!({"Sid": "FromOffice", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
               "Resource": format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{team}/*"),
               "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]},
                             "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}}),
        json!({"Sid": "NoDeletingTables", "Effect": "Deny", "Action": ["dynamodb:DeleteTable", "s3:DeleteBucket"], "Resource": "*"}),
        json!({"Sid": "NoTerminateWithoutMfa", "Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",
               "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}),
    ])
}

/// A broader second policy some roles also hold.
fn extra(team: &str) -> Value {
    policy(vec![
        json!({"Sid": "ReadShared", "Effect": "Allow", "Action": ["s3:Get*", "s3:List*"],
               "Resource": ["arn:aws:s3:::shared-reports", "arn:aws:s3:::shared-reports/*"]}),
        json!({"Sid": "Terminate", "Effect": "Allow", "Action": "ec2:TerminateInstances",
               "Resource": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*"),
               "Condition": {"StringEquals": {"aws:ResourceTag/team": team}}}),
        json!({"Sid": "NotIam", "Effect": "Allow", "NotAction": ["iam:*", "organizations:*"],
               "Resource": format!("arn:aws:sns:us-east-1:{ACCOUNT}:{team}-*")}),
    ])
}

fn boundary() -> Value {
    policy(vec![
        json!({"Sid": "Services", "Effect": "Allow",
               "Action": ["s3:*", "dynamodb:*", "ec2:Describe*", "ec2:StartInstances", "ec2:StopInstances", "sqs:*", "kms:Decrypt", "cloudwatch:*"],
               "Resource": "*"}),
        json!({"Sid": "NoPayroll", "Effect": "Deny", "Action": "s3:*",
               "Resource": ["arn:aws:s3:::payroll", "arn:aws:s3:::payroll/*"]}),
    ])
}

fn bucket_policy(bucket: &str, team: &str) -> Value {
    policy(vec![
        json!({"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
               "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}}),
        json!({"Sid": "Partner", "Effect": "Allow",
               "Principal": {"AWS": format!("arn:aws:iam::{PARTNER}:role/{team}-reader")},
               "Action": ["s3:GetObject", "s3:ListBucket"],
               "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]}),
        json!({"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
               "Action": "s3:*", "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")]}),
    ])
}

fn key_policy() -> Value {
    policy(vec![
        json!({"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
               "Action": "kms:*", "Resource": "*"}),
        json!({"Sid": "ViaS3", "Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
               "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}}),
    ])
}

fn scp_root() -> Vec<Value> {
    vec![
        policy(vec![
            json!({"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}),
        ]),
        policy(vec![json!({"Sid": "Regions", "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*", "cloudfront:*", "organizations:*", "support:*"], "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}})]),
    ]
}

fn scp_ou() -> Vec<Value> {
    vec![policy(vec![
        json!({"Sid": "Services", "Effect": "Allow",
               "Action": ["s3:*", "dynamodb:*", "ec2:*", "sqs:*", "kms:*", "cloudwatch:*", "secretsmanager:*", "sns:*"],
               "Resource": "*"}),
        json!({"Sid": "KeepGuards", "Effect": "Deny", "Action": ["cloudtrail:StopLogging", "s3:PutBucketPublicAccessBlock"], "Resource": "*"}),
    ])]
}

/// A request the roles above make, with the resource's account.
fn request(dice: &mut Dice, team: &str) -> (String, String, &'static str) {
    let other = TEAMS[dice.next(TEAMS.len())];
    let bucket = if dice.next(4) == 0 {
        "payroll".to_string()
    } else {
        format!("{other}-data")
    };
    let (action, resource) = match dice.next(14) {
        0 | 1 => (
            "s3:GetObject",
            format!("arn:aws:s3:::{bucket}/2024/report-{}.csv", dice.next(100)),
        ),
        2 => (
            "s3:PutObject",
            format!("arn:aws:s3:::{bucket}/incoming/f{}.json", dice.next(100)),
        ),
        3 => (
            "s3:DeleteObject",
            format!("arn:aws:s3:::{bucket}/incoming/f{}.json", dice.next(100)),
        ),
        4 => ("s3:ListBucket", format!("arn:aws:s3:::{bucket}")),
        5 => (
            "dynamodb:GetItem",
            format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{other}-orders"),
        ),
        6 => (
            "dynamodb:DeleteTable",
            format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{team}-orders"),
        ),
        7 => ("ec2:DescribeInstances", "*".to_string()),
        8 => (
            "ec2:StopInstances",
            format!(
                "arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0{:07x}",
                dice.next(1 << 20)
            ),
        ),
        9 => (
            "ec2:TerminateInstances",
            format!(
                "arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0{:07x}",
                dice.next(1 << 20)
            ),
        ),
        10 => (
            "sqs:SendMessage",
            format!("arn:aws:sqs:us-east-1:{ACCOUNT}:{other}-jobs"),
        ),
        11 => (
            "kms:Decrypt",
            format!(
                "arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-{:012}",
                dice.next(1000)
            ),
        ),
        12 => (
            "secretsmanager:GetSecretValue",
            format!("arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{other}/db-AbCdEf"),
        ),
        _ => (
            "sns:Publish",
            format!("arn:aws:sns:us-east-1:{ACCOUNT}:{other}-alerts"),
        ),
    };
    let kind = match action.split(':').next() {
        Some("s3") => "bucket",
        Some("kms") => "key",
        _ => "none",
    };
    (action.to_string(), resource, kind)
}

/// `n` scenario lines (JSON Lines, each with an `id`), without `expect`.
pub fn lines(n: usize) -> Vec<String> {
    let mut dice = Dice(0x1a2b_3c4d);
    (0..n)
        .map(|i| {
            let team = TEAMS[dice.next(TEAMS.len())];
            let (action, resource, kind) = request(&mut dice, team);
            let partner = dice.next(6) == 0 && kind == "bucket";
            let principal = if partner {
                format!("arn:aws:sts::{PARTNER}:assumed-role/{team}-reader/s{i}")
            } else if dice.next(5) == 0 {
                format!("arn:aws:iam::{ACCOUNT}:user/{team}-admin")
            } else {
                format!("arn:aws:sts::{ACCOUNT}:assumed-role/{team}-app/s{i}")
            };
            let mut identity_policies = vec![identity(team)];
            if dice.next(3) == 0 {
                identity_policies.push(extra(team));
            }
            let region = ["us-east-1", "us-east-1", "eu-west-1", "ap-south-1"][dice.next(4)];
            let tag = if dice.next(4) == 0 {
                TEAMS[dice.next(4)]
            } else {
                team
            };
            let source_ip = ["203.0.113.7", "198.51.100.20", "192.0.2.1"][dice.next(3)];
            let context = json!({
                "aws:SecureTransport": if dice.next(8) == 0 { "false" } else { "true" },
                "aws:SourceIp": source_ip,
                "aws:RequestedRegion": region,
                "aws:PrincipalTag/team": team,
                "aws:ResourceTag/team": tag,
                "aws:MultiFactorAuthPresent": if dice.next(3) == 0 { "true" } else { "false" },
                "aws:CurrentTime": "2026-06-01T12:00:00Z",
            });
            let bucket = resource
                .strip_prefix("arn:aws:s3:::")
                .and_then(|r| r.split('/').next())
                .unwrap_or_default()
                .to_string();
            let resource_policy = match kind {
                "bucket" if dice.next(2) == 0 || partner => bucket_policy(&bucket, team),
                "key" => key_policy(),
                _ => Value::Null,
            };
            let mut line = json!({
                "id": format!("s{i}"),
                "request": {"action": action, "resource": resource, "principal": principal,
                            "resource_account": ACCOUNT, "context": context},
                "identity_policies": identity_policies,
                "resource_policy": resource_policy,
            });
            // SCPs are the caller's organization's: a partner's are not known here.
            if !partner {
                line["scps"] = json!([scp_root(), scp_ou()]);
            }
            if dice.next(2) == 0 {
                line["permission_boundary"] = boundary();
            }
            line.to_string()
        })
        .collect()
}

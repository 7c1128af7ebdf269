//! Evaluator speed: decisions per second for a typical 10-statement identity policy (the
//! bar is one million), the cost of a full trace, and every catalog action decided against
//! one role (the bar is 50 ms).
//!
//! Run with `cargo bench --bench eval`. Divan reports items per second: each item is one
//! decision.

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use iamscope::assemble::{Options, load_text};
use iamscope::catalog::Catalog;
use iamscope::eval::{Caller, CompiledPolicy, Context, PolicySet, Request, decide, explain};
use iamscope::model::PolicyKind;

fn main() {
    divan::main();
}

/// Ten statements the way identity policies are usually written: exact actions and
/// prefixes, bucket and table ARNs, a policy variable, conditions, two denies.
const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
     "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
    {"Sid": "Describe", "Effect": "Allow", "Action": ["ec2:Describe*", "elasticloadbalancing:Describe*"], "Resource": "*"},
    {"Sid": "OwnInstances", "Effect": "Allow", "Action": ["ec2:StartInstances", "ec2:StopInstances"],
     "Resource": "arn:aws:ec2:us-east-1:111122223333:instance/*",
     "Condition": {"StringEquals": {"aws:ResourceTag/Owner": "${aws:username}"}}},
    {"Sid": "Orders", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
     "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/orders"},
    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
     "Resource": "arn:aws:logs:us-east-1:111122223333:log-group:/app/*"},
    {"Sid": "Jobs", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:us-east-1:111122223333:jobs"},
    {"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
     "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}},
    {"Sid": "Metrics", "Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*",
     "Condition": {"StringLike": {"cloudwatch:namespace": "App/*"}}},
    {"Sid": "KeepBuckets", "Effect": "Deny", "Action": ["s3:DeleteBucket", "s3:PutBucketPolicy"], "Resource": "*"},
    {"Sid": "NoTerminateWithoutMfa", "Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*",
     "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
  ]
}"#;

fn policy_set() -> PolicySet {
    let source = load_text("bench.json", POLICY, &Options::default());
    let document = source.roles[0].policies[0].document.as_deref().unwrap();
    assert_eq!(document.statements.len(), 10);
    PolicySet {
        identity: vec![CompiledPolicy::compile(
            document,
            PolicyKind::Identity,
            "bench",
            None,
        )],
        ..PolicySet::default()
    }
}

/// Requests that end in each decision and stop at different statements.
fn requests() -> Vec<Request> {
    let caller = Caller::parse("arn:aws:iam::111122223333:user/alice");
    let mut context = Context::default();
    context.push("aws:SecureTransport", "true");
    context.push("aws:ResourceTag/Owner", "alice");
    [
        ("s3:GetObject", "arn:aws:s3:::reports/2024/q1.csv"),
        ("ec2:DescribeInstances", "*"),
        (
            "ec2:StopInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
        ),
        ("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:jobs"),
        ("iam:CreateUser", "arn:aws:iam::111122223333:user/mallory"),
        (
            "ec2:TerminateInstances",
            "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc",
        ),
    ]
    .into_iter()
    .map(|(action, resource)| {
        Request::new(
            action,
            Some(resource),
            caller.clone(),
            None,
            context.clone(),
        )
    })
    .collect()
}

/// Runs `judge` on every request, counting each as one item.
fn each_request<T>(bencher: Bencher, judge: fn(&PolicySet, &Request) -> T) {
    let set = policy_set();
    let requests = requests();
    bencher
        .counter(ItemsCount::new(requests.len()))
        .bench_local(|| {
            for r in &requests {
                black_box(judge(black_box(&set), r));
            }
        });
}

#[divan::bench]
fn decide_ten_statement_identity_policy(bencher: Bencher) {
    each_request(bencher, decide);
}

#[divan::bench]
fn explain_ten_statement_identity_policy(bencher: Bencher) {
    each_request(bencher, explain);
}

/// The permission matrix asks one role about many actions, changing only the action.
#[divan::bench]
fn decide_many_actions_reusing_one_request(bencher: Bencher) {
    let set = policy_set();
    let actions: Vec<String> = [
        "s3", "ec2", "dynamodb", "logs", "sqs", "kms", "iam", "lambda",
    ]
    .iter()
    .flat_map(|service| {
        [
            "Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Tag",
        ]
        .iter()
        .flat_map(move |verb| {
            ["Object", "Item", "Instances", "Queue", "Key", "User"]
                .iter()
                .map(move |noun| format!("{service}:{verb}{noun}"))
        })
    })
    .collect();
    decide_each_action(bencher, &set, &actions);
}

/// Every action of the catalog decided against one role: the bar is 50 ms for all of them
/// (about 22,000).
#[divan::bench]
fn decide_every_catalog_action_against_one_role(bencher: Bencher) {
    let set = policy_set();
    let actions: Vec<String> = Catalog::get().actions().map(|a| a.full_name()).collect();
    decide_each_action(bencher, &set, &actions);
}

/// Decides the first request once per action, changing only its action; each decision is
/// one item.
fn decide_each_action(bencher: Bencher, set: &PolicySet, actions: &[String]) {
    let mut request = requests().remove(0);
    bencher
        .counter(ItemsCount::new(actions.len()))
        .bench_local(|| {
            for action in actions {
                request.set_action(action);
                black_box(decide(set, &request));
            }
        });
}

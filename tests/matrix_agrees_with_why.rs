//! The permission matrix and the evaluator are separate code: for generated identity
//! policies without conditions, every SQS action the matrix counts as granted is Allowed by
//! the evaluator (`why`) on some queue, every one it does not count is Allowed on none, and
//! every resource the matrix lists a level on has an action of that level Allowed on it.
//!
//! Generated with a fixed seed, so a run is repeatable; a failure prints the policy.

use iamscope::analyze::matrix::{RoleMatrix, role_matrix};
use iamscope::assemble::{Options, load_text};
use iamscope::catalog::{AccessLevel, Action, Catalog};
use iamscope::eval::holder::{Prepared, Question, prepare};
use iamscope::eval::{Decision, decide};
use iamscope::model::Source;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Action patterns statements are made of: exact names (one in another case), wildcards in
/// several places, the whole service, everything.
const ACTIONS: &[&str] = &[
    "sqs:SendMessage",
    "sqs:ReceiveMessage",
    "SQS:deletemessage",
    "sqs:ListQueues",
    "sqs:Get*",
    "sqs:List*",
    "sqs:*Message*",
    "sqs:*",
    "*",
];

/// Resource patterns: everything, an account's queues in one region, one queue, queues of a
/// shape in every region, a prefix, every queue anywhere.
const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:sqs:us-east-1:111122223333:*",
    "arn:aws:sqs:us-east-1:111122223333:queue1",
    "arn:aws:sqs:*:111122223333:queue?",
    "arn:aws:sqs:us-east-1:111122223333:other*",
    "arn:aws:sqs:*:*:*",
];

/// The queues a request may name: in two regions, each name matching some of the
/// patterns above and missing others (`queue1`, `queue12` that `queue?` misses, `other9`,
/// `zzz` that only the widest patterns match).
const QUEUES: &[&str] = &[
    "arn:aws:sqs:us-east-1:111122223333:queue1",
    "arn:aws:sqs:us-east-1:111122223333:queue12",
    "arn:aws:sqs:us-east-1:111122223333:other9",
    "arn:aws:sqs:us-east-1:111122223333:zzz",
    "arn:aws:sqs:eu-west-1:111122223333:queue1",
    "arn:aws:sqs:eu-west-1:111122223333:queue12",
    "arn:aws:sqs:eu-west-1:111122223333:other9",
    "arn:aws:sqs:eu-west-1:111122223333:zzz",
];

fn list(pool: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(pool, 1..=3)
}

/// One statement: Allow or Deny, Action or NotAction, Resource or NotResource.
fn statement() -> impl Strategy<Value = String> {
    (
        prop_oneof![3 => Just("Allow"), 2 => Just("Deny")],
        prop_oneof![4 => Just("Action"), 1 => Just("NotAction")],
        list(ACTIONS),
        prop_oneof![4 => Just("Resource"), 1 => Just("NotResource")],
        list(RESOURCES),
    )
        .prop_map(
            |(effect, action_element, actions, resource_element, resources)| {
                format!(
                    r#"{{"Effect": "{effect}", "{action_element}": {}, "{resource_element}": {}}}"#,
                    serde_json::to_string(&actions).unwrap(),
                    serde_json::to_string(&resources).unwrap()
                )
            },
        )
}

fn policy() -> impl Strategy<Value = String> {
    proptest::collection::vec(statement(), 1..=4).prop_map(|statements| {
        format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [\n  {}\n]}}",
            statements.join(",\n  ")
        )
    })
}

/// The requests an action can be asked on: a queue, or for an action the catalog gives no
/// resource type, also no resource (`*`): the matrix takes such an action to apply to any
/// resource a statement names (the reference's silence is no proof), yet a Deny that
/// applies to `*` takes it away everywhere (a request for it names no resource).
fn requests(action: &Action) -> Vec<Option<&'static str>> {
    let mut out: Vec<Option<&str>> = QUEUES.iter().copied().map(Some).collect();
    if action.resource_types.is_empty() {
        out.push(None);
    }
    out
}

/// The evaluator on one policy: the request and the policies that bear on it prepared once
/// per resource (for SQS actions they do not depend on the action), the action set on each
/// question.
struct Judge {
    prepared: Vec<(Option<&'static str>, Prepared)>,
}

impl Judge {
    fn new(sources: &[Source]) -> Judge {
        let resources = QUEUES.iter().copied().map(Some).chain([None]);
        let prepared = resources
            .map(|resource| {
                let question = Question {
                    action: "sqs:SendMessage",
                    resource,
                    ..Question::default()
                };
                (resource, prepare(sources, question).expect("one holder"))
            })
            .collect();
        Judge { prepared }
    }

    fn decision(&self, action: &str, resource: Option<&str>) -> Decision {
        let (_, prepared) = self
            .prepared
            .iter()
            .find(|(r, _)| *r == resource)
            .expect("a prepared resource");
        let mut request = prepared.request.clone();
        request.set_action(action);
        decide(&prepared.set, &request)
    }
}

fn level_index(level: AccessLevel) -> usize {
    AccessLevel::ALL.iter().position(|l| *l == level).unwrap()
}

/// The granted count the matrix shows for SQS at each level.
fn matrix_counts(m: &RoleMatrix) -> [usize; 5] {
    let mut counts = [0; 5];
    if let Some(row) = m.services.iter().find(|r| r.service == "sqs") {
        for level in AccessLevel::ALL {
            counts[level_index(level)] = row.levels.get(level).granted;
        }
    }
    counts
}

fn agree(policy: &str) -> Result<(), TestCaseError> {
    let source = load_text("policy.json", policy, &Options::default());
    prop_assert_eq!(source.roles.len(), 1);
    let m = role_matrix(&source, &source.roles[0]);
    let judge = Judge::new(&[source]);
    let sqs = Catalog::get().service("sqs").unwrap();
    let mut counts = [0; 5];
    let mut granted_on: Vec<(&str, AccessLevel)> = Vec::new();
    for action in sqs.actions() {
        let name = format!("sqs:{}", action.name);
        let denied_on_any = action.resource_types.is_empty()
            && judge.decision(&name, None) == Decision::ExplicitDeny;
        let on: Vec<Option<&str>> = requests(action)
            .into_iter()
            .filter(|r| !denied_on_any && judge.decision(&name, *r) == Decision::Allowed)
            .collect();
        if !on.is_empty() {
            counts[level_index(action.access_level)] += 1;
        }
        granted_on.extend(
            on.into_iter()
                .map(|r| (r.unwrap_or("*"), action.access_level)),
        );
    }
    prop_assert_eq!(
        matrix_counts(&m),
        counts,
        "granted per level (List, Read, Write, Permissions management, Tagging): matrix, then why"
    );
    // Every resource the matrix shows a level on has an action of that level allowed on a
    // queue it names (or on no resource, `*`, for an action without resource types).
    if let Some(row) = m.services.iter().find(|r| r.service == "sqs") {
        for grant in row.resources.iter().filter(|g| !g.not) {
            for level in &grant.levels {
                let shown = granted_on.iter().any(|(queue, l)| {
                    l.as_str() == *level && iamscope::model::glob::matches(&grant.resource, queue)
                });
                prop_assert!(
                    shown,
                    "the matrix shows {} on {}, but why allows no such action on a queue it names",
                    level,
                    grant.resource
                );
            }
        }
    }
    Ok(())
}

#[test]
fn matrix_counts_what_why_allows() {
    let config = Config {
        cases: 128,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[16; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    if let Err(e) = runner.run(&policy(), |p| agree(&p)) {
        panic!("{e}");
    }
}

/// The smallest policies on which the matrix once disagreed with the evaluator, each kept
/// so the disagreement cannot come back unnoticed whatever the generator draws.
#[test]
fn policies_the_matrix_once_got_wrong() {
    let statements = [
        // An Allow whose NotResource lists every queue grants no queue action.
        r#"{"Effect": "Allow", "Action": ["sqs:*Message*"], "NotResource": ["arn:aws:sqs:*:*:*"]}"#,
        // A Deny on one region's queues leaves the other regions'.
        r#"{"Effect": "Deny", "Action": ["sqs:*Message*"], "Resource": ["arn:aws:sqs:us-east-1:111122223333:*"]},
           {"Effect": "Allow", "Action": ["*"], "Resource": ["*"]}"#,
        // A Deny covering the only queue an Allow names takes its actions away.
        r#"{"Effect": "Deny", "NotAction": ["SQS:deletemessage"], "Resource": ["arn:aws:sqs:*:111122223333:queue?"]},
           {"Effect": "Allow", "Action": ["*"], "Resource": ["arn:aws:sqs:us-east-1:111122223333:queue1"]}"#,
        // ... and the queue is not shown as granted when another value grants elsewhere.
        r#"{"Effect": "Deny", "NotAction": ["SQS:deletemessage"], "Resource": ["arn:aws:sqs:*:111122223333:queue?"]},
           {"Effect": "Allow", "Action": ["*"], "Resource": ["arn:aws:sqs:us-east-1:111122223333:queue1", "arn:aws:sqs:*:*:*"]}"#,
        // A Deny with NotResource sparing only what an Allow with NotResource leaves out.
        r#"{"Effect": "Deny", "Action": ["sqs:SendMessage"], "NotResource": ["arn:aws:sqs:*:111122223333:queue?"]},
           {"Effect": "Allow", "Action": ["*"], "NotResource": ["arn:aws:sqs:*:111122223333:queue?"]}"#,
        // ARN patterns compare part by part: `queue?` and `other*` name no queue in common.
        r#"{"Effect": "Deny", "Action": ["*"], "NotResource": ["arn:aws:sqs:*:111122223333:queue?"]},
           {"Effect": "Allow", "Action": ["sqs:List*"], "Resource": ["arn:aws:sqs:us-east-1:111122223333:other*"]}"#,
        // Two Deny statements that together cover every queue.
        r#"{"Effect": "Deny", "Action": ["*"], "NotResource": ["arn:aws:sqs:us-east-1:111122223333:queue1"]},
           {"Effect": "Deny", "Action": ["*"], "Resource": ["arn:aws:sqs:*:111122223333:queue?"]},
           {"Effect": "Allow", "Action": ["*"], "Resource": ["arn:aws:sqs:*:*:*"]}"#,
    ];
    for statements in statements {
        let policy = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        if let Err(e) = agree(&policy) {
            panic!("{e}\n{policy}");
        }
    }
}

//! Fuzzes reading CloudTrail events (`--used`): the streaming reader (plain or gzip, the
//! three shapes, the per-record cap), the mapping of each event to an action and its
//! resources, and minimizing a policy to what the events used.
#![no_main]

use iamscope::analyze::minimize::{self, Options, used::Used};
use iamscope::analyze::used::Trail;
use iamscope::assemble::{Options as LoadOptions, load_text};
use iamscope::load::cloudtrail::read_stream;
use iamscope::model::Source;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// The policy the events are matched against: patterns, NotResource and a Deny. (A
/// NotAction would make every input expand the whole catalog's complement and cut the
/// target's speed fifty-fold; `pipeline` covers NotAction.)
const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"], "Resource": "*"},
  {"Effect": "Allow", "Action": "sqs:Send*", "NotResource": "arn:aws:sqs:*:*:secret"},
  {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::keep/*"}
]}"#;

/// The policy, loaded once per process.
static SOURCE: LazyLock<Source> =
    LazyLock::new(|| load_text("policy.json", POLICY, &LoadOptions::default()));

fuzz_target!(|data: &[u8]| {
    let mut trail = Trail::default();
    let _ = read_stream(data, &mut |e| trail.add(&e));
    let source = &*SOURCE;
    for role in &source.roles {
        let (principals, usage) = trail.for_holder(role);
        let options = Options {
            used: Some(Used { principals, usage }),
            ..Options::default()
        };
        let _ = minimize::minimize(&minimize::select(source, role), &options);
    }
});

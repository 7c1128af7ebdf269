//! Reading CloudTrail events for `--used`: 1 GB of log files (generated here into
//! target/bench-cloudtrail/, never committed) must be read record by record, in memory
//! bounded by one record, not by the input. The README gives the figures and the command
//! that measures peak memory (`/usr/bin/time -v` on `iamscope minimize --used`).
//!
//! Run with `cargo bench --bench cloudtrail`.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::LazyLock;

use divan::Bencher;
use iamscope::analyze::used;

fn main() {
    divan::main();
}

/// Size of the generated events.
const EVENTS_BYTES: u64 = 1 << 30;

/// Files the events are split into, as CloudTrail delivers one file per few minutes.
const FILES: u64 = 16;

/// A directory of 1 GB of events, written once (kept for the README's command).
static EVENTS: LazyLock<String> = LazyLock::new(|| {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-cloudtrail");
    let done = dir.join(".complete");
    if !done.exists() {
        std::fs::create_dir_all(&dir).expect("create the events directory");
        for f in 0..FILES {
            write_file(
                &dir.join(format!("111122223333_CloudTrail_eu-west-1_{f:04}.json")),
                f,
            );
        }
        std::fs::write(&done, "").expect("mark the events complete");
    }
    dir.to_string_lossy().into_owned()
});

/// One delivered log file of about EVENTS_BYTES / FILES: sessions of three roles calling
/// S3, EC2, DynamoDB and Lambda, some denied, some unmapped.
fn write_file(path: &std::path::Path, f: u64) {
    let file = std::fs::File::create(path).expect("create an events file");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut written: u64 = 0;
    out.write_all(b"{\"Records\":[").unwrap();
    let mut i: u64 = 0;
    while written < EVENTS_BYTES / FILES {
        if i > 0 {
            out.write_all(b",").unwrap();
        }
        let record = record(f * 1_000_000_000 + i);
        written += record.len() as u64 + 1;
        out.write_all(record.as_bytes()).unwrap();
        i += 1;
    }
    out.write_all(b"]}").unwrap();
    out.flush().unwrap();
}

fn record(n: u64) -> String {
    let role = ["Collector", "Deployer", "Auditor"][(n % 3) as usize];
    let (source, name, params, error) = match n % 7 {
        0 | 1 => (
            "s3.amazonaws.com",
            "GetObject",
            format!(
                r#"{{"bucketName":"logs-111122223333","key":"AWSLogs/{}/object-{}.gz"}}"#,
                n % 97,
                n % 1000
            ),
            "",
        ),
        2 => (
            "s3.amazonaws.com",
            "ListObjects",
            r#"{"bucketName":"logs-111122223333","prefix":"AWSLogs/"}"#.to_string(),
            "",
        ),
        3 => (
            "ec2.amazonaws.com",
            "DescribeInstances",
            r#"{"instancesSet":{},"filterSet":{}}"#.to_string(),
            "",
        ),
        4 => (
            "dynamodb.amazonaws.com",
            "GetItem",
            r#"{"tableName":"orders","key":{"id":{"S":"1"}}}"#.to_string(),
            "",
        ),
        5 => (
            "lambda.amazonaws.com",
            "ListFunctions20150331",
            "null".to_string(),
            r#""errorCode":"AccessDenied","errorMessage":"not authorized","#,
        ),
        _ => (
            "example.amazonaws.com",
            "DescribeWidgets",
            "null".to_string(),
            "",
        ),
    };
    format!(
        concat!(
            r#"{{"eventVersion":"1.09","userIdentity":{{"type":"AssumedRole","principalId":"AROAEXAMPLE:{n}","#,
            r#""arn":"arn:aws:sts::111122223333:assumed-role/{role}/s{n}","accountId":"111122223333","#,
            r#""accessKeyId":"ASIAEXAMPLE","sessionContext":{{"sessionIssuer":{{"type":"Role","#,
            r#""principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/{role}","#,
            r#""accountId":"111122223333","userName":"{role}"}},"attributes":{{"creationDate":"2024-05-01T00:00:00Z","#,
            r#""mfaAuthenticated":"false"}}}}}},"eventTime":"2024-05-{day:02}T{hour:02}:00:00Z","#,
            r#""eventSource":"{source}","eventName":"{name}","awsRegion":"eu-west-1","#,
            r#""sourceIPAddress":"203.0.113.10","userAgent":"aws-sdk-go/1.44.0",{error}"#,
            r#""requestParameters":{params},"responseElements":null,"#,
            r#""requestID":"{n:016x}","eventID":"{n:032x}","readOnly":true,"eventType":"AwsApiCall","#,
            r#""managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}}"#
        ),
        n = n,
        role = role,
        day = 1 + n % 28,
        hour = n % 24,
        source = source,
        name = name,
        error = error,
        params = params,
    )
}

/// 1 GB of events, read and mapped to actions, by caller.
#[divan::bench(sample_count = 2, sample_size = 1)]
fn read_1gb(bencher: Bencher) {
    let paths = vec![EVENTS.clone()];
    bencher.bench(|| {
        let trail = used::read(&paths);
        assert!(trail.problems.is_empty(), "{:?}", trail.problems);
        trail.records
    });
}

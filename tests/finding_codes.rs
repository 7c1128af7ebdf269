//! Every finding code has an input that produces it, pinned to its severity, line and
//! column, and checked through `iamscope check` as users run it. A code added to the codes
//! table without a row in [`INPUTS`] fails [`every_code_has_an_input`]: add one line (and,
//! usually, a small input under `tests/fixtures/codes/` named after the code).

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use iamscope::analyze::CODES;
use iamscope::model::Severity;
use serde_json::Value;

use Severity::{Error, Info, Warning};

/// Where the inputs made for one code live; an input there must raise its code exactly once.
const OWN_INPUTS: &str = "tests/fixtures/codes/";

/// (code, input, severity, line, column of the code's first finding in the input).
#[rustfmt::skip]
const INPUTS: &[(&str, &str, Severity, u64, u64)] = &[
    ("malformed-json", "sample-policies/upsolver.md", Error, 69, 5),
    ("unknown-element", "sample-policies/dstack.md", Error, 15, 7),
    ("invalid-element", "tests/fixtures/codes/invalid-element.json", Error, 3, 16),
    ("duplicate-element", "tests/fixtures/codes/duplicate-element.json", Error, 4, 68),
    ("element-spelling", "tests/fixtures/codes/element-spelling.json", Warning, 4, 6),
    ("missing-effect", "tests/fixtures/codes/missing-effect.json", Error, 4, 5),
    ("invalid-effect", "tests/fixtures/codes/invalid-effect.json", Error, 4, 16),
    ("missing-action", "tests/fixtures/codes/missing-action.json", Error, 4, 5),
    ("missing-resource", "sample-policies/dstack.md", Error, 12, 5),
    ("missing-principal", "tests/fixtures/codes/missing-principal.json", Error, 5, 5),
    ("action-and-not-action", "tests/fixtures/codes/action-and-not-action.json", Error, 4, 63),
    ("resource-and-not-resource", "tests/fixtures/codes/resource-and-not-resource.json", Error, 4, 82),
    ("principal-and-not-principal", "tests/fixtures/codes/principal-and-not-principal.json", Error, 4, 58),
    ("empty-list", "tests/fixtures/codes/empty-list.json", Error, 4, 35),
    ("invalid-version", "tests/fixtures/codes/invalid-version.json", Error, 2, 14),
    ("duplicate-sid", "tests/fixtures/cloudformation/resource-policies.json", Error, 45, 22),
    ("invalid-sid", "tests/fixtures/terraform/iam.tf", Error, 39, 19),
    ("unknown-service", "tests/fixtures/codes/unknown-service.json", Error, 4, 35),
    ("unknown-action", "sample-policies/dstack.md", Error, 88, 9),
    ("invalid-action-wildcard", "tests/fixtures/codes/invalid-action-wildcard.json", Error, 4, 35),
    ("invalid-arn", "tests/fixtures/codes/invalid-arn.json", Error, 4, 63),
    ("resource-mismatch", "sample-policies/dstack.md", Error, 109, 9),
    ("unknown-condition-operator", "tests/fixtures/codes/unknown-condition-operator.json", Error, 5, 20),
    ("null-with-if-exists", "tests/fixtures/codes/null-with-if-exists.json", Error, 5, 20),
    ("unknown-managed-policy", "tests/fixtures/codes/unknown-managed-policy.yaml", Error, 13, 11),
    ("managed-policy-whitespace", "sample-policies/upsolver.md", Warning, 42, 5),
    ("managed-policy-case", "tests/fixtures/codes/managed-policy-case.yaml", Warning, 13, 11),
    ("managed-policy-path", "tests/fixtures/codes/managed-policy-path.yaml", Warning, 13, 11),
    ("customer-managed-policy", "tests/fixtures/authorization-details/account.json", Info, 27, 36),
    ("malformed-yaml", "tests/fixtures/cloudformation/broken.yaml", Error, 17, 25),
    ("malformed-hcl", "tests/fixtures/terraform/broken.tf", Error, 3, 14),
    ("cfn-invalid-function", "tests/fixtures/cloudformation/roles.yaml", Error, 79, 23),
    ("cfn-macro", "tests/fixtures/cloudformation/roles.yaml", Warning, 64, 11),
    ("cfn-no-resources", "tests/fixtures/codes/cfn-no-resources.yaml", Warning, 1, 1),
    ("cfn-not-a-policy", "tests/fixtures/codes/cfn-not-a-policy.yaml", Error, 12, 17),
    ("cfn-parameter-default", "tests/fixtures/cloudformation/roles.yaml", Info, 8, 14),
    ("cfn-unresolved", "tests/fixtures/cloudformation/roles.yaml", Info, 33, 45),
    ("terraform-dynamic-block", "tests/fixtures/terraform/iam.tf", Warning, 36, 3),
    ("terraform-policy-not-followed", "tests/fixtures/terraform/iam.tf", Warning, 122, 12),
    ("terraform-unknown-argument", "tests/fixtures/codes/terraform-unknown-argument.tf", Warning, 6, 5),
    ("url-encoded-policy", "tests/fixtures/authorization-details/account.json", Info, 41, 39),
    ("no-default-version", "tests/fixtures/codes/no-default-version.json", Warning, 6, 5),
    ("incomplete-dump-entry", "tests/fixtures/codes/incomplete-dump-entry.json", Warning, 6, 5),
    ("unfilled-placeholder", "sample-policies/dstack.md", Warning, 15, 7),
    ("missing-version", "tests/fixtures/codes/missing-version.json", Warning, 1, 1),
    ("variable-in-version-2008", "tests/fixtures/codes/variable-in-version-2008.json", Warning, 4, 63),
    ("unknown-condition-key", "tests/fixtures/codes/unknown-condition-key.json", Warning, 5, 37),
    ("condition-type-mismatch", "tests/fixtures/codes/condition-type-mismatch.json", Warning, 5, 38),
    ("for-all-values-single-valued", "tests/fixtures/codes/for-all-values-single-valued.json", Warning, 5, 20),
    ("pass-role-star", "sample-policies/upsolver.md", Warning, 94, 9),
    ("full-admin", "tests/fixtures/codes/full-admin.json", Error, 4, 35),
    ("service-wildcard", "sample-policies/upsolver.md", Warning, 202, 9),
    ("not-action-with-allow", "tests/fixtures/codes/not-action-with-allow.json", Warning, 4, 38),
    ("not-resource-with-allow", "tests/fixtures/codes/not-resource-with-allow.json", Warning, 4, 66),
    ("not-principal-with-allow", "tests/fixtures/codes/not-principal-with-allow.json", Warning, 4, 41),
    ("public-principal", "sample-policies/stackstate.md", Warning, 471, 26),
    ("cross-account-trust-without-external-id", "tests/fixtures/codes/cross-account-trust-without-external-id.json", Warning, 4, 46),
    ("privilege-escalation", "sample-policies/upsolver.md", Warning, 94, 9),
    ("credentials-exposure", "tests/fixtures/authorization-details/account.json", Warning, 25, 17),
    ("data-exfiltration", "sample-policies/upsolver.md", Warning, 42, 5),
    ("resource-exposure", "tests/fixtures/authorization-details/account.json", Warning, 41, 103),
    ("redundant-action", "tests/fixtures/codes/redundant-action.json", Info, 4, 47),
    ("redundant-statement", "tests/fixtures/cloudformation/resource-policies.json", Info, 44, 13),
    ("redundancy-not-checked", "tests/fixtures/codes/redundancy-not-checked.json", Info, 220, 7),
    ("granted-not-documented", "sample-policies/upsolver.md", Info, 78, 10),
    ("documented-not-granted", "tests/fixtures/codes/documented-not-granted.md", Info, 6, 4),
    ("documentation-not-compared", "tests/fixtures/codes/documentation-not-compared.md", Info, 3, 1),
    ("inferred-condition", "tests/fixtures/codes/inferred-condition.md", Info, 5, 1),
    ("not-a-policy", "sample-policies/stackstate.md", Warning, 409, 1),
    ("bare-statement", "tests/fixtures/codes/bare-statement.json", Warning, 1, 1),
    ("policy-as-string", "tests/fixtures/codes/policy-as-string.json", Info, 3, 21),
    ("invalid-utf8", "tests/fixtures/codes/invalid-utf8.json", Warning, 1, 1),
    ("no-policies", "tests/fixtures/codes/no-policies.md", Info, 1, 1),
    ("account-id-as-number", "tests/fixtures/codes/account-id-as-number.yaml", Info, 11, 20),
    ("account-id-leading-zero", "tests/fixtures/codes/account-id-leading-zero.yaml", Warning, 16, 20),
    ("could-be-scoped", "tests/fixtures/codes/could-be-scoped.json", Info, 4, 89),
    ("infrastructure-modification", "tests/fixtures/codes/infrastructure-modification.json", Warning, 4, 53),
    ("long-lived-credentials", "tests/fixtures/codes/long-lived-credentials.json", Warning, 7, 17),
    ("missing-statement", "tests/fixtures/codes/missing-statement.json", Error, 1, 1),
    ("partial-read", "tests/fixtures/codes/partial-read.json", Error, 5, 1),
    ("policy-too-large", "tests/fixtures/codes/policy-too-large.json", Error, 1, 1),
];

/// `iamscope check --format json` over every input at once.
fn check_all() -> Value {
    let paths: BTreeSet<&str> = INPUTS.iter().map(|row| row.1).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["check", "--format", "json", "--fail-on", "never"])
        .args(&paths)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("run iamscope");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("check prints JSON")
}

#[test]
fn every_code_has_an_input() {
    let table: BTreeSet<&str> = CODES.iter().map(|c| c.code).collect();
    let rows: Vec<&str> = INPUTS.iter().map(|row| row.0).collect();
    let missing: Vec<&str> = table
        .iter()
        .copied()
        .filter(|c| !rows.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no input in INPUTS (add a row and an input under {OWN_INPUTS}): {missing:?}"
    );
    let unknown: Vec<&str> = rows
        .iter()
        .copied()
        .filter(|c| !table.contains(c))
        .collect();
    assert!(
        unknown.is_empty(),
        "rows for codes not in the table: {unknown:?}"
    );
    let unique: BTreeSet<&str> = rows.iter().copied().collect();
    assert_eq!(unique.len(), rows.len(), "a code has two rows");
}

#[test]
fn every_input_raises_its_code_at_its_place() {
    let report = check_all();
    let findings = report["findings"].as_array().unwrap();
    for &(code, path, severity, line, column) in INPUTS {
        let mut found: Vec<(&str, u64, u64)> = findings
            .iter()
            .filter(|f| f["code"] == code && f["path"] == path)
            .map(|f| {
                (
                    f["severity"].as_str().unwrap(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                )
            })
            .collect();
        found.sort_by_key(|&(_, line, column)| (line, column));
        let expected = (severity.as_str(), line, column);
        if path.starts_with(OWN_INPUTS) {
            assert_eq!(found, [expected], "{code} in {path}");
        } else {
            assert_eq!(
                found.first(),
                Some(&expected),
                "{code} in {path}: {found:?}"
            );
            assert!(
                found.iter().all(|f| f.0 == severity.as_str()),
                "{code} in {path}: {found:?}"
            );
        }
    }
}

#[test]
fn every_own_input_belongs_to_a_code() {
    let rows: BTreeSet<String> = INPUTS
        .iter()
        .filter(|row| row.1.starts_with(OWN_INPUTS))
        .map(|row| row.1.to_string())
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(OWN_INPUTS);
    let files: BTreeSet<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| format!("{OWN_INPUTS}{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert_eq!(
        files, rows,
        "inputs under {OWN_INPUTS} that no row uses, or rows without input"
    );
}

/// The findings `check` gives for `policy` on standard input, as (code, line, column,
/// message), in its order.
fn findings_of_stdin(policy: &str) -> Vec<(String, u64, u64, String)> {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(["check", "--format", "json", "--fail-on", "never", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run iamscope");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(policy.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn empty_action_and_resource_lists_are_errors() {
    let policy = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": [], "Resource": []},
    {"Effect": "Deny", "NotAction": [], "NotResource": []},
    {"Effect": "Deny", "Action": ["s3:DeleteBucket"], "Resource": ["*"]}
  ]
}"#;
    let found = findings_of_stdin(policy);
    let expected = [
        (4, 35, "Action is an empty list; IAM rejects it"),
        (4, 51, "Resource is an empty list; IAM rejects it"),
        (5, 37, "NotAction is an empty list; IAM rejects it"),
        (5, 56, "NotResource is an empty list; IAM rejects it"),
    ]
    .map(|(line, column, message)| ("empty-list".to_string(), line, column, message.to_string()));
    assert_eq!(found, expected);
}

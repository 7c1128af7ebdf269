//! `check`'s rules on AWS's own managed policies, read as if the user had written them:
//! they run without panicking, with a snapshot of how many findings of each code a sample
//! gives, and what AWS's policies do that the catalog does not describe (each of which once
//! gave false findings) stays quiet.

use iamscope::analyze::{Finding, check};
use iamscope::catalog::managed;

fn lint(name: &str) -> Vec<Finding> {
    let policy = managed::all()
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no managed policy {name}"));
    check(&[policy.as_source()])
}

fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn a_sample_of_managed_policies_is_checked_without_panicking() {
    // Every tenth policy keeps the test quick in a debug build; `cargo run --release
    // --example lint_managed` runs them all.
    let sources: Vec<_> = managed::all()
        .iter()
        .step_by(10)
        .map(|p| p.as_source())
        .collect();
    assert_eq!(sources.len(), managed::all().len().div_ceil(10));
    let findings = check(&sources);
    for f in &findings {
        assert!(
            iamscope::analyze::codes::find(f.code).is_some(),
            "{}",
            f.code
        );
        assert!(f.role.is_some() && f.policy.is_some(), "{f:?}");
    }
    // How many findings of each code: a rule that starts or stops firing on AWS's own
    // policies shows here (review the change with `cargo insta review`).
    let mut counts = std::collections::BTreeMap::new();
    for f in &findings {
        *counts.entry(f.code).or_insert(0usize) += 1;
    }
    insta::assert_debug_snapshot!((sources.len(), counts));
}

#[test]
fn what_the_catalog_does_not_describe_stays_quiet() {
    // `arn:aws:secretsmanager:*:*:sqlworkbench!*`: a `*` ending an ARN part may span colons;
    // and `secretsmanager:ResourceTag/...`, which the actions list as `.../tag-key`.
    let redshift = lint("AmazonRedshiftQueryEditorV2FullAccess");
    assert!(
        !codes(&redshift).contains(&"resource-mismatch")
            && !codes(&redshift).contains(&"unknown-condition-key"),
        "{redshift:#?}"
    );
    // `sagemaker-mlflow:` actions on `mlflow-app/*`, a resource type the catalog gives
    // other actions only.
    let sagemaker = lint("AmazonSageMakerJobFullAccess");
    assert!(
        !codes(&sagemaker).contains(&"resource-mismatch"),
        "{sagemaker:#?}"
    );
    // `logs:` actions with no resource type in the catalog, scoped to log groups.
    let braket = lint("AmazonBraketFullAccess");
    assert!(
        !codes(&braket).contains(&"resource-mismatch"),
        "{braket:#?}"
    );
    // StringEquals on the Bool key aws:ViaAWSService.
    let aiops = lint("AIOpsAssistantPolicy");
    assert!(
        !codes(&aiops).contains(&"condition-type-mismatch"),
        "{aiops:#?}"
    );
}

#[test]
fn what_aws_policies_do_wrong_is_still_found() {
    // cloudformation:DeleteStackSet on `stack/amplify-*`, which no stack set ARN matches.
    let amplify = lint("AdministratorAccess-Amplify");
    let mismatches: Vec<&str> = amplify
        .iter()
        .filter(|f| f.code == "resource-mismatch")
        .filter_map(|f| f.action.as_deref())
        .collect();
    assert_eq!(
        mismatches,
        [
            "cloudformation:DeleteStackSet",
            "cloudformation:DescribeStackSet",
            "cloudformation:UpdateStackSet"
        ]
    );
    // AdministratorAccess itself: `*` on `*`.
    let admin = lint("AdministratorAccess");
    for code in [
        "full-admin",
        "pass-role-star",
        "privilege-escalation",
        "credentials-exposure",
        "data-exfiltration",
        "resource-exposure",
    ] {
        assert!(codes(&admin).contains(&code), "{code}: {admin:#?}");
    }
}

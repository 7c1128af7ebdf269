//! Every diagnostic a loader reports carries the severity the codes table gives its code,
//! so `check --fail-on` and the SARIF rules say the same thing as the finding itself.

use std::path::Path;

use iamscope::analyze::codes;
use iamscope::assemble::{Options, load_paths, load_text};
use iamscope::model::{Diagnostic, Severity};

/// Inputs made to raise the codes whose severity was once given wrongly.
const CRAFTED: [(&str, &str); 3] = [
    (
        "template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Reader:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: {AWS: !Ref Missing}\n            Action: sts:AssumeRole\n            Resource: !GetAtt Nowhere.Arn\n",
    ),
    (
        "complex-key.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  ? [a, b]\n  : Type: AWS::IAM::Role\n",
    ),
    (
        "dump.json",
        r#"{"UserDetailList": [], "GroupDetailList": [], "Policies": [{"PolicyName": "NoArn", "PolicyVersionList": []}],
"RoleDetailList": [{"RoleName": "R", "Arn": "arn:aws:iam::111122223333:role/R", "AttachedManagedPolicies": [{"PolicyName": "X"}]}]}"#,
    ),
];

fn check(path: &str, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let code = codes::find(d.code)
            .unwrap_or_else(|| panic!("{path}: {} is not in the codes table", d.code));
        assert_eq!(
            d.severity, code.severity,
            "{path}:{}:{} {} has the wrong severity",
            d.loc.line, d.loc.column, d.code
        );
    }
}

#[test]
fn loaders_report_each_code_at_its_table_severity() {
    let mut seen = Vec::new();
    for (path, text) in CRAFTED {
        let source = load_text(path, text, &Options::default());
        check(path, &source.diagnostics);
        seen.extend(source.diagnostics.iter().map(|d| (d.code, d.severity)));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        [
            ("cfn-invalid-function", Severity::Error),
            ("incomplete-dump-entry", Severity::Warning),
            ("malformed-yaml", Severity::Error),
        ]
    );
    for dir in ["sample-policies", "tests/fixtures"] {
        assert!(Path::new(dir).is_dir());
        let loaded = load_paths(&[dir.to_string()], &Options::default());
        assert!(loaded.sources.len() > 5, "{dir}");
        for source in &loaded.sources {
            check(&source.path, &source.diagnostics);
        }
    }
}

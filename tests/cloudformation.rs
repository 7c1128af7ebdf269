//! CloudFormation templates (tests/fixtures/cloudformation): holders, policy kinds,
//! statements, intrinsic functions, conditions, placeholders and diagnostics, exactly.

mod common;

use iamscope::load::detect;
use iamscope::model::{Format, Loc, Policy, PolicyKind, Role, RoleKind, Source};

fn load_with(name: &str, vars: &[(&str, &str)]) -> Source {
    common::load_fixture(&format!("cloudformation/{name}"), vars)
}

fn load(name: &str) -> Source {
    load_with(name, &[])
}

fn holders(source: &Source) -> Vec<(&str, RoleKind)> {
    source
        .roles
        .iter()
        .map(|r| (r.name.as_str(), r.kind))
        .collect()
}

fn policy<'a>(role: &'a Role, name: &str) -> &'a Policy {
    role.policies
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no policy {name} in {}", role.name))
}

fn resources(policy: &Policy, statement: usize) -> Vec<&str> {
    policy.statements()[statement]
        .resource
        .as_ref()
        .map(|v| v.iter().collect())
        .unwrap_or_default()
}

fn diagnostics(source: &Source) -> Vec<(&str, Loc)> {
    source.diagnostics.iter().map(|d| (d.code, d.loc)).collect()
}

#[test]
fn detects_templates_by_content() {
    for name in ["roles.yaml", "resource-policies.json", "broken.yaml"] {
        let text = std::fs::read_to_string(format!("tests/fixtures/cloudformation/{name}"))
            .expect("fixture");
        assert_eq!(detect(&text), Format::Cloudformation, "{name}");
    }
    let page = "# Setup\n\n```yaml\nAWSTemplateFormatVersion: 2010-09-09\nResources: {}\n```\n";
    assert_ne!(detect(page), Format::Cloudformation);
}

#[test]
fn roles_users_groups_and_attachments() {
    let s = load("roles.yaml");
    assert_eq!(s.format, Format::Cloudformation);
    assert_eq!(
        holders(&s),
        [
            ("vendor-prod", RoleKind::Role),
            ("operators", RoleKind::Group),
            ("alice", RoleKind::User),
            ("legacy-role", RoleKind::Role),
        ]
    );
    let role = &s.roles[0];
    assert_eq!(role.loc, Loc::new(20, 3));
    assert_eq!(role.note.as_deref(), Some("logical ID VendorRole"));
    let kinds: Vec<(&str, PolicyKind, usize)> = role
        .policies
        .iter()
        .map(|p| (p.name.as_str(), p.kind, p.statements().len()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("trust policy", PolicyKind::Trust, 1),
            ("read-bucket", PolicyKind::Identity, 4),
            // Resolved from the catalog.
            ("ReadOnlyAccess", PolicyKind::Identity, 3),
            ("shared", PolicyKind::Identity, 1),
            ("boundary", PolicyKind::Boundary, 0),
            ("extra", PolicyKind::Identity, 1),
        ]
    );
    let aws = policy(role, "ReadOnlyAccess").managed.as_ref().unwrap();
    assert_eq!(
        (aws.arn.as_str(), aws.resolved),
        ("arn:aws:iam::aws:policy/ReadOnlyAccess", true)
    );
    let shared = policy(role, "shared").managed.as_ref().unwrap();
    assert_eq!(
        (shared.arn.as_str(), shared.resolved),
        ("${SharedPolicy}", true)
    );
    let boundary = policy(role, "boundary").managed.as_ref().unwrap();
    assert_eq!(
        boundary.arn,
        "arn:aws:iam::${AWS::AccountId}:policy/boundary"
    );
    assert_eq!(
        policy(role, "extra").note.as_deref(),
        Some("only when condition IsProd is true")
    );
    // The same AWS::IAM::Policy reaches the group by name.
    assert_eq!(s.roles[1].policies[0].name, "extra");
    assert_eq!(s.roles[2].groups, ["operators"]);
    // `!GetAtt SharedPolicy.PolicyArn` brings the template's managed policy, as `!Ref` does.
    let alice: Vec<(&str, bool)> = s.roles[2]
        .policies
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.managed.as_ref().is_some_and(|m| m.resolved),
            )
        })
        .collect();
    assert_eq!(alice, [("self", false), ("shared", true)]);
    assert_eq!(
        s.roles[3].note.as_deref(),
        Some("role defined outside this template")
    );
    assert_eq!(s.roles[3].policies[0].name, "existing");
}

#[test]
fn intrinsic_functions_and_conditions() {
    let s = load("roles.yaml");
    let role = &s.roles[0];
    let trust = &policy(role, "trust policy").statements()[0];
    let principal = match trust.principal.as_ref().unwrap() {
        iamscope::model::Principal::Map { entries, .. } => entries[0].values.items[0].value.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(principal, "arn:aws:iam::111122223333:root");
    let external = &trust.condition.as_ref().unwrap().operators[0].entries[0].values[0];
    assert_eq!(
        external.text,
        "Fn::Select(\"1\", Fn::Split(\"-\", ${AWS::StackName}-x))"
    );
    let read = policy(role, "read-bucket");
    assert_eq!(
        resources(read, 0),
        [
            "arn:${AWS::Partition}:s3:::${BucketName}",
            "arn:aws:s3:::${BucketName}/*"
        ]
    );
    let sids: Vec<(&str, Option<&str>)> = read
        .statements()
        .iter()
        .map(|s| (s.sid.as_ref().unwrap().value.as_str(), s.note.as_deref()))
        .collect();
    assert_eq!(
        sids,
        [
            ("Read", None),
            ("ProdQueue", Some("only when condition IsProd is true")),
            ("Audit", Some("only when condition WithAudit is true")),
            ("NoAudit", Some("only when condition WithAudit is false")),
        ]
    );
    assert_eq!(
        resources(read, 1),
        ["arn:aws:sqs:us-east-1:${AWS::AccountId}:orders-east"]
    );
    assert_eq!(read.statements()[3].loc, Loc::new(60, 19));
    assert_eq!(
        diagnostics(&s),
        [
            // `!GetAtt LogGroup.Arn` names a resource the template does not define.
            ("cfn-invalid-function", Loc::new(79, 23)),
            ("cfn-parameter-default", Loc::new(8, 14)),
            ("cfn-parameter-default", Loc::new(11, 14)),
            ("cfn-unresolved", Loc::new(33, 45)),
            ("cfn-macro", Loc::new(64, 11)),
            // The boundary is a customer managed policy of the deploying account.
            ("customer-managed-policy", Loc::new(69, 28)),
        ]
    );
}

#[test]
fn placeholders_are_listed_and_filled() {
    let s = load("roles.yaml");
    let names: Vec<&str> = s.placeholders.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AWS::AccountId",
            "AWS::Partition",
            "AWS::StackName",
            "BucketName",
            "LogGroup.Arn"
        ]
    );
    let filled = load_with(
        "roles.yaml",
        &[("BucketName", "logs"), ("AWS::Partition", "aws")],
    );
    let read = policy(&filled.roles[0], "read-bucket");
    assert_eq!(
        resources(read, 0),
        ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"]
    );
    let bucket = filled
        .placeholders
        .iter()
        .find(|p| p.name == "BucketName")
        .unwrap();
    assert_eq!(bucket.value.as_deref(), Some("logs"));
}

#[test]
fn resource_policies_in_json() {
    let s = load("resource-policies.json");
    assert_eq!(
        holders(&s),
        [
            ("Logs", RoleKind::Resource),
            ("Key", RoleKind::Resource),
            ("Queue", RoleKind::Resource),
            ("Topic", RoleKind::Resource),
        ]
    );
    assert!(
        s.roles
            .iter()
            .all(|r| r.policies.len() == 1 && r.policies[0].kind == PolicyKind::Resource)
    );
    let key = &s.roles[1].policies[0];
    assert_eq!(key.name, "AWS::KMS::Key");
    let notes: Vec<Option<&str>> = key.statements().iter().map(|s| s.note.as_deref()).collect();
    assert_eq!(
        notes,
        [
            None,
            Some("only when condition Shared is true"),
            Some("only when condition Shared is false"),
        ]
    );
    assert_eq!(resources(&s.roles[0].policies[0], 0), ["${Logs.Arn}/*"]);
    assert_eq!(resources(&s.roles[2].policies[0], 0), ["${Queue.Arn}"]);
    let names: Vec<&str> = s.placeholders.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AWS::AccountId",
            "Logs.Arn",
            "Queue.Arn",
            "Topic",
            "TrustedAccount"
        ]
    );
    assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
}

#[test]
fn broken_yaml_keeps_what_was_read() {
    let s = load("broken.yaml");
    assert_eq!(diagnostics(&s), [("malformed-yaml", Loc::new(17, 25))]);
    assert_eq!(holders(&s), [("Reader", RoleKind::Role)]);
    let trust = policy(&s.roles[0], "trust policy");
    assert_eq!(trust.statements().len(), 1);
    assert_eq!(policy(&s.roles[0], "read").statements().len(), 1);
}

#[test]
fn a_document_given_as_a_json_string_reports_its_repairs() {
    let text = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Reader:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: '{\"Statement\": [{\"Effect\": \"Allow\" \"Principal\": {\"Service\": \"ec2.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]}'\n";
    let s = iamscope::assemble::load_text("t.yaml", text, &Default::default());
    assert_eq!(diagnostics(&s), [("malformed-json", Loc::new(6, 67))]);
    assert_eq!(policy(&s.roles[0], "trust policy").statements().len(), 1);
}

//! Account dumps (tests/fixtures/authorization-details): users, groups, roles, managed
//! policies at their default version, boundaries, instance profiles, encodings.

use std::sync::Arc;

mod common;

use iamscope::load::detect;
use iamscope::model::{Format, Loc, PolicyKind, RoleKind, Source};

const FIXTURE: &str = "tests/fixtures/authorization-details/account.json";

fn load() -> Source {
    common::load_fixture("authorization-details/account.json", &[])
}

fn summary(source: &Source, holder: usize) -> Vec<(&str, PolicyKind, Option<bool>, usize)> {
    common::summary(&source.roles[holder].policies)
}

#[test]
fn detected_by_content() {
    let text = std::fs::read_to_string(FIXTURE).expect("fixture");
    assert_eq!(detect(&text), Format::AuthorizationDetails);
    assert_eq!(detect("{\"Statement\": []}"), Format::Json);
}

#[test]
fn holders_with_their_policies() {
    let s = load();
    let holders: Vec<(&str, RoleKind, Option<&str>)> = s
        .roles
        .iter()
        .map(|r| (r.name.as_str(), r.kind, r.arn.as_deref()))
        .collect();
    assert_eq!(
        holders,
        [
            (
                "alice",
                RoleKind::User,
                Some("arn:aws:iam::111122223333:user/alice")
            ),
            (
                "devs",
                RoleKind::Group,
                Some("arn:aws:iam::111122223333:group/devs")
            ),
            (
                "app",
                RoleKind::Role,
                Some("arn:aws:iam::111122223333:role/app")
            ),
            (
                "managed policies attached to nothing",
                RoleKind::Document,
                None
            ),
        ]
    );
    assert_eq!(
        summary(&s, 0),
        [
            ("own-keys", PolicyKind::Identity, None, 1),
            ("deploy", PolicyKind::Identity, Some(true), 1),
            // AWS managed: resolved from the catalog.
            ("ReadOnlyAccess", PolicyKind::Identity, Some(true), 3),
            // Customer managed, not in the dump: a reference, reported.
            ("boundary", PolicyKind::Boundary, Some(false), 0),
        ]
    );
    assert_eq!(s.roles[0].groups, ["devs"]);
    assert_eq!(s.roles[1].note.as_deref(), Some("members: alice"));
    assert_eq!(
        summary(&s, 1),
        [
            ("logs", PolicyKind::Identity, None, 1),
            (
                "AmazonS3ReadOnlyAccess",
                PolicyKind::Identity,
                Some(true),
                1
            ),
        ]
    );
    assert_eq!(
        summary(&s, 2),
        [
            ("trust policy", PolicyKind::Trust, None, 1),
            ("queue", PolicyKind::Identity, None, 2),
            ("deploy", PolicyKind::Identity, Some(true), 1),
        ]
    );
    assert_eq!(
        s.roles[2].note.as_deref(),
        Some("used by instance profile app-profile")
    );
    assert_eq!(
        summary(&s, 3),
        [("stale", PolicyKind::Identity, Some(true), 1)]
    );
}

#[test]
fn managed_policies_at_their_default_version_shared() {
    let s = load();
    let alice = &s.roles[0].policies[1];
    let app = &s.roles[2].policies[2];
    let actions: Vec<&str> = alice.statements()[0]
        .action
        .as_ref()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(actions, ["s3:PutObject", "cloudformation:*"]);
    assert!(Arc::ptr_eq(
        alice.document.as_ref().unwrap(),
        app.document.as_ref().unwrap()
    ));
    // The attachment is where the holder names it; the statement is where the dump has it.
    assert_eq!(alice.loc, Loc::new(24, 17));
    assert_eq!(alice.statements()[0].loc, Loc::new(94, 73));
}

#[test]
fn encodings_and_diagnostics_with_positions() {
    let s = load();
    let logs = &s.roles[1].policies[0];
    let actions: Vec<&str> = logs.statements()[0]
        .action
        .as_ref()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(actions, ["logs:*"]);
    let diags: Vec<(&str, Loc)> = s.diagnostics.iter().map(|d| (d.code, d.loc)).collect();
    assert_eq!(
        diags,
        [
            ("url-encoded-policy", Loc::new(41, 39)),
            ("unknown-element", Loc::new(70, 70)),
            ("customer-managed-policy", Loc::new(27, 36)),
        ]
    );
}

#[test]
fn entries_without_their_identifying_field_are_reported_not_dropped() {
    let dump = r#"{
  "UserDetailList": [],
  "GroupDetailList": [],
  "Policies": [{"PolicyName": "NoArn", "DefaultVersionId": "v1", "PolicyVersionList": []}],
  "RoleDetailList": [{
    "RoleName": "R",
    "Arn": "arn:aws:iam::111122223333:role/R",
    "RolePolicyList": [{"PolicyName": "inline"}],
    "AttachedManagedPolicies": [{"PolicyName": "X"}, {}],
    "PermissionsBoundary": {"PermissionsBoundaryType": "Policy"}
  }]
}"#;
    let s = iamscope::assemble::load_text("dump.json", dump, &Default::default());
    assert_eq!(s.format, Format::AuthorizationDetails);
    let diags: Vec<(&str, Loc, &str)> = s
        .diagnostics
        .iter()
        .map(|d| (d.code, d.loc, d.message.as_str()))
        .collect();
    assert_eq!(
        diags,
        [
            (
                "incomplete-dump-entry",
                Loc::new(4, 16),
                "managed policy NoArn has no Arn; it is not shown, and nothing can attach it"
            ),
            (
                "incomplete-dump-entry",
                Loc::new(8, 24),
                "inline policy inline of R has no PolicyDocument; it is not shown"
            ),
            (
                "incomplete-dump-entry",
                Loc::new(9, 33),
                "R attaches managed policy X without its PolicyArn; it is not shown"
            ),
            (
                "incomplete-dump-entry",
                Loc::new(9, 54),
                "R attaches a managed policy without its PolicyArn; it is not shown"
            ),
            (
                "incomplete-dump-entry",
                Loc::new(10, 28),
                "the permissions boundary of R has no PermissionsBoundaryArn; it is not shown"
            ),
        ]
    );
    assert_eq!(s.roles.len(), 1);
    assert!(s.roles[0].policies.is_empty());
}

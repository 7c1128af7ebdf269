//! Terraform configurations (tests/fixtures/terraform): holders, policy kinds, statements,
//! data blocks, jsonencode, heredocs, attachments, placeholders and repairs, exactly.

mod common;

use common::summary;
use iamscope::load::detect;
use iamscope::model::{Format, Loc, PolicyKind, Principal, RoleKind, Source};

fn load_with(name: &str, vars: &[(&str, &str)]) -> Source {
    common::load_fixture(&format!("terraform/{name}"), vars)
}

fn strings(values: &Option<iamscope::model::Values>) -> Vec<&str> {
    values
        .as_ref()
        .map(|v| v.iter().collect())
        .unwrap_or_default()
}

#[test]
fn detected_by_content() {
    for name in ["iam.tf", "broken.tf"] {
        let text = std::fs::read_to_string(format!("tests/fixtures/terraform/{name}")).unwrap();
        assert_eq!(detect(&text), Format::Terraform, "{name}");
    }
}

#[test]
fn a_policy_in_a_file_the_input_lacks_is_kept_partial() {
    let s = load_with("iam.tf", &[]);
    let key = s
        .roles
        .iter()
        .find(|r| r.name == "aws_kms_key.main")
        .unwrap();
    let policy = &key.policies[0];
    assert_eq!(
        (policy.name.as_str(), policy.statements().len()),
        ("aws_kms_key", 0)
    );
    assert_eq!(
        iamscope::model::Unread::warning("policy", &policy.partial).as_deref(),
        Some("this policy may grant more: line 122 could not be read")
    );
}

#[test]
fn roles_users_attachments_and_resource_policies() {
    let s = load_with("iam.tf", &[]);
    let holders: Vec<(&str, RoleKind)> =
        s.roles.iter().map(|r| (r.name.as_str(), r.kind)).collect();
    assert_eq!(
        holders,
        [
            ("vendor-${var.stage}", RoleKind::Role),
            ("ci", RoleKind::User),
            ("legacy", RoleKind::Role),
            ("aws_s3_bucket.data", RoleKind::Resource),
            // Its policy is a file this input lacks: kept, marked partial, not left out.
            ("aws_kms_key.main", RoleKind::Resource),
        ]
    );
    assert_eq!(s.roles[0].note.as_deref(), Some("aws_iam_role.vendor"));
    assert_eq!(s.roles[0].loc, Loc::new(46, 1));
    assert_eq!(
        summary(&s.roles[0].policies),
        [
            ("trust policy", PolicyKind::Trust, None, 1),
            ("logs", PolicyKind::Identity, None, 1),
            // Resolved from the catalog.
            ("ReadOnlyAccess", PolicyKind::Identity, Some(true), 3),
            ("boundary", PolicyKind::Boundary, Some(true), 1),
            ("reader", PolicyKind::Identity, None, 3),
            ("deploy", PolicyKind::Identity, Some(true), 1),
        ]
    );
    assert_eq!(
        summary(&s.roles[1].policies),
        [("PowerUserAccess", PolicyKind::Identity, Some(true), 2)]
    );
    assert_eq!(
        s.roles[2].note.as_deref(),
        Some("role defined outside this template")
    );
    assert_eq!(
        summary(&s.roles[2].policies),
        [("deploy", PolicyKind::Identity, Some(true), 1)]
    );
    assert_eq!(
        summary(&s.roles[3].policies),
        [("aws_s3_bucket_policy", PolicyKind::Resource, None, 1)]
    );
    let bucket = &s.roles[3].policies[0].statements()[0];
    assert!(matches!(bucket.principal, Some(Principal::Wildcard(_))));
}

#[test]
fn policy_documents_in_every_form() {
    let s = load_with("iam.tf", &[]);
    let role = &s.roles[0];
    // aws_iam_policy_document: principals with a bare number, condition, default effect.
    let trust = &role.policies[0].statements()[0];
    assert_eq!(trust.effect.as_ref().unwrap().value, "Allow");
    let Some(Principal::Map { entries, .. }) = &trust.principal else {
        panic!("{:?}", trust.principal)
    };
    let ids: Vec<&str> = entries[0].values.iter().collect();
    assert_eq!(ids, ["111122223333", "arn:aws:iam::444455556666:root"]);
    let condition = &trust.condition.as_ref().unwrap().operators[0];
    assert_eq!(condition.operator.value, "StringEquals");
    assert_eq!(condition.entries[0].values[0].text, "${var.external_id}");
    // jsonencode inside an inline_policy block, with its position.
    let logs = &role.policies[1].statements()[0];
    assert_eq!(
        strings(&logs.resource),
        ["arn:aws:logs:*:${var.account_id}:*"]
    );
    assert_eq!(logs.loc, Loc::new(56, 20));
    // A data block referenced by .json; a dynamic block shown once with a note.
    let reader = &role.policies[4];
    let sids: Vec<&str> = reader
        .statements()
        .iter()
        .map(|s| s.sid.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(sids, ["Read", "NoDelete", "Extra${statement.key}"]);
    assert_eq!(strings(&reader.statements()[1].not_action), ["s3:Get*"]);
    assert_eq!(
        reader.statements()[2].note.as_deref(),
        Some("dynamic block: one statement for each element of var.extra_buckets")
    );
    // A heredoc read in place: the statement's position is in the file.
    let deploy = &role.policies[5];
    assert_eq!(deploy.statements()[0].loc, Loc::new(77, 9));
    assert_eq!(
        deploy.managed.as_ref().unwrap().arn,
        "${aws_iam_policy.deploy.arn}"
    );
    let diags: Vec<(&str, Loc)> = s.diagnostics.iter().map(|d| (d.code, d.loc)).collect();
    assert_eq!(
        diags,
        [
            ("terraform-dynamic-block", Loc::new(36, 3)),
            ("terraform-policy-not-followed", Loc::new(122, 12)),
        ]
    );
}

#[test]
fn interpolations_are_placeholders_filled_by_var() {
    let s = load_with("iam.tf", &[]);
    let names: Vec<&str> = s.placeholders.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "aws_s3_bucket.data.arn",
            "statement.key",
            "statement.value",
            "var.account_id",
            "var.external_id",
            "var.stage"
        ]
    );
    let s = load_with(
        "iam.tf",
        &[("var.stage", "prod"), ("var.account_id", "111122223333")],
    );
    assert_eq!(s.roles[0].name, "vendor-prod");
    let logs = &s.roles[0].policies[1].statements()[0];
    assert_eq!(strings(&logs.resource), ["arn:aws:logs:*:111122223333:*"]);
}

#[test]
fn broken_hcl_is_repaired_or_reported_block_by_block() {
    let s = load_with("broken.tf", &[]);
    let diags: Vec<(&str, Loc, &str)> = s
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.code,
                d.loc,
                d.message.split(';').next().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        diags,
        [
            (
                "malformed-hcl",
                Loc::new(3, 14),
                "heredoc opened with `<< ` (a space before its marker)"
            ),
            (
                "malformed-hcl",
                Loc::new(16, 52),
                "missing `,` between list items"
            ),
            (
                "malformed-hcl",
                Loc::new(24, 24),
                "HCL syntax error: invalid expression"
            ),
        ]
    );
    let holders: Vec<&str> = s.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(holders, ["regions", "broken.tf"]);
    let trust = &s.roles[0].policies[0].statements()[0];
    let Some(Principal::Map { entries, .. }) = &trust.principal else {
        panic!()
    };
    let services: Vec<&str> = entries[0].values.iter().collect();
    assert_eq!(services, ["ec2.amazonaws.com", "lambda.amazonaws.com"]);
    assert_eq!(
        summary(&s.roles[0].policies)[1],
        ("after", PolicyKind::Identity, None, 1)
    );
    assert_eq!(
        summary(&s.roles[1].policies),
        [("scan", PolicyKind::Identity, Some(true), 1)]
    );
}

#[test]
fn jsonencoded_bare_statements_are_reported_as_in_a_json_file() {
    let text = "resource \"aws_iam_role_policy\" \"p\" {\n  role   = \"r\"\n  policy = jsonencode([{ Effect = \"Allow\", Action = \"s3:GetObject\", Resource = \"*\" }])\n}\n";
    let s = iamscope::assemble::load_text("t.tf", text, &Default::default());
    let codes: Vec<(&str, Loc)> = s.diagnostics.iter().map(|d| (d.code, d.loc)).collect();
    assert_eq!(codes, [("bare-statement", Loc::new(3, 23))]);
    assert_eq!(s.roles[0].policies[0].statements().len(), 1);
}

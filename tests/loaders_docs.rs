//! The documentation loaders on the five seed pages and on small pages written for these
//! tests: roles, policies, statements, notes, managed references, diagnostics and
//! placeholders, exactly.

use std::process::Command;

use iamscope::assemble::{Options, load_text};
use iamscope::model::{Format, Loc, Policy, PolicyKind, Role, RoleKind, Source, Statement};

fn load(path: &str) -> Source {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    load_text(path, &text, &Options::default())
}

fn load_str(path: &str, text: &str) -> Source {
    load_text(path, text, &Options::default())
}

fn roles(source: &Source) -> Vec<(&str, RoleKind)> {
    source
        .roles
        .iter()
        .map(|r| (r.name.as_str(), r.kind))
        .collect()
}

fn policies(role: &Role) -> Vec<(&str, PolicyKind, usize)> {
    role.policies
        .iter()
        .map(|p| (p.name.as_str(), p.kind, p.statements().len()))
        .collect()
}

fn sids(policy: &Policy) -> Vec<&str> {
    policy
        .statements()
        .iter()
        .map(|s| s.sid.as_ref().map_or("", |t| t.value.as_str()))
        .collect()
}

fn actions(s: &Statement) -> Vec<&str> {
    s.action
        .as_ref()
        .map(|v| v.iter().collect())
        .unwrap_or_default()
}

fn diagnostics(source: &Source) -> Vec<(&str, u32, u32)> {
    source
        .diagnostics
        .iter()
        .map(|d| (d.code, d.loc.line, d.loc.column))
        .collect()
}

fn placeholders(source: &Source) -> Vec<&str> {
    source
        .placeholders
        .iter()
        .map(|p| p.name.as_str())
        .collect()
}

fn managed(policy: &Policy) -> Option<(&str, &str, bool)> {
    policy
        .managed
        .as_ref()
        .map(|m| (m.name.as_str(), m.arn.as_str(), m.resolved))
}

#[test]
fn epsio_one_table_five_statements_thirty_one_actions() {
    let source = load("sample-policies/epsio.md");
    assert_eq!(source.format, Format::Markdown);
    assert_eq!(roles(&source), [("epsio.md", RoleKind::Document)]);
    let role = &source.roles[0];
    assert_eq!(policies(role), [("Permissions", PolicyKind::Identity, 5)]);
    let policy = &role.policies[0];
    assert!(policy.document.as_ref().unwrap().synthesized);
    assert_eq!(policy.loc, Loc::new(13, 1));
    assert_eq!(
        sids(policy),
        [
            "Launch",
            "Instance Management",
            "Security Group management",
            "Monitoring",
            "Termination"
        ]
    );
    let s = policy.statements();
    let counts: Vec<usize> = s.iter().map(|s| actions(s).len()).collect();
    assert_eq!(counts, [3, 10, 7, 6, 5]);
    assert_eq!(counts.iter().sum::<usize>(), 31);
    let launch = &s[0].action.as_ref().unwrap().items;
    assert_eq!(launch[0].value, "ec2:RunInstances");
    assert_eq!(launch[0].loc, Loc::new(15, 55));
    assert_eq!(s[0].loc, Loc::new(15, 1));
    assert_eq!(s[0].effect.as_ref().unwrap().value, "Allow");
    assert!(s[0].resource.is_none(), "the table states no resources");
    assert_eq!(actions(&s[4])[3], "iam:DeleteFunction");
    let notes: Vec<Option<&str>> = s.iter().map(|s| s.note.as_deref()).collect();
    assert_eq!(
        notes,
        [
            Some("Limited to selected VPC & Subnet"),
            Some("Limited to Epsio resources (where `Owner=Epsio`)"),
            Some("Limited to Epsio resources (where `Owner=Epsio`)"),
            None,
            Some("Limited to Epsio resources (based on Epsio's resource names)"),
        ]
    );
    let inferred: Vec<Vec<(&str, &str, &[String])>> = s
        .iter()
        .map(|s| {
            s.inferred
                .iter()
                .map(|i| (i.operator.as_str(), i.key.as_str(), i.values.as_slice()))
                .collect()
        })
        .collect();
    let owner = ["Epsio".to_string()];
    let tag = ("StringEquals", "aws:ResourceTag/Owner", &owner[..]);
    assert_eq!(inferred, [vec![], vec![tag], vec![tag], vec![], vec![]]);
    assert!(
        s.iter().all(|s| s.condition.is_none()),
        "never written as a condition"
    );
    assert!(diagnostics(&source).is_empty());
    assert!(placeholders(&source).is_empty());
}

#[test]
fn upsolver_roles_managed_policies_and_the_undocumented_action() {
    let source = load("sample-policies/upsolver.md");
    assert_eq!(
        roles(&source),
        [
            ("UpsolverServerRole", RoleKind::Role),
            ("UpsolverManagementRole", RoleKind::Role)
        ]
    );
    let server = &source.roles[0];
    assert_eq!(server.loc, Loc::new(34, 1));
    assert_eq!(
        policies(server),
        [
            ("identity policy", PolicyKind::Identity, 2),
            ("AmazonAthenaFullAccess", PolicyKind::Identity, 10),
            ("AWSCloudFormationReadOnlyAccess", PolicyKind::Identity, 1),
            ("Custom Policy", PolicyKind::Identity, 4),
        ]
    );
    let athena = &server.policies[1];
    assert_eq!(
        managed(athena),
        Some((
            "AmazonAthenaFullAccess",
            "arn:aws:iam::aws:policy/AmazonAthenaFullAccess",
            true
        ))
    );
    assert_eq!(athena.loc, Loc::new(42, 5));
    assert!(athena.document.is_some(), "resolved from the catalog");
    assert_eq!(
        athena.note.as_deref(),
        Some(
            "Allows the servers to manage your Athena tables. Athena does not allow partial permissions; full access is required."
        )
    );
    assert_eq!(
        managed(&server.policies[2]),
        Some((
            "AWSCloudFormationReadOnlyAccess",
            "arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess",
            true
        ))
    );
    assert_eq!(server.policies[2].loc, Loc::new(186, 38));
    let table = &server.policies[0];
    let table_actions: Vec<Vec<&str>> = table.statements().iter().map(actions).collect();
    assert_eq!(
        table_actions,
        [vec!["s3:ListAllMyBuckets"], vec!["kinesis:ListStreams"]]
    );
    assert!(
        table
            .note
            .as_deref()
            .unwrap()
            .ends_with("Additional data read/write permissions: When adding data sources or creating data outputs, you may need to add read/write permissions."),
        "a row naming no action is kept in the note"
    );
    assert_eq!(
        sids(&server.policies[3]),
        [
            "upsolverBucketAccess",
            "listStreams",
            "upsolverManagedStream",
            "sendScalingMetrics"
        ]
    );

    let management = &source.roles[1];
    assert_eq!(
        policies(management),
        [
            ("AWSCloudFormationReadOnlyAccess", PolicyKind::Identity, 1),
            ("Custom Policies", PolicyKind::Identity, 5),
        ]
    );
    let custom = &management.policies[1];
    assert!(!custom.document.as_ref().unwrap().synthesized);
    let s = custom.statements();
    assert_eq!(s[0].loc, Loc::new(69, 5));
    assert_eq!(actions(&s[0]).len(), 25);
    assert_eq!(
        s[2].note.as_deref(),
        Some("Allows running and stopping of Upsolver EC2 instances.")
    );
    assert_eq!(
        s[1].note.as_deref(),
        Some(
            "Allows running and stopping of Upsolver EC2 instances. Allows monitoring of Upsolver EC2 clusters. Allows Upsolver to use static IP addresses for discoverability."
        )
    );
    assert_eq!(
        diagnostics(&source),
        [
            ("malformed-json", 69, 5),
            ("granted-not-documented", 78, 10),
            // `arn:aws:iam::aws:policy/ AmazonAthenaFullAccess`: resolved, with its space reported.
            ("managed-policy-whitespace", 42, 5)
        ]
    );
    assert!(
        source.diagnostics[1]
            .message
            .contains("`ec2:DescribeSpotPriceHistory`")
    );
    assert_eq!(placeholders(&source), ["UPSOLVER_ORG_ID"]);
}

#[test]
fn ownstak_eight_tables_for_an_iam_user() {
    let source = load("sample-policies/ownstak.txt");
    assert_eq!(source.format, Format::Text);
    assert_eq!(
        roles(&source),
        [("OwnstakCloudCredentialsUser", RoleKind::User)]
    );
    let user = &source.roles[0];
    assert_eq!(user.loc, Loc::new(17, 51));
    assert_eq!(
        policies(user),
        [
            (
                "ACM (Certificate Manager) Permissions",
                PolicyKind::Identity,
                5
            ),
            ("EC2 Permissions", PolicyKind::Identity, 11),
            (
                "Elastic Load Balancing Permissions",
                PolicyKind::Identity,
                10
            ),
            (
                "ECS (Elastic Container Service) Permissions",
                PolicyKind::Identity,
                15
            ),
            ("CloudWatch Logs Permissions", PolicyKind::Identity, 8),
            ("Lambda Permissions", PolicyKind::Identity, 15),
            ("IAM Permissions", PolicyKind::Identity, 4),
            ("S3 Permissions", PolicyKind::Identity, 9),
        ]
    );
    let all: Vec<&str> = user
        .policies
        .iter()
        .flat_map(|p| p.statements())
        .flat_map(actions)
        .collect();
    assert_eq!(all.len(), 77);
    for policy in &user.policies {
        let service = actions(&policy.statements()[0])[0]
            .split(':')
            .next()
            .unwrap();
        assert!(
            policy
                .statements()
                .iter()
                .flat_map(actions)
                .all(|a| a.starts_with(&format!("{service}:"))),
            "{} holds one service",
            policy.name
        );
    }
    let acm = &user.policies[0].statements()[0];
    assert_eq!(acm.loc, Loc::new(23, 1));
    assert_eq!(
        acm.note.as_deref(),
        Some("Checks if SSL certificates already exist for the domain")
    );
    let pass_role = &user.policies[6].statements()[3];
    assert_eq!(actions(pass_role), ["iam:passRole"]);
    assert_eq!(
        pass_role.note.as_deref(),
        Some(
            "Allows passing IAM roles to Lambda and ECS services Note: The iam:passRole permission is limited to the following specific roles: ownstak-lambda-execution-role : For Lambda function executionownstak-ecs-execution-role : For ECS task executionownstak-ecs-task-role : For ECS task runtime permissionsownstak-ec2-instance-profile-role : For EC2 single-instance mode"
        )
    );
    assert!(
        pass_role.resource.is_none(),
        "prose limits are notes, never resources"
    );
    assert!(diagnostics(&source).is_empty());
}

#[test]
fn stackstate_headings_name_the_roles_and_the_key() {
    let source = load("sample-policies/stackstate.md");
    assert_eq!(
        roles(&source),
        [
            ("StackStateAwsIntegrationRole", RoleKind::Role),
            ("StackStateEventBridgeRole-${Region}", RoleKind::Role),
            ("StackStateFirehoseRole-${Region}", RoleKind::Role),
            ("stackstate-integration KMS Key", RoleKind::Resource),
        ]
    );
    let r = &source.roles;
    assert_eq!(r[0].loc, Loc::new(18, 1));
    assert_eq!(
        policies(&r[0]),
        [
            ("Trust Relationship", PolicyKind::Trust, 1),
            ("Trust Relationship #2", PolicyKind::Trust, 1),
            ("IAM Policy Document", PolicyKind::Identity, 21),
        ]
    );
    assert_eq!(
        r[0].policies[0].note.as_deref(),
        Some(
            "For an AWS Agent running outside of AWS, using an IAM user. Replace the Principal with the IAM user or AWS account that the Agent is using."
        )
    );
    assert_eq!(
        policies(&r[1]),
        [
            ("Trust Relationship", PolicyKind::Trust, 1),
            ("IAM Policy Document", PolicyKind::Identity, 1),
        ]
    );
    assert_eq!(
        policies(&r[2]),
        [
            ("Trust Relationship", PolicyKind::Trust, 1),
            ("IAM Policy Document", PolicyKind::Identity, 2),
        ]
    );
    assert_eq!(
        policies(&r[3]),
        [("resource policy", PolicyKind::Resource, 3)]
    );
    assert_eq!(
        sids(&r[3].policies[0]),
        [
            "AllowKeyAdministration",
            "AllowS3Access",
            "AllowVpcFlowLogAccess"
        ]
    );
    assert_eq!(diagnostics(&source), [("not-a-policy", 409, 1)]);
    assert_eq!(placeholders(&source), ["AccountId", "ExternalId", "Region"]);

    let options = Options {
        vars: [("Region".to_string(), "eu-west-1".to_string())].into(),
        ..Options::default()
    };
    let text = std::fs::read_to_string(format!(
        "{}/sample-policies/stackstate.md",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let filled = load_text("stackstate.md", &text, &options);
    assert_eq!(filled.roles[1].name, "StackStateEventBridgeRole-eu-west-1");
}

#[test]
fn dstack_one_policy_an_unknown_element_and_a_placeholder() {
    let source = load("sample-policies/dstack.md");
    assert_eq!(roles(&source), [("dstack.md", RoleKind::Document)]);
    assert_eq!(
        policies(&source.roles[0]),
        [("AWS permissions", PolicyKind::Identity, 12)]
    );
    assert_eq!(diagnostics(&source), [("unknown-element", 15, 7)]);
    assert!(source.diagnostics[0].message.contains("`Resources`"));
    assert_eq!(placeholders(&source), ["bucket_name"]);
}

/// A vendor page in HTML: headings scope the role, a table of actions, a `<pre>` policy in
/// another section, entities, a table without actions.
const HTML_PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>x</title><style>td { color: red }</style></head>
<body>
<h2>AcmeReaderRole</h2>
<h3>Permissions</h3>
<p>Grant these &amp; nothing else:</p>
<table>
  <thead><tr><th>Purpose</th><th>Actions</th></tr></thead>
  <tr><td>Read objects</td><td><code>s3:GetObject</code><br><code>s3:ListBucket</code></td></tr>
  <tr><td>Tags</td><td>tag:GetResources, tag:GetTagKeys</td></tr>
</table>
<h3>Trust policy</h3>
<pre>{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::&#49;11122223333:root"}, "Action": "sts:AssumeRole"}]}</pre>
<h3>Regions</h3>
<table><tr><th>Region</th></tr><tr><td>us-east-1</td></tr></table>
<p>Also attach the AWS managed policy <b>ReadOnlyAccess</b>.</p>
</body></html>
"#;

#[test]
fn an_html_page() {
    let source = load_str("page.html", HTML_PAGE);
    assert_eq!(source.format, Format::Html);
    assert_eq!(roles(&source), [("AcmeReaderRole", RoleKind::Role)]);
    let role = &source.roles[0];
    assert_eq!(role.loc, Loc::new(4, 1));
    assert_eq!(
        policies(role),
        [
            ("Permissions", PolicyKind::Identity, 2),
            ("Trust policy", PolicyKind::Trust, 1),
            ("ReadOnlyAccess", PolicyKind::Identity, 3),
        ]
    );
    let table = &role.policies[0];
    assert_eq!(table.note.as_deref(), Some("Grant these & nothing else"));
    assert_eq!(sids(table), ["Read objects", "Tags"]);
    let s = table.statements();
    assert_eq!(actions(&s[0]), ["s3:GetObject", "s3:ListBucket"]);
    assert_eq!(actions(&s[1]), ["tag:GetResources", "tag:GetTagKeys"]);
    let items = &s[0].action.as_ref().unwrap().items;
    assert_eq!(items[1].loc, Loc::new(9, 67));
    let trust = &role.policies[1].statements()[0];
    assert_eq!(trust.loc, Loc::new(13, 46));
    let principal = trust.principal.as_ref().unwrap();
    let iamscope::model::Principal::Map { entries, .. } = principal else {
        panic!("a map principal")
    };
    assert_eq!(
        entries[0].values.items[0].value,
        "arn:aws:iam::111122223333:root"
    );
    assert_eq!(
        managed(&role.policies[2]).map(|m| m.1),
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
    );
    assert!(diagnostics(&source).is_empty());
}

#[test]
fn a_table_that_names_no_actions_is_no_policy() {
    let source = load_str(
        "regions.html",
        "<table><tr><th>Region</th><th>Note</th></tr><tr><td>us-east-1</td><td>a:b c</td></tr></table>",
    );
    assert_eq!(source.format, Format::Html);
    assert!(source.roles.is_empty());
    assert_eq!(diagnostics(&source), [("no-policies", 1, 1)]);
}

#[test]
fn a_policy_and_its_table_in_one_section_are_compared() {
    let page = "\
## Permissions

| Action | Why |
|---|---|
| `s3:GetObject` | Reads reports. |
| `s3:PutObject` | Never granted below. |

```json
{\"Version\": \"2012-10-17\", \"Statement\": [
  {\"Effect\": \"Allow\", \"Action\": [\"s3:Get*\", \"sqs:SendMessage\"], \"Resource\": \"*\"}
]}
```
";
    let source = load_str("page.md", page);
    assert_eq!(
        policies(&source.roles[0]),
        [("Permissions", PolicyKind::Identity, 1)]
    );
    let s = &source.roles[0].policies[0].statements()[0];
    assert_eq!(s.note.as_deref(), Some("Reads reports."));
    assert_eq!(
        diagnostics(&source),
        [
            ("granted-not-documented", 10, 45),
            ("documented-not-granted", 6, 4),
        ]
    );
    assert!(
        source
            .diagnostics
            .iter()
            .all(|d| d.severity == iamscope::model::Severity::Info)
    );
}

fn iamscope(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn input_format_overrides_detection() {
    let (code, out) = iamscope(&["tree", "sample-policies/ownstak.txt", "--format", "json"]);
    assert_eq!(code, 0);
    assert!(out.contains("\"format\": \"text\""), "{out}");
    let (code, out) = iamscope(&[
        "tree",
        "sample-policies/ownstak.txt",
        "--input-format",
        "markdown",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("\"format\": \"markdown\""), "{out}");
    let (code, _) = iamscope(&[
        "tree",
        "sample-policies/ownstak.txt",
        "--input-format",
        "xml",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn tree_marks_policies_built_from_tables() {
    let (_, out) = iamscope(&["tree", "sample-policies/epsio.md"]);
    assert!(
        out.contains("Permissions  identity, 5 statements, from a table  13:1"),
        "{out}"
    );
    assert!(out.contains(
        "aws:ResourceTag/Owner = Epsio  StringEquals, inferred from prose, not evaluated"
    ));
}

const PAGE_WITH_TEMPLATES: &str = r#"# Connect your account

Deploy this template:

```yaml
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  VendorRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: vendor-reader
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { AWS: "arn:aws:iam::444455556666:root" }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/SecurityAudit
```

Or with Terraform:

```hcl
resource "aws_iam_role_policy" "logs" {
  role   = "vendor-reader"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["logs:GetLogEvents"], Resource = "*" }]
  })
}
```
"#;

#[test]
fn templates_in_code_blocks_name_their_own_holders() {
    let source = load_str("connect.md", PAGE_WITH_TEMPLATES);
    assert_eq!(source.format, Format::Markdown);
    assert_eq!(
        roles(&source),
        [
            ("vendor-reader", RoleKind::Role),
            ("vendor-reader", RoleKind::Role)
        ]
    );
    assert_eq!(
        policies(&source.roles[0]),
        [
            ("trust policy", PolicyKind::Trust, 1),
            ("SecurityAudit", PolicyKind::Identity, 2),
        ]
    );
    assert_eq!(source.roles[0].loc, Loc::new(8, 3));
    assert_eq!(
        policies(&source.roles[1]),
        [("aws_iam_role_policy.logs", PolicyKind::Identity, 1)]
    );
    assert_eq!(
        source.roles[1].policies[0].statements()[0].loc,
        Loc::new(29, 18)
    );
}

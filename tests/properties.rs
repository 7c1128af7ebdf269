//! Property test: generated policies, in every shape iamscope reads (policy JSON, a vendor
//! page in Markdown or HTML, CloudFormation, Terraform, an account dump), with every element
//! kind and the edge values vendor material holds (empty lists, nulls, numbers and objects
//! where strings go, huge lists, Unicode and control characters, placeholders, Action beside
//! NotAction, truncated text...), go through everything a user runs: loading, `check`,
//! `matrix`, the viewer's outline and an explained decision. None may panic, and every
//! output must serialise. The seed is fixed, so a failure reproduces; proptest then prints
//! the smallest input it found.

use iamscope::analyze;
use iamscope::assemble::{Options, load_text};
use iamscope::cli::args::OutputFormat;
use iamscope::cli::{check, matrix as matrix_cli, sarif, style::Style, tree};
use iamscope::eval::holder::{self, Question};
use iamscope::eval::{Context, explain};
use iamscope::model::outline::Outline;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{Value, json};

/// Strings IAM material holds, and the ones it should not.
const WORDS: &[&str] = &[
    "",
    "*",
    "?",
    "s3:GetObject",
    "s3:get*",
    "s3:*Object*",
    "iam:PassRole",
    "iam:*",
    "kms:Describe?ey",
    "sts:AssumeRole",
    "ec2:*",
    "*:GetObject",
    "s3:",
    ":",
    "NotAnAction",
    "lambda:InvokeFunction",
    "arn:aws:s3:::bucket",
    "arn:aws:s3:::bucket/*",
    "arn:aws:s3:::*",
    "arn:aws:iam::111122223333:role/vendor",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::${AccountId}:role/${RoleName}",
    "arn:aws:s3:::{bucket_name}/<prefix>/*",
    "arn:aws:kms:us-east-1:111122223333:key/*",
    "arn:aws:sts::111122223333:assumed-role/vendor/session",
    "arn:${aws:partition}:s3:::home/${aws:username}/*",
    "arn:aws:s3:::a/${*}${?}${$}${aws:username, 'x'}",
    "arn:",
    "arn:aws",
    "111122223333",
    "lambda.amazonaws.com",
    "UPSOLVER_ORG_ID",
    "${Unclosed",
    "aws:SourceIp",
    "203.0.113.0/24",
    "2001:db8::/32",
    "true",
    "false",
    "2026-01-01T00:00:00Z",
    "12",
    "-1e309",
    "ünïcödé ✓ 𝔘 中文",
    "\u{202e}reversed",
    "\u{1b}[31mred\u{1b}[0m",
    "tab\tnew\nline\r",
    "\u{0}nul",
    "\\u0000",
];

const KEYS: &[&str] = &[
    "aws:SourceIp",
    "aws:PrincipalArn",
    "aws:PrincipalTag/team",
    "aws:RequestTag/${aws:username}",
    "aws:TagKeys",
    "aws:MultiFactorAuthPresent",
    "aws:CurrentTime",
    "aws:username",
    "s3:prefix",
    "sts:ExternalId",
    "kms:ViaService",
    "aws:SourceVpce",
    "ec2:InstanceType",
    "bogus",
    "",
];

const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "StringNotLikeIfExists",
    "StringEqualsIgnoreCase",
    "ArnLike",
    "ArnNotEquals",
    "NumericLessThan",
    "NumericGreaterThanEquals",
    "DateGreaterThan",
    "DateLessThanIfExists",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "Null",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLike",
    "ForAllValues:ArnLike",
    "StringEqualz",
    "",
];

const ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "Unknown",
];

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        16 => proptest::sample::select(WORDS).prop_map(str::to_string),
        2 => proptest::collection::vec(any::<char>(), 0..16).prop_map(String::from_iter),
        1 => (1usize..5000).prop_map(|n| "s3:".to_string() + &"a".repeat(n)),
    ]
}

/// Any JSON value, nested a little.
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => word().prop_map(Value::String),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

/// What goes where a string or a list of strings belongs, and what should not.
fn element_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => word().prop_map(Value::String),
        4 => proptest::collection::vec(scalar(), 0..5).prop_map(Value::Array),
        1 => Just(json!([])),
        1 => scalar(),
        1 => Just(json!({"nested": ["s3:GetObject"]})),
        1 => Just(json!([["s3:GetObject"], {}])),
        // A huge list: a few spellings, many times over (distinct unknown actions each cost
        // a nearest-name search, which would make the test slow, not more searching).
        1 => (1usize..400).prop_map(|n| Value::Array(
            (0..n).map(|i| Value::String(["s3:Get*", "arn:aws:s3:::b/*", "iam:PassRole", "*"][i % 4].to_string())).collect()
        )),
    ]
}

fn principal() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("*")),
        element_value().prop_map(|v| json!({"AWS": v})),
        element_value().prop_map(|v| json!({"Service": v})),
        element_value().prop_map(|v| json!({"Federated": v, "CanonicalUser": "abc"})),
        element_value(),
    ]
}

fn condition() -> impl Strategy<Value = Value> {
    let clause = (
        proptest::sample::select(KEYS),
        prop_oneof![4 => element_value(), 1 => Just(json!({"deeper": 1}))],
    );
    let block = (
        proptest::sample::select(OPERATORS),
        proptest::collection::vec(clause, 0..3),
    );
    prop_oneof![
        6 => proptest::collection::vec(block, 0..3).prop_map(|blocks| {
            let mut out = serde_json::Map::new();
            for (op, clauses) in blocks {
                let mut keys = serde_json::Map::new();
                for (k, v) in clauses {
                    keys.insert(k.to_string(), v);
                }
                out.insert(op.to_string(), Value::Object(keys));
            }
            Value::Object(out)
        }),
        1 => scalar(),
    ]
}

fn statement() -> impl Strategy<Value = Value> {
    let element = proptest::sample::select(ELEMENTS).prop_flat_map(|name| {
        let value = match name {
            "Effect" => prop_oneof![
                4 => proptest::sample::select(&["Allow", "Deny"][..]).prop_map(Value::from),
                1 => scalar(),
            ]
            .boxed(),
            "Sid" => scalar().boxed(),
            "Principal" | "NotPrincipal" => principal().boxed(),
            "Condition" => condition().boxed(),
            _ => element_value().boxed(),
        };
        (Just(name), value)
    });
    prop_oneof![
        10 => (
            proptest::sample::select(&["Allow", "Deny"][..]),
            proptest::collection::vec(element, 0..7),
        )
            .prop_map(|(effect, elements)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), effect.into());
                for (name, value) in elements {
                    s.insert(name.to_string(), value);
                }
                Value::Object(s)
            }),
        1 => scalar(),
    ]
}

fn policy() -> impl Strategy<Value = Value> {
    let version = prop_oneof![
        Just(Some(json!("2012-10-17"))),
        Just(Some(json!("2008-10-17"))),
        scalar().prop_map(Some),
        Just(None),
    ];
    let statements = prop_oneof![
        6 => proptest::collection::vec(statement(), 0..5).prop_map(Value::Array),
        2 => statement(),
        1 => scalar(),
    ];
    (version, statements).prop_map(|(version, statements)| {
        let mut p = serde_json::Map::new();
        if let Some(v) = version {
            p.insert("Version".into(), v);
        }
        p.insert("Statement".into(), statements);
        Value::Object(p)
    })
}

/// The shapes a policy arrives in.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Json,
    Markdown,
    Html,
    CloudFormation,
    Terraform,
    AccountDump,
}

fn render(shape: Shape, name: &str, p: &Value, trust: &Value) -> (String, String) {
    let pretty = serde_json::to_string_pretty(p).unwrap();
    match shape {
        Shape::Json => ("policy.json".into(), pretty),
        Shape::Markdown => (
            "vendor.md".into(),
            format!(
                "# Onboarding\n\nCreate the role **{name}** with this policy (replace `${{AccountId}}`):\n\n```json\n{pretty}\n```\n\n| Action | Why |\n|---|---|\n| s3:GetObject | read {name} |\n\nTrust:\n\n```json\n{}\n```\n",
                serde_json::to_string_pretty(trust).unwrap()
            ),
        ),
        Shape::Html => (
            "vendor.html".into(),
            format!(
                "<html><body><h2>{name}</h2><p>Attach:</p><pre><code>{}</code></pre><table><tr><td>s3:GetObject</td><td>read</td></tr></table></body></html>",
                pretty.replace('&', "&amp;").replace('<', "&lt;")
            ),
        ),
        Shape::CloudFormation => (
            "template.json".into(),
            serde_json::to_string_pretty(&json!({
                "AWSTemplateFormatVersion": "2010-09-09",
                "Parameters": {"AccountId": {"Type": "String"}},
                "Resources": {
                    name: {"Type": "AWS::IAM::Role", "Properties": {
                        "RoleName": name,
                        "AssumeRolePolicyDocument": trust,
                        "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess", p["Version"]],
                        "Policies": [{"PolicyName": "inline", "PolicyDocument": p}]}},
                    "Managed": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
                        "PolicyDocument": p, "Roles": [{"Ref": name}]}}
                }
            }))
            .unwrap(),
        ),
        Shape::Terraform => (
            "main.tf".into(),
            format!(
                "resource \"aws_iam_role\" \"r\" {{\n  name = \"{name}\"\n  assume_role_policy = <<EOF\n{}\nEOF\n}}\n\nresource \"aws_iam_role_policy\" \"p\" {{\n  role = aws_iam_role.r.id\n  policy = <<-EOT\n{pretty}\n  EOT\n}}\n",
                serde_json::to_string(trust).unwrap()
            ),
        ),
        Shape::AccountDump => (
            "account.json".into(),
            serde_json::to_string_pretty(&json!({
                "UserDetailList": [{"UserName": "alice", "Arn": "arn:aws:iam::111122223333:user/alice",
                    "GroupList": ["devs"], "UserPolicyList": [{"PolicyName": "u", "PolicyDocument": p}]}],
                "GroupDetailList": [{"GroupName": "devs", "Arn": "arn:aws:iam::111122223333:group/devs",
                    "GroupPolicyList": [{"PolicyName": "g", "PolicyDocument": trust}]}],
                "RoleDetailList": [{"RoleName": name, "Arn": format!("arn:aws:iam::111122223333:role/{name}"),
                    "AssumeRolePolicyDocument": trust,
                    "RolePolicyList": [{"PolicyName": "inline", "PolicyDocument": p}],
                    "AttachedManagedPolicies": [{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
                        {"PolicyName": "Mine", "PolicyArn": "arn:aws:iam::111122223333:policy/Mine"}],
                    "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:aws:iam::111122223333:policy/Mine"}}],
                "Policies": [{"PolicyName": "Mine", "Arn": "arn:aws:iam::111122223333:policy/Mine",
                    "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": p}]}]
            }))
            .unwrap(),
        ),
    }
}

/// What happens to the text on its way: nothing, cut short, or a stray byte run inside.
#[derive(Clone, Debug)]
enum Damage {
    None,
    Truncate(usize),
    Insert(usize, String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        6 => Just(Damage::None),
        2 => any::<usize>().prop_map(Damage::Truncate),
        2 => (any::<usize>(), prop_oneof![
            Just("{".to_string()), Just("\"".to_string()), Just("]]".to_string()),
            Just("\n```\n".to_string()), Just("</code>".to_string()), Just("${".to_string()),
            word(),
        ]).prop_map(|(at, s)| Damage::Insert(at, s)),
    ]
}

fn apply(text: String, damage: &Damage) -> String {
    let boundary = |at: usize| {
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    match damage {
        Damage::None => text,
        Damage::Truncate(at) => text[..boundary(*at)].to_string(),
        Damage::Insert(at, s) => {
            let at = boundary(*at);
            format!("{}{s}{}", &text[..at], &text[at..])
        }
    }
}

/// One generated input and the request asked about it.
#[derive(Clone, Debug)]
struct Case {
    path: String,
    text: String,
    action: String,
    resource: Option<String>,
    principal: Option<String>,
    context: Vec<(String, String)>,
    var: Option<(String, String)>,
}

fn case() -> impl Strategy<Value = Case> {
    let shape = proptest::sample::select(
        &[
            Shape::Json,
            Shape::Markdown,
            Shape::Html,
            Shape::CloudFormation,
            Shape::Terraform,
            Shape::AccountDump,
        ][..],
    );
    let name = prop_oneof![
        4 => Just("VendorRole".to_string()),
        1 => word().prop_map(|w| w.chars().take(64).collect()),
    ];
    let context = proptest::collection::vec((proptest::sample::select(KEYS), word()), 0..3);
    (
        (shape, name, policy(), policy(), damage()),
        word(),
        proptest::option::of(word()),
        proptest::option::of(word()),
        context,
        proptest::option::of(word()),
    )
        .prop_map(
            |((shape, name, p, trust, damage), action, resource, principal, context, var)| {
                let (path, text) = render(shape, &name, &p, &trust);
                Case {
                    path,
                    text: apply(text, &damage),
                    action,
                    resource,
                    principal,
                    context: context
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect(),
                    var: var.map(|v| ("AccountId".to_string(), v)),
                }
            },
        )
}

/// Everything a user can run on the case; panics (the failure) or returns.
fn run_everything(case: &Case) {
    let options = Options {
        vars: case.var.iter().cloned().collect(),
        ..Options::default()
    };
    let sources = vec![load_text(&case.path, &case.text, &options)];
    serde_json::to_string(&tree::sources_json_with(&sources, true)).unwrap();

    let findings = analyze::check(&sources);
    for finding in &findings {
        serde_json::to_string(finding).unwrap();
    }
    serde_json::to_string(&sarif::log(&findings)).unwrap();
    let _ = check::source_text(&findings, Style::plain());

    let matrices = analyze::matrix::matrix(&sources, None).expect("no --role, so no error");
    serde_json::to_string(&matrices).unwrap();
    for m in &matrices {
        let _ = matrix_cli::print(m, OutputFormat::Text, Style::plain());
    }

    let outline = Outline::build_with(&sources, Some(&iamscope::catalog::covered));
    for (id, node) in outline.nodes().iter().enumerate() {
        assert!(node.end() > id && node.end() <= outline.len(), "{node:?}");
        assert!(node.parent().is_none_or(|p| p < id), "{node:?}");
    }

    let mut context = Context::default();
    for (key, value) in &case.context {
        context.push(key, value);
    }
    let roles: Vec<String> = sources[0].roles.iter().map(|r| r.name.clone()).collect();
    for role in roles.iter().map(Some).chain([None]) {
        let question = Question {
            action: &case.action,
            resource: case.resource.as_deref(),
            principal: case.principal.as_deref(),
            role: role.map(String::as_str),
            resource_account: None,
            context: context.clone(),
        };
        if let Ok(prepared) = holder::prepare(&sources, question) {
            let explanation = explain(&prepared.set, &prepared.request);
            serde_json::to_string(&explanation).unwrap();
            let _ = iamscope::eval::text::explanation(&explanation);
        }
    }
}

#[test]
fn generated_inputs_never_panic_and_always_serialise() {
    let config = Config {
        cases: std::env::var("IAMSCOPE_PROPTEST_CASES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(256),
        rng_seed: RngSeed::Fixed(0x1a75_c0de),
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&case(), |case| {
        run_everything(&case);
        Ok(())
    }) {
        panic!("{e}");
    }
}

/// The empty lists that once made `matrix` panic, through every command.
#[test]
fn empty_resource_lists_go_through_everything() {
    for (element, other) in [
        ("Resource", r#""Action":"s3:GetObject""#),
        ("NotResource", r#""Action":"s3:GetObject""#),
        ("Action", r#""Resource":"*""#),
        ("NotAction", r#""Resource":"*""#),
    ] {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{other},"{element}":[]}}]}}"#
        );
        run_everything(&Case {
            path: "p.json".into(),
            text,
            action: "s3:GetObject".into(),
            resource: Some("arn:aws:s3:::b/k".into()),
            principal: None,
            context: Vec::new(),
            var: None,
        });
    }
}

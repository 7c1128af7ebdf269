//! Loads policies from JSON text: a bare policy, a list of policies, the usual wrappers
//! (`{"PolicyDocument": …}`, `{"Policy": …}` including a policy given as a JSON string,
//! `{"AssumeRolePolicyDocument": …}`, `{"PolicyVersion": {"Document": …}}`), or bare
//! statements. JSON that is no policy (an EventBridge event pattern, a package.json) is
//! reported as not a policy, never forced into one.

pub mod parse;
pub mod window;

use crate::load::document;
use crate::load::node::{Member, Node, Value};
use crate::model::codes;
use crate::model::{Diagnostic, Loc, PolicyDocument, PolicyKind, Text};

/// A policy found in a value, with the name and kind its wrapper gave it, if any.
#[derive(Debug)]
pub struct Found {
    pub name: Option<String>,
    pub kind: Option<PolicyKind>,
    pub document: PolicyDocument,
}

/// Wrapper keys whose value is a policy, and the kind they imply. `Content` is where AWS
/// Organizations (`aws organizations describe-policy`) puts an SCP or RCP, as a string.
const WRAPPERS: [(&str, Option<PolicyKind>); 6] = [
    ("PolicyDocument", None),
    ("AssumeRolePolicyDocument", Some(PolicyKind::Trust)),
    ("Policy", None),
    ("PolicyVersion", None),
    ("Document", None),
    ("Content", None),
];

/// The kind an AWS Organizations policy type names.
fn organizations_kind(policy_type: &str) -> Option<PolicyKind> {
    match policy_type {
        "SERVICE_CONTROL_POLICY" => Some(PolicyKind::Scp),
        "RESOURCE_CONTROL_POLICY" => Some(PolicyKind::Rcp),
        _ => None,
    }
}

/// How deep wrappers may nest (a policy string inside a wrapper inside a list...).
const MAX_WRAPPING: usize = 8;

/// Every policy in `node`. Reports what is not a policy and how odd shapes were read.
pub fn policies_in(node: &Node, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    let mut out = Vec::new();
    collect(node, None, None, &mut out, diags, 0);
    out
}

fn collect(
    node: &Node,
    name: Option<String>,
    kind: Option<PolicyKind>,
    out: &mut Vec<Found>,
    diags: &mut Vec<Diagnostic>,
    depth: usize,
) {
    if depth > MAX_WRAPPING {
        diags.push(Diagnostic::new(
            codes::NOT_A_POLICY,
            node.loc,
            "policies wrapped more than 8 levels deep are not read",
        ));
        return;
    }
    match &node.value {
        Value::Object(_) if node.get_ignore_case("Statement").is_some() => {
            let document = document::build(node, diags);
            out.push(Found {
                name,
                kind,
                document,
            });
        }
        Value::Object(_) => {
            let summary = node.get("PolicySummary");
            let kind = summary
                .and_then(|s| s.get("Type"))
                .and_then(Node::as_str)
                .and_then(organizations_kind)
                .or(kind);
            let name = name.or_else(|| {
                let named = |n: &Node| {
                    ["PolicyName", "RoleName", "Name"]
                        .iter()
                        .find_map(|k| n.get(k).and_then(Node::as_str).map(str::to_string))
                };
                named(node).or_else(|| summary.and_then(named))
            });
            let mut wrapped = false;
            for (key, implied) in WRAPPERS {
                if let Some(inner) = node.get(key) {
                    wrapped = true;
                    collect(inner, name.clone(), implied.or(kind), out, diags, depth + 1);
                }
            }
            if wrapped {
                return;
            }
            if looks_like_statements(node) {
                bare_statements(node, name, kind, out, diags);
            } else {
                diags.push(not_a_policy(node));
            }
        }
        Value::Array(_) if looks_like_statements(node) => {
            bare_statements(node, name, kind, out, diags);
        }
        Value::Array(items)
            if !items.is_empty() && items.iter().all(|i| i.as_object().is_some()) =>
        {
            for item in items {
                collect(item, name.clone(), kind, out, diags, depth + 1);
            }
        }
        Value::String(s) if depth > 0 && s.trim_start().starts_with('{') => {
            diags.push(Diagnostic::new(
                codes::POLICY_AS_STRING,
                node.loc,
                "policy given as a JSON string; positions inside it are counted within the string",
            ));
            let parsed = parse::parse(s, node.loc);
            diags.extend(parsed.diagnostics);
            for value in &parsed.values {
                collect(value, name.clone(), kind, out, diags, depth + 1);
            }
        }
        _ => diags.push(not_a_policy(node)),
    }
}

/// Whether `node` is a statement, or a list of statements, written without the policy
/// document around it.
fn looks_like_statements(node: &Node) -> bool {
    let is_statement = |n: &Node| {
        n.get_ignore_case("Effect").is_some()
            && (n.get_ignore_case("Action").is_some() || n.get_ignore_case("NotAction").is_some())
    };
    match &node.value {
        Value::Object(_) => is_statement(node),
        Value::Array(items) => !items.is_empty() && items.iter().all(is_statement),
        _ => false,
    }
}

/// A bare statement (or a list of them) read as one policy, as if written under
/// `{"Statement": ...}`.
fn bare_statements(
    node: &Node,
    name: Option<String>,
    kind: Option<PolicyKind>,
    out: &mut Vec<Found>,
    diags: &mut Vec<Diagnostic>,
) {
    diags.push(Diagnostic::new(
        codes::BARE_STATEMENT,
        node.loc,
        "statements without a policy document around them; read as one policy with no Version",
    ));
    let wrapped = Node::new(
        Value::Object(vec![Member {
            key: Text::new("Statement", Loc::default()),
            value: node.clone(),
        }]),
        node.loc,
    );
    let mut document = document::build(&wrapped, diags);
    document.keys.clear();
    out.push(Found {
        name,
        kind,
        document,
    });
}

/// The first JSON value of `text` (a policy document given as a string, at `origin`),
/// with the parse's repairs and errors added to `diags`.
pub fn first_value(text: &str, origin: Loc, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    let parsed = parse::parse(text, origin);
    diags.extend(parsed.diagnostics);
    parsed.values.into_iter().next()
}

/// A `not-a-policy` diagnostic that says what the value looks like, when it can tell; for
/// a document with a policy Version but no Statement, `missing-statement`.
pub fn not_a_policy(node: &Node) -> Diagnostic {
    let has = |k: &str| node.get(k).is_some();
    if let Some(version) = node.get("Version")
        && version
            .as_str()
            .is_some_and(|v| v == "2012-10-17" || v == "2008-10-17")
    {
        return Diagnostic::new(
            codes::MISSING_STATEMENT,
            node.loc,
            "this policy has a Version but no Statement element; IAM rejects a policy without one",
        );
    }
    let looks_like = if has("source") || has("detail-type") || has("detail") {
        " (it looks like an EventBridge event pattern)"
    } else if has("name") && (has("version") || has("dependencies")) {
        " (it looks like a package.json)"
    } else if has("AWSTemplateFormatVersion") || has("Resources") {
        " (it looks like a CloudFormation template)"
    } else if has("RoleDetailList") || has("UserDetailList") || has("Policies") {
        " (it looks like an account authorization details dump)"
    } else {
        ""
    };
    Diagnostic::new(
        codes::NOT_A_POLICY,
        node.loc,
        format!("this JSON is not an IAM policy: it has no Statement element{looks_like}"),
    )
}

/// Parses `text` (starting at `origin` in its file) and returns the policies in it, with
/// every diagnostic of the parse and of the policies.
pub fn policies_in_text(text: &str, origin: Loc, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    let parsed = parse::parse(text, origin);
    diags.extend(parsed.diagnostics);
    let mut out = Vec::new();
    for value in &parsed.values {
        out.extend(policies_in(value, diags));
    }
    out
}

//! Scenario files for `why --scenario`: a request and every policy that bears on it, in the
//! JSON shape of DESIGN.md:
//!
//! ```json
//! {"request": {"action": "s3:GetObject", "resource": "arn:aws:s3:::b/k",
//!              "principal": "arn:aws:iam::111122223333:user/alice",
//!              "resource_account": "111122223333", "context": {"aws:SourceIp": "10.0.0.1"}},
//!  "identity_policies": [POLICY...], "resource_policy": POLICY, "permission_boundary": POLICY,
//!  "session_policy": POLICY, "scps": [[POLICY...]...], "rcps": [[POLICY...]...]}
//! ```
//!
//! Scenario files are written by hand to pin a case down, so they are read strictly: any
//! JSON syntax problem, unknown key or wrongly typed field is an error with its line and
//! column. A POLICY may be a policy document or any wrapper the JSON loader reads.

use super::compile::CompiledPolicy;
use super::context::{Caller, Context, Request, is_assume_role, key_type};
use super::decide::PolicySet;
use crate::load::json::{self, parse};
use crate::load::node::{Node, Value};
use crate::model::{Diagnostic, Loc, PolicyKind, Severity};

/// A scenario read from its file.
#[derive(Debug)]
pub struct Scenario {
    pub set: PolicySet,
    pub request: Request,
    /// What the policy reader noticed (unknown elements and the like).
    pub warnings: Vec<Diagnostic>,
    /// Assumptions made for what the file leaves out.
    pub notes: Vec<String>,
}

/// Why a scenario file could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub loc: Loc,
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

/// The keys of a scenario.
pub const KEYS: [&str; 7] = [
    "request",
    "identity_policies",
    "resource_policy",
    "permission_boundary",
    "session_policy",
    "scps",
    "rcps",
];

const REQUEST_KEYS: [&str; 5] = [
    "action",
    "resource",
    "principal",
    "resource_account",
    "context",
];

/// The caller when a scenario names no principal.
pub const DEFAULT_CALLER_ROLE: &str = "caller";

fn error<T>(loc: Loc, message: impl Into<String>) -> Result<T, ScenarioError> {
    Err(ScenarioError {
        loc,
        message: message.into(),
    })
}

/// Reads a scenario from the text of its file.
pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    let root = read_json(
        text,
        Loc::new(1, 1),
        "the file is empty; a scenario is a JSON object",
        "a scenario file holds one JSON object",
    )?;
    from_node(&root, &[])
}

/// Reads the one JSON value of `text` (which starts at `start`) strictly: any syntax problem
/// is an error; `empty` and `several` say what is wrong with no value or more than one.
pub fn read_json(
    text: &str,
    start: Loc,
    empty: &str,
    several: &str,
) -> Result<Node, ScenarioError> {
    let parsed = parse::parse(text, start);
    if let Some(d) = parsed.diagnostics.first() {
        // A repair's message ends with what the tolerant parser did ("; inserted"), which a
        // scenario does not get. Only the last problem of an incomplete parse is no repair.
        let repaired = parsed.complete || parsed.diagnostics.len() > 1;
        let problem = match d.message.rsplit_once("; ") {
            Some((problem, _)) if repaired => problem,
            _ => d.message.as_str(),
        };
        return error(d.loc, format!("invalid JSON: {problem}"));
    }
    let mut values = parsed.values.into_iter();
    match (values.next(), values.next()) {
        (Some(root), None) => Ok(root),
        (None, _) => error(start, empty),
        (Some(_), Some(second)) => error(second.loc, several),
    }
}

/// Reads a scenario from its JSON object, which may hold the `extra` keys besides the
/// scenario's own (the caller reads those).
pub fn from_node(root: &Node, extra: &[&str]) -> Result<Scenario, ScenarioError> {
    let members = object(root, "a scenario")?;
    let known: Vec<&str> = KEYS.iter().chain(extra).copied().collect();
    check_keys(members, &known, "a scenario")?;
    let request_node = root
        .get("request")
        .map_or_else(|| error(root.loc, "a scenario needs a \"request\""), Ok)?;
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let (request, action) = request(request_node, &mut notes)?;
    let resource_kind = resource_kind(&action);
    let mut read = |key: &str, kind| -> Result<Vec<CompiledPolicy>, ScenarioError> {
        match root.get(key) {
            None => Ok(Vec::new()),
            Some(node) if node.value == Value::Null => Ok(Vec::new()),
            Some(node) => policies(node, key, kind, &mut warnings),
        }
    };
    let mut set = PolicySet {
        resource: read("resource_policy", resource_kind)?,
        boundary: read("permission_boundary", PolicyKind::Boundary)?,
        session: read("session_policy", PolicyKind::Session)?,
        ..PolicySet::default()
    };
    if let Some(list) = root.get("identity_policies") {
        for (i, node) in array(list, "identity_policies")?.iter().enumerate() {
            let path = format!("identity_policies[{i}]");
            set.identity
                .extend(policies(node, &path, PolicyKind::Identity, &mut warnings)?);
        }
    }
    for (key, kind) in [("scps", PolicyKind::Scp), ("rcps", PolicyKind::Rcp)] {
        let Some(levels) = root.get(key) else {
            continue;
        };
        let mut out = Vec::new();
        for (level, list) in array(levels, key)?.iter().enumerate() {
            let what = format!("{key}[{level}] (one organization level)");
            let mut policies_at_level = Vec::new();
            for (i, node) in array(list, &what)?.iter().enumerate() {
                let path = format!("{key}[{level}][{i}]");
                policies_at_level.extend(policies(node, &path, kind, &mut warnings)?);
            }
            out.push(policies_at_level);
        }
        match kind {
            PolicyKind::Scp => set.scps = out,
            _ => set.rcps = out,
        }
    }
    Ok(Scenario {
        set,
        request,
        warnings,
        notes,
    })
}

fn object<'a>(
    node: &'a Node,
    what: &str,
) -> Result<&'a [crate::load::node::Member], ScenarioError> {
    node.as_object().map_or_else(
        || {
            error(
                node.loc,
                format!("{what} must be an object; found {}", node.kind_name()),
            )
        },
        Ok,
    )
}

fn array<'a>(node: &'a Node, what: &str) -> Result<&'a [Node], ScenarioError> {
    node.as_array().map_or_else(
        || {
            error(
                node.loc,
                format!("{what} must be a list; found {}", node.kind_name()),
            )
        },
        Ok,
    )
}

fn check_keys(
    members: &[crate::load::node::Member],
    known: &[&str],
    what: &str,
) -> Result<(), ScenarioError> {
    match members
        .iter()
        .find(|m| !known.contains(&m.key.value.as_str()))
    {
        Some(m) => error(
            m.key.loc,
            format!(
                "unknown key \"{}\" in {what}; it takes {}",
                m.key.value,
                known.join(", ")
            ),
        ),
        None => Ok(()),
    }
}

fn string(node: &Node, what: &str) -> Result<String, ScenarioError> {
    node.as_str().map(str::to_string).map_or_else(
        || {
            error(
                node.loc,
                format!("{what} must be a string; found {}", node.kind_name()),
            )
        },
        Ok,
    )
}

/// A context value as text: strings as they are, numbers and booleans as written.
fn scalar(node: &Node, key: &str) -> Result<String, ScenarioError> {
    match &node.value {
        Value::String(s) | Value::Number(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => error(
            node.loc,
            format!(
                "the value of context key \"{key}\" must be a string, number, boolean or a list of them; found {}",
                node.kind_name()
            ),
        ),
    }
}

/// The kind of the `resource_policy` of a request for `action`: a role's trust policy for
/// `sts:AssumeRole*`.
pub fn resource_kind(action: &str) -> PolicyKind {
    if is_assume_role(action) {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

/// Reads the `"request"` object: the request and its action as written; what is assumed
/// for what it leaves out goes to `notes`.
pub fn request(node: &Node, notes: &mut Vec<String>) -> Result<(Request, String), ScenarioError> {
    let members = object(node, "\"request\"")?;
    check_keys(members, &REQUEST_KEYS, "\"request\"")?;
    let field = |key: &str| -> Result<Option<String>, ScenarioError> {
        node.get(key)
            .filter(|n| n.value != Value::Null)
            .map(|n| string(n, &format!("\"{key}\"")))
            .transpose()
    };
    let Some(action) = field("action")? else {
        return error(
            node.loc,
            "the request needs an \"action\", such as \"s3:GetObject\"",
        );
    };
    let caller = match field("principal")? {
        Some(p) => Caller::parse(&p),
        None => {
            notes.push(format!(
                "no principal given: the caller is a session of a role named `{DEFAULT_CALLER_ROLE}` in the resource's account"
            ));
            Caller::session_of(DEFAULT_CALLER_ROLE, None)
        }
    };
    let mut context = Context::default();
    if let Some(ctx) = node.get("context") {
        for m in object(ctx, "\"context\"")? {
            let key = &m.key.value;
            let values = match m.value.as_array() {
                Some(items) => items
                    .iter()
                    .map(|i| scalar(i, key))
                    .collect::<Result<_, _>>()?,
                None => vec![scalar(&m.value, key)?],
            };
            check_context_value(key, &values, m.value.loc)?;
            context.set(key, values);
        }
    }
    let request = Request::new(
        &action,
        field("resource")?.as_deref(),
        caller,
        field("resource_account")?.as_deref(),
        context,
    );
    Ok((request, action))
}

/// Checks context values against the key's known type.
pub fn check_context_value(key: &str, values: &[String], loc: Loc) -> Result<(), ScenarioError> {
    let Some((ty, multi)) = key_type(key) else {
        return Ok(());
    };
    if !multi && values.len() > 1 {
        return error(
            loc,
            format!(
                "context key \"{key}\" takes one value; {} given",
                values.len()
            ),
        );
    }
    for v in values {
        if let Err(e) = ty.check(v) {
            return error(
                loc,
                format!("context key \"{key}\" holds {} values: {e}", ty.as_str()),
            );
        }
    }
    Ok(())
}

/// Reads and compiles the policies (one, or several in a wrapper) of `node`, named by
/// `path`.
pub fn policies(
    node: &Node,
    path: &str,
    kind: PolicyKind,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<CompiledPolicy>, ScenarioError> {
    let mut diags = Vec::new();
    let found = json::policies_in(node, &mut diags);
    for d in &mut diags {
        if is_repaired_element(d) {
            d.severity = Severity::Warning;
        }
    }
    if let Some(d) = diags.iter().find(|d| d.severity == Severity::Error) {
        return error(d.loc, format!("{path}: {}", d.message));
    }
    if found.is_empty() {
        return error(
            node.loc,
            format!("{path} is not a policy: it has no Statement element"),
        );
    }
    warnings.extend(diags);
    let many = found.len() > 1;
    Ok(found
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            let name = f.name.unwrap_or_else(|| {
                if many {
                    format!("{path} #{}", i + 1)
                } else {
                    path.to_string()
                }
            });
            CompiledPolicy::compile(&f.document, kind, name, None)
        })
        .collect())
}

/// Whether a loader error is about an element it repaired the way people mean it (a
/// Principal written as a bare ARN, read as `{"AWS": ARN}`; a number read as its text):
/// the scenario is judged with the repair and the error shown as a warning, rather than
/// refusing the whole question.
fn is_repaired_element(d: &Diagnostic) -> bool {
    d.code == crate::model::codes::INVALID_ELEMENT.code && d.message.contains("read as")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_reported_with_line_and_column() {
        let err = parse("{\n  \"request\": {\"action\": \"s3:GetObject\",}\n}").unwrap_err();
        assert_eq!(err.loc, Loc::new(2, 39));
        assert!(err.message.starts_with("invalid JSON"), "{}", err.message);
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_errors() {
        let err =
            parse(r#"{"request": {"action": "s3:GetObject"}, "identity_policy": []}"#).unwrap_err();
        assert_eq!(err.loc, Loc::new(1, 41));
        assert!(err.message.contains("unknown key \"identity_policy\""));
        let err = parse(r#"{"request": {"action": 3}}"#).unwrap_err();
        assert_eq!(err.message, "\"action\" must be a string; found a number");
        let err = parse(
            r#"{"request": {"action": "s3:GetObject", "context": {"aws:SourceIp": "nope"}}}"#,
        )
        .unwrap_err();
        assert!(
            err.message.contains("is not an IP address"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_scenario_reads_every_slot() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
        let text = format!(
            r#"{{"request": {{"action": "s3:GetObject", "context": {{"k": ["a", 1, true]}}}},
              "identity_policies": [{policy}], "permission_boundary": {policy},
              "session_policy": null, "scps": [[{policy}], [{policy}, {policy}]], "rcps": []}}"#
        );
        let s = parse(&text).unwrap();
        assert_eq!(s.set.identity.len(), 1);
        assert_eq!(s.set.identity[0].name, "identity_policies[0]");
        assert_eq!(s.set.boundary.len(), 1);
        assert!(s.set.session.is_empty());
        assert_eq!(s.set.scps.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(s.set.scps[1][1].name, "scps[1][1]");
        assert_eq!(
            s.request.context().get("k").unwrap(),
            ["a".to_string(), "1".into(), "true".into()]
        );
    }
}

//! `iamscope tree`: the loaded tree as text, drawn from the viewer's rows
//! (`model::outline`), or as JSON (the `tree` shape of DESIGN.md).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::process::ExitCode;
use std::rc::Rc;

use serde_json::{Value, json};

use super::EXIT_USAGE;
use super::args::{OutputFormat, TreeArgs};
use super::holders::CHUNK;
use super::output::{JsonArray, Sink, Stdout, to_json, to_json_at};
use crate::catalog::{Action, Catalog, PatternError};
use crate::model::outline::{Node, NodeKind, Outline, Part, Shape};
use crate::model::shared::SharedDocuments;
use crate::model::{Loc, Policy, PolicyDocument, Principal, Role, Source, Statement, Values};
use crate::pool;
use crate::session::for_each_source;
use crate::text::escape;

pub fn run(args: &TreeArgs) -> ExitCode {
    let common = &args.common;
    let mut out = Stdout::new();
    let jobs = pool::jobs(common.jobs);
    // Each source is printed on the thread that loaded it, then written in input order; a
    // source of many holders (an account dump) is printed in pieces on every core.
    let all_read = match args.format {
        OutputFormat::Json => {
            let mut sources = JsonArray::open(&mut out, "{\n  \"sources\": ", 1);
            let print = |source| printed_here(source, args.expand, write_source_json);
            let all_read = for_each_source(&args.paths, common, print, |printed| {
                sources.begin_item(&mut out);
                match printed {
                    Ok(text) => out.write(&text),
                    Err(source) => write_source_json(&mut out, &source, args.expand, jobs),
                }
            });
            sources.close(&mut out);
            out.write("\n}\n");
            all_read
        }
        OutputFormat::Text => {
            let print = |source| printed_here(source, args.expand, write_source_text);
            for_each_source(&args.paths, common, print, |printed| match printed {
                Ok(text) => out.write(&text),
                Err(source) => write_source_text(&mut out, &source, args.expand, jobs),
            })
        }
    };
    out.finish();
    if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_USAGE)
    }
}

/// A source printed by `write` on the thread that loaded it, or, when it has more holders
/// than one piece, handed back whole to be printed in pieces on every core.
fn printed_here(
    source: Source,
    expand: bool,
    write: fn(&mut String, &Source, bool, usize),
) -> Result<String, Box<Source>> {
    if source.roles.len() > CHUNK {
        return Err(Box::new(source));
    }
    let mut text = String::new();
    write(&mut text, &source, expand, 1);
    Ok(text)
}

/// The `tree` JSON; with `expand`, each statement maps its action patterns to the actions
/// they cover.
pub fn sources_json_with(sources: &[Source], expand: bool) -> Value {
    let mut text = String::from("{\n  \"sources\": ");
    let mut array = JsonArray::open(&mut text, "", 1);
    for source in sources {
        array.begin_item(&mut text);
        write_source_json(&mut text, source, expand, 1);
    }
    array.close(&mut text);
    text.push_str("\n}");
    serde_json::from_str(&text).unwrap_or_default()
}

/// One source in the `tree` JSON shape, written piece by piece at the depth of an element
/// of `sources`; its holders printed on up to `jobs` threads, in order.
fn write_source_json(out: &mut impl Sink, source: &Source, expand: bool, jobs: usize) {
    let shared = SharedDocuments::of(source);
    let field = |name: &str| format!(",\n      \"{name}\": ");
    out.write("{\n      \"path\": ");
    out.write(&to_json(&source.path));
    out.write(&field("format"));
    out.write(&to_json(&source.format));
    let mut roles = JsonArray::open(out, &field("roles"), 3);
    let chunks: Vec<&[Role]> = source.roles.chunks(CHUNK).collect();
    let print = |chunk: &&[Role]| -> Vec<String> {
        let catalog = Expansions::new(expand);
        let roles = chunk.iter();
        roles
            .map(|r| JsonArray::element(&role_json(r, &catalog, &shared), 3))
            .collect()
    };
    pool::ordered(&chunks, jobs, print, |printed| {
        printed.iter().for_each(|role| roles.item(out, role));
    });
    roles.close(out);
    out.write(&field("placeholders"));
    out.write(&to_json_at(&source.placeholders, 3));
    out.write(&field("diagnostics"));
    out.write(&to_json_at(&source.diagnostics, 3));
    out.write(&field("partial"));
    out.write(&to_json_at(&source.unread, 3));
    if !shared.is_empty() {
        let catalog = Expansions::new(expand);
        let mut documents = JsonArray::open(out, &field("shared_documents"), 3);
        for (i, doc) in shared.documents().iter().enumerate() {
            let mut value = document_json(&doc.document, &catalog);
            if let Value::Object(fields) = &mut value {
                fields.insert("document".into(), json!(i));
            }
            documents.push(out, &value);
        }
        documents.close(out);
    }
    out.write("\n    }");
}

fn role_json(role: &Role, catalog: &Expansions, shared: &SharedDocuments) -> Value {
    json!({
        "name": role.name,
        "kind": role.kind,
        "arn": role.arn,
        "title": role.title,
        "partial": role.partial,
        "line": role.loc.line,
        "column": role.loc.column,
        "policies": role.policies.iter().map(|p| policy_json(p, catalog, shared)).collect::<Vec<_>>(),
    })
}

/// A policy; one whose document other policies of the source hold too names it by its
/// index in `shared_documents` (`"document"`) instead of listing its statements.
fn policy_json(policy: &Policy, catalog: &Expansions, shared: &SharedDocuments) -> Value {
    let doc = policy.document.as_deref();
    let mut value = json!({
        "name": policy.name,
        "kind": policy.kind,
        "managed": policy.managed,
        "version": doc.and_then(|d| d.version.as_ref()).map(|t| &t.value),
        "id": doc.and_then(|d| d.id.as_ref()).map(|t| &t.value),
        "note": policy.note,
        "synthesized": doc.is_some_and(|d| d.synthesized),
        "partial": policy.partial,
        "line": policy.loc.line,
        "column": policy.loc.column,
        "unknown": doc.map(|d| unknown_json(&d.unknown)),
    });
    if let Value::Object(fields) = &mut value {
        match policy.document.as_ref().and_then(|d| shared.get(d)) {
            Some(i) => fields.insert("document".into(), json!(i)),
            None => fields.insert(
                "statements".into(),
                statements_json(policy.statements(), catalog),
            ),
        };
    }
    value
}

/// A shared document: its statements, Version, Id and unknown elements.
fn document_json(doc: &PolicyDocument, catalog: &Expansions) -> Value {
    json!({
        "version": doc.version.as_ref().map(|t| &t.value),
        "id": doc.id.as_ref().map(|t| &t.value),
        "unknown": unknown_json(&doc.unknown),
        "statements": statements_json(&doc.statements, catalog),
    })
}

fn statements_json(statements: &[Statement], catalog: &Expansions) -> Value {
    let statements = statements.iter();
    Value::Array(
        statements
            .map(|s| with_catalog(statement_json(s), s, catalog))
            .collect(),
    )
}

fn strings(values: &Option<Values>) -> Vec<&str> {
    values
        .as_ref()
        .map(|v| v.iter().collect())
        .unwrap_or_default()
}

fn principal_json(p: &Option<Principal>) -> Value {
    match p {
        None => Value::Null,
        Some(Principal::Wildcard(t)) => Value::from(t.value.as_str()),
        Some(Principal::Map { entries, .. }) => Value::Object(
            entries
                .iter()
                .map(|e| {
                    (
                        e.key.value.to_string(),
                        json!(e.values.iter().collect::<Vec<_>>()),
                    )
                })
                .collect(),
        ),
    }
}

fn unknown_json(unknown: &[crate::model::UnknownElement]) -> Value {
    Value::Object(
        unknown
            .iter()
            .map(|u| (u.key.value.to_string(), u.value.clone()))
            .collect(),
    )
}

/// One statement in the `tree` JSON shape.
pub fn statement_json(s: &Statement) -> Value {
    let condition = s.condition.as_ref().map(|c| {
        // Values as arrays of strings, like every other element in this output.
        Value::Object(
            c.operators
                .iter()
                .map(|b| {
                    let keys = b
                        .entries
                        .iter()
                        .map(|e| {
                            let values: Vec<&str> =
                                e.values.iter().map(|v| v.text.as_str()).collect();
                            (e.key.value.to_string(), json!(values))
                        })
                        .collect();
                    (b.operator.value.to_string(), Value::Object(keys))
                })
                .collect(),
        )
    });
    json!({
        "sid": s.sid.as_ref().map(|t| &t.value),
        "effect": s.effect.as_ref().map(|t| &t.value),
        "action": strings(&s.action),
        "not_action": strings(&s.not_action),
        "resource": strings(&s.resource),
        "not_resource": strings(&s.not_resource),
        "principal": principal_json(&s.principal),
        "not_principal": principal_json(&s.not_principal),
        "condition": condition,
        "note": s.note,
        "inferred": s.inferred.iter().map(|i| json!({
            "operator": i.operator, "key": i.key, "values": i.values, "from": i.from,
        })).collect::<Vec<_>>(),
        "unknown": unknown_json(&s.unknown),
        "line": s.loc.line,
        "column": s.loc.column,
    })
}

/// The action and NotAction patterns of a statement.
fn action_patterns(s: &Statement) -> impl Iterator<Item = &str> {
    s.action.iter().chain(&s.not_action).flat_map(|v| v.iter())
}

/// Adds what the catalog says of the statement's actions: `unknown_actions` (patterns that
/// name no action AWS has, invalid ones included) and, with `expand`, `expanded` (each
/// pattern with the actions it covers).
fn with_catalog(mut value: Value, s: &Statement, catalog: &Expansions) -> Value {
    let expand = catalog.expand;
    let mut unknown = Vec::new();
    let mut expanded = serde_json::Map::new();
    for pattern in action_patterns(s) {
        let covered = catalog.of(pattern);
        let actions = covered.as_deref().unwrap_or_default();
        if actions.is_empty() {
            unknown.push(pattern.to_string());
        }
        if expand {
            let names: Vec<String> = actions.iter().map(|a| a.full_name()).collect();
            expanded.insert(pattern.to_string(), json!(names));
        }
    }
    if let Value::Object(fields) = &mut value {
        fields.insert("unknown_actions".into(), json!(unknown));
        if expand {
            fields.insert("expanded".into(), Value::Object(expanded));
        }
    }
    value
}

/// What an action pattern covers: the catalog's actions, or why it names none.
type Covered = Rc<Result<Vec<&'static Action>, PatternError>>;

/// What the catalog says each action pattern covers, looked up once per spelling (ignoring
/// case), and whether wildcards list the actions they cover (`--expand`).
struct Expansions {
    expand: bool,
    covered: RefCell<HashMap<String, Covered>>,
}

impl Expansions {
    fn new(expand: bool) -> Self {
        Expansions {
            expand,
            covered: RefCell::default(),
        }
    }

    fn of(&self, pattern: &str) -> Covered {
        let key = pattern.to_ascii_lowercase();
        if let Some(found) = self.covered.borrow().get(&key) {
            return Rc::clone(found);
        }
        let found = Rc::new(Catalog::get().expand(pattern));
        self.covered.borrow_mut().insert(key, Rc::clone(&found));
        found
    }
}

/// One source as `tree`'s text: the rows of its [`Outline`], drawn with box-drawing
/// connectors, built and printed a part of its holders at a time on up to `jobs` threads
/// (an account dump's 64,000 roles never make one outline), then its placeholders,
/// diagnostics and shared documents. With `expand`, wildcard actions list the actions they
/// cover.
fn write_source_text(out: &mut impl Sink, source: &Source, expand: bool, jobs: usize) {
    let shared = SharedDocuments::of(source);
    let shape = || Shape {
        actions: Some(&crate::catalog::covered),
        listed: if expand { usize::MAX } else { 0 },
        shared: Some(&shared),
    };
    let groups = Outline::source_part(source, 0, &Part::Groups, &shape());
    let holders = source.roles.len();
    let parts: Vec<Range<usize>> = (0..holders)
        .step_by(CHUNK)
        .map(|start| start..holders.min(start + CHUNK))
        .collect();
    let more = |range: &Range<usize>| range.end < holders || groups.len() > 1;
    let print = |range: &Range<usize>| {
        let part = Outline::source_part(source, 0, &Part::Holders(range.clone()), &shape());
        let mut text = String::new();
        write_text(&part, range.start == 0, more(range), &mut text);
        text
    };
    pool::ordered(&parts, jobs, print, |text| out.write(&text));
    let mut text = String::new();
    write_text(&groups, parts.is_empty(), false, &mut text);
    out.write(&text);
}

/// Writes a part of a source's outline, one row a line under box-drawing connectors: the
/// source's row when `header`, then the part's rows. `more` says rows of the source follow
/// this part, so its last holder is not drawn as the last.
fn write_text(outline: &Outline, header: bool, more: bool, out: &mut String) {
    let nodes = outline.nodes();
    let Some(root) = nodes.first() else {
        return;
    };
    if header {
        out.push_str(&row(root, &root.label, None));
        out.push('\n');
    }
    // Whether the ancestor at each depth from 1 has rows after it under the same parent.
    let mut rails: Vec<bool> = Vec::new();
    for node in &nodes[1..] {
        let depth = usize::from(node.depth());
        let end = node.parent().map_or(nodes.len(), |p| nodes[p].end());
        let later = node.end() < end || (depth == 1 && more);
        rails.truncate(depth.saturating_sub(1));
        for &rail in &rails {
            out.push_str(if rail { "│  " } else { "   " });
        }
        out.push_str(if later { "├─ " } else { "└─ " });
        let parent_loc = node.parent().map(|p| nodes[p].loc);
        out.push_str(&row(node, &root.label, parent_loc));
        out.push('\n');
        rails.push(later);
    }
}

/// A row's text, escaped: its label, summary and position (left out when its parent's row
/// shows the same, as for `"Resource": "*"`); a diagnostic as
/// `path:line:column  severity  code  message`.
fn row(node: &Node, path: &str, parent_loc: Option<Loc>) -> String {
    let label = escape(&node.label);
    let summary = escape(&node.summary);
    let at = if node.loc.is_known() && parent_loc != Some(node.loc) {
        format!("  {}", node.loc)
    } else {
        String::new()
    };
    match node.kind {
        NodeKind::Diagnostic(severity) => format!(
            "{}:{}  {severity}  {summary}  {label}",
            escape(path),
            node.loc
        ),
        NodeKind::Note => format!("note: {label}"),
        NodeKind::Unknown => format!("{label} (unknown element): {summary}{at}"),
        _ if summary.is_empty() => format!("{label}{at}"),
        _ => format!("{label}  {summary}{at}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Options, load_text};

    const POLICY: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["kms:Create*", "s3:GetObjekt", "*:GetObject"], "Resource": "*"},
        {"Effect": "Deny", "NotAction": "s3:GetObject", "Resource": "*"}]}"#;

    fn statements(expand: bool) -> Vec<Value> {
        let source = load_text("p.json", POLICY, &Options::default());
        let json = sources_json_with(&[source], expand);
        json["sources"][0]["roles"][0]["policies"][0]["statements"]
            .as_array()
            .unwrap()
            .clone()
    }

    #[test]
    fn json_lists_unknown_actions_and_expands_on_request() {
        let plain = statements(false);
        assert_eq!(
            plain[0]["unknown_actions"],
            json!(["s3:GetObjekt", "*:GetObject"])
        );
        assert_eq!(plain[1]["unknown_actions"], json!([]));
        assert!(plain[0].get("expanded").is_none());
        let expanded = statements(true);
        assert_eq!(
            expanded[0]["expanded"],
            json!({
                "kms:Create*": ["kms:CreateAlias", "kms:CreateCustomKeyStore", "kms:CreateGrant", "kms:CreateKey"],
                "s3:GetObjekt": [],
                "*:GetObject": [],
            })
        );
        assert_eq!(
            expanded[1]["expanded"],
            json!({"s3:GetObject": ["s3:GetObject"]})
        );
    }

    fn text(source: &Source, expand: bool, jobs: usize) -> String {
        let mut text = String::new();
        write_source_text(&mut text, source, expand, jobs);
        text
    }

    #[test]
    fn text_marks_unknown_and_invalid_actions_and_lists_expansions() {
        let source = load_text("p.json", POLICY, &Options::default());
        let rows = |expand: bool| -> Vec<String> {
            let text = text(&source, expand, 1);
            let rows = text.lines().skip_while(|l| !l.contains("├─ Action"));
            rows.skip(1).take(7).map(str::to_string).collect()
        };
        assert_eq!(
            rows(true),
            [
                "   │  │  ├─ kms:Create*  4 actions  2:40",
                "   │  │  │  ├─ kms:CreateAlias  Write",
                "   │  │  │  ├─ kms:CreateCustomKeyStore  Write",
                "   │  │  │  ├─ kms:CreateGrant  Permissions management",
                "   │  │  │  └─ kms:CreateKey  Write",
                "   │  │  ├─ s3:GetObjekt  unknown action  2:55",
                "   │  │  └─ *:GetObject  invalid: its service prefix has a wildcard, which IAM does not expand  2:71",
            ]
        );
        assert_eq!(
            rows(false)[..3],
            [
                "   │  │  ├─ kms:Create*  4 actions  2:40",
                "   │  │  ├─ s3:GetObjekt  unknown action  2:55",
                "   │  │  └─ *:GetObject  invalid: its service prefix has a wildcard, which IAM does not expand  2:71",
            ]
        );
    }

    #[test]
    fn a_dump_shows_a_document_many_policies_hold_once() {
        let path = "tests/fixtures/authorization-details/account.json";
        let input = std::fs::read_to_string(path).unwrap();
        let source = load_text(path, &input, &Options::default());
        let text = text(&source, false, 1);
        let lines: Vec<&str> = text.lines().collect();
        let held: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains("deploy  identity, 1 statement"))
            .collect();
        assert_eq!(held.len(), 2, "{text}");
        for i in held {
            assert!(
                lines[i].ends_with(", shared document 1  24:17")
                    || lines[i].ends_with(", shared document 1  76:17"),
                "{}",
                lines[i]
            );
            // The holder's row has nothing under it: the next row is no deeper.
            let depth = |l: &str| l.find("─ ").unwrap();
            assert!(depth(lines[i + 1]) <= depth(lines[i]), "{}", lines[i + 1]);
        }
        let group = lines
            .iter()
            .position(|l| l.starts_with("└─ shared documents"))
            .unwrap();
        assert_eq!(
            lines[group..],
            [
                "└─ shared documents  1 document",
                "   └─ deploy  shared document 1, held by 2 policies, 1 statement  24:17",
                "      └─ #1  Allow  94:73",
                "         ├─ Action  94:103",
                "         │  ├─ s3:PutObject  Write  94:104",
                "         │  └─ cloudformation:*  102 actions  94:120",
                "         └─ Resource  94:153",
                "            └─ *",
            ]
        );
    }

    #[test]
    fn holders_printed_in_parts_join_as_one_tree() {
        let mut source = load_text("p.json", POLICY, &Options::default());
        let role = source.roles[0].clone();
        source.roles = (0..2 * CHUNK + 3)
            .map(|i| {
                let mut role = role.clone();
                role.kind = crate::model::RoleKind::Role;
                role.name = format!("role-{i}");
                role
            })
            .collect();
        let whole = |source: &Source| {
            let shape = Shape {
                actions: Some(&crate::catalog::covered),
                listed: 0,
                shared: None,
            };
            let all = Part::Holders(0..source.roles.len());
            let groups = Outline::source_part(source, 0, &Part::Groups, &shape);
            let mut text = String::new();
            let holders = Outline::source_part(source, 0, &all, &shape);
            write_text(&holders, true, groups.len() > 1, &mut text);
            write_text(&groups, false, false, &mut text);
            text
        };
        let parted = text(&source, false, 2);
        assert_eq!(parted, whole(&source));
        let last = parted.lines().rev().find(|l| l.contains("role-")).unwrap();
        assert_eq!(
            last,
            format!("└─ role-{}  role, 1 policy  1:1", 2 * CHUNK + 2)
        );
        let boundary = format!("├─ role-{}  role, 1 policy  1:1", CHUNK - 1);
        assert!(parted.lines().any(|l| l == boundary), "{parted}");
        assert!(!parted.lines().skip(1).any(|l| l.starts_with("p.json")));
        // With diagnostics after them, the last holder is not drawn as the last row.
        source.diagnostics.push(crate::model::Diagnostic::new(
            crate::model::codes::MALFORMED_JSON,
            crate::model::Loc::new(1, 1),
            "broken",
        ));
        let parted = text(&source, false, 2);
        assert_eq!(parted, whole(&source));
        let last = format!("├─ role-{}  role, 1 policy  1:1", 2 * CHUNK + 2);
        assert!(parted.lines().any(|l| l == last), "{parted}");
        assert!(parted.contains(
            "└─ diagnostics  1 error\n   └─ p.json:1:1  error  malformed-json  broken\n"
        ));
    }
}

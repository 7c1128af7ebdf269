//! Policy documents in Terraform: `aws_iam_policy_document` data blocks (statements,
//! principals, conditions; `dynamic` blocks shown once with a note, never expanded),
//! `jsonencode(...)` of an HCL object, heredoc and string JSON, and references to data
//! blocks (`data.aws_iam_policy_document.x.json`).

use crate::model::codes;
use std::collections::BTreeMap;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};

use super::expr::{Source, one_line};
use crate::load::document;
use crate::load::json;
use crate::load::node::{Member, Node, Value};
use crate::model::{Diagnostic, Loc, PolicyDocument, Text};

/// Statement arguments and the policy element each becomes.
const STATEMENT_ARGUMENTS: [(&str, &str); 6] = [
    ("sid", "Sid"),
    ("effect", "Effect"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
];

/// The data blocks of a configuration by name.
pub type DataDocuments<'b> = BTreeMap<String, &'b Block>;

/// A document read from a `policy`-like argument, with a note when the data block it comes
/// from exists only for some variable values.
pub struct Followed {
    pub document: PolicyDocument,
    pub note: Option<String>,
}

/// The document a `policy`-like argument gives, if it can be read.
pub fn from_expression(
    src: &Source<'_>,
    expr: &Expression,
    data: &DataDocuments<'_>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Followed> {
    if let Expression::Traversal(t) = expr
        && let [
            "data",
            "aws_iam_policy_document",
            name,
            "json" | "minified_json",
        ] = traversal_names(&t.expr, &t.operators).as_slice()
        && let Some(block) = data.get(*name)
    {
        let note = conditional(
            src,
            block,
            &format!("data.aws_iam_policy_document.{name} exists"),
        );
        return Some(Followed {
            document: data_document(src, block, diags),
            note,
        });
    }
    let document = written_document(src, expr, diags)?;
    Some(Followed {
        document,
        note: None,
    })
}

/// The document written in the argument itself, or named by a reference this input lacks.
fn written_document(
    src: &Source<'_>,
    expr: &Expression,
    diags: &mut Vec<Diagnostic>,
) -> Option<PolicyDocument> {
    let at = src.at(expr);
    match expr {
        Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
            let arg = call.args.iter().next()?;
            first(json::policies_in(&src.node(arg, false), diags))
        }
        Expression::HeredocTemplate(h) => {
            // The JSON is read from the file itself, so every position is exact.
            let raw = src.source_of(expr);
            let body_start = raw.find('\n').map_or(raw.len(), |i| i + 1);
            let body_end = raw.rfind('\n').unwrap_or(raw.len()).max(body_start);
            let offset = h.span().map_or(0, |s| s.start) + body_start;
            let origin = src.loc(offset);
            first(json::policies_in_text(
                &raw[body_start..body_end],
                origin,
                diags,
            ))
        }
        Expression::String(_) | Expression::StringTemplate(_) => {
            let text = src.node(expr, true);
            let text = text.as_str().unwrap_or_default();
            first(json::policies_in_text(
                text,
                Loc::new(at.line, at.column + 1),
                diags,
            ))
        }
        Expression::Traversal(t) => match traversal_names(&t.expr, &t.operators).as_slice() {
            // A data block of this input was followed before; this one is not here.
            [
                "data",
                "aws_iam_policy_document",
                name,
                "json" | "minified_json",
            ] => {
                diags.push(Diagnostic::skipped(
                    codes::TERRAFORM_POLICY_NOT_FOLLOWED,
                    at,
                    format!(
                        "data.aws_iam_policy_document.{} is not in this file",
                        crate::text::escape(name)
                    ),
                ));
                None
            }
            _ => not_followed(src, expr, diags),
        },
        _ => not_followed(src, expr, diags),
    }
}

fn first(found: Vec<json::Found>) -> Option<PolicyDocument> {
    found.into_iter().next().map(|f| f.document)
}

fn not_followed(
    src: &Source<'_>,
    expr: &Expression,
    diags: &mut Vec<Diagnostic>,
) -> Option<PolicyDocument> {
    diags.push(Diagnostic::skipped(
        codes::TERRAFORM_POLICY_NOT_FOLLOWED,
        src.at(expr),
        format!(
            "the policy is `{}`, known only when Terraform runs; not shown",
            crate::text::escape(&one_line(src.source_of(expr)))
        ),
    ));
    None
}

/// The names of a traversal made of attribute accesses (`data.x.y.json`); an index
/// (`data.x.y[0].json`, `[each.key]`, `[count.index]`) names one instance of the block
/// before it, so it is passed over.
pub fn traversal_names<'e>(
    root: &'e Expression,
    operators: &'e [hcl_edit::Decorated<TraversalOperator>],
) -> Vec<&'e str> {
    let mut names = Vec::new();
    if let Expression::Variable(v) = root {
        names.push(v.as_str());
    }
    for op in operators {
        match op.value() {
            TraversalOperator::GetAttr(name) => names.push(name.as_str()),
            TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => {}
            _ => break,
        }
    }
    names
}

/// The note of a block created only for some variable values (`count = var.x ? 1 : 0`,
/// `for_each = ...`): what decides it.
pub fn conditional(src: &Source<'_>, block: &Block, what: &str) -> Option<String> {
    ["count", "for_each"].iter().find_map(|arg| {
        let a = block.body.get_attribute(arg)?;
        let written = src.source_of(&a.value);
        let decided_by = ["var.", "local.", "data.", "module.", "?"];
        if !decided_by.iter().any(|d| written.contains(d)) {
            return None;
        }
        Some(format!(
            "{what} only for some variable values: {arg} = {}",
            one_line(src.source_of(&a.value))
        ))
    })
}

/// Builds the document of an `aws_iam_policy_document` data block.
pub fn data_document(
    src: &Source<'_>,
    block: &Block,
    diags: &mut Vec<Diagnostic>,
) -> PolicyDocument {
    let mut members = Vec::new();
    let mut statements = Vec::new();
    let mut notes = Vec::new();
    for structure in block.body.iter() {
        match structure {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                let element = match key {
                    "version" => "Version",
                    "policy_id" => "Id",
                    "source_policy_documents" | "override_policy_documents" => {
                        diags.push(Diagnostic::skipped(
                            codes::TERRAFORM_POLICY_NOT_FOLLOWED,
                            src.at(a),
                            format!("`{key}` merges other documents when Terraform runs; they are not shown here"),
                        ));
                        continue;
                    }
                    // Meta-arguments every block takes (the block's note says what they do).
                    "count" | "for_each" | "depends_on" | "provider" => continue,
                    _ => {
                        unknown_argument(a.key.as_str(), src.at(a), diags);
                        continue;
                    }
                };
                members.push(member(element, src.at(a), src.node(&a.value, true)));
            }
            Structure::Block(b) if b.ident.as_str() == "statement" => {
                statements.push(statement(src, &b.body, src.at(b), diags));
                notes.push(None);
            }
            Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                let label = b.labels.first().map(|l| l.as_str()).unwrap_or_default();
                let for_each = b
                    .body
                    .get_attribute("for_each")
                    .map(|a| src.source_of(&a.value).to_string())
                    .unwrap_or_default();
                diags.push(Diagnostic::new(
                    codes::TERRAFORM_DYNAMIC_BLOCK,
                    src.at(b),
                    format!(
                        "dynamic \"{}\" repeats its content for each element of `{}`, known only when Terraform runs; shown once, with `{}.key` and `{}.value` as placeholders",
                        crate::text::escape(label),
                        crate::text::escape(&for_each),
                        crate::text::escape(label),
                        crate::text::escape(label)
                    ),
                ));
                let content = b.body.get_blocks("content").next();
                if let (Some(content), "statement") = (content, label) {
                    statements.push(statement(src, &content.body, src.at(b), diags));
                    notes.push(Some(format!(
                        "dynamic block: one statement for each element of {for_each}"
                    )));
                }
            }
            Structure::Block(b) => unknown_argument(b.ident.as_str(), src.at(b), diags),
        }
    }
    let at = src.at(block);
    if !members.iter().any(|m| m.key.value == "Version") {
        // The provider's default: the data source writes "Version": "2012-10-17".
        let version = Node::new(Value::String("2012-10-17".into()), at);
        members.insert(0, member("Version", at, version));
    }
    members.push(Member {
        key: Text::new("Statement", at),
        value: Node::new(Value::Array(statements), at),
    });
    let mut doc = document::build(&Node::new(Value::Object(members), at), diags);
    for (s, note) in doc.statements.iter_mut().zip(notes) {
        s.note = note;
    }
    doc
}

fn unknown_argument(name: &str, at: Loc, diags: &mut Vec<Diagnostic>) {
    diags.push(Diagnostic::new(
        codes::TERRAFORM_UNKNOWN_ARGUMENT,
        at,
        format!(
            "`{}` is not an argument of aws_iam_policy_document; ignored",
            crate::text::escape(name)
        ),
    ));
}

fn member(element: &str, at: Loc, value: Node) -> Member {
    Member {
        key: Text::new(element, at),
        value,
    }
}

/// One `statement` block (or a dynamic block's `content`) as a statement value.
fn statement(src: &Source<'_>, body: &Body, at: Loc, diags: &mut Vec<Diagnostic>) -> Node {
    let mut members = Vec::new();
    let mut principals: [(&str, Vec<Member>, Loc); 2] = [
        ("Principal", Vec::new(), at),
        ("NotPrincipal", Vec::new(), at),
    ];
    let mut conditions: Vec<Member> = Vec::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                match STATEMENT_ARGUMENTS.iter().find(|(k, _)| *k == key) {
                    Some((_, element)) => {
                        members.push(member(element, src.at(a), src.node(&a.value, true)))
                    }
                    None => unknown_argument(key, src.at(a), diags),
                }
            }
            Structure::Block(b) => match b.ident.as_str() {
                kind @ ("principals" | "not_principals") => {
                    let slot = &mut principals[usize::from(kind == "not_principals")];
                    slot.2 = src.at(b);
                    principal(src, &b.body, src.at(b), &mut slot.1);
                }
                "condition" => condition(src, &b.body, src.at(b), &mut conditions),
                other => unknown_argument(other, src.at(b), diags),
            },
        }
    }
    if !members.iter().any(|m| m.key.value == "Effect") {
        // Terraform's default.
        members.insert(
            0,
            member("Effect", at, Node::new(Value::String("Allow".into()), at)),
        );
    }
    for (element, entries, loc) in principals {
        if entries.is_empty() {
            continue;
        }
        let everyone = entries.len() == 1
            && entries[0].key.value == "*"
            && entries[0]
                .value
                .as_array()
                .is_some_and(|v| v.len() == 1 && v[0].as_str() == Some("*"));
        let value = if everyone {
            Node::new(Value::String("*".into()), loc)
        } else {
            Node::new(Value::Object(entries), loc)
        };
        members.push(member(element, loc, value));
    }
    if let Some(first) = conditions.first() {
        let loc = first.key.loc;
        members.push(member(
            "Condition",
            loc,
            Node::new(Value::Object(conditions), loc),
        ));
    }
    Node::new(Value::Object(members), at)
}

/// Adds a `principals { type, identifiers }` block to the principal map, merging a type
/// given twice.
fn principal(src: &Source<'_>, body: &Body, at: Loc, entries: &mut Vec<Member>) {
    let kind = body
        .get_attribute("type")
        .map(|a| src.node(&a.value, true))
        .and_then(|n| n.as_str().map(str::to_string))
        .unwrap_or_default();
    let ids = body.get_attribute("identifiers").map_or_else(
        || Node::new(Value::Array(Vec::new()), at),
        |a| src.node(&a.value, true),
    );
    let ids = match ids.value {
        Value::Array(items) => items,
        _ => vec![ids],
    };
    match entries.iter_mut().find(|m| m.key.value == kind) {
        Some(Member {
            value:
                Node {
                    value: Value::Array(have),
                    ..
                },
            ..
        }) => have.extend(ids),
        _ => entries.push(Member {
            key: Text::new(kind, at),
            value: Node::new(Value::Array(ids), at),
        }),
    }
}

/// Adds a `condition { test, variable, values }` block to the condition map.
fn condition(src: &Source<'_>, body: &Body, at: Loc, operators: &mut Vec<Member>) {
    let text = |name: &str| {
        body.get_attribute(name)
            .map(|a| src.node(&a.value, true))
            .and_then(|n| n.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let (test, variable) = (text("test"), text("variable"));
    let values = body.get_attribute("values").map_or_else(
        || Node::new(Value::Array(Vec::new()), at),
        |a| src.node(&a.value, true),
    );
    let entry = Member {
        key: Text::new(variable, at),
        value: values,
    };
    match operators.iter_mut().find(|m| m.key.value == test) {
        Some(Member {
            value:
                Node {
                    value: Value::Object(keys),
                    ..
                },
            ..
        }) => keys.push(entry),
        _ => operators.push(Member {
            key: Text::new(test, at),
            value: Node::new(Value::Object(vec![entry]), at),
        }),
    }
}

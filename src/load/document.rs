//! Builds a policy document from a value tree, reporting every element it does not
//! recognise or cannot read, and dropping nothing: unknown elements are kept as written.
//! Every loader whose input holds a policy as a value (JSON, YAML, HCL) ends here.

use crate::load::node::{Member, Node, Value};
use crate::model::codes;
use crate::model::policy::{DOCUMENT_ELEMENTS, STATEMENT_ELEMENTS};
use crate::model::{
    Condition, ConditionBlock, ConditionEntry, ConditionValue, Diagnostic, Loc, PolicyDocument,
    Principal, PrincipalEntry, ScalarKind, Statement, Text, UnknownElement, Values,
};

/// Builds the policy document `node` holds (an object with a `Statement`).
pub fn build(node: &Node, diags: &mut Vec<Diagnostic>) -> PolicyDocument {
    let mut doc = PolicyDocument {
        loc: node.loc,
        ..PolicyDocument::default()
    };
    let Some(members) = node.as_object() else {
        diags.push(Diagnostic::new(
            codes::INVALID_ELEMENT,
            node.loc,
            format!("a policy must be an object; found {}", node.kind_name()),
        ));
        return doc;
    };
    let mut seen = Vec::new();
    // Lists are sized to what they will hold: grown and shrunk, each would leave a hole
    // behind, and a dump holds a document per holder.
    doc.keys.reserve_exact(members.len());
    for m in members {
        doc.keys.push(m.key.clone());
        let Some(name) = element_name(&m.key, &DOCUMENT_ELEMENTS[..], "policy", &mut seen, diags)
        else {
            diags.push(unknown(&m.key, "policy", &DOCUMENT_ELEMENTS[..]));
            doc.unknown.push(UnknownElement {
                key: m.key.clone(),
                value: m.value.to_json(),
            });
            continue;
        };
        match name {
            "Version" => doc.version = text(&m.value, "Version", diags),
            "Id" => doc.id = text(&m.value, "Id", diags),
            _ => match &m.value.value {
                Value::Array(items) => {
                    doc.statement_is_object = false;
                    doc.statements = Vec::with_capacity(items.len());
                    let read = items.iter().filter_map(|s| statement(s, diags));
                    doc.statements.extend(read);
                }
                Value::Object(_) => {
                    doc.statement_is_object = true;
                    doc.statements = statement(&m.value, diags).into_iter().collect();
                }
                _ => diags.push(Diagnostic::new(
                    codes::INVALID_ELEMENT,
                    m.value.loc,
                    format!(
                        "Statement must be an object or a list of objects; found {}",
                        m.value.kind_name()
                    ),
                )),
            },
        }
    }
    compact(&mut doc);
    doc
}

/// Gives back the room the document's lists grew beyond their items: an account dump holds
/// a document per holder, so this is most of its memory.
fn compact(doc: &mut PolicyDocument) {
    doc.keys.shrink_to_fit();
    doc.statements.shrink_to_fit();
    for s in &mut doc.statements {
        s.keys.shrink_to_fit();
        for p in [&mut s.principal, &mut s.not_principal]
            .into_iter()
            .flatten()
        {
            if let Principal::Map { entries, .. } = p {
                entries.shrink_to_fit();
                entries
                    .iter_mut()
                    .for_each(|e| e.values.items.shrink_to_fit());
            }
        }
        for v in [
            &mut s.action,
            &mut s.not_action,
            &mut s.resource,
            &mut s.not_resource,
        ]
        .into_iter()
        .flatten()
        {
            v.items.shrink_to_fit();
        }
    }
}

/// The canonical name of the element `key` names, reporting a spelling that differs only in
/// case and a repeated element; `None` if the key names no element of `known`.
fn element_name(
    key: &Text,
    known: &[&'static str],
    what: &str,
    seen: &mut Vec<&'static str>,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'static str> {
    let name = *known.iter().find(|k| k.eq_ignore_ascii_case(&key.value))?;
    if name != key.value {
        diags.push(Diagnostic::new(
            codes::ELEMENT_SPELLING,
            key.loc,
            format!("element `{}` is spelled `{name}` in IAM", esc(&key.value)),
        ));
    }
    if seen.contains(&name) {
        diags.push(Diagnostic::new(
            codes::DUPLICATE_ELEMENT,
            key.loc,
            format!("`{name}` appears twice in one {what}; the last one is used"),
        ));
    } else {
        seen.push(name);
    }
    Some(name)
}

fn unknown(key: &Text, what: &str, known: &[&str]) -> Diagnostic {
    let hint = suggestion(&key.value, known)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Diagnostic::new(
        codes::UNKNOWN_ELEMENT,
        key.loc,
        format!(
            "unknown element `{}` in a {what}{hint}; kept, but IAM would reject it",
            esc(&key.value)
        ),
    )
}

/// The known element nearest to `key`: the same after removing a plural `s`, or at most
/// two edits away.
fn suggestion<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (k, crate::text::edit_distance(key, k)))
        .filter(|&(_, d)| d <= 2)
        .min_by_key(|&(_, d)| d)
        .map(|(k, _)| *k)
}

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    crate::text::escape(s)
}

fn statement(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Statement> {
    let Some(members) = node.as_object() else {
        diags.push(
            Diagnostic::new(
                codes::INVALID_ELEMENT,
                node.loc,
                format!(
                    "a statement must be an object; found {} (skipped)",
                    node.kind_name()
                ),
            )
            .unread_to(node.loc.line),
        );
        return None;
    };
    let mut s = Statement {
        loc: node.loc,
        ..Statement::default()
    };
    let mut seen = Vec::new();
    s.keys.reserve_exact(members.len());
    for m in members {
        s.keys.push(m.key.clone());
        let known = &STATEMENT_ELEMENTS[..];
        match element_name(&m.key, known, "statement", &mut seen, diags) {
            Some(name) => statement_element(&mut s, name, m, diags),
            None => {
                diags.push(unknown(&m.key, "statement", known));
                s.unknown.push(UnknownElement {
                    key: m.key.clone(),
                    value: m.value.to_json(),
                });
            }
        }
    }
    Some(s)
}

fn statement_element(s: &mut Statement, name: &str, m: &Member, diags: &mut Vec<Diagnostic>) {
    let v = &m.value;
    match name {
        "Sid" => s.sid = text(v, name, diags),
        "Effect" => s.effect = text(v, name, diags),
        "Principal" => s.principal = principal(v, name, diags),
        "NotPrincipal" => s.not_principal = principal(v, name, diags),
        "Action" => s.action = values(v, name, diags),
        "NotAction" => s.not_action = values(v, name, diags),
        "Resource" => s.resource = values(v, name, diags),
        "NotResource" => s.not_resource = values(v, name, diags),
        _ => s.condition = condition(v, diags),
    }
}

/// A scalar as text: strings as they are, numbers and booleans as written.
fn scalar(node: &Node) -> Option<(&str, ScalarKind)> {
    match &node.value {
        Value::String(s) => Some((s, ScalarKind::String)),
        Value::Number(n) => Some((n, ScalarKind::Number)),
        Value::Bool(true) => Some(("true", ScalarKind::Bool)),
        Value::Bool(false) => Some(("false", ScalarKind::Bool)),
        _ => None,
    }
}

/// A string element (Version, Id, Sid, Effect). Numbers are read as their text, reported.
fn text(node: &Node, name: &str, diags: &mut Vec<Diagnostic>) -> Option<Text> {
    match scalar(node) {
        Some((s, ScalarKind::String)) => Some(Text::new(s, node.loc)),
        Some((s, _)) => {
            diags.push(Diagnostic::new(
                codes::INVALID_ELEMENT,
                node.loc,
                format!(
                    "{name} must be a string; found {} (read as \"{s}\")",
                    node.kind_name()
                ),
            ));
            Some(Text::new(s, node.loc))
        }
        None => {
            diags.push(Diagnostic::new(
                codes::INVALID_ELEMENT,
                node.loc,
                format!(
                    "{name} must be a string; found {} (ignored)",
                    node.kind_name()
                ),
            ));
            None
        }
    }
}

/// An account ID written as a number (`AWS: 381491863103` in YAML or JSON): CloudFormation
/// deploys it as the account, so it is a note; a warning when a leading zero is or would be
/// lost (a number cannot keep one, so `012345678901` becomes `12345678901`).
fn account_id_as_number(digits: &str, loc: Loc) -> Diagnostic {
    if digits.len() == 12 && !digits.starts_with('0') {
        Diagnostic::new(
            codes::ACCOUNT_ID_AS_NUMBER,
            loc,
            format!(
                "account ID {digits} is written as a number; AWS reads it as the account, but quote it to be safe"
            ),
        )
    } else {
        Diagnostic::new(
            codes::ACCOUNT_ID_LEADING_ZERO,
            loc,
            format!(
                "account ID {digits} is written as a number, which loses a leading zero ({} digits as a number); quote it",
                digits.trim_start_matches('0').len()
            ),
        )
    }
}

/// One string or a list of strings (Action, Resource, principal values).
fn values(node: &Node, name: &str, diags: &mut Vec<Diagnostic>) -> Option<Values> {
    let mut out = Values {
        items: Vec::with_capacity(node.as_array().map_or(1, <[Node]>::len)),
        single: false,
        loc: node.loc,
    };
    let mut push = |item: &Node, diags: &mut Vec<Diagnostic>| match scalar(item) {
        Some((s, ScalarKind::String)) => out.items.push(Text::new(s, item.loc)),
        Some((s, ScalarKind::Number))
            if name.ends_with("Principal") && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            diags.push(account_id_as_number(s, item.loc));
            out.items.push(Text::new(s, item.loc));
        }
        Some((s, _)) => {
            diags.push(Diagnostic::new(
                codes::INVALID_ELEMENT,
                item.loc,
                format!(
                    "{name} values must be strings; found {} (read as \"{s}\")",
                    item.kind_name()
                ),
            ));
            out.items.push(Text::new(s, item.loc));
        }
        None => diags.push(Diagnostic::new(
            codes::INVALID_ELEMENT,
            item.loc,
            format!(
                "{name} values must be strings; found {} (ignored)",
                item.kind_name()
            ),
        )),
    };
    match &node.value {
        Value::Array(items) => items.iter().for_each(|i| push(i, diags)),
        Value::Object(_) | Value::Null => {
            diags.push(Diagnostic::new(
                codes::INVALID_ELEMENT,
                node.loc,
                format!(
                    "{name} must be a string or a list of strings; found {} (ignored)",
                    node.kind_name()
                ),
            ));
            return None;
        }
        _ => {
            push(node, diags);
            out.single = true;
        }
    }
    Some(out)
}

fn principal(node: &Node, name: &str, diags: &mut Vec<Diagnostic>) -> Option<Principal> {
    match &node.value {
        Value::String(s) if s == "*" => Some(Principal::Wildcard(Text::new(s.clone(), node.loc))),
        Value::String(s) => {
            diags.push(Diagnostic::new(
                codes::INVALID_ELEMENT,
                node.loc,
                format!(
                    "{name} as a string must be \"*\"; read as {{\"AWS\": \"{}\"}}",
                    esc(s)
                ),
            ));
            let values = Values {
                items: vec![Text::new(s.clone(), node.loc)],
                single: true,
                loc: node.loc,
            };
            Some(Principal::Map {
                entries: vec![PrincipalEntry {
                    key: Text::new("AWS", node.loc),
                    values,
                }],
                loc: node.loc,
            })
        }
        Value::Object(members) => {
            let mut entries = Vec::with_capacity(members.len());
            for m in members {
                if crate::model::PrincipalType::parse(&m.key.value).is_none() {
                    diags.push(Diagnostic::new(
                        codes::INVALID_ELEMENT,
                        m.key.loc,
                        format!(
                            "unknown principal type `{}` (IAM defines AWS, Service, Federated, CanonicalUser); kept",
                            esc(&m.key.value)
                        ),
                    ));
                }
                if let Some(values) = values(&m.value, name, diags) {
                    entries.push(PrincipalEntry {
                        key: m.key.clone(),
                        values,
                    });
                }
            }
            Some(Principal::Map {
                entries,
                loc: node.loc,
            })
        }
        _ => {
            diags.push(Diagnostic::new(
                codes::INVALID_ELEMENT,
                node.loc,
                format!(
                    "{name} must be \"*\" or an object; found {} (ignored)",
                    node.kind_name()
                ),
            ));
            None
        }
    }
}

fn condition(node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Condition> {
    let Some(members) = node.as_object() else {
        diags.push(Diagnostic::new(
            codes::INVALID_ELEMENT,
            node.loc,
            format!(
                "Condition must be an object; found {} (ignored)",
                node.kind_name()
            ),
        ));
        return None;
    };
    let mut out = Condition {
        operators: Vec::new(),
        loc: node.loc,
    };
    for m in members {
        let Some(keys) = m.value.as_object() else {
            diags.push(Diagnostic::new(
                codes::INVALID_ELEMENT,
                m.value.loc,
                format!(
                    "condition operator `{}` must map keys to values; found {} (ignored)",
                    esc(&m.key.value),
                    m.value.kind_name()
                ),
            ));
            continue;
        };
        let entries = keys.iter().map(|k| condition_entry(k, diags)).collect();
        out.operators.push(ConditionBlock {
            operator: m.key.clone(),
            entries,
        });
    }
    Some(out)
}

fn condition_entry(m: &Member, diags: &mut Vec<Diagnostic>) -> ConditionEntry {
    let mut entry = ConditionEntry {
        key: m.key.clone(),
        values: Vec::new(),
        single: false,
    };
    let mut push = |item: &Node, diags: &mut Vec<Diagnostic>| match scalar(item) {
        Some((text, kind)) => entry.values.push(ConditionValue {
            text: text.to_string(),
            kind,
            loc: item.loc,
        }),
        None => diags.push(Diagnostic::new(
            codes::INVALID_ELEMENT,
            item.loc,
            format!(
                "condition values of `{}` must be strings, numbers or booleans; found {} (ignored)",
                esc(&m.key.value),
                item.kind_name()
            ),
        )),
    };
    match &m.value.value {
        Value::Array(items) => items.iter().for_each(|i| push(i, diags)),
        _ => {
            push(&m.value, diags);
            entry.single = true;
        }
    }
    entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::json::parse::parse;

    fn doc(json: &str) -> (PolicyDocument, Vec<Diagnostic>) {
        let parsed = parse(json, Loc::new(1, 1));
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        let mut diags = Vec::new();
        (build(&parsed.values[0], &mut diags), diags)
    }

    #[test]
    fn reads_every_element_with_positions() {
        let (d, diags) = doc(r#"{"Version": "2012-10-17", "Id": "x", "Statement": [{
  "Sid": "A", "Effect": "Allow",
  "Principal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "ec2.amazonaws.com"},
  "Action": "s3:GetObject", "NotResource": ["arn:aws:s3:::b/*"],
  "Condition": {"NumericLessThan": {"s3:max-keys": [10, "20"]}, "Bool": {"aws:SecureTransport": true}}
}]}"#);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(d.version.as_ref().unwrap().value, "2012-10-17");
        assert!(!d.statement_is_object);
        let s = &d.statements[0];
        assert_eq!(s.loc, Loc::new(1, 52));
        assert_eq!(s.sid.as_ref().unwrap().loc, Loc::new(2, 10));
        let action = s.action.as_ref().unwrap();
        assert!(action.single);
        assert_eq!(action.items[0], Text::new("s3:GetObject", Loc::new(4, 13)));
        let Some(Principal::Map { entries, .. }) = &s.principal else {
            panic!("map principal expected")
        };
        assert_eq!(entries.len(), 2);
        assert!(entries[1].values.single);
        let c = s.condition.as_ref().unwrap();
        assert_eq!(c.operators[0].entries[0].values[0].kind, ScalarKind::Number);
        assert_eq!(c.operators[1].entries[0].values[0].text, "true");
        let keys: Vec<_> = s.keys.iter().map(|k| k.value.as_str()).collect();
        assert_eq!(
            keys,
            [
                "Sid",
                "Effect",
                "Principal",
                "Action",
                "NotResource",
                "Condition"
            ]
        );
    }

    #[test]
    fn unknown_elements_are_kept_and_reported() {
        let (d, diags) =
            doc(r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resources": ["s3://b"]}}"#);
        assert!(d.statement_is_object);
        assert_eq!(d.statements[0].unknown[0].key.value, "Resources");
        assert_eq!(
            d.statements[0].unknown[0].value,
            serde_json::json!(["s3://b"])
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, codes::UNKNOWN_ELEMENT.code);
        assert_eq!(diags[0].loc, Loc::new(1, 50));
        assert!(
            diags[0].message.contains("did you mean `Resource`"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn odd_shapes_are_read_and_reported() {
        let (d, diags) = doc(
            r#"{"Statement": [{"effect": "Allow", "Principal": "arn:aws:iam::1:root", "Action": ["a", 5], "Action": "b"}, 7]}"#,
        );
        let found: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            found,
            [
                codes::ELEMENT_SPELLING.code,
                codes::INVALID_ELEMENT.code,
                codes::INVALID_ELEMENT.code,
                codes::DUPLICATE_ELEMENT.code,
                codes::INVALID_ELEMENT.code
            ]
        );
        let s = &d.statements[0];
        assert_eq!(s.effect.as_ref().unwrap().value, "Allow");
        assert_eq!(s.action.as_ref().unwrap().items[0].value, "b");
        assert_eq!(d.statements.len(), 1);
    }
}

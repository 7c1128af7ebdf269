//! `iamscope tree`: the loaded tree as an indented outline or as JSON (the `tree` shape of
//! DESIGN.md).

use std::process::ExitCode;

use serde_json::{Value, json};

use super::args::{OutputFormat, TreeArgs};
use super::outline::Item;
use super::{Common, EXIT_USAGE};
use crate::model::{Loc, Policy, Principal, Role, Source, Statement, Values};
use crate::text::escape;

pub fn run(args: &TreeArgs, common: &Common) -> ExitCode {
    let (sources, all_read) = super::load_reporting(&args.paths, common);
    match args.format {
        OutputFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&sources_json(&sources)).unwrap_or_default()
            );
        }
        OutputFormat::Text => {
            for source in &sources {
                print!("{}", source_outline(source).render());
            }
        }
    }
    if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_USAGE)
    }
}

/// The `tree` JSON of DESIGN.md for these sources.
pub fn sources_json(sources: &[Source]) -> Value {
    json!({ "sources": sources.iter().map(source_json).collect::<Vec<_>>() })
}

fn source_json(source: &Source) -> Value {
    json!({
        "path": source.path,
        "format": source.format,
        "roles": source.roles.iter().map(role_json).collect::<Vec<_>>(),
        "placeholders": source.placeholders,
        "diagnostics": source.diagnostics,
    })
}

fn role_json(role: &Role) -> Value {
    json!({
        "name": role.name,
        "kind": role.kind,
        "arn": role.arn,
        "line": role.loc.line,
        "column": role.loc.column,
        "policies": role.policies.iter().map(policy_json).collect::<Vec<_>>(),
    })
}

fn policy_json(policy: &Policy) -> Value {
    let doc = policy.document.as_deref();
    json!({
        "name": policy.name,
        "kind": policy.kind,
        "managed": policy.managed,
        "version": doc.and_then(|d| d.version.as_ref()).map(|t| &t.value),
        "id": doc.and_then(|d| d.id.as_ref()).map(|t| &t.value),
        "note": policy.note,
        "synthesized": doc.is_some_and(|d| d.synthesized),
        "line": policy.loc.line,
        "column": policy.loc.column,
        "unknown": doc.map(|d| unknown_json(&d.unknown)),
        "statements": policy.statements().iter().map(statement_json).collect::<Vec<_>>(),
    })
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
                        e.key.value.clone(),
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
            .map(|u| (u.key.value.clone(), u.value.clone()))
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
                            (e.key.value.clone(), json!(values))
                        })
                        .collect();
                    (b.operator.value.clone(), Value::Object(keys))
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

fn at(loc: Loc) -> String {
    if loc.is_known() {
        format!("  {loc}")
    } else {
        String::new()
    }
}

/// The source as an outline for text output.
pub fn source_outline(source: &Source) -> Item {
    let mut root = Item::new(format!("{}  ({})", escape(&source.path), source.format));
    for role in &source.roles {
        let mut r = Item::new(format!(
            "{}  {}{}",
            escape(&role.name),
            role.kind.as_str(),
            at(role.loc)
        ));
        if let Some(note) = &role.note {
            r.leaf(format!("note: {}", escape(note)));
        }
        for policy in &role.policies {
            r.child(policy_outline(policy));
        }
        root.child(r);
    }
    if !source.placeholders.is_empty() {
        let mut p = Item::new("placeholders");
        for ph in &source.placeholders {
            let state = match &ph.value {
                Some(v) => format!("= {}", escape(v)),
                None => "unfilled".into(),
            };
            let places = ph.locations.len();
            p.leaf(format!(
                "{}  {}  {state}  ({places} place{})",
                escape(&ph.name),
                escape(&ph.syntax.join(" ")),
                if places == 1 { "" } else { "s" }
            ));
        }
        root.child(p);
    }
    if !source.diagnostics.is_empty() {
        let mut d = Item::new("diagnostics");
        for diag in &source.diagnostics {
            d.leaf(format!(
                "{}:{}  {}  {}  {}",
                escape(&source.path),
                diag.loc,
                diag.severity,
                diag.code,
                escape(&diag.message)
            ));
        }
        root.child(d);
    }
    root
}

fn policy_outline(policy: &Policy) -> Item {
    let count = policy.statements().len();
    let from_table = if policy.document.as_ref().is_some_and(|d| d.synthesized) {
        ", from a table"
    } else {
        ""
    };
    let mut label = format!(
        "{}  {} policy, {count} statement{}{from_table}{}",
        escape(&policy.name),
        policy.kind.as_str(),
        if count == 1 { "" } else { "s" },
        at(policy.loc)
    );
    if let Some(m) = &policy.managed {
        let state = if m.resolved {
            "managed"
        } else {
            "managed, not resolved"
        };
        label.push_str(&format!("  [{state}: {}]", escape(&m.arn)));
    }
    let mut p = Item::new(label);
    if let Some(note) = &policy.note {
        p.leaf(format!("note: {}", escape(note)));
    }
    if let Some(doc) = policy.document.as_deref() {
        for u in &doc.unknown {
            p.leaf(format!(
                "{} (unknown element): {}",
                escape(&u.key.value),
                escape(&u.value.to_string())
            ));
        }
    }
    for (i, s) in policy.statements().iter().enumerate() {
        p.child(statement_outline(i, s));
    }
    p
}

fn statement_outline(index: usize, s: &Statement) -> Item {
    let sid = s
        .sid
        .as_ref()
        .map(|t| format!(" \"{}\"", escape(&t.value)))
        .unwrap_or_default();
    let effect = s.effect.as_ref().map_or_else(
        || "(no Effect)".to_string(),
        |t| escape(&t.value).into_owned(),
    );
    let mut item = Item::new(format!(
        "Statement {}{sid}  {effect}{}",
        index + 1,
        at(s.loc)
    ));
    if let Some(note) = &s.note {
        item.leaf(format!("note: {}", escape(note)));
    }
    for (name, p) in [
        ("Principal", &s.principal),
        ("NotPrincipal", &s.not_principal),
    ] {
        match p {
            Some(Principal::Wildcard(_)) => {
                item.leaf(format!("{name}: *"));
            }
            Some(Principal::Map { entries, .. }) => {
                let mut node = Item::new(name);
                for e in entries {
                    for v in e.values.iter() {
                        node.leaf(format!("{} {}", escape(&e.key.value), escape(v)));
                    }
                }
                item.child(node);
            }
            None => {}
        }
    }
    for (name, v) in [
        ("Action", &s.action),
        ("NotAction", &s.not_action),
        ("Resource", &s.resource),
        ("NotResource", &s.not_resource),
    ] {
        if let Some(v) = v {
            let mut node = Item::new(name);
            for value in v.iter() {
                node.leaf(escape(value));
            }
            item.child(node);
        }
    }
    if let Some(c) = &s.condition {
        let mut node = Item::new("Condition");
        for block in &c.operators {
            for e in &block.entries {
                let values: Vec<_> = e
                    .values
                    .iter()
                    .map(|v| escape(&v.text).into_owned())
                    .collect();
                node.leaf(format!(
                    "{} {} = {}",
                    escape(&block.operator.value),
                    escape(&e.key.value),
                    values.join(" | ")
                ));
            }
        }
        item.child(node);
    }
    for i in &s.inferred {
        item.leaf(format!(
            "inferred (from prose, not evaluated): {} {} = {}",
            escape(&i.operator),
            escape(&i.key),
            escape(&i.values.join(" | "))
        ));
    }
    for u in &s.unknown {
        item.leaf(format!(
            "{} (unknown element): {}",
            escape(&u.key.value),
            escape(&u.value.to_string())
        ));
    }
    item
}

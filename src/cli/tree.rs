//! `iamscope tree`: the loaded tree as an indented outline or as JSON (the `tree` shape of
//! DESIGN.md).

use std::cell::RefCell;
use std::collections::HashMap;
use std::process::ExitCode;
use std::rc::Rc;

use serde_json::{Value, json};

use super::EXIT_USAGE;
use super::args::{OutputFormat, TreeArgs};
use super::outline::Item;
use super::output::{JsonArray, Sink, Stdout, to_json};
use crate::catalog::{Action, Catalog, PatternError};
use crate::model::glob::has_wildcard;
use crate::model::{Loc, Policy, Principal, Role, Source, Statement, Unread, Values};
use crate::session::for_each_source;
use crate::text::{escape, plural};

pub fn run(args: &TreeArgs) -> ExitCode {
    let common = &args.common;
    let mut out = Stdout::new();
    // Each source is printed on the thread that loaded it, then written in input order.
    let all_read = match args.format {
        OutputFormat::Json => {
            let mut sources = JsonArray::open(&mut out, "{\n  \"sources\": ", 1);
            let print = |s: Source| to_json(&source_json(&s, &Expansions::new(args.expand)));
            let all_read = for_each_source(&args.paths, common, print, |json| {
                sources.item(&mut out, &json);
            });
            sources.close(&mut out);
            out.write("\n}\n");
            all_read
        }
        OutputFormat::Text => {
            let print = |s: Source| source_outline(&s, &Expansions::new(args.expand)).render();
            for_each_source(&args.paths, common, print, |text| out.write(&text))
        }
    };
    out.finish();
    if all_read {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_USAGE)
    }
}

/// The `tree` JSON; with `expand`, each statement maps its action patterns to the actions
/// they cover.
pub fn sources_json_with(sources: &[Source], expand: bool) -> Value {
    let catalog = Expansions::new(expand);
    json!({ "sources": sources.iter().map(|s| source_json(s, &catalog)).collect::<Vec<_>>() })
}

fn source_json(source: &Source, catalog: &Expansions) -> Value {
    json!({
        "path": source.path,
        "format": source.format,
        "roles": source.roles.iter().map(|r| role_json(r, catalog)).collect::<Vec<_>>(),
        "placeholders": source.placeholders,
        "diagnostics": source.diagnostics,
        "partial": source.unread,
    })
}

fn role_json(role: &Role, catalog: &Expansions) -> Value {
    json!({
        "name": role.name,
        "kind": role.kind,
        "arn": role.arn,
        "title": role.title,
        "partial": role.partial,
        "line": role.loc.line,
        "column": role.loc.column,
        "policies": role.policies.iter().map(|p| policy_json(p, catalog)).collect::<Vec<_>>(),
    })
}

fn policy_json(policy: &Policy, catalog: &Expansions) -> Value {
    let doc = policy.document.as_deref();
    json!({
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
        "statements": policy
            .statements()
            .iter()
            .map(|s| with_catalog(statement_json(s), s, catalog))
            .collect::<Vec<_>>(),
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

/// `  [partial: lines 3-5 not read]` after a node that could not be wholly read.
fn partial_mark(parts: &[Unread]) -> String {
    if parts.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = parts.iter().map(Unread::lines).collect();
    format!("  [partial: {} not read]", lines.join(", "))
}

fn at(loc: Loc) -> String {
    if loc.is_known() {
        format!("  {loc}")
    } else {
        String::new()
    }
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

/// The source as an outline; with `--expand`, each wildcard action lists the actions it
/// covers.
fn source_outline(source: &Source, catalog: &Expansions) -> Item {
    let mut root = Item::new(format!(
        "{}  ({}){}",
        escape(&source.path),
        source.format,
        partial_mark(&source.unread)
    ));
    for role in &source.roles {
        let mut r = Item::new(format!(
            "{}  {}{}{}",
            escape(&role.name),
            role.kind.as_str(),
            at(role.loc),
            partial_mark(&role.partial)
        ));
        if let Some(title) = &role.title {
            r.leaf(format!("title: {}", escape(title)));
        }
        if let Some(note) = &role.note {
            r.leaf(format!("note: {}", escape(note)));
        }
        for policy in &role.policies {
            r.child(policy_outline(policy, catalog));
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
            p.leaf(format!(
                "{}  {}  {state}  ({})",
                escape(&ph.name),
                escape(&ph.syntax.join(" ")),
                plural(ph.locations.len(), "place", "places")
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

fn policy_outline(policy: &Policy, catalog: &Expansions) -> Item {
    let count = policy.statements().len();
    let from_table = if policy.document.as_ref().is_some_and(|d| d.synthesized) {
        ", from a table"
    } else {
        ""
    };
    let mut label = format!(
        "{}  {} policy, {}{from_table}{}",
        escape(&policy.name),
        policy.kind.as_str(),
        plural(count, "statement", "statements"),
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
    label.push_str(&partial_mark(&policy.partial));
    let mut p = Item::new(label);
    if let Some(warning) = Unread::warning("policy", &policy.partial) {
        p.leaf(warning);
    }
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
        p.child(statement_outline(i, s, catalog));
    }
    p
}

fn statement_outline(index: usize, s: &Statement, catalog: &Expansions) -> Item {
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
    for (name, v) in [("Action", &s.action), ("NotAction", &s.not_action)] {
        if let Some(v) = v {
            let mut node = Item::new(name);
            for value in v.iter() {
                node.child(action_outline(value, catalog));
            }
            item.child(node);
        }
    }
    for (name, v) in [("Resource", &s.resource), ("NotResource", &s.not_resource)] {
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

/// One action pattern: marked when the catalog knows no action it names; with `expand`, a
/// wildcard lists the actions it covers.
fn action_outline(pattern: &str, catalog: &Expansions) -> Item {
    match catalog.of(pattern).as_ref() {
        Err(e) => Item::new(format!("{}  (invalid: {e})", escape(pattern))),
        Ok(actions) if actions.is_empty() => {
            Item::new(format!("{}  (unknown action)", escape(pattern)))
        }
        Ok(actions) => {
            let mut item = Item::new(escape(pattern));
            if catalog.expand && has_wildcard(pattern) {
                for a in actions {
                    item.leaf(format!("{}  {}", a.full_name(), a.access_level));
                }
            }
            item
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Options, load_text};

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

    #[test]
    fn text_marks_unknown_and_invalid_actions_and_lists_expansions() {
        let source = load_text("p.json", POLICY, &Options::default());
        let text = source_outline(&source, &Expansions::new(true)).render();
        let action_lines: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.ends_with("Action"))
            .skip(1)
            .take(7)
            .collect();
        assert_eq!(
            action_lines,
            [
                "      │  │  ├─ kms:Create*",
                "      │  │  │  ├─ kms:CreateAlias  Write",
                "      │  │  │  ├─ kms:CreateCustomKeyStore  Write",
                "      │  │  │  ├─ kms:CreateGrant  Permissions management",
                "      │  │  │  └─ kms:CreateKey  Write",
                "      │  │  ├─ s3:GetObjekt  (unknown action)",
                "      │  │  └─ *:GetObject  (invalid: its service prefix has a wildcard, which IAM does not expand)",
            ]
        );
    }
}

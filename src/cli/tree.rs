//! `iamscope tree`: the loaded tree as an indented outline or as JSON (the `tree` shape of
//! DESIGN.md).

use std::cell::RefCell;
use std::collections::HashMap;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Value, json};

use super::EXIT_USAGE;
use super::args::{OutputFormat, TreeArgs};
use super::holders::CHUNK;
use super::outline::Item;
use super::output::{JsonArray, Sink, Stdout, nested, to_json};
use crate::catalog::{Action, Catalog, PatternError};
use crate::model::glob::has_wildcard;
use crate::model::{
    Format, Loc, Policy, PolicyDocument, Principal, Role, Source, Statement, Unread, Values,
};
use crate::pool;
use crate::session::for_each_source;
use crate::text::{escape, plural};

pub fn run(args: &TreeArgs) -> ExitCode {
    let common = &args.common;
    let mut out = Stdout::new();
    let jobs = pool::jobs(common.jobs);
    // Each source is printed on the thread that loaded it, then written in input order; a
    // source of many holders (an account dump) is printed in pieces on every core.
    let all_read = match args.format {
        OutputFormat::Json => {
            let mut sources = JsonArray::open(&mut out, "{\n  \"sources\": ", 1);
            let print = |source: Source| {
                if source.roles.len() > CHUNK {
                    return Err(Box::new(source));
                }
                let mut text = String::new();
                write_source_json(&mut text, &source, args.expand, 1);
                Ok(text)
            };
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

/// Documents that more than one policy of an account dump holds (an AWS or customer
/// managed policy attached to many roles): printed once, in the source's
/// `shared_documents`, and referred to by index from each policy holding them, as the dump
/// itself lists a managed policy once and its holders by reference. Other inputs print
/// every policy's statements where it is held.
#[derive(Default)]
struct Shared {
    index: HashMap<usize, usize>,
    documents: Vec<Arc<PolicyDocument>>,
}

impl Shared {
    fn of(source: &Source) -> Shared {
        if source.format != Format::AuthorizationDetails {
            return Shared::default();
        }
        let mut holders: HashMap<usize, usize> = HashMap::new();
        let documents = || {
            let policies = source.roles.iter().flat_map(|r| &r.policies);
            policies.filter_map(|p| p.document.as_ref())
        };
        for doc in documents() {
            *holders.entry(Arc::as_ptr(doc) as usize).or_default() += 1;
        }
        let mut shared = Shared::default();
        for doc in documents() {
            let at = Arc::as_ptr(doc) as usize;
            if holders[&at] > 1 && !shared.index.contains_key(&at) {
                shared.index.insert(at, shared.documents.len());
                shared.documents.push(Arc::clone(doc));
            }
        }
        shared
    }

    fn get(&self, doc: &Arc<PolicyDocument>) -> Option<usize> {
        self.index.get(&(Arc::as_ptr(doc) as usize)).copied()
    }
}

/// One source in the `tree` JSON shape, written piece by piece at the depth of an element
/// of `sources`; its holders printed on up to `jobs` threads, in order.
fn write_source_json(out: &mut impl Sink, source: &Source, expand: bool, jobs: usize) {
    let shared = Shared::of(source);
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
            .map(|r| to_json(&role_json(r, &catalog, &shared)))
            .collect()
    };
    pool::ordered(&chunks, jobs, print, |printed| {
        printed.iter().for_each(|role| roles.item(out, role));
    });
    roles.close(out);
    out.write(&field("placeholders"));
    out.write(&nested(&to_json(&source.placeholders), 3));
    out.write(&field("diagnostics"));
    out.write(&nested(&to_json(&source.diagnostics), 3));
    out.write(&field("partial"));
    out.write(&nested(&to_json(&source.unread), 3));
    if !shared.documents.is_empty() {
        let catalog = Expansions::new(expand);
        let mut documents = JsonArray::open(out, &field("shared_documents"), 3);
        for (i, doc) in shared.documents.iter().enumerate() {
            let mut value = document_json(doc, &catalog);
            if let Value::Object(fields) = &mut value {
                fields.insert("document".into(), json!(i));
            }
            documents.item(out, &to_json(&value));
        }
        documents.close(out);
    }
    out.write("\n    }");
}

fn role_json(role: &Role, catalog: &Expansions, shared: &Shared) -> Value {
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
fn policy_json(policy: &Policy, catalog: &Expansions, shared: &Shared) -> Value {
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
            p.leaf(format!(
                "{}  {}  {}  ({})",
                escape(&ph.name),
                escape(&ph.syntax.join(" ")),
                escape(&ph.state()),
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

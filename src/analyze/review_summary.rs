//! A statement in plain words, generated from the catalog: who it lets (or forbids) do
//! what, on which resources, under which conditions, and how many actions at each access
//! level: "lets UpsolverServerRole read and write objects in bucket `upsolver-*`; 3 Write
//! actions, 2 Read".
//!
//! Resources are named through the catalog's resource types: the type whose ARN pattern a
//! Resource value fits names it (`object`), and the pattern's variables name what contains
//! it (`${BucketName}` → bucket).

use super::arn;
use crate::catalog::{AccessLevel, Action};
use crate::model::{Effect, PolicyKind, Principal, Role, Statement};
use crate::text::escape;

/// The summary of statement `s` of a policy of `kind` held by `role`; `actions` are the
/// catalog actions it covers, `levels` their counts per access level, riskiest first.
pub fn summary(
    role: &Role,
    kind: PolicyKind,
    s: &Statement,
    actions: &[&Action],
    levels: &[(AccessLevel, usize)],
) -> String {
    let principals = s.principals().map(|(p, not)| {
        let who = principal_words(p);
        if not {
            format!("anyone but {who}")
        } else {
            who
        }
    });
    let holder = if role.kind == crate::model::RoleKind::Document {
        // A document that names no holder: its name is only its file's.
        "whoever holds it".to_string()
    } else {
        format!("`{}`", escape(&role.name))
    };
    let deny = s.effect() == Some(Effect::Deny);
    let mut out = if kind == PolicyKind::Trust {
        let who = principals.unwrap_or_else(|| "nobody named".into());
        let verb = if deny { "forbids" } else { "lets" };
        let to = if deny { " to" } else { "" };
        let external = if super::security::requires_external_id(s) {
            " with an external ID"
        } else {
            " without an external ID"
        };
        let acts = names(actions);
        format!("{verb} {who}{to} {acts} {holder}{external}")
    } else {
        let who = match (kind, principals) {
            (PolicyKind::Resource, Some(p)) => p,
            (PolicyKind::Scp | PolicyKind::Rcp, _) => "accounts under this policy".into(),
            (PolicyKind::Boundary, _) => format!("{holder} at most"),
            _ => holder,
        };
        let verb = if deny { "forbids" } else { "lets" };
        let to = if deny { " to" } else { "" };
        let what = if actions.is_empty() {
            "do nothing the catalog knows".to_string()
        } else {
            let on = resources(s, actions);
            format!("{} {on}", verbs(levels))
        };
        let mut text = format!("{verb} {who}{to} {what}");
        if let Some((values, true)) = s.actions() {
            let except: Vec<String> = values.iter().map(|v| format!("`{}`", escape(v))).collect();
            text.push_str(&format!(" (every action but {})", except.join(", ")));
        }
        text
    };
    let conditions = conditions(s);
    if !conditions.is_empty() {
        out.push_str(&format!(" if {conditions}"));
    }
    if !levels.is_empty() && kind != PolicyKind::Trust {
        let counts: Vec<String> = levels
            .iter()
            .enumerate()
            .map(|(i, (level, n))| {
                if i == 0 {
                    format!("{n} {} {}", level.as_str(), action_word(*n))
                } else {
                    format!("{n} {}", level.as_str())
                }
            })
            .collect();
        out.push_str(&format!("; {}", counts.join(", ")));
    }
    out
}

fn action_word(n: usize) -> &'static str {
    if n == 1 { "action" } else { "actions" }
}

/// The actions of a trust statement by name, such as `sts:AssumeRole`.
fn names(actions: &[&Action]) -> String {
    match actions {
        [] => "do nothing the catalog knows with".into(),
        [one] if one.full_name() == "sts:AssumeRole" => "assume".into(),
        some => {
            let mut n: Vec<String> = some.iter().map(|a| a.full_name()).collect();
            n.sort();
            format!("call {} on", super::list(&n))
        }
    }
}

/// "list, read and write", from the access levels present (least risky first, as
/// people say it).
fn verbs(levels: &[(AccessLevel, usize)]) -> String {
    let mut words: Vec<(AccessLevel, &str)> = levels
        .iter()
        .map(|(l, _)| {
            (
                *l,
                match l {
                    AccessLevel::List => "list",
                    AccessLevel::Read => "read",
                    AccessLevel::Write => "write",
                    AccessLevel::Tagging => "tag",
                    AccessLevel::PermissionsManagement => "manage permissions of",
                },
            )
        })
        .collect();
    words.sort_by_key(|(l, _)| *l);
    and_list(words.into_iter().map(|(_, w)| w.to_string()).collect())
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(mut items: Vec<String>) -> String {
    match items.len() {
        0 => String::new(),
        1 => items.remove(0),
        _ => {
            let last = items.pop().unwrap_or_default();
            format!("{} and {last}", items.join(", "))
        }
    }
}

fn principal_words(p: &Principal) -> String {
    match p {
        Principal::Wildcard(_) => "anyone (Principal `*`)".into(),
        Principal::Map { entries, .. } => {
            let all: Vec<String> = entries
                .iter()
                .flat_map(|e| e.values.iter())
                .map(|v| format!("`{}`", escape(v)))
                .collect();
            and_list(first_few(all, " principals"))
        }
    }
}

/// What the statement's resources are, in the catalog's words.
fn resources(s: &Statement, actions: &[&Action]) -> String {
    let Some((values, not)) = s.resources() else {
        return "no resource (the statement has no Resource)".into();
    };
    // Each resource type once, in the order the actions name them.
    let mut types: Vec<(&str, &'static str)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for a in actions {
        for rt in &a.resource_types {
            if seen.insert(rt.arn) {
                types.push((rt.name, rt.arn));
            }
        }
    }
    if not {
        let quoted = values.iter().map(|r| format!("`{}`", escape(r))).collect();
        return format!(
            "any resource but {}",
            and_list(first_few(quoted, " resources"))
        );
    }
    let mut unique: Vec<String> = Vec::new();
    let mut more = 0;
    for r in values.iter() {
        if unique.len() == SHOWN {
            more += 1;
            continue;
        }
        let words = resource_words(r, &types);
        if !unique.contains(&words) {
            unique.push(words);
        }
    }
    if more > 0 {
        unique.push(format!("{more} more resources"));
    }
    and_list(unique)
}

/// How many resources, principals or conditions a summary names before it counts the rest.
const SHOWN: usize = 3;

/// The first [`SHOWN`] items and a count of the rest (`4 more resources`).
fn first_few(mut items: Vec<String>, what: &str) -> Vec<String> {
    if items.len() > SHOWN {
        let rest = items.len() - SHOWN;
        items.truncate(SHOWN);
        items.push(format!("{rest} more{what}"));
    }
    items
}

/// One Resource value in words: `objects in bucket \`logs-*\``, `role \`deploy\``,
/// `any resource`; the value itself when it fits none of `types` (name, ARN pattern).
fn resource_words(resource: &str, types: &[(&str, &'static str)]) -> String {
    if resource == "*" {
        return "any resource".into();
    }
    let slashes = |s: &str| s.splitn(6, ':').nth(5).map(|p| p.matches('/').count());
    let fitting: Vec<&(&str, &'static str)> = types
        .iter()
        .filter(|(_, t)| arn::likely_names(resource, t))
        .collect();
    let best = fitting
        .iter()
        .find(|(_, t)| slashes(t) == slashes(resource))
        .or(fitting.first());
    best.and_then(|(name, template)| described(resource, name, template))
        .unwrap_or_else(|| format!("`{}`", escape(resource)))
}

/// A piece of an ARN pattern's resource part: literal text or a `${Variable}`.
enum Piece<'a> {
    Literal(&'a str),
    Variable(&'a str),
}

fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        if start > 0 {
            out.push(Piece::Literal(&rest[..start]));
        }
        let Some(end) = rest[start..].find('}') else {
            out.push(Piece::Literal(&rest[start..]));
            return out;
        };
        out.push(Piece::Variable(&rest[start + 2..start + end]));
        rest = &rest[start + end + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Literal(rest));
    }
    out
}

/// `resource` as a resource of type `name` whose ARN pattern is `template`, when its
/// resource part lines up with the pattern's: the last variable is the resource itself,
/// the ones before it what contains it.
fn described(resource: &str, name: &str, template: &str) -> Option<String> {
    let part = resource.splitn(6, ':').nth(5)?;
    let template_part = template.splitn(6, ':').nth(5)?;
    let pieces = pieces(template_part);
    let mut values: Vec<(&str, &str)> = Vec::new();
    let mut at = 0;
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Literal(text) => {
                if !part[at..].starts_with(text) {
                    return None;
                }
                at += text.len();
            }
            Piece::Variable(var) => {
                let end = match pieces.get(i + 1) {
                    Some(Piece::Literal(next)) => at + part[at..].find(next)?,
                    _ => part.len(),
                };
                values.push((var, &part[at..end]));
                at = end;
            }
        }
    }
    if at != part.len() {
        return None;
    }
    let (last, containers) = values.split_last()?;
    let own = last.1;
    let mut text = if own == "*" {
        format!("every {name}")
    } else if own.contains(['*', '?']) {
        format!("{} `{}`", plural_noun(name), escape(own))
    } else {
        format!("{name} `{}`", escape(own))
    };
    if own == "*" && !containers.is_empty() {
        text = plural_noun(name);
    }
    for (var, value) in containers.iter().rev() {
        if *value != "*" {
            text.push_str(&format!(" in {} `{}`", variable_words(var), escape(value)));
        }
    }
    Some(text)
}

fn plural_noun(name: &str) -> String {
    if let Some(stem) = name.strip_suffix('y') {
        format!("{stem}ies")
    } else if name.ends_with('s') {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

/// `BucketName` → `bucket`, `DistributionId` → `distribution`, `TableName` → `table`.
fn variable_words(var: &str) -> String {
    let base = ["Name", "Id", "Arn"]
        .iter()
        .find_map(|s| var.strip_suffix(s).filter(|b| !b.is_empty()))
        .unwrap_or(var);
    let mut words = String::new();
    for (i, c) in base.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    words
}

/// The statement's conditions, `key operator values` joined with `and`.
fn conditions(s: &Statement) -> String {
    let mut parts = Vec::new();
    for block in s.condition.iter().flat_map(|c| &c.operators) {
        for e in &block.entries {
            let values: Vec<String> = e
                .values
                .iter()
                .map(|v| format!("`{}`", escape(&v.text)))
                .collect();
            parts.push(format!(
                "{} {} {}",
                escape(&e.key.value),
                escape(&block.operator.value),
                first_few(values, "").join(" or ")
            ));
        }
    }
    first_few(parts, " conditions").join(" and ")
}

//! CloudFormation's intrinsic functions, evaluated as far as the template alone allows.
//!
//! `Ref` and `Fn::Sub` substitute parameters that have a non-empty default (reported, since
//! a stack may pass another value); anything known only when a stack is deployed — parameters without a
//! default, pseudo parameters such as `AWS::AccountId`, resource names and attributes —
//! becomes a placeholder (`${BucketName}`, `${AWS::AccountId}`, `${Role.Arn}`) that
//! `--var` can fill. `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::Base64`
//! are computed when their inputs are known and otherwise kept as a readable expression.
//! `Fn::If` is never decided: [`variants`] evaluates a unit (a statement, a policy, a
//! managed policy ARN) once per outcome of the conditions it meets, and says which outcome
//! each result belongs to. `Fn::Transform` and unknown functions are reported, never
//! guessed.

use crate::model::codes;
use std::collections::BTreeMap;

use crate::load::node::{Member, Node, Value};
use crate::model::{Diagnostic, Loc, Text};

/// How many conditions one unit is split on; beyond, both outcomes are shown together.
const MAX_SPLIT: usize = 3;

/// How deeply function calls and values are followed.
const MAX_DEPTH: usize = 96;

/// What [`variants`] needs to know about a template.
#[derive(Debug, Default)]
pub struct Template<'a> {
    pub params: BTreeMap<&'a str, Param<'a>>,
    pub mappings: Option<&'a Node>,
    /// Resource types by logical ID.
    pub resources: BTreeMap<&'a str, &'a str>,
}

/// A template parameter.
#[derive(Debug)]
pub struct Param<'a> {
    pub default: Option<&'a Node>,
    /// A list type (`CommaDelimitedList`, `List<...>`): `Ref` gives a list.
    pub list: bool,
}

impl<'a> Template<'a> {
    pub fn new(root: &'a Node) -> Self {
        let mut t = Template {
            mappings: root.get("Mappings"),
            ..Template::default()
        };
        for m in root
            .get("Parameters")
            .and_then(Node::as_object)
            .unwrap_or(&[])
        {
            let kind = m.value.get("Type").and_then(Node::as_str).unwrap_or("");
            let param = Param {
                default: m.value.get("Default"),
                list: kind == "CommaDelimitedList" || kind.starts_with("List<"),
            };
            t.params.insert(m.key.value.as_str(), param);
        }
        for m in root
            .get("Resources")
            .and_then(Node::as_object)
            .unwrap_or(&[])
        {
            let kind = m.value.get("Type").and_then(Node::as_str).unwrap_or("");
            t.resources.insert(m.key.value.as_str(), kind);
        }
        t
    }

    /// The logical ID a `{"Ref": X}` names, when X is a resource of this template.
    pub fn ref_target<'n>(&self, node: &'n Node) -> Option<&'n str> {
        let (name, arg) = function(node)?;
        let target = arg.as_str().filter(|_| name == "Ref")?;
        self.resources.contains_key(target).then_some(target)
    }
}

/// The function a value calls: an object whose only member is `Ref` or `Fn::...`.
pub fn function(node: &Node) -> Option<(&str, &Node)> {
    match node.as_object()? {
        [m] if m.key.value == "Ref" || m.key.value.starts_with("Fn::") => {
            Some((m.key.value.as_str(), &m.value))
        }
        _ => None,
    }
}

fn is_no_value(node: &Node) -> bool {
    matches!(function(node), Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue"))
}

/// Assumed outcomes of conditions.
pub type World = Vec<(String, bool)>;

/// One evaluation of a unit under one combination of condition outcomes.
#[derive(Debug)]
pub struct Variant<T> {
    pub world: World,
    pub value: T,
    /// Which outcome this is and what was merged, for a note on the result.
    pub note: Option<String>,
}

/// Evaluates `f` once per combination of the outcomes of the conditions it meets (beyond
/// those `seed` fixes already), true before false.
pub fn variants<T>(
    t: &Template<'_>,
    seed: &World,
    diags: &mut Vec<Diagnostic>,
    mut f: impl FnMut(&mut Resolver<'_, '_>) -> T,
) -> Vec<Variant<T>> {
    let mut out = Vec::new();
    let mut pending = vec![seed.clone()];
    while let Some(world) = pending.pop() {
        let mut r = Resolver {
            t,
            limit: seed.len() + MAX_SPLIT,
            world,
            split: None,
            optional: Vec::new(),
            merged: Vec::new(),
            only_true: Vec::new(),
            diags: Vec::new(),
            depth: 0,
        };
        let value = f(&mut r);
        diags.append(&mut r.diags);
        match r.split.take() {
            Some(c) => {
                for outcome in [false, true] {
                    let mut w = r.world.clone();
                    w.push((c.clone(), outcome));
                    pending.push(w);
                }
            }
            None => out.push(Variant {
                note: r.note(seed.len()),
                world: r.world,
                value,
            }),
        }
    }
    out
}

/// Evaluates values under one combination of condition outcomes.
pub struct Resolver<'t, 'a> {
    t: &'t Template<'a>,
    world: World,
    limit: usize,
    /// The first undecided condition met, to split on.
    split: Option<String>,
    /// List items present only under a condition (the other branch is `AWS::NoValue`).
    optional: Vec<(String, bool)>,
    /// Conditions whose two outcomes were shown together.
    merged: Vec<String>,
    /// Conditions of which only the true outcome is shown (too many conditions to split).
    only_true: Vec<String>,
    diags: Vec<Diagnostic>,
    depth: usize,
}

fn escape_all(names: &[String]) -> String {
    let escaped: Vec<_> = names.iter().map(|n| crate::text::escape(n)).collect();
    escaped.join(", ")
}

fn outcome(name: &str, value: bool) -> String {
    format!("{} is {value}", crate::text::escape(name))
}

impl Resolver<'_, '_> {
    fn note(&self, fixed: usize) -> Option<String> {
        let mut parts = Vec::new();
        let decided: Vec<String> = self.world[fixed.min(self.world.len())..]
            .iter()
            .map(|(c, v)| outcome(c, *v))
            .collect();
        if !decided.is_empty() {
            parts.push(format!("only when condition {}", decided.join(" and ")));
        }
        if !self.optional.is_empty() {
            let list: Vec<String> = self.optional.iter().map(|(c, v)| outcome(c, *v)).collect();
            parts.push(format!(
                "includes values present only when their condition holds: {}",
                list.join(", ")
            ));
        }
        if !self.merged.is_empty() {
            parts.push(format!(
                "both outcomes of condition {} are shown together",
                escape_all(&self.merged)
            ));
        }
        if !self.only_true.is_empty() {
            parts.push(format!(
                "only the true outcome of condition {} is shown",
                escape_all(&self.only_true)
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// The value with every function evaluated; `None` when it is removed (`AWS::NoValue`).
    pub fn resolve(&mut self, node: &Node) -> Option<Node> {
        let mut values = self.values(node);
        match values.len() {
            0 => None,
            1 => values.pop(),
            _ => Some(Node::new(Value::Array(values), node.loc)),
        }
    }

    /// Like [`Self::resolve`], but an object or list that is not a function call is
    /// returned as written, its members not evaluated: for the levels of a template (a
    /// policy, its statement list) that are split into variants one at a time.
    pub fn shallow(&mut self, node: &Node) -> Option<Node> {
        match function(node) {
            Some(("Fn::If", arg)) => {
                let (c, a, b) = self.if_args(arg, node.loc)?;
                match self.choose(&c) {
                    Some(false) => self.shallow(b),
                    Some(true) => self.shallow(a),
                    None => {
                        self.only_true.push(c);
                        self.shallow(a)
                    }
                }
            }
            Some(_) => self.resolve(node),
            None => Some(node.clone()),
        }
    }

    /// The value as a string, when it is a scalar.
    pub fn string(&mut self, node: &Node) -> Option<String> {
        let v = self.resolve(node)?;
        scalar_text(&v)
    }

    fn values(&mut self, node: &Node) -> Vec<Node> {
        if self.depth >= MAX_DEPTH {
            self.diags.push(Diagnostic::new(
                codes::CFN_INVALID_FUNCTION,
                node.loc,
                format!("functions nested more than {MAX_DEPTH} levels deep; not evaluated"),
            ));
            return Vec::new();
        }
        self.depth += 1;
        let out = match function(node) {
            Some((name, arg)) => self.call(name, arg, node.loc),
            None => vec![self.members(node)],
        };
        self.depth -= 1;
        out
    }

    /// An object or list with its members evaluated, or a scalar as it is.
    fn members(&mut self, node: &Node) -> Node {
        let value = match &node.value {
            Value::Object(members) => {
                let mut out = Vec::new();
                for m in members {
                    if m.key.value == "Fn::Transform" {
                        self.macro_not_expanded(&m.key);
                        continue;
                    }
                    if let Some(value) = self.resolve(&m.value) {
                        out.push(Member {
                            key: m.key.clone(),
                            value,
                        });
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match self.optional_item(item) {
                        Some(values) => out.extend(values),
                        None => out.extend(self.values(item)),
                    }
                }
                Value::Array(out)
            }
            other => other.clone(),
        };
        Node::new(value, node.loc)
    }

    fn macro_not_expanded(&mut self, key: &Text) {
        self.diags.push(Diagnostic::skipped(
            codes::CFN_MACRO,
            key.loc,
            format!(
                "`{}` runs a macro when the stack is deployed; what it generates cannot be known from the template and is not shown",
                crate::text::escape(&key.value)
            ),
        ));
    }

    /// A list item `Fn::If [C, x, AWS::NoValue]` (or the reverse) whose condition is not
    /// decided: `x`, noted as present only under C, without splitting the unit.
    fn optional_item(&mut self, item: &Node) -> Option<Vec<Node>> {
        let ("Fn::If", arg) = function(item)? else {
            return None;
        };
        let [cond, a, b] = arg.as_array()? else {
            return None;
        };
        let c = cond.as_str()?;
        if self.decide(c).is_some() {
            return None;
        }
        let (keep, when) = if is_no_value(b) {
            (a, true)
        } else if is_no_value(a) {
            (b, false)
        } else {
            return None;
        };
        self.optional.push((c.to_string(), when));
        Some(self.values(keep))
    }

    /// The branch to take for a condition: the outcome this variant assumes, or the true
    /// branch of a run that will be split on it; `None` when no more splits are allowed.
    fn choose(&mut self, condition: &str) -> Option<bool> {
        if let Some(v) = self.decide(condition) {
            return Some(v);
        }
        if self.split.is_none() && self.world.len() < self.limit {
            self.split = Some(condition.to_string());
        }
        self.split.is_some().then_some(true)
    }

    fn decide(&self, condition: &str) -> Option<bool> {
        self.world
            .iter()
            .find(|(c, _)| c == condition)
            .map(|(_, v)| *v)
    }

    fn invalid(&mut self, name: &str, loc: Loc, expected: &str) -> Vec<Node> {
        self.diags.push(Diagnostic::new(
            codes::CFN_INVALID_FUNCTION,
            loc,
            format!("`{name}` takes {expected}; not evaluated"),
        ));
        Vec::new()
    }

    fn call(&mut self, name: &str, arg: &Node, loc: Loc) -> Vec<Node> {
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target, loc),
                None => self.invalid(name, loc, "the name of a parameter or resource"),
            },
            "Fn::If" => self.fn_if(arg, loc),
            "Fn::Sub" => self.sub(arg, loc),
            "Fn::GetAtt" => self.get_att(arg, loc),
            "Fn::Join" => self.join(arg, loc),
            "Fn::Select" => self.select(arg, loc),
            "Fn::Split" => self.split(arg, loc),
            "Fn::FindInMap" => self.find_in_map(arg, loc),
            "Fn::Base64" => {
                let value = self.resolve(arg);
                match value.as_ref().and_then(scalar_text) {
                    Some(s) if is_known(&s) => vec![string(base64(s.as_bytes()), loc)],
                    _ => self.expression(name, &value.into_iter().collect::<Vec<_>>(), loc),
                }
            }
            "Fn::Transform" => {
                self.macro_not_expanded(&Text::new(name, loc));
                Vec::new()
            }
            "Fn::GetAZs" | "Fn::ImportValue" | "Fn::Cidr" | "Fn::Length" | "Fn::ToJsonString"
            | "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let args = match self.resolve(arg) {
                    Some(Node {
                        value: Value::Array(items),
                        ..
                    }) => items,
                    other => other.into_iter().collect(),
                };
                self.expression(name, &args, loc)
            }
            _ => {
                self.diags.push(Diagnostic::skipped(
                    codes::CFN_MACRO,
                    loc,
                    format!(
                        "unknown function `{}`; not evaluated and not shown",
                        crate::text::escape(name)
                    ),
                ));
                Vec::new()
            }
        }
    }

    /// A value known only at deployment: the function written out with its arguments.
    fn expression(&mut self, name: &str, args: &[Node], loc: Loc) -> Vec<Node> {
        let rendered: Vec<String> = args.iter().map(render).collect();
        if !rendered.iter().any(|a| a.contains("Fn::")) {
            self.diags.push(Diagnostic::new(
                codes::CFN_UNRESOLVED,
                loc,
                format!("`{name}` is computed when the stack is deployed; shown as an expression"),
            ));
        }
        vec![string(format!("{name}({})", rendered.join(", ")), loc)]
    }

    fn reference(&mut self, target: &str, loc: Loc) -> Vec<Node> {
        if target == "AWS::NoValue" {
            return Vec::new();
        }
        let placeholder = || vec![string(format!("${{{target}}}"), loc)];
        if target.starts_with("AWS::") || self.t.resources.contains_key(target) {
            return placeholder();
        }
        let Some(param) = self.t.params.get(target) else {
            self.diags.push(Diagnostic::new(
                codes::CFN_INVALID_FUNCTION,
                loc,
                format!(
                    "`Ref` to `{}`, which this template defines neither as a parameter nor as a resource",
                    crate::text::escape(target)
                ),
            ));
            return placeholder();
        };
        // An empty default marks an optional parameter (the template tests it with a
        // condition): substituting "" would show broken ARNs, so it stays a placeholder.
        let Some(default) = param
            .default
            .filter(|d| scalar_text(d).is_some_and(|t| !t.is_empty()))
        else {
            return placeholder();
        };
        let text = scalar_text(default).unwrap_or_default();
        self.diags.push(Diagnostic::new(
            codes::CFN_PARAMETER_DEFAULT,
            default.loc,
            format!(
                "parameter `{}` is given no value here; its default \"{}\" is used",
                crate::text::escape(target),
                crate::text::escape(&text)
            ),
        ));
        if param.list {
            let items = text
                .split(',')
                .map(|s| string(s.trim().to_string(), loc))
                .collect();
            vec![Node::new(Value::Array(items), loc)]
        } else {
            vec![string(text, loc)]
        }
    }

    fn if_args<'n>(&mut self, arg: &'n Node, loc: Loc) -> Option<(String, &'n Node, &'n Node)> {
        match arg.as_array() {
            Some([c, a, b]) if c.as_str().is_some() => {
                Some((c.as_str().unwrap_or_default().to_string(), a, b))
            }
            _ => {
                self.invalid(
                    "Fn::If",
                    loc,
                    "a condition name and two values: [Condition, IfTrue, IfFalse]",
                );
                None
            }
        }
    }

    fn fn_if(&mut self, arg: &Node, loc: Loc) -> Vec<Node> {
        let Some((c, a, b)) = self.if_args(arg, loc) else {
            return Vec::new();
        };
        match self.choose(&c) {
            Some(true) => self.values(a),
            Some(false) => self.values(b),
            None => {
                self.merged.push(c);
                let mut out = self.values(a);
                out.extend(self.values(b));
                out
            }
        }
    }

    fn sub(&mut self, arg: &Node, loc: Loc) -> Vec<Node> {
        let (template, vars) = match &arg.value {
            Value::String(s) => (s.as_str(), None),
            Value::Array(items) => match items.as_slice() {
                [t, vars] if t.as_str().is_some() => (t.as_str().unwrap_or_default(), Some(vars)),
                _ => return self.invalid("Fn::Sub", loc, "a string, or [string, {name: value}]"),
            },
            _ => return self.invalid("Fn::Sub", loc, "a string, or [string, {name: value}]"),
        };
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let given = vars.and_then(|v| v.get(name));
            let value = match given {
                Some(node) => self.resolve(node).as_ref().and_then(scalar_text),
                None if name.contains('.') => None,
                None => {
                    let v = self.reference(name, loc);
                    match v.as_slice() {
                        [one] => scalar_text(one),
                        _ => None,
                    }
                }
            };
            match value {
                Some(v) => out.push_str(&v),
                None => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                }
            }
        }
        out.push_str(rest);
        vec![string(out, loc)]
    }

    fn get_att(&mut self, arg: &Node, loc: Loc) -> Vec<Node> {
        let path = match &arg.value {
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => match items.as_slice() {
                [r, a] => match (r.as_str(), self.string(a)) {
                    (Some(r), Some(a)) => Some(format!("{r}.{a}")),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        match path {
            Some(p) => {
                let resource = p.split('.').next().unwrap_or_default();
                if !self.t.resources.contains_key(resource) {
                    self.diags.push(Diagnostic::new(
                        codes::CFN_INVALID_FUNCTION,
                        loc,
                        format!(
                            "`Fn::GetAtt` names `{}`, which is not a resource of this template",
                            crate::text::escape(resource)
                        ),
                    ));
                }
                vec![string(format!("${{{p}}}"), loc)]
            }
            None => self.invalid(
                "Fn::GetAtt",
                loc,
                "\"Resource.Attribute\" or [Resource, Attribute]",
            ),
        }
    }

    fn two_args<'n>(
        &mut self,
        name: &str,
        arg: &'n Node,
        loc: Loc,
        expected: &str,
    ) -> Option<(&'n Node, &'n Node)> {
        match arg.as_array() {
            Some([a, b]) => Some((a, b)),
            _ => {
                self.invalid(name, loc, expected);
                None
            }
        }
    }

    fn join(&mut self, arg: &Node, loc: Loc) -> Vec<Node> {
        let Some((delim, list)) = self.two_args("Fn::Join", arg, loc, "[delimiter, [values]]")
        else {
            return Vec::new();
        };
        let delim = self.string(delim).unwrap_or_default();
        let list = self.resolve(list);
        let Some(Value::Array(items)) = list.as_ref().map(|n| &n.value) else {
            let args = [string(delim, loc)]
                .into_iter()
                .chain(list)
                .collect::<Vec<_>>();
            return self.expression("Fn::Join", &args, loc);
        };
        let mut parts = Vec::new();
        for item in items {
            match &item.value {
                Value::Array(inner) => parts.extend(inner.iter().filter_map(scalar_text)),
                _ => parts.extend(scalar_text(item)),
            }
        }
        vec![string(parts.join(&delim), loc)]
    }

    fn select(&mut self, arg: &Node, loc: Loc) -> Vec<Node> {
        let Some((index, list)) = self.two_args("Fn::Select", arg, loc, "[index, [values]]") else {
            return Vec::new();
        };
        let index_text = self.string(index).unwrap_or_default();
        let list = self.resolve(list);
        if let (Ok(i), Some(Value::Array(items))) =
            (index_text.parse::<usize>(), list.as_ref().map(|n| &n.value))
        {
            if let Some(item) = items.get(i) {
                return vec![item.clone()];
            }
            self.diags.push(Diagnostic::new(
                codes::CFN_INVALID_FUNCTION,
                loc,
                format!(
                    "`Fn::Select` index {i} is past the end of a list of {}",
                    items.len()
                ),
            ));
            return Vec::new();
        }
        let args = [string(index_text, loc)]
            .into_iter()
            .chain(list)
            .collect::<Vec<_>>();
        self.expression("Fn::Select", &args, loc)
    }

    fn split(&mut self, arg: &Node, loc: Loc) -> Vec<Node> {
        let Some((delim, source)) = self.two_args("Fn::Split", arg, loc, "[delimiter, string]")
        else {
            return Vec::new();
        };
        let delim = self.string(delim).unwrap_or_default();
        let source = self.string(source).unwrap_or_default();
        if !is_known(&source) || delim.is_empty() {
            return self.expression("Fn::Split", &[string(delim, loc), string(source, loc)], loc);
        }
        let items = source
            .split(delim.as_str())
            .map(|s| string(s.to_string(), loc))
            .collect();
        vec![Node::new(Value::Array(items), loc)]
    }

    fn find_in_map(&mut self, arg: &Node, loc: Loc) -> Vec<Node> {
        let Some(items) = arg.as_array().filter(|a| a.len() == 3 || a.len() == 4) else {
            return self.invalid(
                "Fn::FindInMap",
                loc,
                "[MapName, TopLevelKey, SecondLevelKey]",
            );
        };
        let keys: Vec<String> = items[..3]
            .iter()
            .map(|k| self.string(k).unwrap_or_default())
            .collect();
        if keys.iter().all(|k| is_known(k)) {
            let found = self
                .t
                .mappings
                .and_then(|m| m.get(&keys[0]))
                .and_then(|m| m.get(&keys[1]))
                .and_then(|m| m.get(&keys[2]));
            if let Some(value) = found {
                return self.values(value);
            }
            if let Some(default) = items.get(3).and_then(|d| d.get("DefaultValue")) {
                return self.values(default);
            }
            self.diags.push(Diagnostic::new(
                codes::CFN_INVALID_FUNCTION,
                loc,
                format!(
                    "`Fn::FindInMap`: the Mappings have no {} > {} > {}",
                    crate::text::escape(&keys[0]),
                    crate::text::escape(&keys[1]),
                    crate::text::escape(&keys[2])
                ),
            ));
            return Vec::new();
        }
        let args: Vec<Node> = keys.into_iter().map(|k| string(k, loc)).collect();
        self.expression("Fn::FindInMap", &args, loc)
    }
}

fn string(s: String, loc: Loc) -> Node {
    Node::new(Value::String(s), loc)
}

/// A scalar's text (numbers and booleans as written).
pub fn scalar_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) | Value::Number(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a computed string holds no placeholder or expression.
fn is_known(s: &str) -> bool {
    !s.contains("${") && !s.contains("Fn::")
}

/// A resolved value written out for an expression.
fn render(node: &Node) -> String {
    match &node.value {
        Value::String(s) if !is_known(s) => s.clone(),
        Value::String(s) => format!("\"{s}\""),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(render).collect::<Vec<_>>().join(", ")
        ),
        _ => node.to_json().to_string(),
    }
}

/// Standard base64 with padding (RFC 4648), as `Fn::Base64` and OSC 52 write it.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;

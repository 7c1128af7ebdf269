//! Reads YAML into the position-carrying value tree ([`Node`]), so YAML policies and
//! CloudFormation templates go through the same builders as JSON.
//!
//! Scalars follow the YAML 1.2 core schema (`true`, `null`, `42` are typed; quoted scalars
//! are strings; numbers keep their spelling, so `025066248247` stays that). CloudFormation's
//! short tags become the long form: `!Ref X` is `{"Ref": X}`, `!GetAtt A.B` is
//! `{"Fn::GetAtt": "A.B"}`, `!Condition C` is `{"Condition": C}`, any other `!Name v` is
//! `{"Fn::Name": v}`. Merge keys (`<<: *base`) are applied.
//!
//! Input from strangers is bounded: nesting deeper than [`MAX_DEPTH`] is skipped, and alias
//! expansion stops after [`MAX_ALIAS_NODES`] copied values (a "billion laughs" document
//! loads in linear time). A syntax error ends the parse with a diagnostic at its line and
//! column, keeping everything read before it.

use crate::model::codes;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use smol_str::SmolStr;

use crate::load::node::{Member, Node, Value};
use crate::model::{Diagnostic, Loc, Text};

/// How deeply sequences and mappings may nest.
pub const MAX_DEPTH: usize = 128;

/// How many values alias expansion may copy in one input, all aliases together.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// What came out of a parse: one value per YAML document.
#[derive(Debug, Default)]
pub struct Parsed {
    pub documents: Vec<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses `text`, whose first character stands at `origin` in its file.
pub fn parse(text: &str, origin: Loc) -> Parsed {
    let mut b = Builder {
        origin,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: MAX_ALIAS_NODES,
        skipping: 0,
        out: Parsed::default(),
    };
    let mut parser = Parser::new_from_str(text);
    for event in &mut parser {
        match event {
            Ok((event, span)) => b.event(event, span),
            Err(e) => {
                let m = e.marker();
                let at = b.loc_of(m.line(), m.col());
                let last = b.loc_of(text.trim_end().lines().count(), 0).line;
                b.out.diagnostics.push(
                    Diagnostic::new(
                        codes::MALFORMED_YAML,
                        at,
                        format!(
                            "YAML syntax error: {}; the rest is not read",
                            crate::text::escape(e.info())
                        ),
                    )
                    .unread_to(last),
                );
                b.close_all();
                break;
            }
        }
    }
    b.out
}

enum Frame {
    Seq {
        items: Vec<Node>,
        loc: Loc,
        anchor: usize,
        tag: Option<String>,
    },
    Map {
        members: Vec<Member>,
        /// The members of mappings merged in with `<<`, in order; applied when the mapping
        /// closes, where its own keys are known.
        merged: Vec<Member>,
        key: Option<Text>,
        loc: Loc,
        anchor: usize,
        tag: Option<String>,
    },
}

struct Builder {
    origin: Loc,
    stack: Vec<Frame>,
    /// Anchored values by anchor id, with their size in values.
    anchors: HashMap<usize, (Node, usize)>,
    alias_budget: usize,
    /// Depth of containers being skipped because they nest too deeply.
    skipping: usize,
    out: Parsed,
}

impl Builder {
    /// The file position of a parser position (1-based line, 0-based character column).
    fn loc_of(&self, line: usize, col: usize) -> Loc {
        let line = u32::try_from(line).unwrap_or(u32::MAX).max(1);
        let col = u32::try_from(col).unwrap_or(u32::MAX - 1) + 1;
        if line == 1 {
            Loc::new(self.origin.line.max(1), self.origin.column.max(1) + col - 1)
        } else {
            Loc::new(self.origin.line.max(1) + line - 1, col)
        }
    }

    fn span_loc(&self, span: &Span) -> Loc {
        self.loc_of(span.start.line(), span.start.col())
    }

    fn event(&mut self, event: Event<'_>, span: Span) {
        if self.skipping > 0 {
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => self.skipping += 1,
                Event::SequenceEnd | Event::MappingEnd => self.skipping -= 1,
                _ => {}
            }
            return;
        }
        let loc = self.span_loc(&span);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let node = scalar(value, style, tag.as_deref(), loc);
                self.value(node, anchor, None);
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if self.stack.len() >= MAX_DEPTH =>
            {
                let _ = (anchor, tag);
                self.out.diagnostics.push(Diagnostic::new(
                    codes::MALFORMED_YAML,
                    loc,
                    format!("nested more than {MAX_DEPTH} levels deep; not read"),
                ));
                self.skipping = 1;
            }
            Event::SequenceStart(anchor, tag) => self.stack.push(Frame::Seq {
                items: Vec::new(),
                loc,
                anchor,
                tag: short_tag(tag.as_deref()),
            }),
            Event::MappingStart(anchor, tag) => self.stack.push(Frame::Map {
                members: Vec::new(),
                merged: Vec::new(),
                key: None,
                loc,
                anchor,
                tag: short_tag(tag.as_deref()),
            }),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(id) => self.alias(id, loc),
            Event::DocumentEnd | Event::DocumentStart(_) => {}
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }

    /// Closes the innermost container and hands it to its parent.
    fn close(&mut self) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let (node, anchor, tag) = match frame {
            Frame::Seq {
                items,
                loc,
                anchor,
                tag,
            } => (Node::new(Value::Array(items), loc), anchor, tag),
            Frame::Map {
                members,
                merged,
                key,
                loc,
                anchor,
                tag,
            } => {
                let mut members = members;
                if let Some(key) = key {
                    // A key whose value never came (the input ended): read as null.
                    let at = key.loc;
                    members.push(Member {
                        key,
                        value: Node::new(Value::Null, at),
                    });
                }
                merge(&mut members, merged);
                (Node::new(Value::Object(members), loc), anchor, tag)
            }
        };
        self.value(node, anchor, tag);
    }

    /// Closes every open container, for a parse that stopped early.
    fn close_all(&mut self) {
        while !self.stack.is_empty() {
            self.close();
        }
    }

    /// A complete value: wraps it in its tag's function, records its anchor and places it.
    fn value(&mut self, node: Node, anchor: usize, tag: Option<String>) {
        let node = match tag {
            Some(name) => {
                let loc = node.loc;
                let member = Member {
                    key: Text::new(name, loc),
                    value: node,
                };
                Node::new(Value::Object(vec![member]), loc)
            }
            None => node,
        };
        if anchor > 0 {
            let size = size_of(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.place(node);
    }

    fn alias(&mut self, id: usize, loc: Loc) {
        let node = match self.anchors.get(&id) {
            Some((node, size)) if *size <= self.alias_budget => {
                self.alias_budget -= size;
                let mut node = node.clone();
                node.loc = loc;
                node
            }
            Some(_) => {
                self.out.diagnostics.push(Diagnostic::new(
                    codes::MALFORMED_YAML,
                    loc,
                    format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} values; this one is read as null"
                    ),
                ));
                Node::new(Value::Null, loc)
            }
            None => Node::new(Value::Null, loc),
        };
        self.place(node);
    }

    /// Puts a complete value into the innermost open container, or makes it a document.
    fn place(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.out.documents.push(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                members,
                merged,
                key,
                ..
            }) => match key.take() {
                None => {
                    let text = match &node.value {
                        Value::String(s) | Value::Number(s) => s.clone(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        _ => {
                            self.out.diagnostics.push(Diagnostic::new(
                                codes::MALFORMED_YAML,
                                node.loc,
                                format!(
                                    "{} used as a mapping key; read as an empty key",
                                    node.kind_name()
                                ),
                            ));
                            String::new()
                        }
                    };
                    *key = Some(Text::new(text, node.loc));
                }
                Some(k) if k.value == "<<" => match node.value {
                    Value::Array(items) => {
                        merged.extend(items.into_iter().flat_map(object_members))
                    }
                    value => merged.extend(object_members(Node::new(value, node.loc))),
                },
                Some(k) => members.push(Member {
                    key: k,
                    value: node,
                }),
            },
        }
    }
}

/// The members of a mapping given to a merge key (nothing for any other value).
fn object_members(node: Node) -> Vec<Member> {
    match node.value {
        Value::Object(members) => members,
        _ => Vec::new(),
    }
}

/// Applies merge keys: the merged members whose key the mapping has neither written nor
/// merged earlier.
fn merge(members: &mut Vec<Member>, merged: Vec<Member>) {
    if merged.is_empty() {
        return;
    }
    let mut have: HashSet<SmolStr> = members.iter().map(|m| m.key.value.clone()).collect();
    members.extend(
        merged
            .into_iter()
            .filter(|m| have.insert(m.key.value.clone())),
    );
}

/// How many values a tree holds, for the alias budget.
fn size_of(node: &Node) -> usize {
    let mut count = 0;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        count += 1;
        match &n.value {
            Value::Array(items) => stack.extend(items),
            Value::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            _ => {}
        }
    }
    count
}

/// The function a local tag names, in CloudFormation's long form; `None` for no tag and
/// for the core schema's own tags (`!!str`).
fn short_tag(tag: Option<&Tag>) -> Option<String> {
    let tag = tag?;
    if tag.handle != "!" || tag.suffix.is_empty() {
        return None;
    }
    Some(match tag.suffix.as_str() {
        "Ref" | "Condition" => tag.suffix.clone(),
        name => format!("Fn::{name}"),
    })
}

fn scalar(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>, loc: Loc) -> Node {
    let core = tag.filter(|t| t.handle == "tag:yaml.org,2002:" || t.handle == "!!");
    let cfn = short_tag(tag);
    let typed = match (core.map(|t| t.suffix.as_str()), style) {
        (Some("str"), _) => Value::String(value.into_owned()),
        (_, ScalarStyle::Plain) => plain(value),
        _ => Value::String(value.into_owned()),
    };
    let node = Node::new(typed, loc);
    match cfn {
        // Tagged scalars are wrapped by `Builder::value`; a tag on a scalar is handled here
        // so the wrapping is the same for scalars and containers.
        Some(name) => Node::new(
            Value::Object(vec![Member {
                key: Text::new(name, loc),
                value: node,
            }]),
            loc,
        ),
        None => node,
    }
}

/// A plain scalar typed by the YAML 1.2 core schema.
fn plain(value: Cow<'_, str>) -> Value {
    match value.as_ref() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        s if is_core_number(s) => Value::Number(s.to_string()),
        _ => Value::String(value.into_owned()),
    }
}

/// Integers and floats of the core schema (decimal only; `0x`, `0o`, `.inf` stay strings,
/// which is how CloudFormation reads them too).
fn is_core_number(s: &str) -> bool {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (digits(int) || int.is_empty())
                && (digits(frac) || frac.is_empty())
                && !(int.is_empty() && frac.is_empty())
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let parsed = parse(text, Loc::new(1, 1));
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.documents.into_iter().next().unwrap()
    }

    #[test]
    fn typed_scalars_and_positions() {
        let doc = one("a: 1\nb: 'x'\nc:\n  - true\n  - ~\n  - 2012-10-17\n  - 025\n");
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"a": 1, "b": "x", "c": [true, null, "2012-10-17", "025"]})
        );
        let c = doc.get("c").unwrap();
        assert_eq!(c.as_array().unwrap()[1].loc, Loc::new(5, 5));
        let key = &doc.as_object().unwrap()[1].key;
        assert_eq!((key.value.as_str(), key.loc), ("b", Loc::new(2, 1)));
    }

    #[test]
    fn short_tags_become_long_form() {
        let doc = one("a: !Ref X\nb: !GetAtt R.Arn\nc: !Sub\n  - '${A}'\n  - {A: 1}\n");
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"a": {"Ref": "X"}, "b": {"Fn::GetAtt": "R.Arn"},
                "c": {"Fn::Sub": ["${A}", {"A": 1}]}})
        );
        assert_eq!(doc.get("c").unwrap().loc, Loc::new(3, 4));
    }

    #[test]
    fn merge_keys_and_aliases() {
        let doc = one("base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n");
        assert_eq!(
            doc.get("other").unwrap().to_json(),
            serde_json::json!({"y": 3, "x": 1})
        );
        // A key written after the merge is not also merged in.
        let Value::Object(members) = &doc.get("other").unwrap().value else {
            panic!("a mapping");
        };
        let keys: Vec<&str> = members.iter().map(|m| m.key.value.as_str()).collect();
        assert_eq!(keys, ["y", "x"]);
    }

    #[test]
    fn alias_expansion_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let prev = format!("*a{}", i - 1);
            let list = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{list}]\n"));
        }
        let parsed = parse(&text, Loc::new(1, 1));
        assert!(
            parsed
                .diagnostics
                .iter()
                .any(|d| d.message.contains("aliases expand"))
        );
        assert!(size_of(&parsed.documents[0]) < 3 * MAX_ALIAS_NODES);
    }

    #[test]
    fn syntax_error_keeps_what_was_read() {
        let parsed = parse("a: 1\nb: [1, 2\nc: 3\n", Loc::new(10, 1));
        assert_eq!(parsed.diagnostics.len(), 1);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, codes::MALFORMED_YAML.code);
        assert!(d.loc.line >= 11, "{d:?}");
        assert_eq!(parsed.documents[0].get("a").unwrap().to_json(), 1);
    }

    #[test]
    fn deep_nesting_is_skipped() {
        let text = "[".repeat(200) + &"]".repeat(200);
        let parsed = parse(&text, Loc::new(1, 1));
        assert!(
            parsed
                .diagnostics
                .iter()
                .any(|d| d.message.contains("nested more than"))
        );
    }
}

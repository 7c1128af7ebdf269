//! A JSON-like value tree in which every value and key keeps its position. The JSON parser
//! builds it; loaders for other shapes (YAML, HCL) can build it too, so one policy builder
//! serves them all.

use crate::model::{Loc, Text};

/// A value and the position of its first character.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, kept as written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    /// Members in source order; a key may repeat.
    Object(Vec<Member>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    pub key: Text,
    pub value: Node,
}

impl Node {
    pub fn new(value: Value, loc: Loc) -> Self {
        Node { value, loc }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The last member named exactly `key` (JSON's usual rule for repeated keys).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?
            .iter()
            .rev()
            .find(|m| m.key.value == key)
            .map(|m| &m.value)
    }

    /// The last member whose name equals `key` ignoring ASCII case.
    pub fn get_ignore_case(&self, key: &str) -> Option<&Node> {
        self.as_object()?
            .iter()
            .rev()
            .find(|m| m.key.value.eq_ignore_ascii_case(key))
            .map(|m| &m.value)
    }

    /// A short name for the kind of value, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }

    /// The value as plain JSON, positions dropped. Numbers that JSON cannot hold are kept
    /// as strings.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => n
                .parse::<serde_json::Number>()
                .map_or_else(|_| J::String(n.clone()), J::Number),
            Value::String(s) => J::String(s.clone()),
            Value::Array(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Object(members) => J::Object(
                members
                    .iter()
                    .map(|m| (m.key.value.to_string(), m.value.to_json()))
                    .collect(),
            ),
        }
    }
}

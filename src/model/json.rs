//! Writing policies back as IAM JSON, in the source's element order and spelling: one
//! string stays one string, a list stays a list, numbers and booleans in conditions stay
//! numbers and booleans, unknown elements stay where they were. Written out pretty with
//! every character a terminal would act on escaped (`to_json`), for commands and copies.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::{CompactFormatter, Formatter};

use super::policy::{
    Condition, ConditionEntry, DOCUMENT_ELEMENTS, PolicyDocument, Principal, STATEMENT_ELEMENTS,
    ScalarKind, Statement, Values,
};

/// The keys to write, in order: the source's own when it recorded them, else IAM's order
/// followed by the unknown elements.
fn key_order<'a>(
    keys: &'a [super::Text],
    canonical: &[&'a str],
    unknown: &'a [super::UnknownElement],
) -> Vec<&'a str> {
    if !keys.is_empty() {
        return keys.iter().map(|k| k.value.as_str()).collect();
    }
    canonical
        .iter()
        .copied()
        .chain(unknown.iter().map(|u| u.key.value.as_str()))
        .collect()
}

fn canonical<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known.iter().copied().find(|k| k.eq_ignore_ascii_case(key))
}

/// The document as IAM JSON.
pub fn document_to_json(doc: &PolicyDocument) -> Value {
    value_of(&DocumentJson(doc))
}

/// One statement as IAM JSON.
pub fn statement_to_json(s: &Statement) -> Value {
    value_of(&StatementJson(s))
}

pub fn principal_to_json(p: &Principal) -> Value {
    value_of(&Element::Principal(p))
}

pub fn condition_to_json(c: &Condition) -> Value {
    value_of(&Element::Condition(c))
}

fn value_of(json: &impl Serialize) -> Value {
    // Keys are strings and numbers were parsed by serde_json: nothing here can fail.
    serde_json::to_value(json).unwrap_or(Value::Null)
}

/// A policy document as IAM JSON, serialised from the model without building a `Value`
/// (the size quota counts every policy `check` reads this way).
pub struct DocumentJson<'a>(pub &'a PolicyDocument);

/// One statement as IAM JSON, as [`DocumentJson`] writes it.
pub struct StatementJson<'a>(pub &'a Statement);

/// A member's value.
enum Element<'a> {
    Text(&'a str),
    Statements(&'a [Statement]),
    Statement(&'a Statement),
    Values(&'a Values),
    Principal(&'a Principal),
    Condition(&'a Condition),
    ConditionKeys(&'a [ConditionEntry]),
    ConditionValues(&'a ConditionEntry),
    Unknown(&'a Value),
}

impl Serialize for DocumentJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let doc = self.0;
        let keys = key_order(&doc.keys, &DOCUMENT_ELEMENTS, &doc.unknown);
        let members = keys.into_iter().filter_map(|key| {
            let value = match canonical(key, &DOCUMENT_ELEMENTS) {
                Some("Version") => doc.version.as_ref().map(|t| Element::Text(&t.value)),
                Some("Id") => doc.id.as_ref().map(|t| Element::Text(&t.value)),
                Some(_) if doc.statement_is_object && doc.statements.len() == 1 => {
                    Some(Element::Statement(&doc.statements[0]))
                }
                Some(_) => Some(Element::Statements(&doc.statements)),
                None => unknown_value(key, &doc.unknown),
            };
            value.map(|v| (key, v))
        });
        object(serializer, members.collect())
    }
}

impl Serialize for StatementJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let s = self.0;
        let keys = key_order(&s.keys, &STATEMENT_ELEMENTS, &s.unknown);
        let members = keys.into_iter().filter_map(|key| {
            let value = match canonical(key, &STATEMENT_ELEMENTS) {
                Some("Sid") => s.sid.as_ref().map(|t| Element::Text(&t.value)),
                Some("Effect") => s.effect.as_ref().map(|t| Element::Text(&t.value)),
                Some("Principal") => s.principal.as_ref().map(Element::Principal),
                Some("NotPrincipal") => s.not_principal.as_ref().map(Element::Principal),
                Some("Action") => s.action.as_ref().map(Element::Values),
                Some("NotAction") => s.not_action.as_ref().map(Element::Values),
                Some("Resource") => s.resource.as_ref().map(Element::Values),
                Some("NotResource") => s.not_resource.as_ref().map(Element::Values),
                Some(_) => s.condition.as_ref().map(Element::Condition),
                None => unknown_value(key, &s.unknown),
            };
            value.map(|v| (key, v))
        });
        object(serializer, members.collect())
    }
}

fn unknown_value<'a>(key: &str, unknown: &'a [super::UnknownElement]) -> Option<Element<'a>> {
    unknown
        .iter()
        .rev()
        .find(|u| u.key.value == key)
        .map(|u| Element::Unknown(&u.value))
}

impl Serialize for Element<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Element::Text(t) => serializer.serialize_str(t),
            Element::Statements(statements) => {
                serializer.collect_seq(statements.iter().map(StatementJson))
            }
            Element::Statement(s) => StatementJson(s).serialize(serializer),
            Element::Values(v) if v.single && v.items.len() == 1 => {
                serializer.serialize_str(&v.items[0].value)
            }
            Element::Values(v) => serializer.collect_seq(v.iter()),
            Element::Principal(Principal::Wildcard(t)) => serializer.serialize_str(&t.value),
            Element::Principal(Principal::Map { entries, .. }) => object(
                serializer,
                entries
                    .iter()
                    .map(|e| (e.key.value.as_str(), Element::Values(&e.values)))
                    .collect(),
            ),
            Element::Condition(c) => object(
                serializer,
                c.operators
                    .iter()
                    .map(|b| {
                        (
                            b.operator.value.as_str(),
                            Element::ConditionKeys(&b.entries),
                        )
                    })
                    .collect(),
            ),
            Element::ConditionKeys(entries) => object(
                serializer,
                entries
                    .iter()
                    .map(|e| (e.key.value.as_str(), Element::ConditionValues(e)))
                    .collect(),
            ),
            Element::ConditionValues(e) if e.single && e.values.len() == 1 => {
                ConditionScalar(&e.values[0]).serialize(serializer)
            }
            Element::ConditionValues(e) => {
                serializer.collect_seq(e.values.iter().map(ConditionScalar))
            }
            Element::Unknown(value) => value.serialize(serializer),
        }
    }
}

/// A condition value as the JSON kind it was written as.
struct ConditionScalar<'a>(&'a super::ConditionValue);

impl Serialize for ConditionScalar<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        match v.kind {
            ScalarKind::String => serializer.serialize_str(&v.text),
            ScalarKind::Bool => serializer.serialize_bool(v.text == "true"),
            ScalarKind::Number => match v.text.parse::<serde_json::Number>() {
                Ok(n) => n.serialize(serializer),
                Err(_) => serializer.serialize_str(&v.text),
            },
        }
    }
}

/// An object of these members.
fn object<S: serde::Serializer>(
    serializer: S,
    members: Vec<(&str, Element)>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let members = first_places(members);
    let mut map = serializer.serialize_map(Some(members.len()))?;
    for (key, value) in &members {
        map.serialize_entry(key, value)?;
    }
    map.end()
}

/// The members as a JSON object keeps them: a key written again takes its first place and
/// its last value.
fn first_places<V>(members: Vec<(&str, V)>) -> Vec<(&str, V)> {
    // Most objects have a few keys, each once: told without a hash map, and kept as they are.
    let keys = || members.iter().map(|(k, _)| k);
    let few = members.len() <= 16;
    if few
        && !keys()
            .enumerate()
            .any(|(i, k)| keys().take(i).any(|e| e == k))
    {
        return members;
    }
    let mut place: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut kept: Vec<(&str, V)> = Vec::with_capacity(members.len());
    for (key, value) in members {
        match place.get(key) {
            Some(&i) => kept[i].1 = value,
            None => {
                place.insert(key, kept.len());
                kept.push((key, value));
            }
        }
    }
    kept
}

/// `value` as pretty JSON with every unsafe character escaped as `\uXXXX`.
pub fn to_json(value: &impl Serialize) -> String {
    to_json_at(value, 0)
}

/// `value` as [`to_json`] writes it, its lines after the first indented `depth` levels (of
/// two spaces): to be placed inside a value written piece by piece, at that depth.
pub fn to_json_at(value: &impl Serialize, depth: usize) -> String {
    // Room for a finding or a small policy without growing the text again and again.
    let mut bytes = Vec::with_capacity(1 << 10);
    serialize(&mut bytes, value, SafeFormatter(Pretty::at(depth)));
    text_of(bytes)
}

/// `value` as JSON on one line (for JSON Lines), unsafe characters escaped as in
/// [`to_json`].
pub fn to_json_line(value: &impl Serialize) -> String {
    let mut bytes = Vec::new();
    serialize(&mut bytes, value, SafeFormatter(CompactFormatter));
    text_of(bytes)
}

fn serialize(out: impl Write, value: &impl Serialize, formatter: impl Formatter) {
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    if let Err(e) = value.serialize(&mut serializer) {
        eprintln!("iamscope: cannot write JSON: {e}");
    }
}

fn text_of(mut bytes: Vec<u8>) -> String {
    // Sized to the text: a command may hold many of them until they are printed in order.
    bytes.shrink_to_fit();
    String::from_utf8(bytes).unwrap_or_default()
}

/// serde_json's pretty layout (two spaces a level), starting `base` levels in: each line
/// after the first is indented as if the value were written inside others.
struct Pretty {
    base: usize,
    /// How many arrays and objects are open.
    open: usize,
    /// Whether the innermost open array or object has an element yet.
    has_value: bool,
}

impl Pretty {
    fn at(base: usize) -> Pretty {
        Pretty {
            base,
            open: 0,
            has_value: false,
        }
    }

    fn line_break<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        w.write_all(b"\n")?;
        (0..self.base + self.open).try_for_each(|_| w.write_all(b"  "))
    }

    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.open += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn end<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.open -= 1;
        if self.has_value {
            self.line_break(w)?;
        }
        w.write_all(bracket)
    }

    fn element<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line_break(w)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.element(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.element(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// serde_json's layout (pretty or compact), escaping what a terminal would act on.
struct SafeFormatter<F>(F);

impl<F: Formatter> Formatter for SafeFormatter<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if crate::text::is_safe(fragment) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if crate::text::is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// A policy document as the JSON text a copy or a file takes: pretty, two spaces, a line
/// break at the end, every character a terminal would act on escaped.
pub fn document_text(doc: &PolicyDocument) -> String {
    let mut text = to_json(&DocumentJson(doc));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{document, json::parse::parse};
    use crate::model::Loc;

    fn round_trip(text: &str) {
        let parsed = parse(text, Loc::new(1, 1));
        assert!(parsed.diagnostics.is_empty());
        let mut diags = Vec::new();
        let doc = document::build(&parsed.values[0], &mut diags);
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(document_to_json(&doc), original);
        assert_eq!(
            serde_json::to_string(&document_to_json(&doc)).unwrap(),
            serde_json::to_string(&original).unwrap(),
            "element order differs"
        );
        assert_eq!(
            serde_json::to_string(&DocumentJson(&doc)).unwrap(),
            serde_json::to_string(&original).unwrap(),
            "written from the model, not a Value"
        );
    }

    #[test]
    fn documents_round_trip_with_order_and_shape() {
        round_trip(
            r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["a", "b"], "Sid": "Late"}], "Version": "2012-10-17"}"#,
        );
        round_trip(
            r#"{"Id": "k", "Version": "2008-10-17", "Statement": {"NotPrincipal": {"AWS": ["x"], "Service": "s"}, "Effect": "Deny", "NotAction": ["iam:*"], "NotResource": "r", "Condition": {"NumericLessThanEquals": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": [false]}}}}"#,
        );
        round_trip(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resources": ["s3://b"], "Extra": {"nested": [1, null]}}]}"#,
        );
        // A key written twice keeps its first place and its last value, as in any JSON
        // object: a document's, a statement's, a Principal's, a Condition's and its keys'.
        round_trip(
            r#"{"Version": "2012-10-17", "X": 1, "Statement": [{"Effect": "Allow", "Principal": {"AWS": "a", "Service": "s", "AWS": ["b"]}, "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"k": "1", "j": 2, "k": ["3"]}, "Bool": {"b": true}, "StringEquals": {"k": "4"}}, "Y": 2, "Y": 3}], "X": [2]}"#,
        );
    }
}

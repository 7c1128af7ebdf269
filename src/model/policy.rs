//! The IAM JSON policy language as types: a policy document, its statements and their
//! elements (Effect, Principal, Action, Resource, Condition and their Not- forms).
//!
//! Everything keeps the source's spelling, its element order and the position of each
//! string, so a document can be shown, reported on and written back as it was written.
//! Elements IAM does not define are kept in `unknown`, never dropped.

use smol_str::SmolStr;

use super::loc::{Loc, Text};

/// The two policy language versions AWS defines. Anything else is kept as written and
/// reported.
pub const VERSION_2012: &str = "2012-10-17";
pub const VERSION_2008: &str = "2008-10-17";

/// The elements of a policy document, in IAM's order.
pub const DOCUMENT_ELEMENTS: [&str; 3] = ["Version", "Id", "Statement"];

/// The elements of a statement, in IAM's order.
pub const STATEMENT_ELEMENTS: [&str; 9] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// A whole policy document: `{"Version", "Id", "Statement"}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyDocument {
    pub version: Option<Text>,
    pub id: Option<Text>,
    pub statements: Vec<Statement>,
    /// `Statement` was written as a single object rather than a list.
    pub statement_is_object: bool,
    /// Top-level elements IAM does not define, kept as written.
    pub unknown: Vec<UnknownElement>,
    /// Every top-level key as written, in source order.
    pub keys: Vec<Text>,
    /// Position of the document's opening brace.
    pub loc: Loc,
    /// Built by iamscope from documentation (a table of actions) rather than written as a
    /// policy by the source: the rules of the written grammar (Version, Resource, Sid
    /// spelling) do not apply to it, what it grants does.
    pub synthesized: bool,
}

impl PolicyDocument {
    /// Whether `${...}` in this document are policy variables (Version 2012-10-17) or plain
    /// text (2008-10-17 or no Version at all, which AWS treats as 2008-10-17).
    pub fn has_policy_variables(&self) -> bool {
        self.version
            .as_ref()
            .is_some_and(|v| v.value == VERSION_2012)
    }
}

/// One statement. Fields are `None` when the element is absent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Statement {
    pub sid: Option<Text>,
    /// The Effect as written; see [`Statement::effect`] for its meaning.
    pub effect: Option<Text>,
    pub principal: Option<Principal>,
    pub not_principal: Option<Principal>,
    pub action: Option<Values>,
    pub not_action: Option<Values>,
    pub resource: Option<Values>,
    pub not_resource: Option<Values>,
    pub condition: Option<Condition>,
    /// Elements IAM does not define (such as a misspelled `Resources`), kept as written.
    pub unknown: Vec<UnknownElement>,
    /// Every key as written, in source order.
    pub keys: Vec<Text>,
    /// Position of the statement's opening brace (or where it should have been).
    pub loc: Loc,
    /// Prose the source attached to this statement: a table's description column, a scope
    /// note such as "Limited to Epsio resources".
    pub note: Option<String>,
    /// Conditions the prose implies but the source never wrote. Shown, never evaluated.
    pub inferred: Vec<InferredCondition>,
}

/// The meaning of an Effect element. Only the exact spellings `Allow` and `Deny` are valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl Statement {
    /// The statement's effect, when it is exactly `Allow` or `Deny` as IAM requires.
    pub fn effect(&self) -> Option<Effect> {
        match self.effect.as_ref()?.value.as_str() {
            "Allow" => Some(Effect::Allow),
            "Deny" => Some(Effect::Deny),
            _ => None,
        }
    }

    /// The action patterns and whether they are written as NotAction.
    pub fn actions(&self) -> Option<(&Values, bool)> {
        self.action
            .as_ref()
            .map(|v| (v, false))
            .or_else(|| self.not_action.as_ref().map(|v| (v, true)))
    }

    /// The resource patterns and whether they are written as NotResource.
    pub fn resources(&self) -> Option<(&Values, bool)> {
        self.resource
            .as_ref()
            .map(|v| (v, false))
            .or_else(|| self.not_resource.as_ref().map(|v| (v, true)))
    }

    /// The condition keys the statement tests, as written, in order.
    pub fn condition_keys(&self) -> impl Iterator<Item = &Text> {
        self.condition
            .iter()
            .flat_map(|c| &c.operators)
            .flat_map(|b| &b.entries)
            .map(|e| &e.key)
    }

    /// The principal and whether it is written as NotPrincipal.
    pub fn principals(&self) -> Option<(&Principal, bool)> {
        self.principal
            .as_ref()
            .map(|p| (p, false))
            .or_else(|| self.not_principal.as_ref().map(|p| (p, true)))
    }
}

/// One string or a list of strings, as Action, Resource and principal values are written.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Values {
    pub items: Vec<Text>,
    /// Written as a single string rather than a list.
    pub single: bool,
    /// Position of the value (the string, or the list's opening bracket).
    pub loc: Loc,
}

impl Values {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.items.iter().map(|t| t.value.as_str())
    }
}

/// A Principal or NotPrincipal element.
#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// `"Principal": "*"`: everyone, anonymous callers included.
    Wildcard(Text),
    /// `{"AWS": ..., "Service": ..., "Federated": ..., "CanonicalUser": ...}`.
    Map {
        entries: Vec<PrincipalEntry>,
        loc: Loc,
    },
}

impl Principal {
    pub fn loc(&self) -> Loc {
        match self {
            Principal::Wildcard(t) => t.loc,
            Principal::Map { loc, .. } => *loc,
        }
    }
}

/// One entry of a principal map: its type key as written and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct PrincipalEntry {
    pub key: Text,
    pub values: Values,
}

/// The principal types IAM defines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PrincipalType {
    Aws,
    Service,
    Federated,
    CanonicalUser,
}

impl PrincipalType {
    pub const ALL: [PrincipalType; 4] = [
        PrincipalType::Aws,
        PrincipalType::Service,
        PrincipalType::Federated,
        PrincipalType::CanonicalUser,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::Aws => "AWS",
            PrincipalType::Service => "Service",
            PrincipalType::Federated => "Federated",
            PrincipalType::CanonicalUser => "CanonicalUser",
        }
    }

    /// The type a principal key names; IAM spells them exactly as in [`Self::as_str`].
    pub fn parse(key: &str) -> Option<PrincipalType> {
        Self::ALL.into_iter().find(|t| t.as_str() == key)
    }
}

impl PrincipalEntry {
    pub fn principal_type(&self) -> Option<PrincipalType> {
        PrincipalType::parse(&self.key.value)
    }
}

/// A Condition element: operator → key → values, in source order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Condition {
    pub operators: Vec<ConditionBlock>,
    pub loc: Loc,
}

/// One operator of a Condition with the keys it tests, such as
/// `"StringEquals": {"aws:SourceAccount": "111122223333"}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionBlock {
    /// The operator as written, with any `ForAllValues:` prefix and `IfExists` suffix.
    pub operator: Text,
    pub entries: Vec<ConditionEntry>,
}

/// One condition key and the values it is compared with (ORed).
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionEntry {
    pub key: Text,
    pub values: Vec<ConditionValue>,
    /// Written as a single value rather than a list.
    pub single: bool,
}

/// A condition value. AWS accepts strings, numbers and booleans; all are compared as text
/// interpreted by the operator, so the text is kept as written alongside its JSON kind.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionValue {
    pub text: String,
    pub kind: ScalarKind,
    pub loc: Loc,
}

/// The JSON kind a scalar value was written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarKind {
    String,
    Number,
    Bool,
}

/// An element IAM does not define, kept as written.
#[derive(Clone, Debug, PartialEq)]
pub struct UnknownElement {
    pub key: Text,
    pub value: serde_json::Value,
}

/// A condition implied by prose ("Limited to resources where `Owner=Epsio`"). The tree
/// shows it marked as inferred; the evaluator never treats it as written.
#[derive(Clone, Debug, PartialEq)]
pub struct InferredCondition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
    /// The prose it was inferred from.
    pub from: String,
}

/// Which element a string of a document belongs to, for code that walks every string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Version,
    Id,
    Sid,
    Effect,
    Action,
    NotAction,
    Resource,
    NotResource,
    Principal,
    NotPrincipal,
    ConditionOperator,
    ConditionKey,
    ConditionValue,
}

impl PolicyDocument {
    /// Every string of the document with the element it belongs to and its position, in
    /// source order (unknown elements excluded).
    pub fn texts(&self) -> Vec<(Field, &str, Loc)> {
        let mut out = Vec::new();
        if let Some(t) = &self.version {
            out.push((Field::Version, t.value.as_str(), t.loc));
        }
        if let Some(t) = &self.id {
            out.push((Field::Id, t.value.as_str(), t.loc));
        }
        for s in &self.statements {
            s.texts_into(&mut |field, text, loc| out.push((field, text, loc)));
        }
        out
    }

    /// Calls `f` on every string of the document that a template could have filled in
    /// (unknown elements excluded), with the element it belongs to.
    pub fn texts_mut(&mut self, mut f: impl FnMut(Field, &mut SmolStr)) {
        if let Some(t) = &mut self.version {
            f(Field::Version, &mut t.value);
        }
        if let Some(t) = &mut self.id {
            f(Field::Id, &mut t.value);
        }
        for s in &mut self.statements {
            s.texts_mut(&mut f);
        }
    }
}

impl Statement {
    /// Every string of the statement with its element and position, in source order.
    pub fn texts(&self) -> Vec<(Field, &str, Loc)> {
        let mut out = Vec::new();
        self.texts_into(&mut |field, text, loc| out.push((field, text, loc)));
        out
    }

    fn texts_into<'a>(&'a self, push: &mut impl FnMut(Field, &'a str, Loc)) {
        let mut text = |field, t: &'a Text| push(field, t.value.as_str(), t.loc);
        if let Some(t) = &self.sid {
            text(Field::Sid, t);
        }
        if let Some(t) = &self.effect {
            text(Field::Effect, t);
        }
        for (p, field) in [
            (&self.principal, Field::Principal),
            (&self.not_principal, Field::NotPrincipal),
        ] {
            match p {
                Some(Principal::Wildcard(t)) => text(field, t),
                Some(Principal::Map { entries, .. }) => entries
                    .iter()
                    .flat_map(|e| &e.values.items)
                    .for_each(|t| text(field, t)),
                None => {}
            }
        }
        for (v, field) in [
            (&self.action, Field::Action),
            (&self.not_action, Field::NotAction),
            (&self.resource, Field::Resource),
            (&self.not_resource, Field::NotResource),
        ] {
            v.iter().flat_map(|v| &v.items).for_each(|t| text(field, t));
        }
        for block in self.condition.iter().flat_map(|c| &c.operators) {
            push(
                Field::ConditionOperator,
                &block.operator.value,
                block.operator.loc,
            );
            for entry in &block.entries {
                push(Field::ConditionKey, &entry.key.value, entry.key.loc);
                for value in &entry.values {
                    push(Field::ConditionValue, &value.text, value.loc);
                }
            }
        }
    }

    /// Like [`PolicyDocument::texts_mut`], for one statement; condition values included.
    pub fn texts_mut(&mut self, f: &mut impl FnMut(Field, &mut SmolStr)) {
        if let Some(t) = &mut self.sid {
            f(Field::Sid, &mut t.value);
        }
        for (p, field) in [
            (&mut self.principal, Field::Principal),
            (&mut self.not_principal, Field::NotPrincipal),
        ] {
            match p {
                Some(Principal::Wildcard(t)) => f(field, &mut t.value),
                Some(Principal::Map { entries, .. }) => entries
                    .iter_mut()
                    .flat_map(|e| &mut e.values.items)
                    .for_each(|t| f(field, &mut t.value)),
                None => {}
            }
        }
        for (v, field) in [
            (&mut self.action, Field::Action),
            (&mut self.not_action, Field::NotAction),
            (&mut self.resource, Field::Resource),
            (&mut self.not_resource, Field::NotResource),
        ] {
            v.iter_mut()
                .flat_map(|v| &mut v.items)
                .for_each(|t| f(field, &mut t.value));
        }
        for block in self.condition.iter_mut().flat_map(|c| &mut c.operators) {
            for entry in &mut block.entries {
                f(Field::ConditionKey, &mut entry.key.value);
                for value in &mut entry.values {
                    let mut text = SmolStr::from(value.text.as_str());
                    f(Field::ConditionValue, &mut text);
                    if text != value.text {
                        value.text = text.into();
                    }
                }
            }
        }
    }
}

//! HCL expressions as position-carrying values ([`Node`]), so `jsonencode(...)` objects and
//! `aws_iam_policy_document` blocks go through the one policy builder.
//!
//! Literals are themselves; anything Terraform computes at plan time — references
//! (`var.bucket`, `aws_s3_bucket.logs.arn`), interpolations, function calls, conditionals —
//! becomes a placeholder spelled `${...}` around its source text (`${var.bucket}`), which
//! `--var var.bucket=...` fills.

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ForIntro, ObjectKey};
use hcl_edit::template::{Element, Template};

use std::cell::RefCell;

use crate::load::lines::LineIndex;
use crate::load::node::{Member, Node, Value};
use crate::model::{Loc, LoopVariable, Text};

/// A parsed HCL text with what positions need.
pub struct Source<'a> {
    pub text: &'a str,
    pub index: LineIndex<'a>,
    /// Where the text's first character stands in its file.
    pub origin: Loc,
    /// The variables `for` expressions bind, met while reading values.
    pub loop_variables: RefCell<Vec<LoopVariable>>,
}

impl<'a> Source<'a> {
    pub fn new(text: &'a str, origin: Loc) -> Self {
        Source {
            text,
            index: LineIndex::new(text),
            origin,
            loop_variables: RefCell::default(),
        }
    }

    /// The file position of byte `offset` of the text.
    pub fn loc(&self, offset: usize) -> Loc {
        let at = self.index.loc(offset);
        if at.line == 1 {
            Loc::new(self.origin.line, self.origin.column + at.column - 1)
        } else {
            Loc::new(self.origin.line + at.line - 1, at.column)
        }
    }

    /// The position where something with a span starts (the origin when it has none).
    pub fn at(&self, item: &impl Span) -> Loc {
        item.span().map_or(self.origin, |s| self.loc(s.start))
    }

    /// The source text of something with a span.
    pub fn source_of(&self, item: &impl Span) -> &'a str {
        item.span()
            .and_then(|s| self.text.get(s))
            .unwrap_or_default()
            .trim()
    }

    /// The value of an expression. `strings` turns numbers and booleans into strings, as
    /// Terraform does for attributes typed as strings or lists of strings.
    pub fn node(&self, expr: &Expression, strings: bool) -> Node {
        let loc = self.at(expr);
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) if strings => Value::String(b.value().to_string()),
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(_) if strings => Value::String(self.source_of(expr).to_string()),
            Expression::Number(_) => Value::Number(self.source_of(expr).to_string()),
            Expression::String(s) => Value::String(s.value().clone()),
            Expression::Array(items) => {
                Value::Array(items.iter().map(|e| self.node(e, strings)).collect())
            }
            Expression::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| Member {
                        key: self.key(key),
                        value: self.node(value.expr(), strings),
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => Value::String(self.template(t)),
            Expression::HeredocTemplate(h) => Value::String(self.template(&h.template)),
            Expression::Parenthesis(p) => return self.node(p.inner(), strings),
            // `[for x in var.list : {...}]`: the element it builds, once, its loop variable
            // kept as `${x}`.
            Expression::ForExpr(f) if f.key_expr.is_none() => {
                self.bind_loop_variables(&f.intro);
                Value::Array(vec![self.node(&f.value_expr, strings)])
            }
            _ => Value::String(self.placeholder(expr)),
        };
        Node::new(value, loc)
    }

    /// Records the names a `for` clause binds, with the clause as written on one line.
    fn bind_loop_variables(&self, intro: &ForIntro) {
        let value = intro.value_var.as_str();
        let names = match &intro.key_var {
            Some(key) => format!("{}, {value}", key.as_str()),
            None => value.to_string(),
        };
        let clause = format!(
            "for {names} in {}",
            one_line(self.source_of(&intro.collection_expr))
        );
        let mut bound = self.loop_variables.borrow_mut();
        for name in intro.key_var.iter().map(|k| k.as_str()).chain([value]) {
            if !bound.iter().any(|v| v.name == name) {
                bound.push(LoopVariable {
                    name: name.to_string(),
                    bound_by: clause.clone(),
                });
            }
        }
    }

    fn key(&self, key: &ObjectKey) -> Text {
        let loc = self.at(key);
        match key {
            ObjectKey::Ident(id) => Text::new(id.as_str(), loc),
            ObjectKey::Expression(Expression::String(s)) => Text::new(s.value().clone(), loc),
            ObjectKey::Expression(e) => {
                Text::new(self.node(e, true).as_str().unwrap_or_default(), loc)
            }
        }
    }

    /// A computed value as the placeholder `${source text}`, on one line.
    pub fn placeholder(&self, expr: &impl Span) -> String {
        format!("${{{}}}", one_line(self.source_of(expr)))
    }

    /// A template's text, interpolations kept as `${...}` and directives as written.
    pub fn template(&self, template: &Template) -> String {
        let mut out = String::new();
        for element in template.iter() {
            match element {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => out.push_str(&self.placeholder(&i.expr)),
                Element::Directive(d) => out.push_str(self.source_of(d)),
            }
        }
        out
    }
}

/// An expression as Terraform wrote it, on one line: its line breaks and indentation become
/// single spaces.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

//! The why form's state: the request's fields (action, resource, principal, context), the
//! holder it is asked for, the answer (the evaluator's [`Explanation`], from the same
//! `eval::holder::prepare` and `eval::explain` as `iamscope why`), suggestions for the
//! focused field, and the last request of each holder while the viewer runs.

use std::collections::HashMap;

use crate::analyze::search::best;
use crate::catalog::Catalog;
use crate::catalog::conditions::GLOBAL_KEYS;
use crate::eval::holder::{self, Question};
use crate::eval::{Context, Explanation, explain};
use crate::model::{Principal, Source};
use crate::session::parse_key_value;

pub const FIELDS: [&str; 4] = ["Action", "Resource", "Principal", "Context"];
/// How many suggestions the focused field lists.
pub const SUGGESTIONS: usize = 5;

/// A holder, by its source's and its own index.
pub type HolderAt = (usize, usize);

#[derive(Default)]
pub struct Why {
    /// Whether the form is open for typing.
    editing: bool,
    pub fields: [String; 4],
    /// The focused field (0 to 3), then the deciding statements (4 and on).
    pub focus: usize,
    pub holder: Option<HolderAt>,
    /// The answer to the request in the fields; `None` when nothing is asked.
    pub answer: Option<Result<Explanation, String>>,
    remembered: HashMap<HolderAt, [String; 4]>,
}

impl Why {
    pub fn is_editing(&self) -> bool {
        self.editing
    }

    pub fn is_shown(&self) -> bool {
        self.answer.is_some()
    }

    /// Opens the form for `holder`: with the action and resource under the cursor when
    /// there are, else the holder's last request.
    pub fn start(
        &mut self,
        sources: &[Source],
        holder: Option<HolderAt>,
        action: Option<String>,
        resource: Option<String>,
    ) {
        let last = holder.and_then(|h| self.remembered.get(&h)).cloned();
        self.fields = match (action, last) {
            (Some(action), _) => [
                action,
                resource.unwrap_or_default(),
                String::new(),
                String::new(),
            ],
            (None, Some(last)) => last,
            (None, None) => Default::default(),
        };
        self.holder = holder;
        self.focus = if self.fields[0].is_empty() { 0 } else { 1 };
        self.editing = true;
        self.evaluate(sources);
    }

    /// Types into (or deletes from) the focused field and asks again.
    pub fn edit(&mut self, sources: &[Source], typed: Option<char>) {
        let Some(field) = self.fields.get_mut(self.focus) else {
            return;
        };
        if super::line::edit(field, typed) {
            self.evaluate(sources);
        }
    }

    /// Moves the focus through the fields and on to the deciding statements.
    pub fn step(&mut self, forward: bool) {
        let last = 3 + self.deciding();
        self.focus = if forward {
            (self.focus + 1).min(last)
        } else {
            self.focus.saturating_sub(1)
        };
    }

    /// How many deciding statements the answer names.
    pub fn deciding(&self) -> usize {
        match &self.answer {
            Some(Ok(e)) => e.deciding.len(),
            _ => 0,
        }
    }

    /// Closes the form; the answer stays shown.
    pub fn finish(&mut self) {
        self.editing = false;
    }

    /// Closes the form and the answer.
    pub fn close(&mut self) {
        self.editing = false;
        self.answer = None;
    }

    /// Completes the focused field with its first suggestion.
    pub fn complete(&mut self, sources: &[Source]) {
        let Some(first) = self.suggestions(sources).into_iter().next() else {
            return;
        };
        if self.focus == 3 {
            let field = &mut self.fields[3];
            let start = field.rfind(char::is_whitespace).map_or(0, |i| i + 1);
            field.truncate(start);
            field.push_str(&first);
            field.push('=');
        } else if let Some(field) = self.fields.get_mut(self.focus) {
            *field = first;
        }
        self.evaluate(sources);
    }

    /// Asks the evaluator about the request in the fields, and remembers it for the holder.
    fn evaluate(&mut self, sources: &[Source]) {
        if let Some(h) = self.holder {
            self.remembered.insert(h, self.fields.clone());
        }
        let [action, resource, principal, context] = &self.fields;
        if action.trim().is_empty() {
            self.answer = Some(Err("type an action, such as s3:GetObject".into()));
            return;
        }
        let answer = parse_context(context).and_then(|context| {
            let holder = self
                .holder
                .and_then(|(s, r)| sources.get(s)?.roles.get(r))
                .map(|r| r.name.as_str());
            fn nonempty(s: &str) -> Option<&str> {
                Some(s.trim()).filter(|s| !s.is_empty())
            }
            let prepared = holder::prepare(
                sources,
                Question {
                    action: action.trim(),
                    resource: nonempty(resource),
                    principal: nonempty(principal),
                    role: holder,
                    resource_account: None,
                    context,
                },
            )?;
            let mut e = explain(&prepared.set, &prepared.request);
            e.notes.extend(prepared.notes);
            Ok(e)
        });
        self.answer = Some(answer);
    }

    /// What the focused field could be, best first: catalog actions; the source's ARNs and
    /// the ARN formats of the action's resource types; the principals named in the input;
    /// the action's condition keys and the global ones.
    pub fn suggestions(&self, sources: &[Source]) -> Vec<String> {
        let catalog = Catalog::get();
        let typed = self.fields.get(self.focus).map_or("", String::as_str);
        let action = catalog.action(self.fields[0].trim());
        let mut candidates: Vec<String> = Vec::new();
        match self.focus {
            0 => {
                let names: Vec<String> = catalog.actions().map(|a| a.full_name()).collect();
                return owned(best(names.iter().map(String::as_str), typed, SUGGESTIONS));
            }
            1 => {
                for s in statements(sources, self.holder) {
                    candidates.extend(s.resource.iter().flat_map(|v| v.iter().map(str::to_string)));
                }
                candidates.extend(
                    action
                        .iter()
                        .flat_map(|a| a.resource_types.iter().map(|rt| rt.arn.to_string())),
                );
            }
            2 => {
                let holder = self.holder.and_then(|(s, r)| sources.get(s)?.roles.get(r));
                candidates.extend(holder.and_then(|r| r.arn.clone()));
                for s in statements(sources, None) {
                    if let Some(Principal::Map { entries, .. }) = &s.principal {
                        candidates.extend(
                            entries
                                .iter()
                                .flat_map(|e| e.values.iter().map(str::to_string)),
                        );
                    }
                }
                candidates.push("anonymous".into());
            }
            3 => {
                let token = typed.rsplit(char::is_whitespace).next().unwrap_or_default();
                if token.contains('=') {
                    return Vec::new();
                }
                candidates.extend(
                    action
                        .iter()
                        .flat_map(|a| a.condition_keys().map(str::to_string)),
                );
                candidates.extend(GLOBAL_KEYS.iter().map(|(k, _)| k.to_string()));
                candidates.sort();
                candidates.dedup();
                return owned(best(
                    candidates.iter().map(String::as_str),
                    token,
                    SUGGESTIONS,
                ));
            }
            _ => return Vec::new(),
        }
        candidates.sort();
        candidates.dedup();
        owned(best(
            candidates.iter().map(String::as_str),
            typed,
            SUGGESTIONS,
        ))
    }
}

fn owned(v: Vec<&str>) -> Vec<String> {
    v.into_iter().map(str::to_string).collect()
}

/// The statements of a holder's policies, or of every policy when there is no holder.
fn statements(
    sources: &[Source],
    holder: Option<HolderAt>,
) -> impl Iterator<Item = &crate::model::Statement> {
    sources
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.roles
                .iter()
                .enumerate()
                .map(move |(r, role)| ((i, r), role))
        })
        .filter(move |(at, _)| holder.is_none_or(|h| h == *at))
        .flat_map(|(_, role)| role.policies.iter().flat_map(|p| p.statements()))
}

/// `KEY=VALUE` pairs separated by white space; a key given twice has two values.
fn parse_context(text: &str) -> Result<Context, String> {
    let mut context = Context::default();
    for pair in text.split_whitespace() {
        let (key, value) = parse_key_value(pair).map_err(|e| format!("context: {e}"))?;
        context.push(&key, &value);
    }
    Ok(context)
}

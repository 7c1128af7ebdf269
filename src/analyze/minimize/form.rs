//! Statements in a normal form minimization can compare: the effect, the Action or NotAction
//! patterns (deduplicated ignoring case, each spelled as the catalog spells it, none covered
//! by another, sorted), the Resource or NotResource values likewise (case-sensitive), and the
//! principal and condition with a canonical key each, so two statements that say the same
//! thing compare equal whatever order or spelling they were written in.
//!
//! Placeholders are written `${Name}` (filled ones were replaced by the loader), and a
//! document that is not Version 2012-10-17 has its literal `${` escaped as `${$}{`, so the
//! Version 2012-10-17 output reads every string as the input did.

use std::collections::HashMap;

use crate::catalog::{Catalog, operations};
use crate::eval::action::action_pattern_problem;
use crate::model::glob::{covers, overlaps};
use crate::model::placeholder;
use crate::model::{
    Condition, ConditionBlock, ConditionEntry, Effect, Loc, Principal, PrincipalEntry, Statement,
    Text, Values,
};

/// Action or NotAction patterns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actions {
    Action(Vec<String>),
    NotAction(Vec<String>),
}

/// Resource or NotResource values, or neither (a resource policy's statement applies to the
/// resource it is attached to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resources {
    Unstated,
    Resource(Vec<String>),
    NotResource(Vec<String>),
}

/// One statement in normal form.
#[derive(Clone, Debug)]
pub struct Form {
    pub effect: Effect,
    /// The principal and whether it is NotPrincipal, canonical.
    pub principal: Option<(Principal, bool)>,
    pub actions: Actions,
    pub resources: Resources,
    pub condition: Option<Condition>,
    /// Canonical text of the principal and the condition, for grouping.
    pub principal_key: String,
    pub condition_key: String,
    /// Where it came from, for the report: `Policy statement 2 "Sid"`, one for each
    /// statement merged into it.
    pub origins: Vec<String>,
}

/// Why a statement grants or denies nothing and was left out.
pub enum Skip {
    /// Effect is not exactly `Allow` or `Deny`.
    Effect,
    /// No Action or NotAction, or only patterns that never match.
    NoAction,
    /// No Resource in a policy that needs one (IAM matches nothing then).
    NoResource,
}

impl Skip {
    pub fn reason(&self) -> &'static str {
        match self {
            Skip::Effect => "its Effect is neither Allow nor Deny",
            Skip::NoAction => "it has no action that can match",
            Skip::NoResource => "it has no Resource, so it applies to nothing",
        }
    }
}

/// How the strings of one document are read.
#[derive(Clone, Copy)]
pub struct Reading {
    /// Version 2012-10-17: `${...}` are policy variables.
    pub variables: bool,
    /// A statement without Resource applies to any resource (a table of actions read from
    /// documentation) rather than to nothing (identity policies) or to the resource the
    /// policy is attached to (resource policies).
    pub unstated_any: bool,
    pub on_resource: bool,
}

/// What reading a statement's actions noticed, for the report.
#[derive(Debug, Default)]
pub struct Noted {
    pub invalid: Vec<String>,
    pub unknown: Vec<String>,
    /// API operations read as the action that authorises them: `s3:HeadBucket → s3:ListBucket`.
    pub operations: Vec<String>,
}

impl Form {
    /// The normal form of `s`, or why it grants nothing. Invalid action patterns (which
    /// never match) are left out and listed in `noted.invalid`; Action patterns that match
    /// no action of the catalog (a retired service, a typo, or an action newer than the
    /// catalog) in `noted.unknown`, except an API operation written where an action belongs
    /// (`s3:HeadBucket`), which is replaced by the action that authorises it and listed in
    /// `noted.operations`. A NotAction keeps every pattern: dropping one would grant more.
    pub fn new(
        s: &Statement,
        reading: Reading,
        origin: String,
        noted: &mut Noted,
    ) -> Result<Form, Skip> {
        let effect = s.effect().ok_or(Skip::Effect)?;
        let text = |t: &Text, capitals: bool| render(&t.value, capitals, reading.variables);
        let actions = match s.actions() {
            None => return Err(Skip::NoAction),
            Some((values, not)) => {
                let mut patterns = Vec::new();
                for t in &values.items {
                    let p = text(t, false);
                    if action_pattern_problem(&p).is_some() && !p.contains("${") {
                        noted.invalid.push(p);
                    } else if let Some(action) = operations::action_meant(&p).filter(|_| !not) {
                        noted.operations.push(format!("{p} → {action}"));
                        patterns.push(action.to_string());
                    } else if !not && !in_catalog(&p) {
                        noted.unknown.push(p);
                    } else {
                        patterns.push(p);
                    }
                }
                if not {
                    Actions::NotAction(normal_actions(patterns))
                } else if patterns.is_empty() {
                    return Err(Skip::NoAction);
                } else {
                    Actions::Action(normal_actions(patterns))
                }
            }
        };
        let resources = match s.resources() {
            Some((values, not)) => {
                let items = values.items.iter().map(|t| text(t, true)).collect();
                if not {
                    Resources::NotResource(normal_resources(items))
                } else {
                    Resources::Resource(normal_resources(items))
                }
            }
            None if reading.on_resource => Resources::Unstated,
            None if reading.unstated_any => Resources::Resource(vec!["*".into()]),
            None => return Err(Skip::NoResource),
        };
        let principal = s.principals().map(|(p, not)| {
            let p = match p {
                Principal::Wildcard(t) => {
                    Principal::Wildcard(Text::new(text(t, true), Loc::default()))
                }
                Principal::Map { entries, .. } => {
                    let mut entries: Vec<PrincipalEntry> = entries
                        .iter()
                        .map(|e| PrincipalEntry {
                            key: Text::new(e.key.value.clone(), Loc::default()),
                            values: values(sorted(
                                e.values.items.iter().map(|t| text(t, true)).collect(),
                            )),
                        })
                        .collect();
                    entries.sort_by(|a, b| a.key.value.cmp(&b.key.value));
                    Principal::Map {
                        entries,
                        loc: Loc::default(),
                    }
                }
            };
            (p, not)
        });
        let condition = s.condition.as_ref().map(|c| {
            let mut operators: Vec<ConditionBlock> = c
                .operators
                .iter()
                .map(|b| {
                    let mut entries: Vec<ConditionEntry> = b
                        .entries
                        .iter()
                        .map(|e| {
                            let mut values = e.values.clone();
                            for v in &mut values {
                                v.text = render(&v.text, false, reading.variables);
                                v.loc = Loc::default();
                            }
                            values.sort_by(|a, b| a.text.cmp(&b.text));
                            values.dedup_by(|a, b| a.text == b.text && a.kind == b.kind);
                            ConditionEntry {
                                key: Text::new(e.key.value.clone(), Loc::default()),
                                single: values.len() == 1,
                                values,
                            }
                        })
                        .collect();
                    entries.sort_by_key(|e| e.key.value.to_ascii_lowercase());
                    ConditionBlock {
                        operator: Text::new(b.operator.value.clone(), Loc::default()),
                        entries,
                    }
                })
                .collect();
            operators.sort_by(|a, b| a.operator.value.cmp(&b.operator.value));
            Condition {
                operators,
                loc: Loc::default(),
            }
        });
        let principal_key = principal
            .as_ref()
            .map(|(p, not)| format!("{not}{}", crate::model::json::principal_to_json(p)))
            .unwrap_or_default();
        let condition_key = condition
            .as_ref()
            .map(|c| crate::model::json::condition_to_json(c).to_string())
            .unwrap_or_default();
        Ok(Form {
            effect,
            principal,
            actions,
            resources,
            condition,
            principal_key,
            condition_key,
            origins: vec![origin],
        })
    }

    /// Back to a statement, each element a single string when it holds one value.
    pub fn to_statement(&self) -> Statement {
        let mut s = Statement {
            effect: Some(Text::new(self.effect.as_str(), Loc::default())),
            condition: self.condition.clone(),
            ..Statement::default()
        };
        match &self.principal {
            Some((p, false)) => s.principal = Some(p.clone()),
            Some((p, true)) => s.not_principal = Some(p.clone()),
            None => {}
        }
        match &self.actions {
            Actions::Action(a) => s.action = Some(values(a.clone())),
            Actions::NotAction(a) => s.not_action = Some(values(a.clone())),
        }
        match &self.resources {
            Resources::Unstated => {}
            Resources::Resource(r) => s.resource = Some(values(r.clone())),
            Resources::NotResource(r) => s.not_resource = Some(values(r.clone())),
        }
        s
    }

    /// The action patterns, whichever element holds them.
    pub fn patterns(&self) -> &[String] {
        match &self.actions {
            Actions::Action(a) | Actions::NotAction(a) => a,
        }
    }
}

/// Whether an action pattern names something the catalog knows: `*`, a pattern with a
/// placeholder (the catalog cannot tell), or one that covers at least one catalog action.
fn in_catalog(pattern: &str) -> bool {
    pattern == "*"
        || pattern.contains("${")
        || Catalog::get()
            .expand(pattern)
            .is_ok_and(|actions| !actions.is_empty())
}

/// `items` as a Values element: a single string when there is one.
pub fn values(items: Vec<String>) -> Values {
    Values {
        single: items.len() == 1,
        items: items
            .into_iter()
            .map(|v| Text::new(v, Loc::default()))
            .collect(),
        loc: Loc::default(),
    }
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items.dedup();
    items
}

/// `s` with each placeholder written `${Name}`, and, when `${...}` are not policy variables
/// in its document, every other `${` escaped as `${$}{` so that it stays literal text.
pub fn render(s: &str, capitals: bool, variables: bool) -> String {
    let found = placeholder::find(s, capitals);
    if found.is_empty() && (variables || !s.contains("${")) {
        return s.to_string();
    }
    let literal = |part: &str, out: &mut String| {
        if variables {
            out.push_str(part);
        } else {
            out.push_str(&part.replace("${", "${$}{"));
        }
    };
    let mut out = String::with_capacity(s.len() + 8);
    let mut last = 0;
    for f in &found {
        literal(&s[last..f.range.start], &mut out);
        out.push_str("${");
        out.push_str(&s[f.name.clone()]);
        out.push('}');
        last = f.range.end;
    }
    literal(&s[last..], &mut out);
    out
}

/// The action patterns deduplicated ignoring case, catalog actions in AWS's spelling and
/// service prefixes in lower case, none covered by another, sorted ignoring case.
pub fn normal_actions(patterns: Vec<String>) -> Vec<String> {
    let catalog = Catalog::get();
    let mut out: Vec<String> = patterns
        .into_iter()
        .map(|p| {
            if let Some(a) = catalog.action(&p) {
                a.full_name()
            } else if let Some((service, name)) = p.split_once(':') {
                format!("{}:{name}", service.to_ascii_lowercase())
            } else {
                p
            }
        })
        .collect();
    out.sort_by_key(|p| p.to_ascii_lowercase());
    out.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    drop_covered(out, |g, s| covers(g, s, true))
}

/// The resource values deduplicated, none covered by another, sorted.
pub fn normal_resources(items: Vec<String>) -> Vec<String> {
    drop_covered(sorted(items), resource_covers)
}

/// `items` less each one another covers (of two that cover each other, the later goes).
fn drop_covered(items: Vec<String>, covers: impl Fn(&str, &str) -> bool) -> Vec<String> {
    let wild = Wildcards::new(items.iter().map(String::as_str));
    if wild.is_empty() {
        return items;
    }
    let keep: Vec<bool> = (0..items.len())
        .map(|i| {
            !wild.candidates(&items[i]).any(|j| {
                j != i && covers(&items[j], &items[i]) && !(j > i && covers(&items[i], &items[j]))
            })
        })
        .collect();
    items
        .into_iter()
        .zip(keep)
        .filter_map(|(item, keep)| keep.then_some(item))
        .collect()
}

/// The wildcards of a list (by index), found by their text before the first wildcard: only
/// one whose literal prefix starts a text (ignoring case, which only widens) can cover it.
pub struct Wildcards {
    by_prefix: HashMap<String, Vec<usize>>,
}

impl Wildcards {
    pub fn new<'a>(items: impl Iterator<Item = &'a str>) -> Wildcards {
        let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, item) in items.enumerate() {
            if let Some(end) = item.find(['*', '?']) {
                by_prefix
                    .entry(item[..end].to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
        }
        Wildcards { by_prefix }
    }

    pub fn is_empty(&self) -> bool {
        self.by_prefix.is_empty()
    }

    /// The wildcards that may cover `specific`, in no particular order.
    pub fn candidates<'a>(&'a self, specific: &'a str) -> impl Iterator<Item = usize> + 'a {
        let lower = specific.to_ascii_lowercase();
        let ends: Vec<usize> = (0..=lower.len())
            .filter(|&l| lower.is_char_boundary(l))
            .collect();
        ends.into_iter()
            .filter_map(move |l| self.by_prefix.get(&lower[..l]))
            .flatten()
            .copied()
    }
}

/// The five parts before the resource part of an ARN pattern, and the rest.
fn split_arn(s: &str) -> Option<(&str, &str)> {
    let mut colons = s.match_indices(':').map(|(i, _)| i);
    let fifth = colons.nth(4)?;
    Some((&s[..fifth], &s[fifth + 1..]))
}

/// Whether every ARN the Resource value `specific` matches, `general` matches too, as the
/// evaluator matches Resource (part by part; a part ending in `*` may reach past colons):
/// `*`, the same text, or the same first five parts and a resource part that covers.
pub fn resource_covers(general: &str, specific: &str) -> bool {
    if general == "*" || general == specific {
        return true;
    }
    match (split_arn(general), split_arn(specific)) {
        (Some((gh, gr)), Some((sh, sr))) => gh == sh && covers(gr, sr, false),
        _ => false,
    }
}

/// Whether two Resource values can match a common ARN (true when unsure).
pub fn resources_overlap(a: &str, b: &str) -> bool {
    overlaps(a, b, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_written_with_dollar_braces_and_old_variables_stay_literal() {
        assert_eq!(
            render("arn:aws:s3:::UPSOLVER_ORG_ID-{env}/<key>", true, true),
            "arn:aws:s3:::${UPSOLVER_ORG_ID}-${env}/${key}"
        );
        // In a 2008-10-17 document `${aws:username}` is text: the 2012-10-17 output escapes
        // it, and keeps the placeholder a placeholder.
        assert_eq!(
            render("arn:aws:s3:::b/${aws:username}/${Prefix}", false, false),
            "arn:aws:s3:::b/${$}{aws:username}/${Prefix}"
        );
        assert_eq!(
            render("arn:aws:s3:::b/${aws:username}", false, true),
            "arn:aws:s3:::b/${aws:username}"
        );
    }

    #[test]
    fn resource_values_cover_as_the_evaluator_matches_them() {
        assert!(resource_covers("*", "arn:aws:s3:::b"));
        assert!(resource_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/k/*"));
        assert!(resource_covers(
            "arn:aws:logs:*:*:log-group:/v/*",
            "arn:aws:logs:*:*:log-group:/v/*:log-stream:*"
        ));
        assert!(!resource_covers("arn:aws:s3:::b/*", "arn:aws:s3:::b"));
        // Different parts before the resource: not compared, so not covered.
        assert!(!resource_covers(
            "arn:aws:sqs:*:*:q",
            "arn:aws:sqs:us-east-1:*:q"
        ));
        assert!(!resource_covers("arn:aws:s3:::B*", "arn:aws:s3:::b1"));
    }

    #[test]
    fn actions_are_deduplicated_ignoring_case_spelt_as_aws_does_and_sorted() {
        let actions =
            |items: &[&str]| normal_actions(items.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            actions(&[
                "S3:getobject",
                "s3:GetObject",
                "kms:Decrypt",
                "S3:Get*",
                "ec2:x*"
            ]),
            ["ec2:x*", "kms:Decrypt", "s3:Get*"]
        );
    }
}

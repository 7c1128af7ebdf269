//! Findings: what is broken, risky or undocumented in the loaded policies, each with a
//! stable code, a severity, a category and its exact location. `check` runs every rule over
//! every source; loader diagnostics become findings too, placed in the statement they fall in.

pub mod arn;
mod catalog_rules;
pub mod codes;
mod condition_rules;
pub mod finding;
pub mod grants;
pub mod ignore;
pub mod matrix;
mod redundancy;
pub mod risk;
mod security;
mod suggest;
mod validity;

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

pub use codes::{CODES, Category, Code};
pub use finding::{Finding, Place};

use crate::model::{Loc, Source};

/// Codes of loader diagnostics that concern the whole input, never one statement.
const SOURCE_LEVEL: [&str; 3] = ["not-a-policy", "no-policies", "invalid-utf8"];

/// Every finding for these sources, in input order, then by position.
pub fn check(sources: &[Source]) -> Vec<Finding> {
    let mut out = Vec::new();
    for source in sources {
        let start = out.len();
        diagnostics(source, &mut out);
        placeholders(source, &mut out);
        // A policy attached to several holders (a customer managed policy in an account
        // dump) is one document: it is linted once, under the first of them.
        let mut linted = HashSet::new();
        for role in &source.roles {
            for policy in &role.policies {
                let Some(shared) = policy.document.as_ref() else {
                    continue;
                };
                if is_aws_managed(policy) || !linted.insert(Arc::as_ptr(shared)) {
                    // AWS's own policies are read for what they grant, not linted: nobody
                    // reading a vendor's request can change them.
                    continue;
                }
                let doc = shared.as_ref();
                let place = Place::policy(source, role, policy);
                // A policy built from a page's table was never written in IAM's grammar, so
                // its rules (Version, Resource, Sid spelling, how actions are grouped) say
                // nothing about the vendor; what it names (actions, keys) still does.
                let written = !doc.synthesized;
                if written {
                    validity::document(place, doc, &mut out);
                    redundancy::statements(place, policy.kind, doc, &mut out);
                }
                for (i, s) in doc.statements.iter().enumerate() {
                    let place = place.with_statement(i, s);
                    if written {
                        validity::statement(place, policy.kind, s, &mut out);
                        redundancy::actions(place, s, &mut out);
                    }
                    catalog_rules::statement(place, policy.kind, s, &mut out);
                    condition_rules::statement(place, s, &mut out);
                    security::statement(place, policy.kind, role.arn.as_deref(), s, &mut out);
                    inferred(place, s, &mut out);
                }
            }
        }
        risk::source(source, &mut out);
        // Findings about the whole source first, then about holders, then about policies;
        // each by position.
        out[start..].sort_by_key(|f| (f.role.is_some(), f.policy.is_some(), f.loc(), f.code));
    }
    out
}

/// Whether a policy is an AWS managed policy resolved from the catalog.
pub fn is_aws_managed(policy: &crate::model::Policy) -> bool {
    policy
        .managed
        .as_ref()
        .is_some_and(|m| m.arn.starts_with("arn:aws:iam::aws:policy/"))
}

/// `s` escaped for messages: findings are printed to terminals.
pub(crate) fn esc(s: &str) -> Cow<'_, str> {
    crate::text::escape(s)
}

/// How many names a message lists before it says how many more there are.
const LISTED: usize = 3;

/// `a, b, c and 3 more`, for messages that name actions or types.
pub(crate) fn list(names: &[String]) -> String {
    let shown = names.len().min(LISTED);
    let mut text = names[..shown].join(", ");
    if names.len() > shown {
        text.push_str(&format!(" and {} more", names.len() - shown));
    }
    text
}

/// Loader diagnostics as findings, placed in the policy and statement they fall in.
fn diagnostics(source: &Source, out: &mut Vec<Finding>) {
    for d in &source.diagnostics {
        let place = if SOURCE_LEVEL.contains(&d.code) {
            Place::source(source)
        } else {
            place_of(source, d.loc)
        };
        let category = codes::find(d.code).map_or(Category::Validity, |c| c.category);
        out.push(place.finding_with(d.code, d.severity, category, d.loc, d.message.clone()));
    }
}

/// The holder, policy and statement a position falls in: the last statement (or policy, or
/// holder) that starts at or before it.
fn place_of(source: &Source, loc: Loc) -> Place<'_> {
    let mut best = Place::source(source);
    let mut best_loc = Loc::default();
    for role in &source.roles {
        if role.loc <= loc && role.loc >= best_loc && role.loc.is_known() {
            best = Place {
                role: Some(role),
                ..Place::source(source)
            };
            best_loc = role.loc;
        }
        for policy in &role.policies {
            if policy.loc <= loc && policy.loc >= best_loc && policy.loc.is_known() {
                best = Place::policy(source, role, policy);
                best_loc = policy.loc;
            }
            for (i, s) in policy.statements().iter().enumerate() {
                if s.loc <= loc && s.loc >= best_loc && s.loc.is_known() {
                    best = Place::policy(source, role, policy).with_statement(i, s);
                    best_loc = s.loc;
                }
            }
        }
    }
    best
}

/// One finding per placeholder still unfilled, at its first occurrence.
fn placeholders(source: &Source, out: &mut Vec<Finding>) {
    for p in source.placeholders.iter().filter(|p| p.value.is_none()) {
        let loc = p.locations.first().copied().unwrap_or_default();
        out.push(place_of(source, loc).finding(
            codes::UNFILLED_PLACEHOLDER,
            loc,
            format!(
                "placeholder {} is not filled ({}); fill it with --var {}=VALUE",
                esc(&p.syntax.join(", ")),
                crate::text::plural(p.locations.len(), "place", "places"),
                esc(&p.name)
            ),
        ));
    }
}

/// Conditions the documentation implies but the policy does not contain.
fn inferred(place: Place, s: &crate::model::Statement, out: &mut Vec<Finding>) {
    for i in &s.inferred {
        out.push(place.finding(
            codes::INFERRED_CONDITION,
            s.loc,
            format!(
                "the documentation says \"{}\", but the statement has no {} condition on {}",
                esc(&i.from),
                esc(&i.operator),
                esc(&i.key)
            ),
        ));
    }
}

/// For tests: the findings with these codes for a Version 2012-10-17 policy of these
/// statements (JSON objects, comma-separated), as (code, statement number, message).
#[cfg(test)]
pub(crate) fn findings_of(
    codes: &[&str],
    statements: &str,
) -> Vec<(String, Option<usize>, String)> {
    let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
    let sources = [crate::load::load_text(
        "t.json",
        &text,
        &crate::load::Options::default(),
    )];
    check(&sources)
        .into_iter()
        .filter(|f| codes.contains(&f.code))
        .map(|f| (f.code.to_string(), f.statement, f.message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy two holders share (a customer managed policy in an account dump) is linted
    /// once; what each holder is granted is judged for each.
    #[test]
    fn a_shared_policy_is_linted_once() {
        let mut source = crate::load::load_text(
            "dump.json",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"}]}"#,
            &crate::load::Options::default(),
        );
        let mut other = source.roles[0].clone();
        other.name = "other".into();
        source.roles.push(other);
        let found = check(&[source]);
        let count = |code: &str| found.iter().filter(|f| f.code == code).count();
        assert_eq!(count("service-wildcard"), 1);
        assert_eq!(count("pass-role-star"), 1);
        assert_eq!(count("data-exfiltration"), 2);
    }

    /// Every code a loader or rule reports on the samples is defined, so it has help text,
    /// a SARIF rule and can be suppressed by name.
    #[test]
    fn every_reported_code_is_defined() {
        let options = crate::load::Options::default();
        let mut sources = crate::load::samples::load(&options);
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures").to_string();
        sources.extend(crate::load::load_paths(&[fixtures], &options).sources);
        for f in check(&sources) {
            assert!(
                codes::find(f.code).is_some(),
                "`{}` is not in codes::CODES",
                f.code
            );
        }
    }
}

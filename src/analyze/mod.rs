//! Findings: what is broken, risky or undocumented in the loaded policies, each with a
//! stable code, a severity, a category and its exact location. `check` runs every rule over
//! every source; loader diagnostics become findings too, placed in the statement they fall in.

pub mod arn;
mod catalog_rules;
pub use crate::model::codes;
mod condition_rules;
pub mod diff;
pub mod finding;
pub mod grants;
pub mod ignore;
pub mod matrix;
pub mod minimize;
pub mod placeholder_shape;
mod redundancy;
pub mod review;
pub mod review_export;
pub mod review_file;
mod review_summary;
#[cfg(test)]
mod review_tests;
pub mod risk;
pub mod search;
pub(crate) mod security;
mod suggest;
pub mod usage;
pub mod used;
mod validity;

pub use catalog_rules::action_problem;

use std::borrow::Cow;
use std::sync::Arc;

use foldhash::{HashSet, HashSetExt};

pub use codes::{CODES, Category, Code};
pub use finding::{Finding, Place};

use crate::model::{Loc, Source, Unread};

/// Codes of loader diagnostics that concern the whole input, never one statement.
const SOURCE_LEVEL: [&str; 3] = ["not-a-policy", "no-policies", "invalid-utf8"];

/// Every finding for these sources, in input order, then by position.
pub fn check(sources: &[Source]) -> Vec<Finding> {
    let mut out = Vec::new();
    for source in sources {
        let start = out.len();
        diagnostics(source, &mut out);
        // A policy attached to several holders (a customer managed policy in an account
        // dump) is one document: it is linted once, under the first of them.
        let mut linted = HashSet::new();
        let mut names = catalog_rules::Names::default();
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
                    minimize::size::check(place, role.kind, policy, doc, &mut out);
                    redundancy::policy(place, policy.kind, doc, &mut out);
                }
                for (i, s) in doc.statements.iter().enumerate() {
                    let place = place.with_statement(i, s);
                    if written {
                        validity::statement(place, policy.kind, s, &mut out);
                    }
                    catalog_rules::statement(place, policy.kind, s, &mut names, &mut out);
                    condition_rules::statement(place, s, &mut names.hints, &mut out);
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
pub(crate) const LISTED: usize = 3;

/// `a, b, c and 3 more`, for messages that name actions or types.
pub(crate) fn list(names: &[String]) -> String {
    list_of(names, names.len())
}

/// [`list`] of `total` names of which only the first (at least [`LISTED`] of them) are
/// at hand, so that a long list is not written out to be cut.
pub(crate) fn list_of(first: &[String], total: usize) -> String {
    let shown = first.len().min(LISTED);
    let mut text = first[..shown].join(", ");
    if total > shown {
        text.push_str(&format!(" and {} more", total - shown));
    }
    text
}

/// Loader diagnostics and unfilled placeholders as findings, placed in the holder, policy
/// and statement they fall in.
fn diagnostics(source: &Source, out: &mut Vec<Finding>) {
    // Finding each position's place needs every start sorted: worked out only when a
    // diagnostic or an unfilled placeholder needs it (a clean 100 MB dump has millions).
    let needs_places = source
        .diagnostics
        .iter()
        .any(|d| !SOURCE_LEVEL.contains(&d.code))
        || source.placeholders.iter().any(|p| p.value.is_none());
    let places = if needs_places {
        Places::new(source)
    } else {
        Places::empty(source)
    };
    for d in &source.diagnostics {
        let place = if SOURCE_LEVEL.contains(&d.code) {
            Place::source(source)
        } else {
            places.of(d.loc)
        };
        let category = codes::find(d.code).map_or(Category::Validity, |c| c.category);
        out.push(place.finding_with(d.code, d.severity, category, d.loc, d.message.clone()));
    }
    partial(source, out);
    // One finding per placeholder still unfilled, at its first occurrence.
    for p in source.placeholders.iter().filter(|p| p.value.is_none()) {
        let loc = p.locations.first().copied().unwrap_or_default();
        let written = p.syntax.join(", ");
        let syntax = esc(&written);
        let places_text = crate::text::plural(p.locations.len(), "place", "places");
        let message = match &p.bound_by {
            Some(clause) => format!(
                "placeholder {syntax} is not filled ({places_text}): it is the loop variable \
                 of `{}`, one value per item, known when Terraform runs",
                esc(clause)
            ),
            None => format!(
                "placeholder {syntax} is not filled ({places_text}); fill it with --var {}=VALUE",
                esc(&p.name)
            ),
        };
        out.push(
            places
                .of(loc)
                .finding(codes::UNFILLED_PLACEHOLDER, loc, message),
        );
    }
}

/// A `partial-read` error for each policy, holder and source that could not be wholly
/// read, on the first line not read.
fn partial(source: &Source, out: &mut Vec<Finding>) {
    let mut push = |place: Place, what: &str, parts: &[Unread]| {
        if let Some(message) = Unread::warning(what, parts) {
            let loc = Loc::new(parts[0].first_line, 1);
            out.push(place.finding(codes::PARTIAL_READ, loc, message));
        }
    };
    let mut placed: Vec<&Unread> = Vec::new();
    for role in &source.roles {
        for policy in &role.policies {
            push(
                Place::policy(source, role, policy),
                "policy",
                &policy.partial,
            );
            placed.extend(&policy.partial);
        }
        let own = not_in(&role.partial, &placed);
        let holder = Place {
            role: Some(role),
            ..Place::source(source)
        };
        push(holder, "holder", &own);
        placed.extend(&role.partial);
    }
    let own = not_in(&source.unread, &placed);
    push(Place::source(source), "input", &own);
}

/// The parts not already placed in a policy or holder.
fn not_in(parts: &[Unread], placed: &[&Unread]) -> Vec<Unread> {
    parts
        .iter()
        .filter(|u| !placed.contains(u))
        .cloned()
        .collect()
}

/// Where each holder, policy and statement of a source starts, sorted, to find which one
/// a position falls in.
struct Places<'a> {
    source: &'a Source,
    /// Starts in input order, stably sorted by position.
    starts: Vec<(Loc, Place<'a>)>,
}

impl<'a> Places<'a> {
    fn new(source: &'a Source) -> Self {
        let mut starts = Vec::new();
        let mut push = |loc: Loc, place: Place<'a>| {
            // A document from the catalog has no position in this source.
            if loc.is_known() {
                starts.push((loc, place));
            }
        };
        for role in &source.roles {
            let holder = Place {
                role: Some(role),
                ..Place::source(source)
            };
            push(role.loc, holder);
            for policy in &role.policies {
                let place = Place::policy(source, role, policy);
                push(policy.loc, place);
                for (i, s) in policy.statements().iter().enumerate() {
                    push(s.loc, place.with_statement(i, s));
                }
            }
        }
        starts.sort_by_key(|(loc, _)| *loc);
        Places { source, starts }
    }

    /// Places for a source with no position to place: everything falls in the source.
    fn empty(source: &'a Source) -> Self {
        Places {
            source,
            starts: Vec::new(),
        }
    }

    /// The holder, policy and statement `loc` falls in: the last one (in input order, of
    /// those starting at the same position) that starts at or before it.
    fn of(&self, loc: Loc) -> Place<'a> {
        let after = self.starts.partition_point(|(start, _)| *start <= loc);
        after
            .checked_sub(1)
            .map_or(Place::source(self.source), |i| self.starts[i].1)
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
    let sources = [crate::assemble::load_text(
        "t.json",
        &text,
        &crate::assemble::Options::default(),
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
    /// once; what each holder is granted is judged for each and reported once.
    #[test]
    fn a_shared_policy_is_linted_once() {
        let mut source = crate::assemble::load_text(
            "dump.json",
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "iam:PassRole"], "Resource": "*"}]}"#,
            &crate::assemble::Options::default(),
        );
        let mut other = source.roles[0].clone();
        other.name = "other".into();
        source.roles.push(other);
        let found = check(&[source]);
        let count = |code: &str| found.iter().filter(|f| f.code == code).count();
        assert_eq!(count("service-wildcard"), 1);
        assert_eq!(count("pass-role-star"), 1);
        assert_eq!(count("data-exfiltration"), 1);
    }

    /// (code, how many) of the findings of one policy with these statements.
    fn counts(statements: &str) -> Vec<(String, usize)> {
        let all: Vec<&str> = codes::CODES.iter().map(|c| c.code).collect();
        let mut counts = std::collections::BTreeMap::new();
        for (code, _, _) in findings_of(&all, statements) {
            *counts.entry(code).or_default() += 1;
        }
        counts.into_iter().collect()
    }

    /// 2,000 `*` in one Action: each repeat is redundant, and the grant of everything is
    /// judged once.
    #[test]
    fn two_thousand_stars() {
        let stars = vec![r#""*""#; 2000].join(", ");
        let found = counts(&format!(
            r#"{{"Effect": "Allow", "Action": [{stars}], "Resource": "*"}}"#
        ));
        let expected = [
            ("credentials-exposure", 1),
            ("data-exfiltration", 1),
            ("full-admin", 1),
            ("infrastructure-modification", 1),
            ("pass-role-star", 1),
            ("policy-too-large", 1),
            ("privilege-escalation", 1),
            ("redundant-action", 1999),
            ("resource-exposure", 1),
        ];
        assert_eq!(found, expected.map(|(c, n)| (c.to_string(), n)));
    }

    /// Loader diagnostics and duplicate Sids among 2,000 statements are placed in the
    /// statement they are in.
    #[test]
    fn findings_in_two_thousand_statements_are_placed() {
        let statements: Vec<String> = (0..2000)
            .map(|i| {
                format!(
                    r#"{{"Sid": "S{}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k{i}", "Foo": 1}}"#,
                    i % 1000
                )
            })
            .collect();
        let found = findings_of(
            &["unknown-element", "duplicate-sid"],
            &statements.join(",\n"),
        );
        let placed = |code: &str| -> Vec<usize> {
            found
                .iter()
                .filter(|f| f.0 == code)
                .filter_map(|f| f.1)
                .collect()
        };
        assert_eq!(placed("unknown-element"), (1..=2000).collect::<Vec<_>>());
        assert_eq!(placed("duplicate-sid"), (1001..=2000).collect::<Vec<_>>());
    }

    /// Every code a loader or rule reports on the samples is defined, so it has help text,
    /// a SARIF rule and can be suppressed by name.
    #[test]
    fn every_reported_code_is_defined() {
        let options = crate::assemble::Options::default();
        let mut sources = crate::assemble::samples(&options);
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures").to_string();
        sources.extend(crate::assemble::load_paths(&[fixtures], &options).sources);
        for f in check(&sources) {
            assert!(
                codes::find(f.code).is_some(),
                "`{}` is not in codes::CODES",
                f.code
            );
        }
    }
}

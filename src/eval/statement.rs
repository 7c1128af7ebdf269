//! Building the trace of one statement: each element compared again, this time keeping
//! what decided and saying it in words, with the request's and the policy's values side
//! by side. Uses the same matching as the fast path, so the two never disagree.

use super::compile::{CompiledPolicy, CompiledStatement, UnstatedResource};
use super::condition::{Clause, Judgement};
use super::context::{Context, Request};
use super::operator::SetQualifier;
use super::principal::Grant;
use super::trace::{ClauseTrace, ConditionTrace, ElementTrace, StatementTrace};
use super::values;
use crate::model::Effect;

/// The trace of `statement` for `request`, and how directly it names the caller when it
/// applies.
pub fn trace(
    statement: &CompiledStatement,
    request: &Request,
    policy: &CompiledPolicy,
) -> (StatementTrace, Option<Grant>) {
    let action = action(statement, request);
    let resource = resource(statement, request, policy.unstated_resource());
    let principal = principal(statement, request, policy);
    let clauses: Vec<ClauseTrace> = statement
        .conditions
        .iter()
        .map(|c| clause(c, request.context()))
        .collect();
    let condition = ConditionTrace {
        matched: clauses.iter().all(|c| c.matched),
        clauses,
    };
    let grant = statement.applies(request, policy);
    let reason = if statement.effect.is_none() {
        Some(match &statement.effect_written {
            Some(e) => format!("Effect `{e}` is neither Allow nor Deny"),
            None => "no Effect element".to_string(),
        })
    } else if !action.matched {
        Some(format!("action: {}", action.reason))
    } else if !resource.matched {
        Some(format!("resource: {}", resource.reason))
    } else if !principal.matched {
        Some(format!("principal: {}", principal.reason))
    } else {
        condition
            .clauses
            .iter()
            .find(|c| !c.matched)
            .map(|c| format!("condition {} {}: {}", c.operator, c.key, c.reason))
    };
    let trace = StatementTrace {
        index: statement.index,
        sid: statement.sid.clone(),
        effect: statement.effect_written.clone(),
        applies: grant.is_some(),
        reason,
        action,
        resource,
        principal,
        condition,
        line: policy.statement_loc(statement).line,
        column: policy.statement_loc(statement).column,
    };
    (trace, grant)
}

/// Marks the trace of a resource policy's Deny with NotPrincipal as applying to a caller
/// with a permissions boundary (see `CompiledStatement::denies_bounded_caller`).
pub fn bounded_not_principal(trace: &mut StatementTrace) {
    trace.applies = true;
    trace.reason = None;
    trace.principal.matched = true;
    trace.principal.reason = "a Deny with NotPrincipal denies every IAM principal that has a permissions boundary, whatever NotPrincipal lists (IAM User Guide, permissions boundaries)".into();
}

/// At most a few items, then how many there are in all.
pub fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 6;
    let items: Vec<&str> = items.into_iter().collect();
    let mut out: Vec<String> = items.iter().take(SHOWN).map(|i| format!("`{i}`")).collect();
    if items.len() > SHOWN {
        out.push(format!("… ({} in all)", items.len()));
    }
    out.join(", ")
}

fn element(matched: bool, by: Option<&str>, reason: String) -> ElementTrace {
    ElementTrace {
        matched,
        by: by.map(str::to_string),
        reason,
        grant: None,
    }
}

/// How a requested name compared with a list of patterns written as `element` (`Action`)
/// or its Not- form: `found` is the first pattern that matched.
fn listed<'a>(
    element_name: &str,
    name: &str,
    written: impl IntoIterator<Item = &'a str>,
    found: Option<&str>,
    not: bool,
) -> ElementTrace {
    let by = found.unwrap_or("");
    match (found, not) {
        (Some(_), false) => element(true, found, format!("`{name}` matches `{by}`")),
        (None, false) => element(
            false,
            None,
            format!("`{name}` matches none of {}", list(written)),
        ),
        (Some(_), true) => element(
            false,
            found,
            format!("Not{element_name} `{by}` covers `{name}`"),
        ),
        (None, true) => element(
            true,
            None,
            format!("`{name}` is not in Not{element_name} {}", list(written)),
        ),
    }
}

/// How a resource shape (a requested resource with wildcards) compared: an Allow needs
/// some resource of the shape to match, a Deny must match every one.
fn shape<'a>(
    shape: &str,
    written: impl IntoIterator<Item = &'a str>,
    found: Option<&str>,
    not: bool,
    effect: Option<Effect>,
) -> ElementTrace {
    let by = found.unwrap_or("");
    let deny = effect == Some(Effect::Deny);
    let (matched, reason) = match (found.is_some(), not, deny) {
        (true, false, false) => (
            true,
            format!("`{by}` ∩ `{shape}`: some resource of the requested shape matches both"),
        ),
        (false, false, false) => (
            false,
            format!(
                "no resource of the shape `{shape}` matches {}",
                list(written)
            ),
        ),
        (true, false, true) => (
            true,
            format!("`{by}` covers every resource of the shape `{shape}`"),
        ),
        (false, false, true) => (
            false,
            format!(
                "none of {} covers every resource of the shape `{shape}` (a Deny counts only when it does)",
                list(written)
            ),
        ),
        (true, true, false) => (
            false,
            format!("NotResource `{by}` covers every resource of the shape `{shape}`"),
        ),
        (false, true, false) => (
            true,
            format!(
                "some resource of the shape `{shape}` is outside NotResource {}",
                list(written)
            ),
        ),
        (true, true, true) => (
            false,
            format!(
                "NotResource `{by}` ∩ `{shape}`: some resource of the shape is left out of the Deny"
            ),
        ),
        (false, true, true) => (
            true,
            format!(
                "every resource of the shape `{shape}` is outside NotResource {}",
                list(written)
            ),
        ),
    };
    element(matched, found, reason)
}

fn action(s: &CompiledStatement, request: &Request) -> ElementTrace {
    let Some(set) = &s.actions else {
        return element(false, None, "no Action or NotAction element".into());
    };
    let found = set.find(request.action_lower());
    let mut trace = listed(
        "Action",
        request.action(),
        set.patterns.iter().map(|p| p.written.as_str()),
        found.map(|i| set.patterns[i].written.as_str()),
        set.not,
    );
    for p in &set.patterns {
        if let Some(problem) = p.problem() {
            trace
                .reason
                .push_str(&format!("; `{}` matches nothing: {problem}", p.written));
        }
    }
    trace
}

fn resource(s: &CompiledStatement, request: &Request, unstated: UnstatedResource) -> ElementTrace {
    let Some(set) = &s.resources else {
        return match unstated {
            UnstatedResource::AttachedTo => element(
                true,
                None,
                "no Resource element: the statement covers the resource its policy is attached to"
                    .into(),
            ),
            UnstatedResource::Any => element(
                true,
                None,
                "no Resource element: the documentation this statement comes from names no resources; read as any resource"
                    .into(),
            ),
            UnstatedResource::Nothing => {
                element(false, None, "no Resource or NotResource element".into())
            }
        };
    };
    let found = set.decisive(request, s.effect);
    let written = set.patterns.iter().map(|(w, _)| w.as_str());
    let by = found.map(|i| set.patterns[i].0.as_str());
    let mut trace = if request.resource_is_shape() {
        shape(request.resource(), written, by, set.not, s.effect)
    } else {
        listed("Resource", request.resource(), written, by, set.not)
    };
    for (w, p) in &set.patterns {
        if let Some(v) = p.unresolved(request.context()) {
            trace.reason.push_str(&format!(
                "; `{}` has no value in the request, so `{w}` matches nothing",
                v.written
            ));
        }
    }
    trace
}

fn principal(s: &CompiledStatement, request: &Request, policy: &CompiledPolicy) -> ElementTrace {
    let caller = request.caller().describe();
    let Some(set) = &s.principals else {
        return if policy.needs_principal() {
            element(
                false,
                None,
                format!(
                    "no Principal element: a {} policy statement without one applies to no one",
                    policy.kind.as_str()
                ),
            )
        } else {
            element(
                true,
                None,
                format!(
                    "no Principal element: a {} policy applies to its holder",
                    policy.kind.as_str()
                ),
            )
        };
    };
    let found = set.find(request.caller());
    let by = found.map(|(i, _)| set.written(i));
    let mut trace = match (found, set.not) {
        (Some((_, grant)), false) => {
            let how = match grant {
                Grant::Direct => "names the caller",
                Grant::Role => "names the role of the caller's session",
                Grant::Account => "names the caller's account",
            };
            let mut t = element(true, by, format!("`{}` {how}", by.unwrap_or("")));
            t.grant = Some(grant);
            t
        }
        (None, false) => element(
            false,
            None,
            format!("`{caller}` is none of {}", list(set.all_written())),
        ),
        (Some(_), true) => element(
            false,
            by,
            format!("NotPrincipal `{}` names the caller", by.unwrap_or("")),
        ),
        (None, true) => {
            let mut t = element(
                true,
                None,
                format!(
                    "NotPrincipal {} leaves out `{caller}`",
                    list(set.all_written())
                ),
            );
            t.grant = Some(Grant::Direct);
            t
        }
    };
    if set.has_partial_wildcard() {
        trace
            .reason
            .push_str("; a wildcard inside a principal matches nothing (only a lone * does)");
    }
    trace
}

/// The trace of one condition clause.
pub fn clause(c: &Clause, context: &Context) -> ClauseTrace {
    let request_values = c.request_values(context);
    let has_variables = c.values.iter().any(|v| v.unresolved(context).is_some())
        || c.values.iter().any(|v| v.resolved(context).is_some());
    let resolved_policy_values = has_variables.then(|| {
        c.values
            .iter()
            .map(|v| match (v.resolved(context), v.unresolved(context)) {
                (Some(r), _) => r,
                (None, Some(var)) => format!("{var} (no value)"),
                (None, None) => v.written.clone(),
            })
            .collect()
    });
    let judgement = c.judge(context);
    let mut reason = judgement_reason(c, judgement, request_values);
    for note in problems(c, context, request_values) {
        reason.push_str("; ");
        reason.push_str(&note);
    }
    ClauseTrace {
        operator: c.operator_written.clone(),
        key: c.key.clone(),
        request_values: request_values.to_vec(),
        policy_values: c.values.iter().map(|v| v.written.clone()).collect(),
        resolved_policy_values,
        key_missing: matches!(judgement, Judgement::KeyMissing { .. })
            || matches!(judgement, Judgement::Null { present: false, .. }),
        matched: judgement.matched(),
        reason,
    }
}

fn judgement_reason(c: &Clause, judgement: Judgement, request: &[String]) -> String {
    let op = match &c.operator {
        Err(e) => return format!("{}; the clause is false", e.message),
        Ok(op) => op,
    };
    match judgement {
        Judgement::UnknownOperator => "unknown operator; the clause is false".into(),
        Judgement::KeyMissing { rule, .. } => rule.explain().to_string(),
        Judgement::Null { present, .. } => {
            let is = if present {
                "present"
            } else {
                "absent (key missing)"
            };
            let asks: Vec<&str> = c
                .values
                .iter()
                .map(|v| match values::boolean(&v.written) {
                    Ok(true) => "absent",
                    Ok(false) => "present",
                    Err(_) => "(not true or false)",
                })
                .collect();
            format!(
                "the key is {is}; Null asks for it to be {}",
                asks.join(" or ")
            )
        }
        Judgement::Compared { matched, witness } => {
            use SetQualifier::{ForAllValues as All, ForAnyValue as Any};
            let rv = witness
                .and_then(|(r, _)| request.get(r))
                .map_or("", String::as_str);
            let pv = witness
                .and_then(|(_, p)| p)
                .and_then(|p| c.values.get(p))
                .map_or("", |v| v.written.as_str());
            match (op.set, op.is_negated(), matched) {
                (None | Some(Any), false, true) | (None | Some(All), true, false) => {
                    format!("request value `{rv}` matches policy value `{pv}`")
                }
                (None | Some(Any), false, false) | (None | Some(All), true, true) => {
                    "no request value matches a policy value".into()
                }
                (Some(Any), true, true) | (Some(All), false, false) => {
                    format!("request value `{rv}` matches no policy value")
                }
                (Some(Any), true, false) | (Some(All), false, true) => {
                    "every request value matches a policy value".into()
                }
            }
        }
    }
}

/// Values that could not be read as the operator's type, and variables without a value.
fn problems(c: &Clause, context: &Context, request: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for v in &c.values {
        if let Some(p) = v.problem() {
            out.push(format!("policy value {p}"));
        }
        if let Some(var) = v.unresolved(context) {
            out.push(format!(
                "`{var}` has no value in the request, so `{}` matches nothing",
                v.written
            ));
        }
    }
    let Ok(op) = &c.operator else {
        return out;
    };
    for r in request {
        let problem = op.value_type().check(r).err();
        if let Some(p) = problem {
            out.push(format!("request value {p}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(pairs: &[(&'static str, &'static str)]) -> Context {
        pairs.iter().copied().collect()
    }

    #[test]
    fn a_clause_shows_both_sides_and_what_decided() {
        let c = Clause::compile("StringEquals", "sts:ExternalId", &["abc"], true);
        let t = clause(&c, &context(&[("sts:externalid", "wrong")]));
        assert_eq!(t.request_values, ["wrong"]);
        assert_eq!(t.policy_values, ["abc"]);
        assert!(!t.matched);
        assert_eq!(t.reason, "no request value matches a policy value");
        let t = clause(&c, &Context::default());
        assert!(t.key_missing);
        assert_eq!(
            t.reason,
            "key missing: a positive operator is false without a value"
        );
    }

    #[test]
    fn variables_show_their_substituted_values() {
        let c = Clause::compile("StringLike", "s3:prefix", &["${aws:username}/*"], true);
        let t = clause(
            &c,
            &context(&[("s3:prefix", "bob/x"), ("aws:username", "bob")]),
        );
        assert!(t.matched);
        assert_eq!(t.resolved_policy_values, Some(vec!["bob/*".to_string()]));
        let t = clause(&c, &context(&[("s3:prefix", "bob/x")]));
        assert!(!t.matched);
        assert!(
            t.reason
                .contains("`${aws:username}` has no value in the request")
        );
    }

    #[test]
    fn unreadable_values_are_named() {
        let c = Clause::compile("NumericLessThan", "n", &["ten"], true);
        let t = clause(&c, &context(&[("n", "x")]));
        assert!(t.reason.contains("policy value `ten` is not a number"));
        assert!(t.reason.contains("request value `x` is not a number"));
    }
}

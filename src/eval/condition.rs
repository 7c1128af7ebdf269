//! Condition clauses: one operator and one key with its policy values, compiled once and
//! judged against the request context.
//!
//! The rules, per the IAM reference: several policy values are ORed; a negated operator
//! (`StringNotEquals`, `NotIpAddress`...) is true when no policy value matches; a key the
//! request lacks makes a positive operator false and a negated one true; `...IfExists` is
//! true when the key is absent; `ForAllValues:` is true when every request value matches
//! (and when there are none), `ForAnyValue:` when at least one does (false when there are
//! none); `Null` tests presence. Values are read as the operator's type; a value that is
//! not of that type matches nothing.

use super::context::Context;
use super::operator::{
    BaseOperator, Operator, SetQualifier, UnknownOperator, ValueType, parse_operator,
};
use super::pattern::{ArnPattern, Pattern, Syntax};
use super::values::{self, Cidr, Instant};

/// One compiled clause of a Condition element.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// The operator as written.
    pub operator_written: String,
    pub operator: Result<Operator, UnknownOperator>,
    /// The key as written.
    pub key: String,
    key_lower: String,
    pub values: Vec<PolicyValue>,
}

/// A policy value as written and as read for its operator.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyValue {
    pub written: String,
    read: Read,
}

#[derive(Clone, Debug, PartialEq)]
enum Read {
    String(Pattern),
    Arn(ArnPattern),
    Number(Result<f64, String>),
    Date(Result<Instant, String>),
    Bool(Result<bool, String>),
    Binary(Result<Vec<u8>, String>),
    Cidr(Result<Cidr, String>),
    /// Unreadable because the operator is unknown.
    Unread,
}

impl PolicyValue {
    fn read(written: &str, operator: Option<&Operator>, variables: bool) -> PolicyValue {
        let read = match operator {
            None => Read::Unread,
            Some(op) => {
                let syntax = Syntax {
                    wildcards: op.base.has_wildcards(),
                    variables: variables && op.base.takes_variables(),
                };
                match op.value_type() {
                    ValueType::String => Read::String(Pattern::parse(written, syntax)),
                    ValueType::Arn => Read::Arn(ArnPattern::parse(written, syntax.variables)),
                    ValueType::Numeric => Read::Number(values::number(written)),
                    ValueType::Date => Read::Date(values::date(written)),
                    ValueType::Bool | ValueType::Null => Read::Bool(values::boolean(written)),
                    ValueType::Binary => Read::Binary(values::base64(written)),
                    ValueType::IpAddress => Read::Cidr(Cidr::parse(written)),
                }
            }
        };
        PolicyValue {
            written: written.to_string(),
            read,
        }
    }

    /// Why this value can never match, when it cannot be read as its operator's type.
    pub fn problem(&self) -> Option<&str> {
        match &self.read {
            Read::Number(Err(e))
            | Read::Date(Err(e))
            | Read::Bool(Err(e))
            | Read::Binary(Err(e))
            | Read::Cidr(Err(e)) => Some(e),
            _ => None,
        }
    }

    /// The value with its policy variables substituted, when it has any and they resolve.
    pub fn resolved(&self, context: &Context) -> Option<String> {
        let resolved = match &self.read {
            Read::String(p) if p.variables().next().is_some() => p.resolve(context),
            Read::Arn(p) if p.variables().next().is_some() => p.resolve(context),
            _ => None,
        };
        resolved.map(|r| r.into_owned())
    }

    /// The first variable of this value without a value in `context`, as written.
    pub fn unresolved(&self, context: &Context) -> Option<&str> {
        let v = match &self.read {
            Read::String(p) => p.unresolved(context),
            Read::Arn(p) => p.unresolved(context),
            _ => None,
        };
        v.map(|v| v.written.as_str())
    }

    /// Whether a request value matches this value under the positive operator `base`.
    fn matches(&self, base: BaseOperator, request: &str, context: &Context) -> bool {
        match &self.read {
            Read::String(p) if base == BaseOperator::StringEqualsIgnoreCase => p
                .resolve(context)
                .is_some_and(|v| fold_case_eq(&v, request)),
            Read::String(p) => p.matches(request, context),
            Read::Arn(p) => p.matches(request, context),
            Read::Number(Ok(n)) => values::number(request)
                .ok()
                .and_then(|r| r.partial_cmp(n))
                .is_some_and(|o| base.ordering().holds(o)),
            Read::Date(Ok(d)) => {
                values::date(request).is_ok_and(|r| base.ordering().holds(r.cmp(d)))
            }
            Read::Bool(Ok(b)) => values::boolean(request) == Ok(*b),
            Read::Binary(Ok(bytes)) => values::base64(request).is_ok_and(|r| r == *bytes),
            Read::Cidr(Ok(c)) => values::ip_address(request).is_ok_and(|ip| c.contains(ip)),
            _ => false,
        }
    }
}

fn fold_case_eq(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// How a clause came out, with what decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judgement {
    /// The operator is not one IAM defines: the clause is false.
    UnknownOperator,
    /// The key has no values in the request; `rule` says what that means here.
    KeyMissing { matched: bool, rule: MissingRule },
    /// `Null`: whether the key is present decided.
    Null { matched: bool, present: bool },
    /// Values were compared. `witness` is the request value (and the policy value it
    /// matched, if any) that decided: for a true positive clause a matching pair, for a
    /// false negated clause the pair that matched, for a false `ForAllValues:` the request
    /// value that matched nothing.
    Compared {
        matched: bool,
        witness: Option<(usize, Option<usize>)>,
    },
}

impl Judgement {
    pub fn matched(self) -> bool {
        match self {
            Judgement::UnknownOperator => false,
            Judgement::KeyMissing { matched, .. }
            | Judgement::Null { matched, .. }
            | Judgement::Compared { matched, .. } => matched,
        }
    }
}

/// What a missing key means for a clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingRule {
    /// A positive operator is false.
    Positive,
    /// A negated operator is true.
    Negated,
    /// `...IfExists` is true.
    IfExists,
    /// `ForAllValues:` over no values is true.
    ForAllValues,
    /// `ForAnyValue:` over no values is false.
    ForAnyValue,
}

impl MissingRule {
    pub fn explain(self) -> &'static str {
        match self {
            MissingRule::Positive => "key missing: a positive operator is false without a value",
            MissingRule::Negated => "key missing: a negated operator is true without a value",
            MissingRule::IfExists => "key missing: ...IfExists is true when the key is absent",
            MissingRule::ForAllValues => {
                "key missing: ForAllValues is true when there are no values"
            }
            MissingRule::ForAnyValue => {
                "key missing: ForAnyValue is false when there are no values"
            }
        }
    }
}

impl Clause {
    pub fn compile(operator: &str, key: &str, policy_values: &[&str], variables: bool) -> Clause {
        let parsed = parse_operator(operator);
        let values = policy_values
            .iter()
            .map(|v| PolicyValue::read(v, parsed.as_ref().ok(), variables))
            .collect();
        Clause {
            operator_written: operator.to_string(),
            operator: parsed,
            key: key.to_string(),
            key_lower: key.to_lowercase(),
            values,
        }
    }

    /// The request's values for this clause's key; empty when the key is absent.
    pub fn request_values<'a>(&self, context: &'a Context) -> &'a [String] {
        context.get(&self.key_lower).unwrap_or(&[])
    }

    pub fn matches(&self, context: &Context) -> bool {
        self.judge(context).matched()
    }

    pub fn judge(&self, context: &Context) -> Judgement {
        let Ok(op) = &self.operator else {
            return Judgement::UnknownOperator;
        };
        let request = self.request_values(context);
        if op.base == BaseOperator::Null {
            let present = !request.is_empty();
            let matched = self
                .values
                .iter()
                .any(|v| matches!(v.read, Read::Bool(Ok(absent)) if absent != present));
            return Judgement::Null { matched, present };
        }
        if request.is_empty() {
            let rule = match op.set {
                Some(SetQualifier::ForAllValues) => MissingRule::ForAllValues,
                _ if op.if_exists => MissingRule::IfExists,
                Some(SetQualifier::ForAnyValue) => MissingRule::ForAnyValue,
                None if op.is_negated() => MissingRule::Negated,
                None => MissingRule::Positive,
            };
            let matched = !matches!(rule, MissingRule::Positive | MissingRule::ForAnyValue);
            return Judgement::KeyMissing { matched, rule };
        }
        let base = op.base.positive();
        let hit = |r: &String| self.values.iter().position(|v| v.matches(base, r, context));
        let negated = op.is_negated();
        // A request value with the policy value it matches.
        let any_pair = || {
            request
                .iter()
                .enumerate()
                .find_map(|(i, r)| hit(r).map(|p| (i, Some(p))))
        };
        // A request value that matches no policy value.
        let unmatched = || {
            request
                .iter()
                .position(|r| hit(r).is_none())
                .map(|i| (i, None))
        };
        let (matched, witness) = match (op.set, negated) {
            (None, _) | (Some(SetQualifier::ForAnyValue), false) => {
                let found = any_pair();
                (found.is_some() != negated, found)
            }
            (Some(SetQualifier::ForAnyValue), true) => {
                let found = unmatched();
                (found.is_some(), found)
            }
            (Some(SetQualifier::ForAllValues), false) => {
                let found = unmatched();
                (found.is_none(), found)
            }
            (Some(SetQualifier::ForAllValues), true) => {
                let found = any_pair();
                (found.is_none(), found)
            }
        };
        Judgement::Compared { matched, witness }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(pairs: &[(&'static str, &'static str)]) -> Context {
        pairs.iter().copied().collect()
    }

    fn matches(op: &str, key: &str, values: &[&str], ctx: &Context) -> bool {
        Clause::compile(op, key, values, true).matches(ctx)
    }

    #[test]
    fn missing_keys_follow_the_operator() {
        let none = Context::default();
        assert!(!matches("StringEquals", "k", &["a"], &none));
        assert!(matches("StringNotEquals", "k", &["a"], &none));
        assert!(matches("StringEqualsIfExists", "k", &["a"], &none));
        assert!(matches("ForAllValues:StringEquals", "k", &["a"], &none));
        assert!(!matches("ForAnyValue:StringEquals", "k", &["a"], &none));
        assert!(matches(
            "ForAnyValue:StringEqualsIfExists",
            "k",
            &["a"],
            &none
        ));
        assert!(matches("Null", "k", &["true"], &none));
        assert!(!matches("Null", "k", &["false"], &none));
    }

    #[test]
    fn set_qualifiers_over_several_values() {
        let ab = context(&[("k", "a"), ("k", "b")]);
        assert!(!matches("ForAllValues:StringEquals", "k", &["a"], &ab));
        assert!(matches("ForAnyValue:StringEquals", "k", &["a"], &ab));
        assert!(matches(
            "ForAllValues:StringEquals",
            "k",
            &["a", "b", "c"],
            &ab
        ));
        assert!(!matches("ForAllValues:StringNotEquals", "k", &["a"], &ab));
        assert!(matches("ForAllValues:StringNotEquals", "k", &["c"], &ab));
        assert!(matches("ForAnyValue:StringNotEquals", "k", &["a"], &ab));
        assert!(!matches(
            "ForAnyValue:StringNotEquals",
            "k",
            &["a", "b"],
            &ab
        ));
    }

    #[test]
    fn values_are_compared_as_the_operator_types_them() {
        let c = context(&[
            ("n", "10"),
            ("d", "2024-06-01T00:00:00Z"),
            ("ip", "203.0.113.9"),
            ("b", "TRUE"),
            ("bin", "QmluYXJ5"),
            ("s", "Hello"),
        ]);
        assert!(matches("NumericGreaterThan", "n", &["9"], &c));
        assert!(!matches("StringLike", "n", &["9*"], &c));
        assert!(matches("NumericEquals", "n", &["10.0"], &c));
        assert!(matches("DateGreaterThan", "d", &["2024-05-31"], &c));
        assert!(matches("DateLessThan", "d", &["1717286400"], &c));
        assert!(matches("IpAddress", "ip", &["203.0.113.0/24"], &c));
        assert!(matches("NotIpAddress", "ip", &["10.0.0.0/8"], &c));
        assert!(matches("Bool", "b", &["true"], &c));
        assert!(matches("BinaryEquals", "bin", &["QmluYXJ5"], &c));
        assert!(matches("StringEqualsIgnoreCase", "s", &["hELLO"], &c));
        assert!(!matches("StringEquals", "s", &["hello"], &c));
        assert!(!matches("NumericLessThan", "s", &["5"], &c));
    }

    #[test]
    fn unknown_operators_never_match() {
        let c = context(&[("k", "a")]);
        let clause = Clause::compile("StringEqualz", "k", &["a"], true);
        assert_eq!(clause.judge(&c), Judgement::UnknownOperator);
    }

    #[test]
    fn the_witness_names_the_deciding_values() {
        let c = context(&[("k", "x"), ("k", "b")]);
        let j = Clause::compile("StringEquals", "k", &["a", "b"], true).judge(&c);
        assert_eq!(
            j,
            Judgement::Compared {
                matched: true,
                witness: Some((1, Some(1)))
            }
        );
        let j = Clause::compile("ForAllValues:StringEquals", "k", &["b"], true).judge(&c);
        assert_eq!(
            j,
            Judgement::Compared {
                matched: false,
                witness: Some((0, None))
            }
        );
    }
}

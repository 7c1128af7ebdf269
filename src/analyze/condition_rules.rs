//! Rules on Condition keys, from the catalog: keys no service defines or none of the
//! statement's actions supports, operators of another type than the key's, and
//! `ForAllValues:` on single-valued keys.

use std::cell::OnceCell;

use super::codes::{CONDITION_TYPE_MISMATCH, FOR_ALL_VALUES_SINGLE_VALUED, UNKNOWN_CONDITION_KEY};
use super::finding::{Finding, Place};
use super::grants::{self, distinct_patterns};
use super::suggest::{self, Hints};
use super::{esc, list};
use crate::catalog::conditions::template_glob;
use crate::catalog::{Action, Catalog, ConditionKeyInfo, ConditionKeyType, KeySource};
use crate::eval::condition::Clause;
use crate::eval::{SetQualifier, ValueType, parse_operator};
use crate::model::glob::matches_ignore_ascii_case;
use crate::model::{ConditionEntry, Statement};

pub fn statement(place: Place, s: &Statement, hints: &mut Hints, out: &mut Vec<Finding>) {
    let Some(condition) = &s.condition else {
        return;
    };
    // The statement's actions, expanded once, when they are few enough to say which keys
    // they support: not `*`, not NotAction, and every pattern known to the catalog.
    let mut actions: Option<Option<Vec<&'static Action>>> = None;
    for block in &condition.operators {
        let Ok(operator) = parse_operator(&block.operator.value) else {
            continue;
        };
        for entry in &block.entries {
            let key = entry.key.value.as_str();
            if is_template(key) {
                continue;
            }
            value_type_mismatch(
                place,
                &block.operator.value,
                operator.value_type(),
                entry,
                out,
            );
            let Some(info) = Catalog::get().condition_key(key) else {
                unknown_key(place, entry, hints, out);
                continue;
            };
            if let KeySource::Service(_) = info.source {
                let actions = actions.get_or_insert_with(|| keyed_actions(s));
                let support = KeySupport::new(key, &info);
                if let Some(actions) = actions
                    && !actions.iter().any(|a| support.by(a))
                {
                    unsupported_key(place, entry, actions, out);
                }
            }
            let value_type = operator.value_type();
            if !fits(value_type, &info) {
                out.push(place.finding(
                    CONDITION_TYPE_MISMATCH,
                    entry.key.loc,
                    format!(
                        "`{}` compares {} values, but `{}` is of type {}{}",
                        esc(&block.operator.value),
                        value_type.as_str(),
                        esc(key),
                        info.key_type,
                        advice(&info)
                    ),
                ));
            }
            if operator.set == Some(SetQualifier::ForAllValues) && !info.key_type.is_array() {
                out.push(place.finding(
                    FOR_ALL_VALUES_SINGLE_VALUED,
                    block.operator.loc,
                    format!(
                        "`{}` on the single-valued key `{}` is true for requests without the key; use `{}` without ForAllValues:",
                        esc(&block.operator.value),
                        esc(key),
                        operator.base.as_str()
                    ),
                ));
            }
        }
    }
}

/// A value that cannot be of its operator's type (`DateGreaterThan` with `"bad"`,
/// `NumericLessThan` with `"ten"`, `Bool` with `"yes"`), whatever the key: read as the
/// evaluator reads it, such a value matches nothing. Values with policy variables or
/// placeholders are judged once filled.
fn value_type_mismatch(
    place: Place,
    operator: &str,
    value_type: ValueType,
    entry: &ConditionEntry,
    out: &mut Vec<Finding>,
) {
    let values: Vec<&str> = entry.values.iter().map(|v| v.text.as_str()).collect();
    let clause = Clause::compile(operator, &entry.key.value, &values, true);
    let bad = clause
        .values
        .iter()
        .zip(&entry.values)
        .filter(|(_, v)| !is_template(&v.text))
        .find_map(|(read, v)| read.problem().map(|problem| (v, problem)));
    if let Some((value, problem)) = bad {
        out.push(place.finding(
            CONDITION_TYPE_MISMATCH,
            value.loc,
            format!(
                "`{}` compares {} values, but {}: the clause matches nothing",
                esc(operator),
                value_type.as_str(),
                esc(problem)
            ),
        ));
    }
}

/// Keys that hold a placeholder are judged once it is filled.
fn is_template(key: &str) -> bool {
    key.contains("${") || !crate::model::placeholder::find(key, false).is_empty()
}

/// A key the catalog does not know. Keys of web identity providers
/// (`oidc.eks.us-east-1.amazonaws.com/id/ABC:sub`, `token.actions.githubusercontent.com:sub`)
/// are named after the provider, so any such key may be real.
fn unknown_key(place: Place, entry: &ConditionEntry, hints: &mut Hints, out: &mut Vec<Finding>) {
    let key = entry.key.value.as_str();
    let Some((prefix, name)) = key.split_once(':') else {
        out.push(place.finding(
            UNKNOWN_CONDITION_KEY,
            entry.key.loc,
            format!(
                "`{}` is not a condition key: keys are written prefix:name, such as aws:SourceIp",
                esc(key)
            ),
        ));
        return;
    };
    if prefix.contains(['.', '/']) {
        return;
    }
    let catalog = Catalog::get();
    let hint = hints.get(format!("key {key}"), || {
        let known: Vec<&str> = if prefix.eq_ignore_ascii_case("aws") {
            crate::catalog::GLOBAL_KEYS
                .iter()
                .map(|(k, _)| *k)
                .collect()
        } else {
            catalog
                .service(prefix)
                .map(|s| s.condition_keys().iter().map(|k| k.name).collect())
                .unwrap_or_default()
        };
        let names: Vec<&str> = known
            .iter()
            .filter_map(|k| k.split_once(':').map(|(_, n)| n))
            .collect();
        let near: Vec<String> = suggest::nearest(name, names)
            .into_iter()
            .map(|n| format!("`{prefix}:{n}`"))
            .collect();
        if near.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", near.join(" or "))
        }
    });
    let whose = if prefix.eq_ignore_ascii_case("aws") {
        "a global condition key".to_string()
    } else if catalog.service(prefix).is_some() {
        format!("a condition key of {}", esc(prefix))
    } else {
        "a condition key of any AWS service".to_string()
    };
    out.push(place.finding(
        UNKNOWN_CONDITION_KEY,
        entry.key.loc,
        format!("`{}` is not {whose}{hint}", esc(key)),
    ));
}

/// The statement's actions, or `None` when they cover too much (or something unknown) to
/// say which keys they support.
fn keyed_actions(s: &Statement) -> Option<Vec<&'static Action>> {
    let written = s.action.as_ref()?;
    if distinct_patterns(written).into_iter().any(|p| {
        p.value == "*"
            || Catalog::get()
                .expand(&p.value)
                .map_or(true, |actions| actions.is_empty())
    }) {
        return None;
    }
    Some(
        grants::statement_actions(s)
            .into_iter()
            .map(|(a, _)| a)
            .collect(),
    )
}

/// Which actions support one condition key (defined as `info`): listed for the action,
/// for one of its resource types as the action uses it, or for that resource type in
/// general. The reference is not always consistent, so some silences count as yes: a
/// templated key the action lists under another template name
/// (`secretsmanager:ResourceTag/tag-key` for `secretsmanager:ResourceTag/${TagKey}`), any
/// key of its own service for an action that lists no key at all, and a key its service
/// defines but lists for no action (a key of the whole service, worked out once per key).
struct KeySupport<'k> {
    key: &'k str,
    info: &'k ConditionKeyInfo,
    /// The key's name up to its first template variable, lower-cased.
    stem: Option<String>,
    /// Whether no action of the key's service lists it.
    listed_by_none: OnceCell<bool>,
}

impl<'k> KeySupport<'k> {
    fn new(key: &'k str, info: &'k ConditionKeyInfo) -> Self {
        KeySupport {
            key,
            info,
            stem: info
                .name
                .find(['$', '<'])
                .map(|at| info.name[..at].to_ascii_lowercase()),
            listed_by_none: OnceCell::new(),
        }
    }

    /// Whether a key an action lists is this one.
    fn fits(&self, listed: &str) -> bool {
        listed.eq_ignore_ascii_case(self.key)
            || (listed.contains(['$', '<'])
                && matches_ignore_ascii_case(&template_glob(listed), self.key))
            || self.stem.as_deref().is_some_and(|stem| {
                listed.len() > stem.len()
                    && listed.is_char_boundary(stem.len())
                    && listed[..stem.len()].eq_ignore_ascii_case(stem)
            })
    }

    /// Whether `action` supports the key.
    fn by(&self, action: &Action) -> bool {
        if listed_keys(action).any(|k| self.fits(k)) {
            return true;
        }
        self.info.source == KeySource::Service(action.service)
            && (listed_keys(action).next().is_none()
                || *self.listed_by_none.get_or_init(|| {
                    !Catalog::get().service(action.service).is_some_and(|s| {
                        s.actions()
                            .iter()
                            .any(|a| listed_keys(a).any(|k| self.fits(k)))
                    })
                }))
    }
}

/// The condition keys the catalog lists for an action: its own, and those of its resource
/// types (as the action uses them, and in general).
fn listed_keys(action: &Action) -> impl Iterator<Item = &'static str> + '_ {
    let service = Catalog::get().service(action.service);
    action
        .condition_keys()
        .chain(action.resource_types.iter().flat_map(move |rt| {
            let general = service.and_then(|s| s.resource_type(rt.name));
            rt.condition_keys()
                .chain(general.into_iter().flat_map(|t| t.condition_keys()))
        }))
}

fn unsupported_key(
    place: Place,
    entry: &ConditionEntry,
    actions: &[&'static Action],
    out: &mut Vec<Finding>,
) {
    let names: Vec<String> = actions.iter().map(|a| a.full_name()).collect();
    out.push(place.finding(
        UNKNOWN_CONDITION_KEY,
        entry.key.loc,
        format!(
            "`{}` is not a condition key of {}{}, so the condition never finds it in the request",
            esc(&entry.key.value),
            if names.len() == 1 { "" } else { "any of " },
            list(&names)
        ),
    ));
}

/// The operator types that read a key of type `key` as written: the key's own, String
/// and ARN operators for each other's keys (an ARN is a string; AWS documents both), String
/// operators for Bool keys (whose values are the text `true` or `false`, as AWS's own
/// managed policies compare them), and Null for any key.
fn fits(operator: ValueType, info: &ConditionKeyInfo) -> bool {
    use ConditionKeyType as K;
    let fits_type = |key: ConditionKeyType| {
        matches!(
            (operator, key.element()),
            (ValueType::Null, _)
                | (ValueType::String | ValueType::Arn, K::String | K::Arn)
                | (ValueType::String, K::Bool)
                | (ValueType::Numeric, K::Numeric)
                | (ValueType::Date, K::Date)
                | (ValueType::Bool, K::Bool)
                | (ValueType::IpAddress, K::IpAddress)
                | (ValueType::Binary, K::Binary)
        )
    };
    fits_type(info.key_type) || info.also.is_some_and(fits_type)
}

/// Which operators to use instead.
fn advice(info: &ConditionKeyInfo) -> &'static str {
    match info.key_type.element() {
        ConditionKeyType::Numeric => "; use a Numeric operator",
        ConditionKeyType::Date => "; use a Date operator",
        ConditionKeyType::Bool => "; use Bool",
        ConditionKeyType::IpAddress => "; use IpAddress or NotIpAddress",
        ConditionKeyType::Binary => "; use BinaryEquals",
        _ => "; use a String or ARN operator",
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::findings_of;

    /// (code, message) of each finding of these rules, in order.
    fn findings(statement: &str) -> Vec<(String, String)> {
        let codes = [
            "unknown-condition-key",
            "condition-type-mismatch",
            "for-all-values-single-valued",
        ];
        findings_of(&codes, statement)
            .into_iter()
            .map(|(code, _, message)| (code, message))
            .collect()
    }

    #[test]
    fn keys_must_exist_and_fit_the_actions() {
        let found = findings(
            r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*",
                "Condition": {"StringEquals": {"aws:SourceVPC": "vpc-1", "aws:SourceVpcId": "vpc-1",
                  "s3:ExistingObjectTag/Owner": "me", "ec2:ResourceTag/Owner": "me", "kms:ViaService": "s3",
                  "s3:NoSuchKey": "x", "token.actions.githubusercontent.com:sub": "repo:o/r:*",
                  "${Issuer}:aud": "x", "nokey": "x"}}}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "unknown-condition-key".into(),
                    "`aws:SourceVpcId` is not a global condition key; did you mean `aws:SourceVpc`?".into()
                ),
                (
                    "unknown-condition-key".into(),
                    "`ec2:ResourceTag/Owner` is not a condition key of any of s3:GetObject, s3:PutObject, so the condition never finds it in the request".into()
                ),
                (
                    "unknown-condition-key".into(),
                    "`kms:ViaService` is not a condition key of any of s3:GetObject, s3:PutObject, so the condition never finds it in the request".into()
                ),
                (
                    "unknown-condition-key".into(),
                    "`s3:NoSuchKey` is not a condition key of s3".into()
                ),
                (
                    "unknown-condition-key".into(),
                    "`nokey` is not a condition key: keys are written prefix:name, such as aws:SourceIp".into()
                ),
            ]
        );
    }

    #[test]
    fn values_must_be_of_the_operators_type_whatever_the_key() {
        let found = findings(
            r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*",
                "Condition": {"DateGreaterThan": {"aws:CurrentTime": "bad"},
                  "NumericLessThan": {"s3:max-keys": ["10", "ten"]}, "Bool": {"aws:SecureTransport": "yes"},
                  "NumericEquals": {"s3:max-keys": "${aws:username}"}, "DateLessThan": {"aws:CurrentTime": "2025-01-01"}}}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "condition-type-mismatch".into(),
                    "`DateGreaterThan` compares Date values, but `bad` is not a date (ISO 8601, such as 2024-01-31T12:00:00Z, or epoch seconds): the clause matches nothing".into()
                ),
                (
                    "condition-type-mismatch".into(),
                    "`NumericLessThan` compares Numeric values, but `ten` is not a number: the clause matches nothing".into()
                ),
                (
                    "condition-type-mismatch".into(),
                    "`Bool` compares Bool values, but `yes` is not true or false: the clause matches nothing".into()
                ),
            ]
        );
    }

    #[test]
    fn operators_must_fit_the_key_type() {
        let found = findings(
            r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                "Condition": {"StringLike": {"aws:CurrentTime": "2024*", "aws:SourceArn": "arn:*", "aws:SourceIp": "10.*"},
                  "ArnLike": {"aws:PrincipalArn": "arn:*"}, "NumericLessThan": {"aws:EpochTime": "1"},
                  "DateGreaterThan": {"aws:MultiFactorAuthAge": "2020-01-01T00:00:00Z"},
                  "ForAllValues:StringEquals": {"aws:TagKeys": ["a"], "aws:PrincipalOrgID": "o-1"},
                  "Null": {"aws:SourceIp": "true"}}}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "condition-type-mismatch".into(),
                    "`StringLike` compares String values, but `aws:CurrentTime` is of type Date; use a Date operator".into()
                ),
                (
                    "condition-type-mismatch".into(),
                    "`StringLike` compares String values, but `aws:SourceIp` is of type IPAddress; use IpAddress or NotIpAddress".into()
                ),
                (
                    "condition-type-mismatch".into(),
                    "`DateGreaterThan` compares Date values, but `aws:MultiFactorAuthAge` is of type Numeric; use a Numeric operator".into()
                ),
                (
                    "for-all-values-single-valued".into(),
                    "`ForAllValues:StringEquals` on the single-valued key `aws:PrincipalOrgID` is true for requests without the key; use `StringEquals` without ForAllValues:".into()
                ),
            ]
        );
    }
}

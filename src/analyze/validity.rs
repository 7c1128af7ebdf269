//! Rules on the policy grammar: would IAM accept the policy as written, and does each
//! element say what it seems to? (Version, Sid, Effect, the element pairs, resources as
//! ARNs.) Rules that need the AWS catalog live in `catalog_rules`.

use foldhash::{HashMap, HashMapExt};

use super::codes::{
    ACTION_AND_NOT_ACTION, DUPLICATE_SID, ELEMENT_SPELLING, INVALID_ACTION_WILDCARD, INVALID_ARN,
    INVALID_EFFECT, INVALID_SID, INVALID_VERSION, MISSING_ACTION, MISSING_EFFECT,
    MISSING_PRINCIPAL, MISSING_RESOURCE, MISSING_VERSION, NULL_WITH_IF_EXISTS,
    PRINCIPAL_AND_NOT_PRINCIPAL, RESOURCE_AND_NOT_RESOURCE, UNKNOWN_ACTION,
    UNKNOWN_CONDITION_OPERATOR, VARIABLE_IN_VERSION_2008,
};
use super::finding::{Finding, Place};
use super::{arn, esc};
use crate::catalog::{ActionPattern, PatternError};
use crate::eval::pattern::{Pattern, Syntax};
use crate::eval::{BaseOperator, parse_operator};
use crate::model::placeholder;
use crate::model::policy::{VERSION_2008, VERSION_2012};
use crate::model::{PolicyDocument, PolicyKind, Principal, PrincipalType, Statement};

/// Rules on the whole document: Version and Sids.
pub fn document(place: Place, doc: &PolicyDocument, out: &mut Vec<Finding>) {
    match &doc.version {
        None => out.push(place.finding(
            MISSING_VERSION,
            doc.loc,
            "the policy has no Version; IAM reads it as 2008-10-17, where ${...} policy variables are plain text",
        )),
        Some(v) if v.value != VERSION_2012 && v.value != VERSION_2008 => out.push(place.finding(
            INVALID_VERSION,
            v.loc,
            format!("Version \"{}\" is neither {VERSION_2012} nor {VERSION_2008}", esc(&v.value)),
        )),
        Some(v) if v.value == VERSION_2008 => variables_in_version_2008(place, doc, out),
        Some(_) => {}
    }
    let mut first_with: HashMap<&str, usize> = HashMap::new();
    for (i, s) in doc.statements.iter().enumerate() {
        let Some(sid) = &s.sid else { continue };
        let first = *first_with.entry(sid.value.as_str()).or_insert(i);
        if first != i {
            out.push(place.with_statement(i, s).finding(
                DUPLICATE_SID,
                sid.loc,
                format!(
                    "Sid \"{}\" is also the Sid of statement {}; Sids must be unique in a policy",
                    esc(&sid.value),
                    first + 1
                ),
            ));
        }
    }
}

/// In a policy of Version 2008-10-17, one finding per statement whose Resource, NotResource
/// or condition values hold a policy variable (`${aws:username}`; a template's placeholder
/// is not one): that language matches `${...}` as text.
fn variables_in_version_2008(place: Place, doc: &PolicyDocument, out: &mut Vec<Finding>) {
    let syntax = Syntax {
        wildcards: false,
        variables: true,
    };
    for (i, s) in doc.statements.iter().enumerate() {
        let resources = [&s.resource, &s.not_resource]
            .into_iter()
            .flatten()
            .flat_map(|v| &v.items)
            .map(|t| (t.value.as_str(), t.loc));
        let conditions = s
            .condition
            .iter()
            .flat_map(|c| &c.operators)
            .flat_map(|b| &b.entries)
            .flat_map(|e| &e.values)
            .map(|v| (v.text.as_str(), v.loc));
        let mut written = resources.chain(conditions).filter_map(|(text, loc)| {
            // `${AccountId}` and `${AWS::Region}` are a template's placeholders, not IAM's.
            let pattern = Pattern::parse(text, syntax);
            let first = pattern
                .variables()
                .find(|v| placeholder::find(&v.written, false).is_empty())?;
            Some((first.written.clone(), loc))
        });
        let Some((first, loc)) = written.next() else {
            continue;
        };
        let more = written.count();
        let more = if more > 0 {
            format!(" (and {more} more)")
        } else {
            String::new()
        };
        out.push(place.with_statement(i, s).finding(
            VARIABLE_IN_VERSION_2008,
            loc,
            format!(
                "`{}`{more} is a policy variable, but the policy's Version is {VERSION_2008}, where IAM matches it as the literal text; set Version {VERSION_2012}",
                esc(&first)
            ),
        ));
    }
}

/// Whether IAM itself stores policies of this kind (and so applies its strict Sid rule);
/// resource policies belong to other services, which accept more.
fn stored_by_iam(kind: PolicyKind) -> bool {
    kind != PolicyKind::Resource
}

/// Whether statements of this kind name their principals.
fn names_principals(kind: PolicyKind) -> bool {
    matches!(kind, PolicyKind::Resource | PolicyKind::Trust)
}

/// Rules on one statement's elements.
pub fn statement(place: Place, kind: PolicyKind, s: &Statement, out: &mut Vec<Finding>) {
    let mut push = |code, loc, message: String| out.push(place.finding(code, loc, message));
    match &s.effect {
        None => push(MISSING_EFFECT, s.loc, "the statement has no Effect".into()),
        Some(e) if s.effect().is_none() => push(
            INVALID_EFFECT,
            e.loc,
            format!("Effect \"{}\" must be exactly Allow or Deny", esc(&e.value)),
        ),
        Some(_) => {}
    }
    if let Some(sid) = &s.sid {
        let allowed = |c: char| {
            if stored_by_iam(kind) {
                c.is_ascii_alphanumeric()
            } else {
                !c.is_control()
            }
        };
        if let Some(bad) = sid.value.chars().find(|&c| !allowed(c)) {
            push(
                INVALID_SID,
                sid.loc,
                format!(
                    "Sid \"{}\" contains `{}`; IAM accepts only letters and digits",
                    esc(&sid.value),
                    esc(&bad.to_string())
                ),
            );
        }
    }
    match (&s.action, &s.not_action) {
        (None, None) => push(
            MISSING_ACTION,
            s.loc,
            "the statement has neither Action nor NotAction".into(),
        ),
        (Some(_), Some(n)) => push(
            ACTION_AND_NOT_ACTION,
            n.loc,
            "the statement has both Action and NotAction".into(),
        ),
        _ => {}
    }
    match (&s.resource, &s.not_resource) {
        (None, None) if kind != PolicyKind::Trust => push(
            MISSING_RESOURCE,
            s.loc,
            format!(
                "the statement has neither Resource nor NotResource, which {} policies require",
                kind.as_str()
            ),
        ),
        (Some(_), Some(n)) => push(
            RESOURCE_AND_NOT_RESOURCE,
            n.loc,
            "the statement has both Resource and NotResource".into(),
        ),
        _ => {}
    }
    let lists = [
        ("Action", &s.action),
        ("NotAction", &s.not_action),
        ("Resource", &s.resource),
        ("NotResource", &s.not_resource),
    ];
    for (name, list) in lists {
        if let Some(list) = list.as_ref().filter(|l| l.items.is_empty()) {
            push(
                super::codes::EMPTY_LIST,
                list.loc,
                format!("{name} is an empty list; IAM rejects it"),
            );
        }
    }
    match (&s.principal, &s.not_principal) {
        (None, None) if names_principals(kind) => push(
            MISSING_PRINCIPAL,
            s.loc,
            format!(
                "the statement has neither Principal nor NotPrincipal, which {} policies require",
                kind.as_str()
            ),
        ),
        (Some(_), Some(n)) => push(
            PRINCIPAL_AND_NOT_PRINCIPAL,
            n.loc(),
            "the statement has both Principal and NotPrincipal".into(),
        ),
        _ => {}
    }
    for action in s.action.iter().chain(&s.not_action).flat_map(|v| &v.items) {
        let Err(problem) = ActionPattern::parse(&action.value) else {
            continue;
        };
        let code = if problem == PatternError::WildcardInPrefix {
            INVALID_ACTION_WILDCARD
        } else {
            UNKNOWN_ACTION
        };
        out.push(
            place
                .finding(
                    code,
                    action.loc,
                    format!("`{}` matches no action: {problem}", esc(&action.value)),
                )
                .about_action(&action.value),
        );
    }
    for block in s.condition.iter().flat_map(|c| &c.operators) {
        let written = &block.operator;
        match parse_operator(&written.value) {
            Err(e) => out.push(place.finding(
                UNKNOWN_CONDITION_OPERATOR,
                written.loc,
                esc(&e.message).into_owned(),
            )),
            Ok(op) if op.base == BaseOperator::Null && op.if_exists => out.push(place.finding(
                NULL_WITH_IF_EXISTS,
                written.loc,
                format!(
                    "`{}` is not an operator: Null already tests whether the key exists",
                    esc(&written.value)
                ),
            )),
            Ok(op) if op.case_differs => out.push(place.finding(
                ELEMENT_SPELLING,
                written.loc,
                format!(
                    "condition operator `{}` is spelled `{}`",
                    esc(&written.value),
                    op.canonical()
                ),
            )),
            Ok(_) => {}
        }
    }
    for resource in s
        .resource
        .iter()
        .chain(&s.not_resource)
        .flat_map(|v| &v.items)
    {
        if let Some(problem) = arn::problem(&resource.value) {
            out.push(place.finding(INVALID_ARN, resource.loc, esc(&problem).into_owned()));
        }
    }
    principal_values(place, s, out);
}

/// Principal values AWS still accepts or shows in an `AWS` principal though they are no
/// ordinary ARN: the CloudFront origin access identity user
/// (`arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE`), the
/// unique ID a policy shows once the user or role it named is deleted (`AROA...`,
/// `AIDA...`), and a canonical user ID (64 hexadecimal digits).
fn is_legacy_principal(value: &str) -> bool {
    let oai = value
        .strip_prefix("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ")
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    let unique_id = ["AIDA", "AROA", "AIPA", "ANPA", "ANVA", "AGPA"]
        .iter()
        .any(|p| value.starts_with(p))
        && value.len() >= 16
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let canonical = value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
    oai || unique_id || canonical
}

/// AWS principals are account IDs, ARNs or `*` (or one of the legacy forms above).
fn principal_values(place: Place, s: &Statement, out: &mut Vec<Finding>) {
    for p in [&s.principal, &s.not_principal].into_iter().flatten() {
        let Principal::Map { entries, .. } = p else {
            continue;
        };
        for e in entries
            .iter()
            .filter(|e| e.principal_type() == Some(PrincipalType::Aws))
        {
            for v in &e.values.items {
                let value = v.value.as_str();
                let fine = value == "*"
                    || crate::eval::context::is_account_id(value)
                    || value.contains("${")
                    || !crate::model::placeholder::find(value, true).is_empty()
                    || (value.starts_with("arn:") && arn::problem(value).is_none())
                    || is_legacy_principal(value);
                if !fine {
                    out.push(place.finding(
                        INVALID_ARN,
                        v.loc,
                        format!(
                            "AWS principal `{}` is neither an account ID, an ARN nor `*`",
                            esc(value)
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analyze::check;
    use crate::assemble::{Options, load_text};

    /// (line:column severity code) of every finding of one input.
    fn found(path: &str, text: &str) -> Vec<String> {
        let source = load_text(path, text, &Options::default());
        check(&[source])
            .into_iter()
            .map(|f| format!("{}:{} {} {}", f.line, f.column, f.severity, f.code))
            .collect()
    }

    #[test]
    fn text_that_is_not_json_in_a_json_file_is_malformed_json_with_its_position() {
        let found = found("policy.json", "this is not json at all\n");
        assert!(
            found.contains(&"1:1 error malformed-json".to_string()),
            "{found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|f| f.ends_with("no-policies") && f.contains("text"))
        );
    }

    #[test]
    fn a_version_without_statement_says_the_statement_is_missing() {
        assert_eq!(
            found("p.json", r#"{"Version": "2012-10-17"}"#),
            ["1:1 error missing-statement", "1:1 info no-policies"]
        );
    }

    #[test]
    fn an_account_id_written_as_a_number_is_a_note_unless_a_zero_is_lost() {
        let yaml = "Resources:\n  P:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: [381491863103, 012345678901]\n            Action: s3:GetObject\n            Resource: arn:aws:s3:::b/*\n";
        assert_eq!(
            found("t.yaml", yaml),
            [
                "11:21 info account-id-as-number",
                "11:35 warning account-id-leading-zero"
            ]
        );
    }

    #[test]
    fn legacy_principals_are_not_invalid_arns() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": [
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE1ABC",
            "AROA1234567890EXAMPLE", "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
            "arn:aws:iam::cloudfront:user/Someone Else", "bob"]},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}"#;
        assert_eq!(
            found("p.json", policy),
            ["4:13 error invalid-arn", "4:58 error invalid-arn"]
        );
    }
}

//! AWS managed policies, by name or ARN, with each default version's document built into
//! the policy model once and shared (`Arc`) by every holder it is attached to.
//!
//! Decoded on first use only, separately from the action catalog. Lookups forgive what
//! people get wrong when they copy a reference (stray white space, letter case, a missing or
//! wrong path) and say what they forgave, so the caller can report it.

use std::sync::{Arc, OnceLock};

use smol_str::SmolStr;

use super::asset;
use super::service::cmp_ignore_case;
use crate::load::node::{Member, Node, Value};
use crate::model::{Format, Loc, Policy, PolicyDocument, PolicyKind, Role, RoleKind, Source, Text};

/// One AWS managed policy (its default version).
#[derive(Debug)]
pub struct ManagedPolicy {
    pub name: &'static str,
    /// `/`, `/service-role/`, `/aws-service-role/`, `/job-function/`...
    pub path: &'static str,
    /// The default version's id, such as `v7`.
    pub version: &'static str,
    /// The day the policy last changed, `YYYY-MM-DD`.
    pub updated: &'static str,
    /// The document as minified JSON.
    pub json: &'static str,
    document: OnceLock<Arc<PolicyDocument>>,
    arn: OnceLock<SmolStr>,
}

impl ManagedPolicy {
    /// `arn:aws:iam::aws:policy` + path + name, made once and shared by every reference
    /// resolved to it.
    pub fn arn(&self) -> SmolStr {
        self.arn
            .get_or_init(|| format!("arn:aws:iam::aws:policy{}{}", self.path, self.name).into())
            .clone()
    }

    /// The document in the policy model, built on first use and shared afterwards. Its
    /// positions are unknown (0:0): it comes from the catalog, not from any input file.
    pub fn document(&self) -> Arc<PolicyDocument> {
        self.document
            .get_or_init(|| {
                let value: serde_json::Value =
                    serde_json::from_str(self.json).unwrap_or(serde_json::Value::Null);
                // AWS's own documents build without diagnostics (a test checks every one).
                let mut diagnostics = Vec::new();
                Arc::new(crate::load::document::build(
                    &node(&value),
                    &mut diagnostics,
                ))
            })
            .clone()
    }
}

impl ManagedPolicy {
    /// The policy as an input of its own: a document holding it as an inline identity
    /// policy rather than as a reference to AWS's policy, so `check` lints it as it would a
    /// policy the user wrote (AWS managed policies attached to a role are read, not linted).
    pub fn as_source(&self) -> Source {
        let mut role = Role::new(self.name, RoleKind::Document);
        role.policies.push(Policy::new(
            self.name,
            PolicyKind::Identity,
            (*self.document()).clone(),
        ));
        let mut source = Source::new(self.arn(), Format::Json);
        source.roles.push(role);
        source
    }
}

/// A JSON value as a position-less node, for the document builder.
fn node(value: &serde_json::Value) -> Node {
    let value = match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(n.to_string()),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::Array(items.iter().map(node).collect()),
        serde_json::Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| Member {
                    key: Text::new(k.clone(), Loc::default()),
                    value: node(v),
                })
                .collect(),
        ),
    };
    Node::new(value, Loc::default())
}

/// Every AWS managed policy, sorted by name ignoring case. Decoded on first call.
pub fn all() -> &'static [ManagedPolicy] {
    static TEXT: OnceLock<String> = OnceLock::new();
    static POLICIES: OnceLock<Vec<ManagedPolicy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        // The embedded asset is checked by tests; should it ever fail, no policy is known.
        let text = TEXT.get_or_init(|| asset::decode(asset::MANAGED).unwrap_or_default());
        text.lines().filter_map(parse_line).collect()
    })
}

fn parse_line(line: &'static str) -> Option<ManagedPolicy> {
    let mut f = line.splitn(5, '\t');
    Some(ManagedPolicy {
        name: f.next()?,
        path: f.next()?,
        version: f.next()?,
        updated: f.next()?,
        json: f.next()?,
        document: OnceLock::new(),
        arn: OnceLock::new(),
    })
}

/// Something a lookup forgave in a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tolerance {
    /// White space inside or around the name or ARN (`policy/ AmazonAthenaFullAccess`).
    Whitespace,
    /// Letters in another case than AWS spells them.
    Case,
    /// An ARN whose path is missing or wrong (`policy/AWSLambdaBasicExecutionRole` for
    /// `policy/service-role/AWSLambdaBasicExecutionRole`).
    Path,
}

/// A managed policy found for a reference, and what had to be forgiven to find it.
#[derive(Clone, Debug)]
pub struct ManagedMatch {
    pub policy: &'static ManagedPolicy,
    /// Empty when the reference was exact.
    pub tolerated: Vec<Tolerance>,
}

/// What a reference names.
#[derive(Clone, Debug)]
pub enum ManagedLookup {
    Found(ManagedMatch),
    /// An AWS managed policy name or ARN the catalog does not hold.
    Unknown,
    /// The ARN of a policy in a customer's account (`arn:aws:iam::111122223333:policy/X`):
    /// its document can only come from the input.
    Customer,
}

/// iamscope's built-in copies of the AWS managed policies, as loading asks about them.
pub struct BuiltIn;

impl crate::load::KnownManaged for BuiltIn {
    fn exact_arn(&self, name: &str) -> Option<String> {
        match lookup(name) {
            ManagedLookup::Found(found) if found.tolerated.is_empty() => {
                Some(found.policy.arn().to_string())
            }
            _ => None,
        }
    }

    fn document(&self, arn: &str) -> Option<Arc<PolicyDocument>> {
        match lookup(arn) {
            ManagedLookup::Found(found) => Some(found.policy.document()),
            _ => None,
        }
    }
}

/// The six colon-separated parts of an ARN, where colons inside `${...}` (a template's
/// `${AWS::Partition}`) separate nothing.
fn split_arn(arn: &str) -> Vec<&str> {
    let mut parts = Vec::with_capacity(6);
    let (mut start, mut depth) = (0, 0usize);
    for (i, c) in arn.char_indices() {
        match c {
            '{' if arn[..i].ends_with('$') => depth += 1,
            '}' if depth > 0 => depth -= 1,
            ':' if depth == 0 && parts.len() < 5 => {
                parts.push(&arn[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&arn[start..]);
    parts
}

/// Looks up an AWS managed policy by name (`AmazonAthenaFullAccess`) or ARN
/// (`arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`, any partition).
pub fn lookup(reference: &str) -> ManagedLookup {
    let mut tolerated = Vec::new();
    let cleaned: String = reference.chars().filter(|c| !c.is_whitespace()).collect();
    if cleaned != reference {
        tolerated.push(Tolerance::Whitespace);
    }
    // A template may build the ARN's start from a variable (`${local.arn_prefix}:iam::aws:
    // policy/SecurityAudit`): what follows `:iam::aws:policy/` still names the policy.
    const AWS_POLICY: &str = ":iam::aws:policy/";
    let templated = (!cleaned.starts_with("arn:"))
        .then(|| cleaned.find(AWS_POLICY))
        .flatten()
        .map(|i| format!("arn:aws{}", &cleaned[i..]));
    let cleaned = templated.unwrap_or(cleaned);
    let (path, name) = if cleaned
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("arn:"))
    {
        // A template's `${AWS::Partition}` holds colons of its own: they split nothing.
        let parts: Vec<&str> = split_arn(&cleaned);
        let [_, _partition, service, _region, account, resource] = parts[..] else {
            return ManagedLookup::Unknown;
        };
        if !account.eq_ignore_ascii_case("aws") {
            return ManagedLookup::Customer;
        }
        let Some(rest) = resource
            .strip_prefix("policy/")
            .filter(|_| service == "iam")
        else {
            return ManagedLookup::Unknown;
        };
        match rest.rsplit_once('/') {
            Some((path, name)) => (Some(format!("/{path}/")), name),
            None => (Some("/".to_string()), rest),
        }
    } else {
        (None, cleaned.as_str())
    };
    let policies = all();
    let Ok(i) = policies.binary_search_by(|p| cmp_ignore_case(p.name, name)) else {
        return ManagedLookup::Unknown;
    };
    let policy = &policies[i];
    if policy.name != name {
        tolerated.push(Tolerance::Case);
    }
    if let Some(path) = path.filter(|p| p != policy.path) {
        let tolerance = if policy.path.eq_ignore_ascii_case(&path) {
            Tolerance::Case
        } else {
            Tolerance::Path
        };
        if !tolerated.contains(&tolerance) {
            tolerated.push(tolerance);
        }
    }
    ManagedLookup::Found(ManagedMatch { policy, tolerated })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(reference: &str) -> (String, Vec<Tolerance>) {
        match lookup(reference) {
            ManagedLookup::Found(m) => (m.policy.arn().to_string(), m.tolerated),
            other => panic!("{reference}: {other:?}"),
        }
    }

    #[test]
    fn by_name_and_by_arn_with_paths() {
        assert_eq!(
            found("AmazonAthenaFullAccess"),
            (
                "arn:aws:iam::aws:policy/AmazonAthenaFullAccess".into(),
                vec![]
            )
        );
        assert_eq!(
            found("AWSCloudFormationReadOnlyAccess"),
            (
                "arn:aws:iam::aws:policy/AWSCloudFormationReadOnlyAccess".into(),
                vec![]
            )
        );
        let lambda = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
        assert_eq!(found(lambda), (lambda.into(), vec![]));
        assert_eq!(
            found("arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").1,
            vec![]
        );
    }

    #[test]
    fn forgives_whitespace_case_and_path_and_says_so() {
        assert_eq!(
            found("arn:aws:iam::aws:policy/ AmazonAthenaFullAccess"),
            (
                "arn:aws:iam::aws:policy/AmazonAthenaFullAccess".into(),
                vec![Tolerance::Whitespace]
            )
        );
        assert_eq!(
            found(" amazonathenafullaccess").1,
            [Tolerance::Whitespace, Tolerance::Case]
        );
        assert_eq!(
            found("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole").1,
            [Tolerance::Path]
        );
    }

    #[test]
    fn template_partitions_are_any_partition() {
        let (name, tolerated) = found("arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess");
        assert_eq!(
            (name.as_str(), tolerated),
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", vec![])
        );
        assert!(matches!(
            lookup("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/Mine"),
            ManagedLookup::Customer
        ));
        let (arn, _) = found("${local.arn_prefix}:iam::aws:policy/SecurityAudit");
        assert_eq!(arn, "arn:aws:iam::aws:policy/SecurityAudit");
    }

    #[test]
    fn unknown_and_customer_policies() {
        assert!(matches!(
            lookup("NoSuchPolicyAnywhere"),
            ManagedLookup::Unknown
        ));
        assert!(matches!(
            lookup("arn:aws:iam::aws:policy/NoSuch"),
            ManagedLookup::Unknown
        ));
        assert!(matches!(
            lookup("arn:aws:s3:::bucket"),
            ManagedLookup::Customer
        ));
        assert!(matches!(
            lookup("arn:aws:iam::111122223333:policy/Mine"),
            ManagedLookup::Customer
        ));
        assert!(matches!(lookup("arn:aws"), ManagedLookup::Unknown));
    }

    #[test]
    fn documents_are_built_once_and_shared() {
        let ManagedLookup::Found(m) = lookup("AmazonAthenaFullAccess") else {
            panic!()
        };
        let doc = m.policy.document();
        assert!(Arc::ptr_eq(&doc, &m.policy.document()));
        assert_eq!(doc.version.as_ref().unwrap().value, "2012-10-17");
        assert!(doc.statements.iter().any(|s| {
            s.action
                .as_ref()
                .is_some_and(|a| a.iter().any(|x| x == "athena:*"))
        }));
        assert!(!doc.loc.is_known());
    }

    #[test]
    fn every_managed_policy_builds_without_diagnostics() {
        let policies = all();
        assert_eq!(policies.len(), 1594);
        for p in policies {
            let value: serde_json::Value = serde_json::from_str(p.json).unwrap();
            let mut diagnostics = Vec::new();
            let doc = crate::load::document::build(&node(&value), &mut diagnostics);
            assert_eq!(diagnostics, vec![], "{}", p.name);
            assert!(!doc.statements.is_empty(), "{}", p.name);
        }
    }
}

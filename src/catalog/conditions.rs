//! Condition keys: the global ones every service accepts, written here from the IAM User
//! Guide's "AWS global condition context keys" page, and one lookup for any key a policy
//! names, global or service-specific, templated (`aws:RequestTag/Owner`) or not.

use std::sync::OnceLock;

use super::Catalog;
use super::service::{ConditionKey, ConditionKeyType, Service, is_template};
use crate::model::glob::matches_ignore_ascii_case;

use ConditionKeyType as T;

/// Every key on the IAM User Guide's global condition keys page with its data type, in the
/// page's order (properties of the principal, of the role session, of the network, of the
/// resource, of the request). The page also lists service keys that are available across
/// services (`ec2:SourceInstanceArn`, `lambda:SourceFunctionArn`...); they are here too.
/// `${TagKey}` stands for any tag key. The page gives "String (list)" for multivalued
/// string keys, written here as `ArrayOfString`.
pub const GLOBAL_KEYS: [(&str, T); 61] = [
    // Properties of the principal
    ("aws:PrincipalArn", T::Arn),
    ("aws:PrincipalAccount", T::String),
    ("aws:PrincipalOrgPaths", T::ArrayOfString),
    ("aws:PrincipalOrgID", T::String),
    ("aws:PrincipalTag/${TagKey}", T::String),
    ("aws:PrincipalIsAWSService", T::Bool),
    ("aws:PrincipalServiceName", T::String),
    ("aws:PrincipalServiceNamesList", T::ArrayOfString),
    ("aws:PrincipalType", T::String),
    ("aws:userid", T::String),
    ("aws:username", T::String),
    // Properties of a role session
    ("aws:AssumedRoot", T::Bool),
    // String for AWS's own identity providers, an ARN for others (GitHub, EKS); String
    // operators read both.
    ("aws:FederatedProvider", T::String),
    ("aws:TokenIssueTime", T::Date),
    ("aws:SignInSessionArn", T::Arn),
    ("aws:MultiFactorAuthAge", T::Numeric),
    ("aws:MultiFactorAuthPresent", T::Bool),
    ("aws:ChatbotSourceArn", T::Arn),
    ("aws:Ec2InstanceSourceVpc", T::String),
    ("aws:Ec2InstanceSourcePrivateIPv4", T::IpAddress),
    ("aws:SourceIdentity", T::String),
    ("ec2:RoleDelivery", T::Numeric),
    ("ec2:SourceInstanceArn", T::Arn),
    ("glue:RoleAssumedBy", T::String),
    ("glue:CredentialIssuingService", T::String),
    ("codebuild:BuildArn", T::Arn),
    ("codebuild:ProjectArn", T::Arn),
    ("lambda:SourceFunctionArn", T::Arn),
    ("ssm:SourceInstanceArn", T::Arn),
    ("identitystore:UserId", T::String),
    // Properties of the network
    ("aws:SourceIp", T::IpAddress),
    ("aws:SourceVpc", T::String),
    ("aws:SourceVpcArn", T::Arn),
    ("aws:SourceVpce", T::String),
    ("aws:VpceAccount", T::String),
    ("aws:VpceOrgID", T::String),
    ("aws:VpceOrgPaths", T::ArrayOfString),
    ("aws:VpcSourceIp", T::IpAddress),
    // Properties of the resource
    ("aws:ResourceAccount", T::String),
    ("aws:ResourceOrgID", T::String),
    ("aws:ResourceOrgPaths", T::ArrayOfString),
    ("aws:ResourceTag/${TagKey}", T::String),
    // Properties of the request
    ("aws:CalledVia", T::ArrayOfString),
    ("aws:CalledViaFirst", T::String),
    ("aws:CalledViaLast", T::String),
    ("aws:CalledViaAWSMCP", T::String),
    ("aws:ViaAWSService", T::Bool),
    ("aws:ViaAWSMCPService", T::Bool),
    ("aws:CurrentTime", T::Date),
    // Date, and Numeric operators compare it too (seconds since the epoch).
    ("aws:EpochTime", T::Date),
    ("aws:referer", T::String),
    ("aws:RequestedRegion", T::String),
    ("aws:RequestTag/${TagKey}", T::String),
    ("aws:TagKeys", T::ArrayOfString),
    ("aws:SecureTransport", T::Bool),
    ("aws:SourceAccount", T::String),
    ("aws:SourceArn", T::Arn),
    ("aws:SourceOrgID", T::String),
    ("aws:SourceOrgPaths", T::ArrayOfString),
    ("aws:UserAgent", T::String),
    ("aws:IsMcpServiceAction", T::Bool),
];

/// Where a condition key is defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// On the IAM User Guide's global condition keys page.
    Global,
    /// By the service with this prefix, in the Service Authorization Reference.
    Service(&'static str),
}

/// What the catalog knows about a condition key a policy names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConditionKeyInfo {
    /// The key as defined, templates included: `aws:RequestTag/${TagKey}` for
    /// `aws:RequestTag/Owner`.
    pub name: &'static str,
    pub key_type: ConditionKeyType,
    /// Another type whose operators also apply: `Numeric` for `aws:EpochTime`.
    pub also: Option<ConditionKeyType>,
    pub source: KeySource,
    /// The service key's position in the catalog, for its description.
    index: Option<u32>,
}

impl ConditionKeyInfo {
    /// The reference's description of a service key; empty for global keys. Decodes the
    /// descriptions asset on first use.
    pub fn description(&self) -> &'static str {
        self.index.map_or("", super::descriptions::condition_key)
    }
}

fn global(name: &'static str, key_type: ConditionKeyType) -> ConditionKeyInfo {
    ConditionKeyInfo {
        name,
        key_type,
        also: (name == "aws:EpochTime").then_some(T::Numeric),
        source: KeySource::Global,
        index: None,
    }
}

fn service_key(service: &Service, key: &ConditionKey) -> ConditionKeyInfo {
    ConditionKeyInfo {
        name: key.name,
        key_type: key.key_type,
        also: None,
        source: KeySource::Service(service.prefix),
        index: Some(key.index),
    }
}

/// A template as a wildcard pattern: each `${...}` or `<...>` part matches one or more
/// characters (`?*`).
pub fn template_glob(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find(['$', '<']) {
        let close = if rest[start..].starts_with("${") {
            '}'
        } else if rest[start..].starts_with('<') {
            '>'
        } else {
            out.push_str(&rest[..=start]);
            rest = &rest[start + 1..];
            continue;
        };
        match rest[start..].find(close) {
            Some(len) => {
                out.push_str(&rest[..start]);
                out.push_str("?*");
                rest = &rest[start + len + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// The templated global keys, each with its wildcard pattern ([`template_glob`]), made
/// once: every condition key a policy writes is matched against them.
fn templated_global_keys() -> &'static [(String, &'static str, ConditionKeyType)] {
    static TEMPLATED: OnceLock<Vec<(String, &'static str, ConditionKeyType)>> = OnceLock::new();
    TEMPLATED.get_or_init(|| {
        GLOBAL_KEYS
            .iter()
            .filter(|(k, _)| is_template(k))
            .map(|&(k, t)| (template_glob(k), k, t))
            .collect()
    })
}

impl Catalog {
    /// The condition key `name` names, ignoring case: a global key (from the IAM User
    /// Guide, authoritative for `aws:` keys), else a key of the service its prefix names,
    /// else a key any service defines (STS defines `saml:` and `token.actions...:` keys).
    /// Templated keys match their instances: `aws:RequestTag/Owner`,
    /// `s3:ExistingObjectTag/Project`.
    pub fn condition_key(&self, name: &str) -> Option<ConditionKeyInfo> {
        if let Some((key, t)) = GLOBAL_KEYS
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            return Some(global(key, *t));
        }
        if let Some((_, key, t)) = templated_global_keys()
            .iter()
            .find(|(glob, _, _)| matches_ignore_ascii_case(glob, name))
        {
            return Some(global(key, *t));
        }
        if name
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
        {
            return None;
        }
        let prefix = name.split_once(':').map_or(name, |(p, _)| p);
        if let Some(s) = self.service(prefix)
            && let Some(key) = s.condition_key(name).or_else(|| s.templated_key(name))
        {
            return Some(service_key(s, key));
        }
        // Keys whose prefix names no service: parses every service once.
        let services = self.services();
        services
            .iter()
            .find_map(|s| s.condition_key(name).map(|k| service_key(s, k)))
            .or_else(|| {
                services
                    .iter()
                    .find_map(|s| s.templated_key(name).map(|k| service_key(s, k)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConditionKeyType::{Arn, ArrayOfString, Bool, Date, IpAddress, Numeric, String};

    fn info(name: &str) -> Option<(&'static str, ConditionKeyType, KeySource)> {
        Catalog::get()
            .condition_key(name)
            .map(|i| (i.name, i.key_type, i.source))
    }

    #[test]
    fn global_keys_with_their_types() {
        assert_eq!(
            info("aws:SourceIp"),
            Some(("aws:SourceIp", IpAddress, KeySource::Global))
        );
        assert_eq!(
            info("AWS:PRINCIPALARN"),
            Some(("aws:PrincipalArn", Arn, KeySource::Global))
        );
        assert_eq!(
            info("aws:MultiFactorAuthPresent"),
            Some(("aws:MultiFactorAuthPresent", Bool, KeySource::Global))
        );
        assert_eq!(
            info("aws:PrincipalOrgPaths").map(|i| i.1),
            Some(ArrayOfString)
        );
        let epoch = Catalog::get().condition_key("aws:EpochTime").unwrap();
        assert_eq!((epoch.key_type, epoch.also), (Date, Some(Numeric)));
        assert_eq!(info("aws:NoSuchKey"), None);
    }

    #[test]
    fn templated_keys_match_their_instances() {
        for (name, template) in [
            ("aws:RequestTag/Owner", "aws:RequestTag/${TagKey}"),
            ("aws:resourcetag/cost-center", "aws:ResourceTag/${TagKey}"),
            ("aws:PrincipalTag/team", "aws:PrincipalTag/${TagKey}"),
        ] {
            assert_eq!(
                info(name),
                Some((template, String, KeySource::Global)),
                "{name}"
            );
        }
        assert_eq!(
            info("s3:ExistingObjectTag/Project"),
            Some((
                "s3:ExistingObjectTag/<key>",
                String,
                KeySource::Service("s3")
            ))
        );
        assert_eq!(info("s3:ExistingObjectTag/"), None);
    }

    #[test]
    fn service_keys_and_keys_of_other_prefixes() {
        assert_eq!(
            info("s3:x-amz-acl"),
            Some(("s3:x-amz-acl", String, KeySource::Service("s3")))
        );
        assert_eq!(
            info("ec2:ResourceTag/Env").map(|i| i.0),
            Some("ec2:ResourceTag/${TagKey}")
        );
        // Defined by STS, written with the identity provider's prefix.
        assert_eq!(
            info("saml:aud").map(|i| i.2),
            Some(KeySource::Service("sts"))
        );
        assert_eq!(
            info("token.actions.githubusercontent.com/acme:actor").map(|i| i.0),
            Some("token.actions.githubusercontent.com/${SubPath}:actor")
        );
        assert_eq!(info("s3:NoSuchKey"), None);
    }

    #[test]
    fn templates_become_patterns() {
        assert_eq!(
            template_glob("aws:RequestTag/${TagKey}"),
            "aws:RequestTag/?*"
        );
        assert_eq!(
            template_glob("s3:ExistingObjectTag/<key>"),
            "s3:ExistingObjectTag/?*"
        );
        assert_eq!(
            template_glob("codebuild:environment.environmentVariables/${name}.value"),
            "codebuild:environment.environmentVariables/?*.value"
        );
        assert_eq!(template_glob("a$b"), "a$b");
    }
}

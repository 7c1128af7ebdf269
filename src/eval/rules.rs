//! Rules of AWS that no policy can change, checked before any policy is read:
//!
//! - `sts:GetCallerIdentity` needs no permission and cannot be denied, not even by an
//!   explicit Deny (STS API reference, GetCallerIdentity).
//! - AWS managed policies (`arn:aws:iam::aws:policy/...`) belong to AWS: no principal can
//!   create, version, delete, tag or set the default version of one (IAM User Guide,
//!   "AWS managed policies").
//! - Roles on the paths AWS reserves for itself cannot be changed through the IAM
//!   role-management actions: service-linked roles (`/aws-service-role/`, changed only by
//!   their service; IAM User Guide, "Using service-linked roles") and the roles IAM
//!   Identity Center and other AWS services create under `/aws-reserved/` (IAM User Guide,
//!   "IAM identifiers", paths). Only a service-linked role's description can be edited, and
//!   `iam:DeleteServiceLinkedRole` is how one is deleted.

use serde::Serialize;

use super::context::{Arn, Request};
use super::trace::Decision;

/// A rule that decided a request whatever the policies say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// `sts:GetCallerIdentity`: always allowed.
    NoPermissionNeeded,
    /// A change to an AWS managed policy: always denied.
    AwsManagedPolicy,
    /// A role-management action on a service-linked role: always denied.
    ServiceLinkedRole,
    /// A role-management action on a role under `/aws-reserved/`: always denied.
    ReservedRole,
}

/// Actions that change a managed policy (lower case).
const POLICY_CHANGES: [&str; 7] = [
    "iam:createpolicy",
    "iam:createpolicyversion",
    "iam:deletepolicy",
    "iam:deletepolicyversion",
    "iam:setdefaultpolicyversion",
    "iam:tagpolicy",
    "iam:untagpolicy",
];

/// Role-management actions that change a role, its policies, boundary, tags or trust
/// (lower case). `iam:UpdateRoleDescription` is left out: AWS lets a service-linked role's
/// description be edited.
const ROLE_CHANGES: [&str; 12] = [
    "iam:createrole",
    "iam:deleterole",
    "iam:attachrolepolicy",
    "iam:detachrolepolicy",
    "iam:putrolepolicy",
    "iam:deleterolepolicy",
    "iam:putrolepermissionsboundary",
    "iam:deleterolepermissionsboundary",
    "iam:tagrole",
    "iam:untagrole",
    "iam:updaterole",
    "iam:updateassumerolepolicy",
];

impl Rule {
    /// The rule that decides `request` regardless of policies, if any.
    pub fn for_request(request: &Request) -> Option<Rule> {
        let action = request.action_lower();
        if !action.starts_with("iam:") && !action.starts_with("sts:") {
            return None;
        }
        if action == "sts:getcalleridentity" {
            return Some(Rule::NoPermissionNeeded);
        }
        let arn = Arn::parse(request.resource()).filter(|a| a.service == "iam")?;
        if POLICY_CHANGES.contains(&action)
            && arn.account == "aws"
            && arn.resource.starts_with("policy/")
        {
            return Some(Rule::AwsManagedPolicy);
        }
        if !ROLE_CHANGES.contains(&action) {
            return None;
        }
        let path = arn.resource.strip_prefix("role/")?;
        if path.starts_with("aws-service-role/") {
            Some(Rule::ServiceLinkedRole)
        } else if path.starts_with("aws-reserved/") {
            Some(Rule::ReservedRole)
        } else {
            None
        }
    }

    /// The rule's name, as the JSON writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::NoPermissionNeeded => "no-permission-needed",
            Rule::AwsManagedPolicy => "aws-managed-policy",
            Rule::ServiceLinkedRole => "service-linked-role",
            Rule::ReservedRole => "reserved-role",
        }
    }

    pub fn decision(self) -> Decision {
        match self {
            Rule::NoPermissionNeeded => Decision::Allowed,
            _ => Decision::ExplicitDeny,
        }
    }

    /// The rule in words, as the headline of `why` says it.
    pub fn text(self) -> &'static str {
        match self {
            Rule::NoPermissionNeeded => {
                "sts:GetCallerIdentity needs no permission and cannot be denied, not even by an explicit Deny (AWS rule; policies are not consulted)"
            }
            Rule::AwsManagedPolicy => {
                "AWS managed policies cannot be modified by anyone: creating, versioning, deleting, tagging or setting the default version of one is refused whatever the policies say (AWS rule)"
            }
            Rule::ServiceLinkedRole => {
                "service-linked roles are protected: only the service that owns one can change its policies, trust, tags or delete it (AWS rule; iam:DeleteServiceLinkedRole and iam:UpdateRoleDescription are the exceptions)"
            }
            Rule::ReservedRole => {
                "roles under the /aws-reserved/ path belong to an AWS service (IAM Identity Center and others) and cannot be changed through IAM (AWS rule)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{Caller, Context};

    fn rule(action: &str, resource: &str) -> Option<Rule> {
        let caller = Caller::parse("arn:aws:iam::111122223333:user/alice");
        Rule::for_request(&Request::new(
            action,
            Some(resource),
            caller,
            None,
            Context::default(),
        ))
    }

    #[test]
    fn each_rule_applies_to_its_actions_and_resources_only() {
        let managed = "arn:aws:iam::aws:policy/AdministratorAccess";
        assert_eq!(
            rule("iam:CreatePolicyVersion", managed),
            Some(Rule::AwsManagedPolicy)
        );
        assert_eq!(rule("iam:GetPolicy", managed), None);
        assert_eq!(
            rule(
                "iam:DeletePolicy",
                "arn:aws:iam::111122223333:policy/AdministratorAccess"
            ),
            None
        );
        let slr = "arn:aws:iam::111122223333:role/aws-service-role/elasticloadbalancing.amazonaws.com/AWSServiceRoleForElasticLoadBalancing";
        assert_eq!(
            rule("iam:AttachRolePolicy", slr),
            Some(Rule::ServiceLinkedRole)
        );
        assert_eq!(rule("iam:DeleteServiceLinkedRole", slr), None);
        assert_eq!(rule("iam:UpdateRoleDescription", slr), None);
        assert_eq!(rule("iam:PassRole", slr), None);
        let sso = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123";
        assert_eq!(
            rule("iam:UpdateAssumeRolePolicy", sso),
            Some(Rule::ReservedRole)
        );
        assert_eq!(
            rule(
                "iam:PutRolePolicy",
                "arn:aws:iam::111122223333:role/service-role/x"
            ),
            None
        );
        assert_eq!(
            rule("STS:GetCallerIdentity", "*"),
            Some(Rule::NoPermissionNeeded)
        );
    }
}

//! Every finding code iamscope reports: its severity, category, a one-line summary and the
//! help text a reviewer reads (also the SARIF rule descriptions). Codes are kebab-case and
//! stable; users suppress them by name.

use serde::Serialize;

use crate::model::Severity;

/// What kind of problem a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The input could not be read as written, or the policy would be rejected or does not
    /// do what it says.
    Validity,
    /// A construct that is risky or likely a mistake.
    Security,
    /// Granted actions that let the holder raise its own privileges.
    PrivilegeEscalation,
    /// Granted actions that return credentials or secrets.
    CredentialsExposure,
    /// Granted actions that read data out of the account.
    DataExfiltration,
    /// Granted actions that change who can access resources.
    ResourceExposure,
    /// A mismatch between what a vendor page documents and what its policy grants.
    Documentation,
    /// Something that could be written more simply.
    Suggestion,
    /// Write access to the control plane of compute, network and storage.
    InfrastructureModification,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Validity => "validity",
            Category::Security => "security",
            Category::PrivilegeEscalation => "privilege-escalation",
            Category::CredentialsExposure => "credentials-exposure",
            Category::DataExfiltration => "data-exfiltration",
            Category::ResourceExposure => "resource-exposure",
            Category::Documentation => "documentation",
            Category::Suggestion => "suggestion",
            Category::InfrastructureModification => "infrastructure-modification",
        }
    }
}

/// One finding code and what it means.
#[derive(Debug)]
pub struct Code {
    pub code: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub summary: &'static str,
    pub help: &'static str,
}

use Category::*;
use Severity::{Error, Info, Warning};

macro_rules! codes {
    ($($name:ident $code:literal, $severity:ident, $category:ident, $summary:literal, $help:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $name: &Code = &Code {
                code: $code,
                severity: $severity,
                category: $category,
                summary: $summary,
                help: $help,
            };
        )*
        /// Every code, in the order the help lists them.
        pub const CODES: &[&Code] = &[$($name),*];
    };
}

codes! {
    MALFORMED_JSON "malformed-json", Error, Validity,
    "The JSON is broken as published.",
    "The policy is not valid JSON as written, so AWS would reject it. iamscope repaired it where the intent was unambiguous (the message says how) and reads what it could; fix the source before using it.";
    UNKNOWN_ELEMENT "unknown-element", Error, Validity,
    "An element IAM does not define.",
    "IAM rejects policies with elements it does not define, such as `Resources` instead of `Resource`. iamscope keeps the element and shows it, but nothing it says is evaluated.";
    INVALID_ELEMENT "invalid-element", Error, Validity,
    "An element holds a value of the wrong type.",
    "Each policy element takes a specific JSON type (Action a string or a list of strings, Condition an object of objects...). The message says what was found and how iamscope read it.";
    DUPLICATE_ELEMENT "duplicate-element", Error, Validity,
    "An element appears twice in one object.",
    "When an element such as Action appears twice in one statement, only one is used; IAM rejects the policy.";
    ELEMENT_SPELLING "element-spelling", Warning, Validity,
    "An element name differs from IAM's spelling in case.",
    "IAM element names are written `Effect`, `Action`, `Resource`... Write them exactly so.";
    MISSING_EFFECT "missing-effect", Error, Validity,
    "A statement without Effect.",
    "Every statement needs `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`; IAM rejects one without.";
    INVALID_EFFECT "invalid-effect", Error, Validity,
    "Effect is neither Allow nor Deny.",
    "Effect must be exactly `Allow` or `Deny` (case-sensitive).";
    MISSING_ACTION "missing-action", Error, Validity,
    "A statement with neither Action nor NotAction.",
    "Every statement must name the actions it covers with Action or NotAction.";
    MISSING_RESOURCE "missing-resource", Error, Validity,
    "An identity-based statement with neither Resource nor NotResource.",
    "Statements in identity policies, permission boundaries, session policies and SCPs must name resources with Resource or NotResource; IAM rejects them otherwise. Use `\"Resource\": \"*\"` when the actions do not support resource-level permissions.";
    MISSING_PRINCIPAL "missing-principal", Error, Validity,
    "A resource or trust policy statement with neither Principal nor NotPrincipal.",
    "Resource-based policies, trust policies included, must say whom they apply to with Principal or NotPrincipal.";
    ACTION_AND_NOT_ACTION "action-and-not-action", Error, Validity,
    "A statement with both Action and NotAction.",
    "A statement takes Action or NotAction, never both; IAM rejects it.";
    RESOURCE_AND_NOT_RESOURCE "resource-and-not-resource", Error, Validity,
    "A statement with both Resource and NotResource.",
    "A statement takes Resource or NotResource, never both; IAM rejects it.";
    PRINCIPAL_AND_NOT_PRINCIPAL "principal-and-not-principal", Error, Validity,
    "A statement with both Principal and NotPrincipal.",
    "A statement takes Principal or NotPrincipal, never both; IAM rejects it.";
    EMPTY_LIST "empty-list", Error, Validity,
    "An Action, NotAction, Resource or NotResource that is an empty list.",
    "IAM rejects `\"Action\": []` and `\"Resource\": []`: a statement must name at least one action and one resource. List what the statement is meant to cover, `\"*\"` for every resource, or remove the statement.";
    INVALID_VERSION "invalid-version", Error, Validity,
    "Version is neither 2012-10-17 nor 2008-10-17.",
    "The policy language Version is a fixed date, `2012-10-17` (current, with policy variables) or `2008-10-17`; any other value is rejected.";
    POLICY_TOO_LARGE "policy-too-large", Error, Validity,
    "The policy is over AWS's size quota for its kind.",
    "AWS counts a policy's characters without white space and rejects one over the quota for its kind: 6,144 for a managed policy, 10,240 for a role's inline policies, 2,048 for a user's, 5,120 for a group's, 5,120 for an SCP or RCP. `iamscope minimize` writes the same grant smaller, split into several named policies when it is still over.";
    DUPLICATE_SID "duplicate-sid", Error, Validity,
    "Two statements of one policy share a Sid.",
    "Sids must be unique within a policy; IAM rejects a policy in which two statements share one.";
    INVALID_SID "invalid-sid", Error, Validity,
    "A Sid with characters IAM does not allow.",
    "IAM policies accept only ASCII letters and digits in a Sid.";
    UNKNOWN_SERVICE "unknown-service", Error, Validity,
    "An action whose service prefix AWS does not define.",
    "The part before the colon is not the prefix of any AWS service in iamscope's catalog, so the action grants nothing.";
    UNKNOWN_ACTION "unknown-action", Error, Validity,
    "An action AWS does not define.",
    "The service exists but has no such action (or, for a pattern, no action matches it), so it grants nothing. Check the spelling against the service authorization reference.";
    INVALID_ACTION_WILDCARD "invalid-action-wildcard", Error, Validity,
    "A wildcard where IAM does not allow one.",
    "Wildcards may stand anywhere in the action name, but never in the service prefix (`*:GetObject`); such a pattern matches nothing.";
    INVALID_ARN "invalid-arn", Error, Validity,
    "A resource that is not a valid ARN.",
    "Resources are ARNs, `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, or `*`. URLs such as `s3://bucket` and ARNs with a bad partition, region or account never match.";
    RESOURCE_MISMATCH "resource-mismatch", Error, Validity,
    "No resource type of the action fits the ARN.",
    "The action acts on resource types whose ARNs look different, so the statement grants that action on nothing (for example `iam:CreatePolicy` on a role ARN).";
    UNKNOWN_CONDITION_OPERATOR "unknown-condition-operator", Error, Validity,
    "A condition operator IAM does not define.",
    "Condition operators are fixed names such as StringEquals, ArnLike or NumericLessThan, optionally with `ForAllValues:`/`ForAnyValue:` and `IfExists`.";
    NULL_WITH_IF_EXISTS "null-with-if-exists", Error, Validity,
    "The Null operator with IfExists.",
    "`NullIfExists` is not an operator: Null already tests whether the key exists.";
    UNKNOWN_MANAGED_POLICY "unknown-managed-policy", Error, Validity,
    "A managed policy the catalog does not know.",
    "No AWS managed policy has that name or ARN, so nothing can be attached.";
    MANAGED_POLICY_WHITESPACE "managed-policy-whitespace", Warning, Validity,
    "A managed policy name or ARN with stray white space.",
    "The name or ARN holds white space (as in `arn:aws:iam::aws:policy/ AmazonAthenaFullAccess`); iamscope resolved it to the policy meant, but AWS would not.";
    MANAGED_POLICY_CASE "managed-policy-case", Warning, Validity,
    "A managed policy name written in another letter case.",
    "Managed policy names are case-sensitive in ARNs; iamscope resolved the policy meant, but AWS would not.";
    MANAGED_POLICY_PATH "managed-policy-path", Warning, Validity,
    "A managed policy ARN with a wrong or missing path.",
    "AWS managed policies live at fixed paths (such as `service-role/`); iamscope resolved the policy by name, but the ARN as written does not exist.";
    CUSTOMER_MANAGED_POLICY "customer-managed-policy", Info, Validity,
    "A customer managed policy the input does not contain.",
    "The ARN names a policy of a customer account rather than an AWS managed policy; its document is not in the input, so what it grants is unknown.";
    MALFORMED_YAML "malformed-yaml", Error, Validity,
    "The YAML is broken.",
    "A YAML syntax error stops the template from being read past it; what came before is shown.";
    MALFORMED_HCL "malformed-hcl", Error, Validity,
    "The Terraform (HCL) is broken.",
    "An HCL syntax error in a block; iamscope repairs what it can (`<< EOF`, a missing comma), reads the other blocks, and reports the rest.";
    CFN_INVALID_FUNCTION "cfn-invalid-function", Error, Validity,
    "A CloudFormation intrinsic function used wrongly.",
    "The function has the wrong arguments or names something the template does not define, so CloudFormation would reject the template; it is not evaluated.";
    CFN_MACRO "cfn-macro", Warning, Validity,
    "A CloudFormation macro whose output cannot be known.",
    "`Fn::Transform` and `Transform` run code when the stack is deployed; what they add to the policy cannot be known from the template, so it is not shown. Review the macro's output separately.";
    CFN_NO_RESOURCES "cfn-no-resources", Warning, Validity,
    "A CloudFormation template without Resources.",
    "A template needs a Resources section; this one defines no roles or policies.";
    CFN_NOT_A_POLICY "cfn-not-a-policy", Error, Validity,
    "A CloudFormation policy property that holds no policy.",
    "The property that should hold a policy document holds something else; it is not read as a policy.";
    CFN_PARAMETER_DEFAULT "cfn-parameter-default", Info, Validity,
    "A CloudFormation parameter read at its default value.",
    "The template takes a parameter with a default; iamscope shows the policy as it is with that default. Deploying with another value changes it.";
    CFN_UNRESOLVED "cfn-unresolved", Info, Validity,
    "A CloudFormation value known only when the stack is deployed.",
    "The value is computed at deployment (a stack ID, an attribute of another resource); it is shown as an expression.";
    TERRAFORM_DYNAMIC_BLOCK "terraform-dynamic-block", Warning, Validity,
    "A Terraform dynamic block, known only when Terraform runs.",
    "A `dynamic` block repeats its content for each element of a collection known only at plan time; it is shown once, with its iterator as placeholders.";
    TERRAFORM_POLICY_NOT_FOLLOWED "terraform-policy-not-followed", Warning, Validity,
    "A Terraform policy reference that could not be followed.",
    "The policy refers to a data source or resource that is not in this input, so its document is unknown.";
    TERRAFORM_UNKNOWN_ARGUMENT "terraform-unknown-argument", Warning, Validity,
    "An argument the Terraform resource does not take.",
    "The block holds an argument the AWS provider does not define for it; it is ignored.";
    URL_ENCODED_POLICY "url-encoded-policy", Info, Validity,
    "Policy documents URL-encoded, as the IAM API returns them.",
    "The documents were decoded; positions inside them count within the decoded text.";
    NO_DEFAULT_VERSION "no-default-version", Warning, Validity,
    "A managed policy with no default version in the dump.",
    "The account dump lists the policy but none of its versions is marked default, so what it grants is unknown.";
    INCOMPLETE_DUMP_ENTRY "incomplete-dump-entry", Warning, Validity,
    "An entry of an account dump lacks the field that identifies it.",
    "A managed policy without `Arn`, an attachment without `PolicyArn`, a permissions boundary without `PermissionsBoundaryArn` or an inline policy without `PolicyDocument` cannot be read into the tree; iamscope skips it and says so. The dump was probably edited or filtered by hand.";
    UNFILLED_PLACEHOLDER "unfilled-placeholder", Warning, Security,
    "A template placeholder that has not been filled.",
    "The source is a template: values such as `${AccountId}` must be filled before the policy does what the vendor means. Fill them with `--var NAME=VALUE` (or `v` in the viewer).";
    MISSING_VERSION "missing-version", Warning, Validity,
    "A policy without Version.",
    "Without `\"Version\": \"2012-10-17\"`, IAM uses the 2008-10-17 language, where policy variables such as `${aws:username}` are plain text.";
    VARIABLE_IN_VERSION_2008 "variable-in-version-2008", Warning, Validity,
    "A policy variable in a policy of Version 2008-10-17.",
    "Policy variables such as `${aws:username}` exist only in the 2012-10-17 policy language; under `\"Version\": \"2008-10-17\"` IAM matches them as the literal text, so the Resource or condition does not name what it seems to. Set `\"Version\": \"2012-10-17\"`.";
    UNKNOWN_CONDITION_KEY "unknown-condition-key", Warning, Validity,
    "A condition key that the actions and their resource types do not support.",
    "The key is neither a global `aws:` key nor one the statement's actions or their resource types support, so it is probably misspelled or never present; the condition may never (or always) match.";
    CONDITION_TYPE_MISMATCH "condition-type-mismatch", Warning, Validity,
    "A condition operator that does not fit the key's type.",
    "Each condition key has a type (String, Date, Numeric, Bool, IPAddress, ARN); comparing it with an operator of another type does not work as it reads.";
    FOR_ALL_VALUES_SINGLE_VALUED "for-all-values-single-valued", Warning, Security,
    "ForAllValues on a single-valued key.",
    "`ForAllValues:` is true when the key is missing, so on a single-valued key it lets requests without the key through. Use the plain operator, or `ForAnyValue:`.";
    PASS_ROLE_STAR "pass-role-star", Warning, Security,
    "iam:PassRole on every role.",
    "Passing any role lets the holder hand a more privileged role to a service it controls. Limit Resource to the roles the service needs, or add an `iam:PassedToService` condition.";
    FULL_ADMIN "full-admin", Error, Security,
    "Every action on every resource.",
    "`\"Action\": \"*\"` on `\"Resource\": \"*\"` without a condition is full administrator access.";
    SERVICE_WILDCARD "service-wildcard", Warning, Security,
    "Every action of a service.",
    "`service:*` grants every present and future action of the service, Permissions management included. Grant the actions needed.";
    NOT_ACTION_WITH_ALLOW "not-action-with-allow", Warning, Security,
    "Allow with NotAction.",
    "Allow with NotAction grants every action except the ones listed, of every service, present and future.";
    NOT_RESOURCE_WITH_ALLOW "not-resource-with-allow", Warning, Security,
    "Allow with NotResource.",
    "Allow with NotResource grants the actions on every resource except the ones listed, in every account.";
    NOT_PRINCIPAL_WITH_ALLOW "not-principal-with-allow", Warning, Security,
    "Allow with NotPrincipal.",
    "Allow with NotPrincipal grants access to everyone except the principals listed, anonymous callers included.";
    PUBLIC_PRINCIPAL "public-principal", Warning, Security,
    "Everyone may act, with no condition that narrows the caller.",
    "Principal `*` (or `{\"AWS\": \"*\"}`) allows every caller, anonymous ones included, unless a condition narrows them (aws:SourceAccount, aws:PrincipalOrgID, aws:SourceArn, aws:SourceVpce...).";
    CROSS_ACCOUNT_TRUST_WITHOUT_EXTERNAL_ID "cross-account-trust-without-external-id", Warning, Security,
    "Another account may assume the role with no external ID.",
    "A vendor that assumes roles in many customers' accounts must be made to name yours: without a condition requiring an `sts:ExternalId` (StringEquals or StringLike; StringNotEquals, Null or IfExists require none), anyone who can make the vendor act for them can reach your role (the confused deputy problem).";
    PRIVILEGE_ESCALATION "privilege-escalation", Warning, PrivilegeEscalation,
    "Granted actions that let the holder raise its own privileges.",
    "The combination named lets the holder give itself (or a role it can use) more permissions than this policy grants: new credentials, policy changes, or passing a privileged role to compute it controls.";
    CREDENTIALS_EXPOSURE "credentials-exposure", Warning, CredentialsExposure,
    "Granted actions that return credentials.",
    "These actions return credentials or tokens (access keys, passwords, session tokens) for resources in any account position the statement allows.";
    DATA_EXFILTRATION "data-exfiltration", Warning, DataExfiltration,
    "Granted actions that read data on every resource.",
    "These actions read data (objects, secrets, parameters, decrypted keys) and the statement does not limit the resources.";
    RESOURCE_EXPOSURE "resource-exposure", Warning, ResourceExposure,
    "Unconstrained Permissions management.",
    "These actions change who can access resources (resource policies, grants, ACLs, sharing) and the statement does not limit the resources.";
    REDUNDANT_ACTION "redundant-action", Info, Suggestion,
    "An action another pattern of the statement already covers.",
    "The action is covered by another action pattern of the same statement; remove it.";
    REDUNDANT_STATEMENT "redundant-statement", Info, Suggestion,
    "A statement another statement already covers.",
    "Everything this statement allows, another statement of the policy allows with no more conditions; remove one.";
    REDUNDANCY_NOT_CHECKED "redundancy-not-checked", Info, Suggestion,
    "A policy or Action list too large to compare every statement or pattern with the others.",
    "Looking for redundant statements (or action patterns within one statement) stops after a budget of comparisons, so that a generated policy cannot make `check` slow; from the statement or pattern named on, they are not wholly compared, and redundant ones among them may not be reported. Every other rule still reads every statement and pattern.";
    GRANTED_NOT_DOCUMENTED "granted-not-documented", Info, Documentation,
    "The policy grants an action the documentation does not mention.",
    "The vendor's policy grants this action, but their table of permissions never explains it. Ask why it is needed.";
    DOCUMENTED_NOT_GRANTED "documented-not-granted", Info, Documentation,
    "The documentation mentions an action the policy does not grant.",
    "The vendor's table explains an action their policy never grants; the documentation or the policy is out of date.";
    DOCUMENTATION_NOT_COMPARED "documentation-not-compared", Info, Documentation,
    "A table of permissions too large to compare with its policy.",
    "A section of the page has a policy and a table of permissions with so many wildcard actions and documented actions that comparing them would take too long; neither granted-not-documented nor documented-not-granted is reported for it.";
    INFERRED_CONDITION "inferred-condition", Info, Documentation,
    "A condition the prose implies but the policy does not contain.",
    "The documentation says the permission is limited (for example to resources tagged Owner=Vendor), but nothing enforces it. Add the condition yourself if you rely on it.";
    NOT_A_POLICY "not-a-policy", Warning, Validity,
    "JSON that is not an IAM policy.",
    "A block of JSON in the input has no Statement element, so it is not a policy (it may be an event pattern or another configuration file).";
    BARE_STATEMENT "bare-statement", Warning, Validity,
    "Statements without the policy document around them.",
    "The input shows statements without `{\"Version\": ..., \"Statement\": [...]}` around them; iamscope reads them as one policy with no Version.";
    POLICY_AS_STRING "policy-as-string", Info, Validity,
    "A policy given as a JSON string.",
    "The policy was encoded as a string inside JSON (as `aws s3api get-bucket-policy` prints it); iamscope decoded it.";
    INVALID_UTF8 "invalid-utf8", Warning, Validity,
    "The input is not valid UTF-8.",
    "Bytes that are not UTF-8 were read as the replacement character.";
    PARTIAL_READ "partial-read", Error, Validity,
    "Part of the input could not be read: the policy may grant more than shown.",
    "A part of the input was skipped (a JSON error that could not be repaired, a macro or an expression known only at deployment, a broken block); the policy or holder it falls in may grant more than the tree, the matrix and `why` show. The finding names the lines; fix or fill them before relying on what is shown.";
    NO_POLICIES "no-policies", Info, Validity,
    "No IAM policy was found in the input.",
    "The input was read, but nothing in it is an IAM policy in a shape iamscope reads.";
    MISSING_STATEMENT "missing-statement", Error, Validity,
    "A policy with a Version but no Statement.",
    "The document has the policy language's Version but no Statement element; IAM rejects a policy without one. Add the statements, or check that the whole policy was copied.";
    ACCOUNT_ID_AS_NUMBER "account-id-as-number", Info, Validity,
    "An account ID written as a number.",
    "A principal account ID is a YAML or JSON number (`AWS: 381491863103`). CloudFormation deploys it as the account, so it works; quoting it keeps it a string everywhere.";
    ACCOUNT_ID_LEADING_ZERO "account-id-leading-zero", Warning, Validity,
    "An account ID written as a number loses its leading zero.",
    "A principal account ID is a number with a leading zero, or fewer than 12 digits: as a number it is not the account meant (`012345678901` becomes `12345678901`). Quote it.";
    COULD_BE_SCOPED "could-be-scoped", Info, Suggestion,
    "A write or permissions-management action on `\"Resource\": \"*\"` that supports resource-level permissions.",
    "The catalog says the action can be limited to specific resources (its resource types are listed in the Service Authorization Reference), but the statement grants it on every resource. Name the resources it needs.";
    INFRASTRUCTURE_MODIFICATION "infrastructure-modification", Warning, InfrastructureModification,
    "Write access on every resource to the control plane of compute, network or storage.",
    "The holder can create, change or delete instances, functions, clusters, networks, security groups, load balancers, volumes or buckets anywhere in the account (Write actions of those services on `\"Resource\": \"*\"`, unconditioned). A reviewer checks this is the vendor's job.";
    LONG_LIVED_CREDENTIALS "long-lived-credentials", Warning, Security,
    "Long-lived access keys.",
    "The input creates an IAM access key (`AWS::IAM::AccessKey`, `aws_iam_access_key`) or lets users create access keys for themselves (`iam:CreateAccessKey` on `user/${aws:username}`). Access keys do not expire; prefer roles and temporary credentials.";
}

/// Every code with its summary, grouped by severity, for `iamscope check --help`.
pub fn listing() -> String {
    let mut out = String::from(
        "How severities are chosen (a default run fails on errors, as a reviewer would block):\n  \
         error    IAM would reject the policy, it does not do what it says, or it grants\n           \
         everything (full-admin): a reviewer blocks it\n  \
         warning  a security risk or a likely mistake a reviewer must look at\n  \
         info     a note or a suggestion; nothing is wrong\n\n",
    );
    out.push_str("Finding codes:");
    for (severity, title) in [(Error, "Errors"), (Warning, "Warnings"), (Info, "Info")] {
        let group: Vec<&Code> = CODES
            .iter()
            .copied()
            .filter(|c| c.severity == severity)
            .collect();
        let width = group.iter().map(|c| c.code.len()).max().unwrap_or(0);
        out.push_str(&format!("\n  {title}:\n"));
        for c in group {
            out.push_str(&format!("    {:width$}  {}\n", c.code, c.summary));
        }
    }
    out
}

/// The code named `code`, if iamscope defines it.
pub fn find(code: &str) -> Option<&'static Code> {
    CODES.iter().copied().find(|c| c.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_explained() {
        let mut seen = std::collections::HashSet::new();
        for c in CODES {
            assert!(seen.insert(c.code), "{} twice", c.code);
            assert!(
                c.code
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{} is not kebab-case",
                c.code
            );
            assert!(
                c.summary.ends_with('.') && c.help.len() > c.summary.len(),
                "{}",
                c.code
            );
        }
    }
}

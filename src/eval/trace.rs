//! What the evaluator shows of its work: the decision, the statements that made it, and for
//! every policy and statement whether it applied and why not. These types serialize to the
//! `why` JSON of DESIGN.md (its field names are a contract; fields are only added).

use std::collections::BTreeMap;

use serde::Serialize;

use super::principal::Grant;
use super::rules::Rule;
use crate::model::PolicyKind;

/// The outcome of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Decision {
    Allowed,
    /// Nothing allowed it (or a policy that must allow did not).
    ImplicitDeny,
    /// A Deny statement applied.
    ExplicitDeny,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "Allowed",
            Decision::ImplicitDeny => "ImplicitDeny",
            Decision::ExplicitDeny => "ExplicitDeny",
        }
    }
}

/// The whole answer to "is this allowed, and why".
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    pub decision: Decision,
    /// One sentence saying what decided.
    pub reason: String,
    pub request: RequestTrace,
    /// For `Allowed`, every Allow statement that applied; for `ExplicitDeny`, every Deny
    /// statement that applied; for `ImplicitDeny`, none (see `denied_by`).
    pub deciding: Vec<Deciding>,
    /// For `ImplicitDeny`: the policy type that had to allow and did not.
    pub denied_by: Option<DeniedBy>,
    /// The AWS rule that decided whatever the policies say, when one did.
    pub rule: Option<Rule>,
    /// Every policy considered, in the order AWS evaluates them.
    pub policies: Vec<PolicyTrace>,
    /// Anything the reader should know about the inputs (assumptions made, references that
    /// could not be resolved).
    pub notes: Vec<String>,
}

/// The request as judged, with the context keys given and those derived from the caller.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestTrace {
    pub action: String,
    pub resource: String,
    pub principal: String,
    pub principal_type: Option<&'static str>,
    pub principal_account: Option<String>,
    pub resource_account: Option<String>,
    pub cross_account: bool,
    pub context: BTreeMap<String, Vec<String>>,
    pub derived_context: BTreeMap<String, Vec<String>>,
}

/// A statement that decided, named by its role, policy, index (1-based) and Sid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deciding {
    pub role: Option<String>,
    pub policy: String,
    pub kind: PolicyKind,
    pub statement: usize,
    pub sid: Option<String>,
    pub effect: String,
    pub line: u32,
    pub column: u32,
}

/// The policy type (and organization level, 1 = root) that left a request implicitly
/// denied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeniedBy {
    pub kind: PolicyKind,
    pub level: Option<usize>,
}

/// What a policy did for the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PolicyResult {
    /// A Deny statement applied.
    Deny,
    /// An Allow statement applied and no Deny did.
    Allow,
    /// No statement applied.
    NoMatch,
    /// The policy type does not apply to this caller (SCPs to a service, for instance).
    NotApplicable,
}

/// One policy and each of its statements.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyTrace {
    pub kind: PolicyKind,
    pub name: String,
    pub role: Option<String>,
    /// For SCPs and RCPs: the organization level, 1 = root.
    pub level: Option<usize>,
    pub result: PolicyResult,
    pub note: Option<String>,
    pub statements: Vec<StatementTrace>,
}

/// One statement: whether it applied, and element by element why (not).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StatementTrace {
    /// 1-based, as `tree` numbers statements.
    pub index: usize,
    pub sid: Option<String>,
    /// As written.
    pub effect: Option<String>,
    pub applies: bool,
    /// Why it does not apply: the first element that failed, in words.
    pub reason: Option<String>,
    pub action: ElementTrace,
    pub resource: ElementTrace,
    /// For a statement without Principal in a policy type that needs none (identity
    /// policies and the like): matched, with no `by` and no `grant`.
    pub principal: ElementTrace,
    pub condition: ConditionTrace,
    pub line: u32,
    pub column: u32,
}

/// How one element (Action, Resource, Principal or their Not- forms) compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ElementTrace {
    pub matched: bool,
    /// The policy value that decided: the pattern that matched (for `NotAction` and the
    /// like, the one that excluded the request).
    pub by: Option<String>,
    pub reason: String,
    /// For a principal in a resource policy: how directly it names the caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant: Option<Grant>,
}

/// The Condition element: true when every clause is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConditionTrace {
    pub matched: bool,
    pub clauses: Vec<ClauseTrace>,
}

/// One operator and key: the request's values and the policy's side by side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseTrace {
    pub operator: String,
    pub key: String,
    pub request_values: Vec<String>,
    pub policy_values: Vec<String>,
    /// The policy values with their variables substituted, when any has variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_policy_values: Option<Vec<String>>,
    pub key_missing: bool,
    pub matched: bool,
    pub reason: String,
}

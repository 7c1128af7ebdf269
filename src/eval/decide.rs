//! The decision across policy types, as the IAM User Guide's policy evaluation logic has
//! it:
//!
//! 1. A Deny statement that applies, in any policy, decides: explicit deny. (SCP statements
//!    count only for IAM principals, whom SCPs govern.)
//! 2. RCPs, level by level from the root: every level must have an Allow that applies.
//! 3. SCPs likewise, for IAM principals.
//! 4. A caller that is not an IAM principal (anonymous, a service, an identity provider) is
//!    allowed only by the resource policy.
//! 5. The resource policy must allow when the request crosses accounts, when it is a role's
//!    trust policy, and for KMS keys (whose key policies must always allow).
//! 6. Cross-account: the caller's side (identity policies, boundary, session policy) must
//!    allow as well.
//! 7. Same account: a resource policy naming the caller itself (a user, a role session, a
//!    federated user, or `*`) allows on its own; naming the role of the caller's session
//!    still needs the boundary and session policy to allow; naming the account needs an
//!    identity policy to allow too, as does having no resource policy at all.
//! 8. Identity policies, then the permissions boundary (when there is one), then the session
//!    policy (when there is one; a federated user session without one gets nothing).
//!
//! The account root user needs no identity policy in its own account.

use super::compile::CompiledPolicy;
use super::context::{Arn, Caller, Request};
use super::principal::Grant;
use super::statement;
use super::trace::{
    Deciding, Decision, DeniedBy, Explanation, PolicyResult, PolicyTrace, RequestTrace,
};
use crate::model::{Effect, PolicyKind};

/// Every policy that bears on a request, by the part it plays.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicySet {
    /// The caller's identity policies (its own, its groups', resolved managed policies).
    pub identity: Vec<CompiledPolicy>,
    /// The resource's policy (a role's trust policy for `sts:AssumeRole*`). Several are
    /// read as one.
    pub resource: Vec<CompiledPolicy>,
    /// The caller's permissions boundary; empty when it has none.
    pub boundary: Vec<CompiledPolicy>,
    /// The session policy; empty when none was passed.
    pub session: Vec<CompiledPolicy>,
    /// SCPs of the caller's organization, one list per level, root first.
    pub scps: Vec<Vec<CompiledPolicy>>,
    /// RCPs of the resource's organization, one list per level, root first.
    pub rcps: Vec<Vec<CompiledPolicy>>,
}

/// Decides a request without building a trace: the fast path for the permission matrix.
pub fn decide(set: &PolicySet, request: &Request) -> Decision {
    verdict(&layers(set, request, None), set, request).0
}

/// Decides a request and says why, statement by statement.
pub fn explain(set: &PolicySet, request: &Request) -> Explanation {
    let mut traces = Vec::new();
    let layers = layers(set, request, Some(&mut traces));
    let (decision, denied_by, reason) = verdict(&layers, set, request);
    let wanted = match decision {
        Decision::Allowed => Some("Allow"),
        Decision::ExplicitDeny => Some("Deny"),
        Decision::ImplicitDeny => None,
    };
    let deciding = traces
        .iter()
        .filter(|p| p.result != PolicyResult::NotApplicable)
        .flat_map(|p| {
            p.statements
                .iter()
                .filter(|s| s.applies && s.effect.as_deref() == wanted)
                .map(move |s| Deciding {
                    role: p.role.clone(),
                    policy: p.name.clone(),
                    kind: p.kind,
                    statement: s.index,
                    sid: s.sid.clone(),
                    effect: s.effect.clone().unwrap_or_default(),
                    line: s.line,
                    column: s.column,
                })
        })
        .collect();
    Explanation {
        decision,
        reason,
        request: request_trace(request),
        deciding,
        denied_by,
        policies: traces,
        notes: Vec::new(),
    }
}

fn request_trace(request: &Request) -> RequestTrace {
    let caller = request.caller();
    let pick = |derived: bool| {
        request
            .context()
            .entries()
            .iter()
            .filter(|e| e.derived == derived)
            .map(|e| (e.key.clone(), e.values.clone()))
            .collect()
    };
    RequestTrace {
        action: request.action().to_string(),
        resource: request.resource().to_string(),
        principal: caller.describe(),
        principal_type: caller.principal_type(),
        principal_account: caller.account().map(str::to_string),
        resource_account: request.resource_account().map(str::to_string),
        cross_account: request.is_cross_account(),
        context: pick(false),
        derived_context: pick(true),
    }
}

/// What each policy type said.
#[derive(Debug, Default)]
struct Layers {
    deny: bool,
    /// The first RCP / SCP level (1 = root) with no Allow that applies.
    rcp_missing: Option<usize>,
    scp_missing: Option<usize>,
    /// How directly the resource policy's applying Allow names the caller (the most
    /// direct of them).
    resource: Option<Grant>,
    identity: bool,
    /// `None` when there is no boundary / session policy.
    boundary: Option<bool>,
    session: Option<bool>,
}

/// What one group of policies said: any Allow or Deny applying, and the best grant.
#[derive(Debug, Default)]
struct Said {
    allow: Option<Grant>,
    deny: bool,
}

/// Evaluates every policy, recording traces when asked.
fn layers(set: &PolicySet, request: &Request, mut traces: Option<&mut Vec<PolicyTrace>>) -> Layers {
    let mut layers = Layers::default();
    let scps_apply = request.caller().is_iam_principal();
    for (level, policies) in set.scps.iter().enumerate() {
        if !scps_apply {
            let note = "SCPs govern only IAM principals of member accounts, not this caller";
            not_applicable(policies, level + 1, note, traces.as_deref_mut());
            continue;
        }
        let said = group(policies, request, Some(level + 1), traces.as_deref_mut());
        layers.deny |= said.deny;
        if said.allow.is_none() && layers.scp_missing.is_none() {
            layers.scp_missing = Some(level + 1);
        }
    }
    for (level, policies) in set.rcps.iter().enumerate() {
        let said = group(policies, request, Some(level + 1), traces.as_deref_mut());
        layers.deny |= said.deny;
        if said.allow.is_none() && layers.rcp_missing.is_none() {
            layers.rcp_missing = Some(level + 1);
        }
    }
    let resource = group(&set.resource, request, None, traces.as_deref_mut());
    layers.deny |= resource.deny;
    layers.resource = resource.allow;
    let identity = group(&set.identity, request, None, traces.as_deref_mut());
    layers.deny |= identity.deny;
    layers.identity = identity.allow.is_some();
    for (policies, slot) in [
        (&set.boundary, &mut layers.boundary),
        (&set.session, &mut layers.session),
    ] {
        let said = group(policies, request, None, traces.as_deref_mut());
        layers.deny |= said.deny;
        *slot = (!policies.is_empty()).then_some(said.allow.is_some());
    }
    layers
}

fn group(
    policies: &[CompiledPolicy],
    request: &Request,
    level: Option<usize>,
    mut traces: Option<&mut Vec<PolicyTrace>>,
) -> Said {
    let mut said = Said::default();
    for policy in policies {
        let mut allow = None;
        let mut deny = false;
        match traces.as_deref_mut() {
            None => {
                for s in &policy.statements {
                    if let Some(grant) = s.applies(request, policy) {
                        match s.effect {
                            Some(Effect::Deny) => deny = true,
                            _ => allow = allow.max(Some(grant)),
                        }
                    }
                }
            }
            Some(traces) => {
                let mut statements = Vec::with_capacity(policy.statements.len());
                for s in &policy.statements {
                    let (trace, grant) = statement::trace(s, request, policy);
                    if let Some(grant) = grant {
                        match s.effect {
                            Some(Effect::Deny) => deny = true,
                            _ => allow = allow.max(Some(grant)),
                        }
                    }
                    statements.push(trace);
                }
                traces.push(PolicyTrace {
                    kind: policy.kind,
                    name: policy.name.clone(),
                    role: policy.role.clone(),
                    level,
                    result: match (deny, allow) {
                        (true, _) => PolicyResult::Deny,
                        (false, Some(_)) => PolicyResult::Allow,
                        (false, None) => PolicyResult::NoMatch,
                    },
                    note: None,
                    statements,
                });
            }
        }
        said.deny |= deny;
        said.allow = said.allow.max(allow);
    }
    said
}

fn not_applicable(
    policies: &[CompiledPolicy],
    level: usize,
    note: &str,
    traces: Option<&mut Vec<PolicyTrace>>,
) {
    if let Some(traces) = traces {
        traces.extend(policies.iter().map(|p| PolicyTrace {
            kind: p.kind,
            name: p.name.clone(),
            role: p.role.clone(),
            level: Some(level),
            result: PolicyResult::NotApplicable,
            note: Some(note.to_string()),
            statements: Vec::new(),
        }));
    }
}

fn denied(
    kind: PolicyKind,
    level: Option<usize>,
    reason: String,
) -> (Decision, Option<DeniedBy>, String) {
    (
        Decision::ImplicitDeny,
        Some(DeniedBy { kind, level }),
        reason,
    )
}

/// The decision from what each policy type said, with the type that denied and a reason.
fn verdict(l: &Layers, set: &PolicySet, request: &Request) -> (Decision, Option<DeniedBy>, String) {
    if l.deny {
        return (
            Decision::ExplicitDeny,
            None,
            "a Deny statement applies, which overrides every Allow".into(),
        );
    }
    if let Some(level) = l.rcp_missing {
        return denied(
            PolicyKind::Rcp,
            Some(level),
            format!("no RCP at organization level {level} allows it (every level must)"),
        );
    }
    if let Some(level) = l.scp_missing {
        return denied(
            PolicyKind::Scp,
            Some(level),
            format!("no SCP at organization level {level} allows it (every level must)"),
        );
    }
    let caller = request.caller();
    let resource_kind = if set.resource.iter().any(|p| p.kind == PolicyKind::Trust) {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    };
    if !caller.is_iam_principal() {
        return match l.resource {
            Some(_) => (
                Decision::Allowed,
                None,
                "the resource policy allows this caller, and nothing denies it".into(),
            ),
            None => denied(
                resource_kind,
                None,
                format!(
                    "only a resource policy can allow `{}`, and none does",
                    caller.describe()
                ),
            ),
        };
    }
    let cross = request.is_cross_account();
    let on_kms_key = Arn::parse(request.resource()).is_some_and(|a| a.service == "kms");
    if l.resource.is_none() {
        let why = if cross {
            Some(
                "the request crosses accounts, so the resource's own policy must allow it too, and none does",
            )
        } else if resource_kind == PolicyKind::Trust {
            Some("a role's trust policy must allow the caller, and none of its statements does")
        } else if on_kms_key {
            Some("a KMS key's key policy must allow the caller, and none does")
        } else {
            None
        };
        if let Some(why) = why {
            return denied(resource_kind, None, why.into());
        }
    }
    let root = matches!(caller, Caller::Root { .. });
    let identity = l.identity || root;
    let boundary = l.boundary.unwrap_or(true);
    let session = match caller {
        Caller::FederatedUser { .. } => l.session == Some(true),
        _ => l.session.unwrap_or(true),
    };
    let grant = if cross { None } else { l.resource };
    if grant == Some(Grant::Direct) {
        return (
            Decision::Allowed,
            None,
            "the resource policy names the caller itself, which allows it in the same account whatever the identity policies, boundary and session policy say".into(),
        );
    }
    if grant != Some(Grant::Role) && !identity {
        let why = match (cross, l.resource) {
            (true, _) => {
                "the request crosses accounts, so an identity policy of the caller must allow it too, and none does"
            }
            (false, Some(_)) => {
                "the resource policy names only the caller's account, which leaves the decision to the caller's identity policies, and none allows it"
            }
            (false, None) => "no identity policy allows it",
        };
        return denied(PolicyKind::Identity, None, why.into());
    }
    if !boundary {
        let why = if grant == Some(Grant::Role) {
            "the permissions boundary does not allow it (a resource policy naming the role, not the session, does not get past the boundary)"
        } else {
            "the permissions boundary does not allow it"
        };
        return denied(PolicyKind::Boundary, None, why.into());
    }
    if !session {
        let why = if l.session.is_none() {
            "a federated user session without a session policy has no permissions of its own"
        } else {
            "the session policy does not allow it"
        };
        return denied(PolicyKind::Session, None, why.into());
    }
    let policy = if resource_kind == PolicyKind::Trust {
        "trust policy"
    } else {
        "resource policy"
    };
    let by = if grant == Some(Grant::Role) {
        format!("the {policy} names the role of the caller's session")
    } else if cross {
        format!("both the caller's identity policies and the {policy} allow it")
    } else if !l.identity {
        match l.resource {
            Some(_) => format!(
                "the {policy} allows the caller's account, whose root user needs no identity policy"
            ),
            None => "the account root user needs no identity policy in its own account".into(),
        }
    } else if l.resource.is_some() {
        format!("an identity policy allows it, and the {policy} allows the caller's account")
    } else {
        "an identity policy allows it".into()
    };
    (
        Decision::Allowed,
        None,
        format!("{by}, and nothing denies it"),
    )
}

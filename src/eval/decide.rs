//! The decision across policy types, as the IAM User Guide's policy evaluation logic has
//! it:
//!
//! 1. A Deny statement that applies, in any policy, decides: explicit deny. (SCP statements
//!    count only for IAM principals, whom SCPs govern.)
//! 2. RCPs, level by level from the root: every level must have an Allow that applies
//!    (except for service-linked roles, and a service assuming one, which RCPs do not
//!    restrict).
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
//!
//! Before any of this, the rules no policy can change ([`Rule`]) decide the requests they
//! cover (`sts:GetCallerIdentity`, changes to AWS managed policies and service-linked
//! roles). Two readings from the User Guide's boundary and session-policy pages apply to
//! resource policies: a Deny with NotPrincipal denies every IAM principal that has a
//! permissions boundary, whatever NotPrincipal lists; and a resource policy naming the
//! session ARN is not limited by the session policy, while one naming the role ARN is.

use super::compile::{CompiledPolicy, CompiledStatement};
use super::context::{Arn, Caller, Request};
use super::principal::Grant;
use super::rules::Rule;
use super::statement;
use super::trace::{
    Deciding, Decision, DeniedBy, Explanation, PolicyResult, PolicyTrace, RequestTrace,
};
use crate::model::{Effect, LoopVariable, PolicyKind, placeholder};

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
    /// The caller's own policies are not in the inputs (a caller from another account
    /// assuming a role of the inputs): `identity` is empty for want of them, which the
    /// headline says.
    pub caller_policies_unknown: bool,
    /// The names the inputs' loops bind (Terraform's `for b in var.buckets`): a placeholder
    /// of one takes a value per item, so no `--var` fills it.
    pub loop_variables: Vec<LoopVariable>,
}

/// Decides a request without building a trace, for questions asked in bulk (`explain`
/// builds the trace `why` shows).
pub fn decide(set: &PolicySet, request: &Request) -> Decision {
    if let Some(rule) = Rule::for_request(request) {
        return rule.decision();
    }
    verdict(&layers(set, request, Record::Nothing), set, request).decision()
}

/// A decision with the statements that made it, without the trace: what `why --scenarios`
/// reports for each of many requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Judgement {
    pub decision: Decision,
    /// As [`Explanation::deciding`].
    pub deciding: Vec<Deciding>,
    /// As [`Explanation::denied_by`].
    pub denied_by: Option<DeniedBy>,
    /// As [`Explanation::rule`].
    pub rule: Option<Rule>,
}

/// Decides a request and names the deciding statements (the same as [`explain`]'s), without
/// building a trace.
pub fn judge(set: &PolicySet, request: &Request) -> Judgement {
    if let Some(rule) = Rule::for_request(request) {
        return Judgement {
            decision: rule.decision(),
            deciding: Vec::new(),
            denied_by: None,
            rule: Some(rule),
        };
    }
    let mut applied = Vec::new();
    let why = verdict(
        &layers(set, request, Record::Applied(&mut applied)),
        set,
        request,
    );
    let decision = why.decision();
    let wanted = match decision {
        Decision::Allowed => Some(Effect::Allow),
        Decision::ExplicitDeny => Some(Effect::Deny),
        Decision::ImplicitDeny => None,
    };
    let deciding = applied
        .into_iter()
        .filter(|a| wanted.is_some() && a.effect == wanted)
        .map(|a| Deciding {
            role: a.policy.role.clone(),
            policy: a.policy.name.clone(),
            kind: a.policy.kind,
            statement: a.statement.index,
            sid: a.statement.sid.clone(),
            effect: a.statement.effect_written.clone().unwrap_or_default(),
            line: a.policy.statement_loc(a.statement).line,
            column: a.policy.statement_loc(a.statement).column,
        })
        .collect();
    Judgement {
        decision,
        deciding,
        denied_by: why.denied_by(),
        rule: None,
    }
}

/// What evaluating the policies keeps besides what each policy type said: nothing (the
/// fast path), the statements that applied, or the whole trace.
enum Record<'r, 'p> {
    Nothing,
    Applied(&'r mut Vec<Applied<'p>>),
    Traces(&'r mut Vec<PolicyTrace>),
}

impl<'p> Record<'_, 'p> {
    fn reborrow(&mut self) -> Record<'_, 'p> {
        match self {
            Record::Nothing => Record::Nothing,
            Record::Applied(a) => Record::Applied(a),
            Record::Traces(t) => Record::Traces(t),
        }
    }
}

/// A statement that applied, with its effect as it counted (a Deny with NotPrincipal that
/// denies a bounded caller counts as Deny).
struct Applied<'p> {
    policy: &'p CompiledPolicy,
    statement: &'p CompiledStatement,
    effect: Option<Effect>,
}

/// Decides a request and says why, statement by statement.
pub fn explain(set: &PolicySet, request: &Request) -> Explanation {
    let mut traces = Vec::new();
    let layers = layers(set, request, Record::Traces(&mut traces));
    let why = verdict(&layers, set, request);
    let rule = Rule::for_request(request);
    let decision = rule.map_or(why.decision(), Rule::decision);
    let wanted = match decision {
        // A rule decided: no statement did.
        _ if rule.is_some() => Some(""),
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
        reason: rule.map_or_else(|| why.text(request, set), |r| r.text().to_string()),
        request: request_trace(request),
        deciding,
        denied_by: if rule.is_some() {
            None
        } else {
            why.denied_by()
        },
        rule,
        policies: traces,
        notes: request
            .resource_is_shape()
            .then(|| format!(
                "`{}` has wildcards, so the question is whether some resource of that shape is allowed: an Allow counts when its Resource overlaps the shape, a Deny only when it covers all of it",
                request.resource()
            ))
            .into_iter()
            .chain(placeholder_notes(set, request))
            .collect(),
    }
}

/// The unfilled placeholders the decision depends on: those in the Resource, Principal or
/// Condition of a statement whose Action covers the request's action, said once each with
/// the first statement that holds it.
fn placeholder_notes(set: &PolicySet, request: &Request) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let policies = set
        .identity
        .iter()
        .chain(&set.resource)
        .chain(&set.boundary)
        .chain(&set.session)
        .chain(set.scps.iter().flatten())
        .chain(set.rcps.iter().flatten());
    for policy in policies {
        for s in policy
            .statements
            .iter()
            .filter(|s| s.action_matches(request))
        {
            let resources = s
                .resources
                .iter()
                .flat_map(|r| &r.patterns)
                .map(|(w, _)| (w.as_str(), true));
            let principals = s
                .principals
                .iter()
                .flat_map(|p| p.all_written())
                .map(|w| (w, true));
            let values = s
                .conditions
                .iter()
                .flat_map(|c| &c.values)
                .map(|v| (v.written.as_str(), false));
            for (text, capitals) in resources.chain(principals).chain(values) {
                for found in placeholder::find(text, capitals) {
                    let name = &text[found.name.clone()];
                    if seen.iter().any(|n| n == name) {
                        continue;
                    }
                    seen.push(name.to_string());
                    let fill = match placeholder::binding(&set.loop_variables, name) {
                        Some(v) => format!(
                            "it is the loop variable of `{}`, one value per item, known when Terraform runs",
                            v.bound_by
                        ),
                        None => format!("fill it with --var {name}=VALUE"),
                    };
                    out.push(format!(
                        "the decision depends on the unfilled placeholder `{}` (statement {} of {} policy \"{}\"); {fill}",
                        &text[found.range.clone()],
                        s.index,
                        policy.kind.as_str(),
                        policy.name
                    ));
                }
            }
        }
    }
    out
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
fn layers<'p>(set: &'p PolicySet, request: &Request, mut record: Record<'_, 'p>) -> Layers {
    let mut layers = Layers::default();
    let scps_exempt = if !request.caller().is_iam_principal() {
        Some("SCPs govern only IAM principals of member accounts, not this caller")
    } else if service_linked(request) {
        Some("SCPs do not restrict service-linked roles")
    } else {
        None
    };
    match scps_exempt {
        None => {
            layers.scp_missing = levels(&set.scps, request, &mut layers.deny, record.reborrow());
        }
        Some(note) => {
            for (level, policies) in set.scps.iter().enumerate() {
                not_applicable(policies, level + 1, note, record.reborrow());
            }
        }
    }
    if service_linked(request) {
        let note = "RCPs do not restrict service-linked roles, nor a service assuming one";
        for (level, policies) in set.rcps.iter().enumerate() {
            not_applicable(policies, level + 1, note, record.reborrow());
        }
    } else {
        layers.rcp_missing = levels(&set.rcps, request, &mut layers.deny, record.reborrow());
    }
    let bounded = !set.boundary.is_empty();
    let resource = group(&set.resource, request, None, bounded, record.reborrow());
    layers.deny |= resource.deny;
    layers.resource = resource.allow;
    let identity = group(&set.identity, request, None, false, record.reborrow());
    layers.deny |= identity.deny;
    layers.identity = identity.allow.is_some();
    for (policies, slot) in [
        (&set.boundary, &mut layers.boundary),
        (&set.session, &mut layers.session),
    ] {
        let said = group(policies, request, None, false, record.reborrow());
        layers.deny |= said.deny;
        *slot = (!policies.is_empty()).then_some(said.allow.is_some());
    }
    layers
}

/// Whether the request is one RCPs leave alone: made by a service-linked role (path
/// `/aws-service-role/`, named `AWSServiceRoleFor...`), or a service assuming one. SCPs
/// leave the first alone too (the second is no IAM principal's, which SCPs never govern).
fn service_linked(request: &Request) -> bool {
    let linked_arn = |arn: &str| arn.contains(":role/aws-service-role/");
    match request.caller() {
        Caller::RoleSession { role, role_arn, .. } => {
            role.starts_with("AWSServiceRoleFor") || role_arn.as_deref().is_some_and(linked_arn)
        }
        Caller::Service(_) => {
            super::context::is_assume_role(request.action()) && linked_arn(request.resource())
        }
        _ => false,
    }
}

/// Organization policies, level by level from the root: the first level (1 = root) with
/// no Allow that applies, if any.
fn levels<'p>(
    levels: &'p [Vec<CompiledPolicy>],
    request: &Request,
    deny: &mut bool,
    mut record: Record<'_, 'p>,
) -> Option<usize> {
    let mut missing = None;
    for (level, policies) in levels.iter().enumerate() {
        let said = group(policies, request, Some(level + 1), false, record.reborrow());
        *deny |= said.deny;
        if said.allow.is_none() && missing.is_none() {
            missing = Some(level + 1);
        }
    }
    missing
}

/// `bounded`: the caller has a permissions boundary, so a resource policy's Deny with
/// NotPrincipal denies it whatever NotPrincipal lists.
fn group<'p>(
    policies: &'p [CompiledPolicy],
    request: &Request,
    level: Option<usize>,
    bounded: bool,
    mut record: Record<'_, 'p>,
) -> Said {
    let mut said = Said::default();
    for policy in policies {
        let mut allow = None;
        let mut deny = false;
        match record.reborrow() {
            Record::Nothing => {
                for s in policy.statements.iter() {
                    if bounded && s.denies_bounded_caller(request, policy) {
                        deny = true;
                    } else if let Some(grant) = s.applies(request, policy) {
                        match s.effect {
                            Some(Effect::Deny) => deny = true,
                            _ => allow = allow.max(Some(grant)),
                        }
                    }
                }
            }
            Record::Applied(applied) => {
                for s in policy.statements.iter() {
                    let effect = if bounded && s.denies_bounded_caller(request, policy) {
                        deny = true;
                        Some(Effect::Deny)
                    } else if let Some(grant) = s.applies(request, policy) {
                        match s.effect {
                            Some(Effect::Deny) => deny = true,
                            _ => allow = allow.max(Some(grant)),
                        }
                        s.effect
                    } else {
                        continue;
                    };
                    applied.push(Applied {
                        policy,
                        statement: s,
                        effect,
                    });
                }
            }
            Record::Traces(traces) => {
                let mut statements = Vec::with_capacity(policy.statements.len());
                for s in policy.statements.iter() {
                    let (mut trace, grant) = statement::trace(s, request, policy);
                    if bounded && s.denies_bounded_caller(request, policy) {
                        statement::bounded_not_principal(&mut trace);
                        deny = true;
                    } else if let Some(grant) = grant {
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

fn not_applicable(policies: &[CompiledPolicy], level: usize, note: &str, record: Record<'_, '_>) {
    if let Record::Traces(traces) = record {
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

/// What decided a request, kept without text so the fast path allocates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Deny,
    /// An RCP or SCP level (1 = root) had no Allow.
    Organization(PolicyKind, usize),
    /// A caller that is no IAM principal, allowed or not by the resource policy.
    ResourceAlone {
        allowed: bool,
        trust: bool,
    },
    /// The resource policy had to allow and did not.
    ResourceMust {
        cross: bool,
        trust: bool,
    },
    /// The resource policy names the caller itself, in the same account.
    Direct,
    IdentityMissing {
        cross: bool,
        account_grant: bool,
    },
    Boundary {
        role_grant: bool,
    },
    Session {
        none_passed: bool,
        role_grant: bool,
    },
    Allowed {
        by: AllowedBy,
        trust: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AllowedBy {
    Role,
    BothSides,
    Root { resource: bool },
    IdentityAndAccount,
    Identity,
}

impl Why {
    fn decision(self) -> Decision {
        match self {
            Why::Deny => Decision::ExplicitDeny,
            Why::ResourceAlone { allowed: true, .. } | Why::Direct | Why::Allowed { .. } => {
                Decision::Allowed
            }
            _ => Decision::ImplicitDeny,
        }
    }

    fn denied_by(self) -> Option<DeniedBy> {
        let resource = |trust| {
            if trust {
                PolicyKind::Trust
            } else {
                PolicyKind::Resource
            }
        };
        let (kind, level) = match self {
            Why::Organization(kind, level) => (kind, Some(level)),
            Why::ResourceAlone {
                allowed: false,
                trust,
            }
            | Why::ResourceMust { trust, .. } => (resource(trust), None),
            Why::IdentityMissing { .. } => (PolicyKind::Identity, None),
            Why::Boundary { .. } => (PolicyKind::Boundary, None),
            Why::Session { .. } => (PolicyKind::Session, None),
            _ => return None,
        };
        Some(DeniedBy { kind, level })
    }

    fn text(self, request: &Request, set: &PolicySet) -> String {
        let policy = |trust: bool| {
            if trust {
                "trust policy"
            } else {
                "resource policy"
            }
        };
        match self {
            Why::Deny => "a Deny statement applies, which overrides every Allow".into(),
            Why::Organization(kind, level) => format!(
                "no {} at organization level {level} allows it (every level must)",
                if kind == PolicyKind::Scp { "SCP" } else { "RCP" }
            ),
            Why::ResourceAlone { allowed: true, trust } => format!(
                "the {} allows this caller, and nothing denies it",
                policy(trust)
            ),
            Why::ResourceAlone { allowed: false, .. } => format!(
                "only a resource policy can allow `{}`, and none does",
                request.caller().describe()
            ),
            Why::ResourceMust { cross: true, .. } => "the request crosses accounts, so the resource's own policy must allow it too, and none does".into(),
            Why::ResourceMust { trust: true, .. } => "a role's trust policy must allow the caller, and none of its statements does".into(),
            Why::ResourceMust { .. } => "a KMS key's key policy must allow the caller, and none does".into(),
            Why::Direct if !set.session.is_empty() => "the resource policy names the caller itself (the session ARN, not the role ARN), which allows it in the same account: the session policy does not limit it, nor do the identity policies or boundary".into(),
            Why::Direct => "the resource policy names the caller itself, which allows it in the same account whatever the identity policies, boundary and session policy say".into(),
            Why::IdentityMissing { cross: true, account_grant: true } if set.caller_policies_unknown => format!(
                "the {} allows it; the caller's own account must also allow it (its policies are not in these inputs)",
                policy(set.resource.iter().any(|p| p.kind == PolicyKind::Trust))
            ),
            Why::IdentityMissing { cross: true, .. } => "the request crosses accounts, so an identity policy of the caller must allow it too, and none does".into(),
            Why::IdentityMissing { account_grant: true, .. } => "the resource policy names only the caller's account, which leaves the decision to the caller's identity policies, and none allows it".into(),
            Why::IdentityMissing { .. } => "no identity policy allows it".into(),
            Why::Boundary { role_grant: true } => "the permissions boundary does not allow it (a resource policy naming the role, not the session, does not get past the boundary)".into(),
            Why::Boundary { .. } => "the permissions boundary does not allow it".into(),
            Why::Session { none_passed: true, .. } => "a federated user session without a session policy has no permissions of its own".into(),
            Why::Session { role_grant: true, .. } => "the session policy does not allow it (the resource policy names the role ARN, not the session ARN, so the session policy limits what it grants)".into(),
            Why::Session { .. } => "the session policy does not allow it".into(),
            Why::Allowed { by, trust } => {
                let policy = policy(trust);
                let by = match by {
                    AllowedBy::Role if !set.session.is_empty() => format!("the {policy} names the role of the caller's session (the role ARN, so the session policy must allow it too, and does)"),
                    AllowedBy::Role => format!("the {policy} names the role of the caller's session"),
                    AllowedBy::BothSides => {
                        format!("both the caller's identity policies and the {policy} allow it")
                    }
                    AllowedBy::Root { resource: true } => format!(
                        "the {policy} allows the caller's account, whose root user needs no identity policy"
                    ),
                    AllowedBy::Root { resource: false } => {
                        "the account root user needs no identity policy in its own account".into()
                    }
                    AllowedBy::IdentityAndAccount => format!(
                        "an identity policy allows it, and the {policy} allows the caller's account"
                    ),
                    AllowedBy::Identity => "an identity policy allows it".into(),
                };
                format!("{by}, and nothing denies it")
            }
        }
    }
}

/// What decided, from what each policy type said.
fn verdict(l: &Layers, set: &PolicySet, request: &Request) -> Why {
    if l.deny {
        return Why::Deny;
    }
    if let Some(level) = l.rcp_missing {
        return Why::Organization(PolicyKind::Rcp, level);
    }
    if let Some(level) = l.scp_missing {
        return Why::Organization(PolicyKind::Scp, level);
    }
    let caller = request.caller();
    let trust = set.resource.iter().any(|p| p.kind == PolicyKind::Trust);
    if !caller.is_iam_principal() {
        return Why::ResourceAlone {
            allowed: l.resource.is_some(),
            trust,
        };
    }
    let cross = request.is_cross_account();
    // Only a key has a key policy: an alias ARN (kms:DeleteAlias on the alias) is decided
    // on the alias, by the identity policies.
    let on_kms_key = Arn::parse(request.resource())
        .is_some_and(|a| a.service == "kms" && a.resource.starts_with("key/"));
    if l.resource.is_none() && (cross || trust || on_kms_key) {
        return Why::ResourceMust { cross, trust };
    }
    let root = matches!(caller, Caller::Root { .. });
    let grant = if cross { None } else { l.resource };
    if grant == Some(Grant::Direct) {
        return Why::Direct;
    }
    let role_grant = grant == Some(Grant::Role);
    if !(role_grant || l.identity || root) {
        return Why::IdentityMissing {
            cross,
            account_grant: l.resource.is_some(),
        };
    }
    if !l.boundary.unwrap_or(true) {
        return Why::Boundary { role_grant };
    }
    let session = match caller {
        Caller::FederatedUser { .. } => l.session == Some(true),
        _ => l.session.unwrap_or(true),
    };
    if !session {
        return Why::Session {
            role_grant,
            none_passed: l.session.is_none(),
        };
    }
    let by = if role_grant {
        AllowedBy::Role
    } else if cross {
        AllowedBy::BothSides
    } else if !l.identity {
        AllowedBy::Root {
            resource: l.resource.is_some(),
        }
    } else if l.resource.is_some() {
        AllowedBy::IdentityAndAccount
    } else {
        AllowedBy::Identity
    };
    Why::Allowed { by, trust }
}

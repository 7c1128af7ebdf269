//! From the loaded tree to a request and the policies that bear on it: the holder's
//! identity policies (its groups' too, and resolved managed policies), its boundary and
//! session policies, the resource policies that name the resource, a role's trust policy
//! for `sts:AssumeRole*`, and the SCPs and RCPs of the input. `why` on the command line and
//! in the viewer both ask through here.

use super::compile::CompiledPolicy;
use super::context::{Caller, Context, Request, is_assume_role};
use super::decide::PolicySet;
use super::scenario::DEFAULT_CALLER_ROLE;
use crate::model::{
    Effect, Loc, PolicyDocument, PolicyKind, Role, RoleKind, Source, Statement, Text, Values,
};

/// Stands for the account of a role whose ARN the input does not give: an account of its
/// own, which is not the caller's.
const ROLE_ACCOUNT: &str = "(the role's account)";

/// What is asked: the request, and whose policies to judge it by.
#[derive(Clone, Debug, Default)]
pub struct Question<'a> {
    pub action: &'a str,
    pub resource: Option<&'a str>,
    /// Who calls; without it, a session of the holder.
    pub principal: Option<&'a str>,
    /// The holder whose policies are judged; without it, the only one there is.
    pub role: Option<&'a str>,
    pub resource_account: Option<&'a str>,
    pub context: Context,
}

/// A request ready to judge, with the assumptions made for what the input left out.
#[derive(Debug)]
pub struct Prepared {
    pub set: PolicySet,
    pub request: Request,
    pub notes: Vec<String>,
}

/// A holder in the tree with the source it came from.
type Held<'a> = (&'a Source, &'a Role);

/// Finds the holder `name` names: exactly, else ignoring case. The error lists the holders
/// there are.
pub fn find_role<'a>(sources: &'a [Source], name: &str) -> Result<Held<'a>, String> {
    let all: Vec<Held> = sources
        .iter()
        .flat_map(|s| s.roles.iter().map(move |r| (s, r)))
        .collect();
    let mut found: Vec<Held> = all
        .iter()
        .copied()
        .filter(|(_, r)| r.name == name || r.title.as_deref() == Some(name))
        .collect();
    if found.is_empty() {
        found = all
            .iter()
            .copied()
            .filter(|(_, r)| r.name.eq_ignore_ascii_case(name))
            .collect();
    }
    match found.as_slice() {
        [one] => Ok(*one),
        [] => Err(format!(
            "no role named `{name}` in the input; {}",
            role_list(&all)
        )),
        several => Err(format!(
            "`{name}` names a role in several sources ({}); give one of them alone",
            several
                .iter()
                .map(|(s, _)| s.path.clone())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

fn role_list(holders: &[Held]) -> String {
    if holders.is_empty() {
        return "it holds no policies".into();
    }
    let names: Vec<String> = holders
        .iter()
        .map(|(s, r)| format!("{} ({}, {})", r.name, r.kind.as_str(), s.path))
        .collect();
    format!("the roles there are: {}", names.join(", "))
}

/// Whether a holder has policies that grant or limit a caller (rather than only a trust or
/// resource policy, or organization policies).
fn holds_identity(role: &Role) -> bool {
    role.policies.iter().any(|p| {
        matches!(
            p.kind,
            PolicyKind::Identity | PolicyKind::Boundary | PolicyKind::Session
        )
    })
}

/// Prepares the request `question` asks about the loaded `sources`.
pub fn prepare(sources: &[Source], question: Question) -> Result<Prepared, String> {
    let mut notes = Vec::new();
    let assume = is_assume_role(question.action) && question.principal.is_some();
    let holder = match question.role {
        Some(name) => Some(find_role(sources, name)?),
        None if assume => only_holder(sources, holds_trust)?,
        None => only_holder(sources, holds_identity)?,
    };
    let caller = match (question.principal, holder) {
        (Some(p), _) => Caller::parse(p),
        (None, Some((_, role))) => {
            let caller = Caller::for_holder(role.kind, &role.name, role.arn.as_deref());
            let who = match role.kind {
                RoleKind::User => format!("user `{}`", role.name),
                RoleKind::Group => format!(
                    "a user in group `{}`, judged by the group's policies",
                    role.name
                ),
                _ => format!("a session of `{}`", role.name),
            };
            if role.arn.is_none() {
                notes.push(format!(
                    "the caller is {who}, whose ARN the input does not give; it is taken to be in the resource's account"
                ));
            } else if role.kind == RoleKind::Group {
                notes.push(format!("the caller is {who}"));
            }
            caller
        }
        (None, None) => {
            notes.push(format!(
                "no role and no --principal: the caller is a session of a role named `{DEFAULT_CALLER_ROLE}` with no policies"
            ));
            Caller::session_of(DEFAULT_CALLER_ROLE, None)
        }
    };
    let mut resource = question.resource.map(str::to_string);
    if assume
        && resource.is_none()
        && let Some((_, role)) = holder
    {
        resource = Some(role.arn.clone().unwrap_or_else(|| {
            let account = question.resource_account.unwrap_or_else(|| {
                notes.push(format!(
                    "the ARN of `{}` is not in the input: the role is taken to be in an account of its own, not the caller's (give --resource-account to say which)",
                    role.name
                ));
                ROLE_ACCOUNT
            });
            format!("arn:aws:iam::{account}:role/{}", role.name)
        }));
    }
    // For a role assumption the resource's account is the role's, never the caller's.
    let resource_account = question.resource_account.or((assume
        && resource
            .as_deref()
            .is_some_and(|r| r.contains(ROLE_ACCOUNT)))
    .then_some(ROLE_ACCOUNT));
    let request = Request::new(
        question.action,
        resource.as_deref(),
        caller,
        resource_account,
        question.context,
    );
    let mut set = PolicySet {
        loop_variables: sources
            .iter()
            .flat_map(|s| s.loop_variables.iter().cloned())
            .collect(),
        ..PolicySet::default()
    };
    match holder {
        Some((source, role)) if assume => {
            set.resource = compiled(role, &[PolicyKind::Trust], &mut notes);
            if set.resource.is_empty() {
                notes.push(format!("`{}` has no trust policy in the input", role.name));
            }
            caller_policies(sources, source, &request, &mut set, &mut notes);
        }
        Some((source, role)) => {
            holder_policies(source, role, &mut set, &mut notes);
            set.resource = resource_policies(sources, &request, &mut notes);
        }
        None => set.resource = resource_policies(sources, &request, &mut notes),
    }
    organization_policies(sources, &mut set, &mut notes);
    Ok(Prepared {
        set,
        request,
        notes,
    })
}

/// Whether a holder has a trust policy (a role that can be assumed).
fn holds_trust(role: &Role) -> bool {
    role.policies.iter().any(|p| p.kind == PolicyKind::Trust)
}

/// The one holder of the input that `holds` something, when there is exactly one.
fn only_holder(sources: &[Source], holds: fn(&Role) -> bool) -> Result<Option<Held<'_>>, String> {
    let holders: Vec<Held> = sources
        .iter()
        .flat_map(|s| s.roles.iter().map(move |r| (s, r)))
        .filter(|(_, r)| holds(r))
        .collect();
    match holders.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        several => Err(format!(
            "the input holds several roles; choose one with --role: {}",
            role_list(several)
        )),
    }
}

/// The holder's policies of these kinds, compiled; unresolved managed policies are noted.
fn compiled(role: &Role, kinds: &[PolicyKind], notes: &mut Vec<String>) -> Vec<CompiledPolicy> {
    let mut out = Vec::new();
    for policy in role.policies.iter().filter(|p| kinds.contains(&p.kind)) {
        match (&policy.document, &policy.managed) {
            (Some(doc), _) => out.push(CompiledPolicy::compile(
                doc,
                policy.kind,
                policy.name.clone(),
                Some(role.name.clone()),
            )),
            (None, Some(managed)) => notes.push(format!(
                "managed policy `{}` of `{}` is not resolved; its statements are not counted",
                if managed.arn.is_empty() {
                    &managed.name
                } else {
                    &managed.arn
                },
                role.name
            )),
            (None, None) => {}
        }
    }
    out
}

/// The groups of a user as the source holds them: each group found, or its name when the
/// source does not hold it. The one place group membership is read (`why`, `matrix` and
/// the risk findings all count a user's groups through here).
pub fn groups<'a>(source: &'a Source, role: &'a Role) -> Vec<Result<&'a Role, &'a str>> {
    role.groups
        .iter()
        .map(|group| {
            source
                .roles
                .iter()
                .find(|r| r.kind == RoleKind::Group && &r.name == group)
                .ok_or(group.as_str())
        })
        .collect()
}

/// What is said of a group of `user` that the input does not hold.
pub fn missing_group_note(group: &str, user: &str) -> String {
    format!("group `{group}` of `{user}` is not in the input; its policies are not counted")
}

/// The identity policies, boundary and session policies of a holder (a user's groups'
/// identity policies included).
fn holder_policies(source: &Source, role: &Role, set: &mut PolicySet, notes: &mut Vec<String>) {
    set.identity = compiled(role, &[PolicyKind::Identity], notes);
    for group in groups(source, role) {
        match group {
            Ok(g) => set
                .identity
                .extend(compiled(g, &[PolicyKind::Identity], notes)),
            Err(name) => notes.push(missing_group_note(name, &role.name)),
        }
    }
    set.boundary = compiled(role, &[PolicyKind::Boundary], notes);
    set.session = compiled(role, &[PolicyKind::Session], notes);
}

/// For a role assumption: the assuming caller's own policies, when the input holds them.
fn caller_policies(
    sources: &[Source],
    source: &Source,
    request: &Request,
    set: &mut PolicySet,
    notes: &mut Vec<String>,
) {
    let caller = request.caller();
    if !caller.is_iam_principal() || matches!(caller, Caller::Root { .. }) {
        return;
    }
    let arns = [caller.principal_arn(), caller.session_arn()];
    let found = sources.iter().find_map(|s| {
        s.roles
            .iter()
            .find(|r| r.arn.is_some() && arns.contains(&r.arn))
            .map(|r| (s, r))
    });
    match found {
        Some((s, r)) => holder_policies(s, r, set, notes),
        None => {
            set.caller_policies_unknown = request.is_cross_account();
            notes.push(format!(
                "the policies of `{}` are not in {}; it is judged as having none",
                caller.describe(),
                if sources.len() > 1 {
                    "the input"
                } else {
                    source.path.as_str()
                }
            ));
        }
    }
}

/// The resource policies of the input that name the requested resource: held by a holder
/// with that ARN, or with a statement whose Resource names it by more than `*`.
fn resource_policies(
    sources: &[Source],
    request: &Request,
    notes: &mut Vec<String>,
) -> Vec<CompiledPolicy> {
    let mut out = Vec::new();
    for role in sources.iter().flat_map(|s| &s.roles) {
        for policy in compiled(role, &[PolicyKind::Resource], notes) {
            let names_it = role.arn.as_deref() == Some(request.resource())
                || policy
                    .statements
                    .iter()
                    .any(|s| s.resources.as_ref().is_some_and(|r| r.names(request)));
            if names_it {
                notes.push(format!(
                    "resource policy `{}` of `{}` names the resource, so it is the resource's policy",
                    policy.name, role.name
                ));
                out.push(policy);
            }
        }
    }
    out
}

/// The input's SCPs and RCPs, each kind as one organization level. AWS attaches
/// `FullAWSAccess` to every level by default and `RCPFullAWSAccess` always, so a level of
/// deny-only SCPs, and every RCP level, gets that policy too (shown as implied).
fn organization_policies(sources: &[Source], set: &mut PolicySet, notes: &mut Vec<String>) {
    for (kind, implied) in [
        (PolicyKind::Scp, "FullAWSAccess (implied)"),
        (PolicyKind::Rcp, "RCPFullAWSAccess (implied)"),
    ] {
        let mut level: Vec<CompiledPolicy> = sources
            .iter()
            .flat_map(|s| &s.roles)
            .flat_map(|r| compiled(r, &[kind], notes))
            .collect();
        if level.is_empty() {
            continue;
        }
        let allows = level
            .iter()
            .flat_map(|p| p.statements.iter())
            .any(|s| s.effect == Some(Effect::Allow));
        if kind == PolicyKind::Rcp || !allows {
            notes.push(format!(
                "the input's {} are read as one organization level, with AWS's default `{}` added",
                if kind == PolicyKind::Scp {
                    "SCPs"
                } else {
                    "RCPs"
                },
                implied.trim_end_matches(" (implied)")
            ));
            level.push(CompiledPolicy::compile(
                &full_access(kind == PolicyKind::Rcp),
                kind,
                implied,
                None,
            ));
        }
        match kind {
            PolicyKind::Scp => set.scps = vec![level],
            _ => set.rcps = vec![level],
        }
    }
}

/// `{"Effect": "Allow", "Action": "*", "Resource": "*"}` (with `"Principal": "*"` for an
/// RCP), as AWS's default organization policies read.
fn full_access(with_principal: bool) -> PolicyDocument {
    let text = |s: &str| Text::new(s, Loc::default());
    let all = || Values {
        items: vec![text("*")],
        single: true,
        loc: Loc::default(),
    };
    PolicyDocument {
        version: Some(text(crate::model::policy::VERSION_2012)),
        statements: vec![Statement {
            sid: Some(text("FullAWSAccess")),
            effect: Some(text("Allow")),
            principal: with_principal.then(|| crate::model::Principal::Wildcard(text("*"))),
            action: Some(all()),
            resource: Some(all()),
            ..Statement::default()
        }],
        ..PolicyDocument::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Options, load_text};
    use crate::eval::{Decision, decide};

    fn source(path: &str, text: &str) -> Source {
        load_text(path, text, &Options::default())
    }

    #[test]
    fn an_unknown_role_lists_the_roles_there_are() {
        let sources = [source(
            "p.json",
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
        )];
        let err = find_role(&sources, "Admin").unwrap_err();
        assert_eq!(
            err,
            "no role named `Admin` in the input; the roles there are: p.json (document, p.json)"
        );
    }

    #[test]
    fn a_lone_holder_is_used_and_a_deny_only_scp_gets_full_access() {
        let sources = [
            source(
                "p.json",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#,
            ),
            source(
                "scp-guardrails.json",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}"#,
            ),
        ];
        let ask = |action| Question {
            action,
            ..Question::default()
        };
        let p = prepare(&sources, ask("s3:GetObject")).unwrap();
        assert_eq!(p.set.scps[0].len(), 2);
        assert_eq!(decide(&p.set, &p.request), Decision::Allowed);
        let p = prepare(&sources, ask("iam:CreateUser")).unwrap();
        assert_eq!(decide(&p.set, &p.request), Decision::ExplicitDeny);
    }
}

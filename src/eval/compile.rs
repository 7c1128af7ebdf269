//! Policies compiled once for evaluation: every pattern, principal and condition value is
//! read ahead, so judging a request allocates nothing (unless it substitutes variables
//! into a case-insensitive comparison).

use super::action::ActionMatcher;
use super::condition::Clause;
use super::context::Request;
use super::pattern::ArnPattern;
use super::principal::{Grant, PrincipalSet};
use crate::model::glob;
use crate::model::{Effect, Loc, PolicyDocument, PolicyKind, Statement, Values};

/// A policy ready to be evaluated, with the names the trace shows.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledPolicy {
    pub name: String,
    /// The holder (role, user, group, resource) the policy belongs to, when known.
    pub role: Option<String>,
    pub kind: PolicyKind,
    pub statements: std::sync::Arc<[CompiledStatement]>,
    /// Built from documentation (a table of actions) that names no resources.
    pub from_documentation: bool,
    /// Where the policy was compiled, and where the same text is being judged now, when
    /// they differ (`why --scenarios` compiles a policy repeated on many lines once):
    /// its statements' positions move along. See [`CompiledPolicy::statement_loc`].
    pub moved: Option<(Loc, Loc)>,
}

impl CompiledPolicy {
    /// Compiles `document` as a policy of `kind`. `${...}` are policy variables only in
    /// Version 2012-10-17 documents.
    pub fn compile(
        document: &PolicyDocument,
        kind: PolicyKind,
        name: impl Into<String>,
        role: Option<String>,
    ) -> CompiledPolicy {
        let variables = document.has_policy_variables();
        CompiledPolicy {
            name: name.into(),
            role,
            kind,
            from_documentation: document.synthesized,
            moved: None,
            statements: document
                .statements
                .iter()
                .enumerate()
                .map(|(i, s)| CompiledStatement::compile(s, i + 1, variables))
                .collect(),
        }
    }

    /// Where statement `s` of this policy is, in the text being judged.
    pub fn statement_loc(&self, s: &CompiledStatement) -> Loc {
        match self.moved {
            Some((from, to)) => moved_loc(s.loc, from, to),
            None => s.loc,
        }
    }

    /// Whether the policy is attached to a resource (its statements need a Principal and
    /// may leave out Resource).
    pub fn is_on_resource(&self) -> bool {
        matches!(self.kind, PolicyKind::Resource | PolicyKind::Trust)
    }

    /// What a statement without Resource or NotResource covers.
    pub fn unstated_resource(&self) -> UnstatedResource {
        if self.is_on_resource() {
            UnstatedResource::AttachedTo
        } else if self.from_documentation {
            UnstatedResource::Any
        } else {
            UnstatedResource::Nothing
        }
    }

    /// Whether its statements must name a principal.
    pub fn needs_principal(&self) -> bool {
        self.is_on_resource() || self.kind == PolicyKind::Rcp
    }
}

/// `loc`, found in text that started at `from`, for the same text starting at `to`. Only
/// places on the first line move by columns (a scenario line has one line).
pub fn moved_loc(loc: Loc, from: Loc, to: Loc) -> Loc {
    if loc.line == from.line {
        let column = i64::from(loc.column) - i64::from(from.column) + i64::from(to.column);
        Loc::new(to.line, u32::try_from(column).unwrap_or(0))
    } else {
        Loc::new(
            to.line.saturating_add(loc.line.saturating_sub(from.line)),
            loc.column,
        )
    }
}

/// What a statement that names no resource covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnstatedResource {
    /// Nothing: IAM requires Resource in identity policies, boundaries, SCPs...
    Nothing,
    /// The resource its policy is attached to (resource and trust policies).
    AttachedTo,
    /// Any resource: the statement comes from documentation that names none, and is read
    /// as the vendor asks for it.
    Any,
}

/// One statement, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledStatement {
    /// 1-based position in the policy.
    pub index: usize,
    pub sid: Option<String>,
    /// The Effect as written, and its meaning when it is exactly `Allow` or `Deny`.
    pub effect_written: Option<String>,
    pub effect: Option<Effect>,
    pub actions: Option<ActionSet>,
    pub resources: Option<ResourceSet>,
    pub principals: Option<PrincipalSet>,
    pub conditions: Vec<Clause>,
    pub loc: Loc,
}

/// An Action or NotAction element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionSet {
    pub not: bool,
    pub patterns: Vec<ActionMatcher>,
}

impl ActionSet {
    /// The first pattern matching the lower-cased action.
    pub fn find(&self, action: &str) -> Option<usize> {
        self.patterns.iter().position(|p| p.matches(action))
    }
}

/// A Resource or NotResource element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSet {
    pub not: bool,
    pub patterns: Vec<(String, ArnPattern)>,
}

impl ResourceSet {
    /// The first pattern matching the request's resource.
    pub fn find(&self, request: &Request) -> Option<usize> {
        self.patterns
            .iter()
            .position(|(_, p)| p.matches_resource(request.resource(), request.context()))
    }

    /// For a request whose resource is itself a pattern (`arn:aws:s3:::b/*`, `*`: "on
    /// some resource of this shape"), the first pattern that overlaps it (some resource
    /// matches both) or, with `covering`, that covers it (every resource of its shape
    /// matches). Patterns are compared whole, `*` crossing `/` and `:`.
    pub fn find_shape(&self, request: &Request, covering: bool) -> Option<usize> {
        let shape = request.resource();
        self.patterns.iter().position(|(_, p)| {
            p.resolve(request.context()).is_some_and(|written| {
                if covering {
                    glob::covers(&written, shape, false)
                } else {
                    glob::overlaps(&written, shape, false)
                }
            })
        })
    }

    /// The pattern that decides whether the element matches the request for a statement
    /// of this effect: for a resource shape, an Allow needs an overlap and a Deny must
    /// cover the whole shape (for NotResource the other way round), so that "Allowed" means
    /// "allowed on some resource of that shape".
    pub fn decisive(&self, request: &Request, effect: Option<Effect>) -> Option<usize> {
        if request.resource_is_shape() {
            self.find_shape(request, (effect == Some(Effect::Deny)) != self.not)
        } else {
            self.find(request)
        }
    }

    /// Whether a Resource element names the request's resource by something more specific
    /// than `*`.
    pub fn names(&self, request: &Request) -> bool {
        !self.not
            && self.patterns.iter().any(|(_, p)| {
                *p != ArnPattern::Any && p.matches_resource(request.resource(), request.context())
            })
    }
}

impl CompiledStatement {
    fn compile(s: &Statement, index: usize, variables: bool) -> CompiledStatement {
        let actions = s.actions().map(|(values, not)| ActionSet {
            not,
            patterns: values.iter().map(ActionMatcher::compile).collect(),
        });
        let resources = s.resources().map(|(values, not)| ResourceSet {
            not,
            patterns: compile_resources(values, variables),
        });
        let conditions = s
            .condition
            .iter()
            .flat_map(|c| &c.operators)
            .flat_map(|block| {
                block.entries.iter().map(|entry| {
                    let values: Vec<&str> = entry.values.iter().map(|v| v.text.as_str()).collect();
                    Clause::compile(&block.operator.value, &entry.key.value, &values, variables)
                })
            })
            .collect();
        CompiledStatement {
            index,
            sid: s.sid.as_ref().map(|t| t.value.to_string()),
            effect_written: s.effect.as_ref().map(|t| t.value.to_string()),
            effect: s.effect(),
            actions,
            resources,
            principals: s.principals().map(|(p, not)| PrincipalSet::compile(p, not)),
            conditions,
            loc: s.loc,
        }
    }

    /// Whether the action element matches the request.
    pub fn action_matches(&self, request: &Request) -> bool {
        self.actions
            .as_ref()
            .is_some_and(|a| a.find(request.action_lower()).is_some() != a.not)
    }

    /// Whether the resource element matches the request; `unstated` says what a statement
    /// without one covers.
    pub fn resource_matches(&self, request: &Request, unstated: UnstatedResource) -> bool {
        match &self.resources {
            Some(r) => r.decisive(request, self.effect).is_some() != r.not,
            None => unstated != UnstatedResource::Nothing,
        }
    }

    /// Whether the principal element lets the statement apply to the caller, and how
    /// directly it names the caller. A statement without one applies to the caller of a
    /// policy type that needs none.
    pub fn principal_grant(&self, request: &Request, needs_principal: bool) -> Option<Grant> {
        match &self.principals {
            Some(p) => p.applies(request.caller()),
            None => (!needs_principal).then_some(Grant::Direct),
        }
    }

    /// Whether every condition clause holds.
    pub fn conditions_hold(&self, request: &Request) -> bool {
        self.conditions.iter().all(|c| c.matches(request.context()))
    }

    /// Whether this is a resource policy's Deny with NotPrincipal that would apply but for
    /// NotPrincipal, to an IAM principal: such a statement denies every principal with a
    /// permissions boundary, whatever NotPrincipal lists (IAM User Guide, permissions
    /// boundaries).
    pub fn denies_bounded_caller(&self, request: &Request, policy: &CompiledPolicy) -> bool {
        self.effect == Some(Effect::Deny)
            && policy.is_on_resource()
            && self.principals.as_ref().is_some_and(|p| p.not)
            && request.caller().is_iam_principal()
            && self.action_matches(request)
            && self.resource_matches(request, policy.unstated_resource())
            && self.conditions_hold(request)
    }

    /// Whether the statement applies to the request, and how directly it names the caller.
    pub fn applies(&self, request: &Request, policy: &CompiledPolicy) -> Option<Grant> {
        self.effect?;
        if !self.action_matches(request)
            || !self.resource_matches(request, policy.unstated_resource())
        {
            return None;
        }
        let grant = self.principal_grant(request, policy.needs_principal())?;
        self.conditions_hold(request).then_some(grant)
    }
}

fn compile_resources(values: &Values, variables: bool) -> Vec<(String, ArnPattern)> {
    values
        .iter()
        .map(|v| (v.to_string(), ArnPattern::parse(v, variables)))
        .collect()
}

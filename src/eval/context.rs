//! The request being judged: the action, the resource, who is calling (the caller), which
//! account owns the resource, and the request context keys with one value or many.
//!
//! Context values are kept as text and read as the type of the operator that compares them
//! (a number for `Numeric...`, a date for `Date...`). [`key_type`] says which type a key
//! holds, when known, so input can be checked before evaluation.

use super::operator::ValueType;
use crate::model::RoleKind;

/// Request context keys and their values. Key names are case-insensitive.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    entries: Vec<ContextEntry>,
}

/// One key of the context with its values, in the order given.
#[derive(Clone, Debug, PartialEq)]
pub struct ContextEntry {
    /// The key as first written.
    pub key: String,
    lower: String,
    pub values: Vec<String>,
    /// Filled in from the caller or the resource rather than given.
    pub derived: bool,
}

impl Context {
    /// Adds a value to `key` (a key given several times holds several values).
    pub fn push(&mut self, key: &str, value: &str) {
        let lower = key.to_lowercase();
        match self.entries.iter_mut().find(|e| e.lower == lower) {
            Some(entry) => entry.values.push(value.to_string()),
            None => self.entries.push(ContextEntry {
                key: key.to_string(),
                lower,
                values: vec![value.to_string()],
                derived: false,
            }),
        }
    }

    /// Gives `key` these values (none: present but empty), replacing any it had.
    pub fn set(&mut self, key: &str, values: Vec<String>) {
        let lower = key.to_lowercase();
        self.entries.retain(|e| e.lower != lower);
        self.entries.push(ContextEntry {
            key: key.to_string(),
            lower,
            values,
            derived: false,
        });
    }

    fn derive(&mut self, key: &str, value: String) {
        if self.get(&key.to_lowercase()).is_none() {
            self.set(key, vec![value]);
            if let Some(entry) = self.entries.last_mut() {
                entry.derived = true;
            }
        }
    }

    /// The values of a key, given lower-cased.
    pub fn get(&self, lower_key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|e| e.lower == lower_key)
            .map(|e| e.values.as_slice())
    }

    /// The value of a key (given lower-cased) when it has exactly one.
    pub fn single(&self, lower_key: &str) -> Option<&str> {
        match self.get(lower_key)? {
            [one] => Some(one),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[ContextEntry] {
        &self.entries
    }
}

/// Pairs of key and value; a key given twice holds both values.
impl<'a> FromIterator<(&'a str, &'a str)> for Context {
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str)>>(pairs: I) -> Self {
        let mut context = Context::default();
        for (key, value) in pairs {
            context.push(key, value);
        }
        context
    }
}

/// Who makes the request, read from a principal string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// An unauthenticated request.
    Anonymous,
    /// The account's root user (`arn:aws:iam::111122223333:root` or a bare account ID).
    Root { partition: String, account: String },
    /// An IAM user. `path` is what follows `user/` in its ARN (`team/alice`), empty for an
    /// unnamed member of `group` (a group's policies are judged for its members);
    /// `account` is `None` when the input does not say.
    User {
        partition: String,
        account: Option<String>,
        path: String,
        group: Option<String>,
    },
    /// A session of an IAM role. `session` is `None` when only the role is known (a role
    /// ARN given as the principal, or `--role` alone); `account` is `None` when the input
    /// does not say.
    RoleSession {
        partition: String,
        account: Option<String>,
        role: String,
        /// The role's ARN with its path, when known.
        role_arn: Option<String>,
        session: Option<String>,
    },
    /// A federated user session from `GetFederationToken`.
    FederatedUser {
        arn: String,
        partition: String,
        account: String,
    },
    /// An AWS service, such as `lambda.amazonaws.com`.
    Service(String),
    /// An identity provider (web identity or SAML) assuming a role.
    Federated(String),
    /// Anything else (a canonical user ID, an unrecognised string), matched as written.
    Other(String),
}

/// Web identity providers written as host names, which are not AWS services even where
/// they end in `amazonaws.com`.
const WEB_IDENTITY_PROVIDERS: [&str; 4] = [
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

impl Caller {
    /// Reads a principal: an ARN (user, role, assumed-role session, federated user, root,
    /// identity provider), a 12-digit account ID, a service or identity provider name, or
    /// `anonymous`.
    pub fn parse(s: &str) -> Caller {
        let s = s.trim();
        if s.eq_ignore_ascii_case("anonymous") || s == "*" {
            return Caller::Anonymous;
        }
        if is_account_id(s) {
            return Caller::Root {
                partition: "aws".into(),
                account: s.into(),
            };
        }
        if let Some(arn) = Arn::parse(s) {
            return Caller::from_arn(s, &arn);
        }
        if WEB_IDENTITY_PROVIDERS.contains(&s) {
            Caller::Federated(s.into())
        } else if s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn") {
            Caller::Service(s.into())
        } else {
            Caller::Other(s.into())
        }
    }

    fn from_arn(s: &str, arn: &Arn) -> Caller {
        let partition = arn.partition.to_string();
        let account = arn.account.to_string();
        match (arn.service, arn.resource.split_once('/')) {
            ("iam", None) if arn.resource == "root" => Caller::Root { partition, account },
            ("iam", Some(("user", path))) => Caller::User {
                partition,
                account: Some(account),
                path: path.into(),
                group: None,
            },
            ("iam", Some(("role", path))) => Caller::RoleSession {
                partition,
                account: Some(account),
                role: last_path_part(path).into(),
                role_arn: Some(s.into()),
                session: None,
            },
            ("iam", Some(("saml-provider" | "oidc-provider", _))) => Caller::Federated(s.into()),
            ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
                Some((role, session)) => Caller::RoleSession {
                    partition,
                    account: Some(account),
                    role: role.into(),
                    role_arn: None,
                    session: Some(session.into()),
                },
                None => Caller::Other(s.into()),
            },
            ("sts", Some(("federated-user", _))) => Caller::FederatedUser {
                arn: s.into(),
                partition,
                account,
            },
            _ => Caller::Other(s.into()),
        }
    }

    /// A session of a role known by name (and ARN, when the input gives one).
    pub fn session_of(role: &str, role_arn: Option<&str>) -> Caller {
        match role_arn.map(Caller::parse) {
            Some(Caller::RoleSession {
                partition,
                account,
                role_arn,
                ..
            }) => Caller::RoleSession {
                partition,
                account,
                role: role.into(),
                role_arn,
                session: None,
            },
            _ => Caller::RoleSession {
                partition: "aws".into(),
                account: None,
                role: role.into(),
                role_arn: None,
                session: None,
            },
        }
    }

    /// The caller for a holder of the input: a user is itself, a group's caller is an
    /// unnamed member of it (a user), anything else a session of the role it names.
    pub fn for_holder(kind: RoleKind, name: &str, arn: Option<&str>) -> Caller {
        let account = || {
            arn.and_then(Arn::parse)
                .map(|a| (a.partition.to_string(), a.account.to_string()))
        };
        match kind {
            RoleKind::User => match arn.map(Caller::parse) {
                Some(user @ Caller::User { .. }) => user,
                _ => Caller::User {
                    partition: account().map_or_else(|| "aws".into(), |a| a.0),
                    account: None,
                    path: name.into(),
                    group: None,
                },
            },
            RoleKind::Group => {
                let (partition, account) = account().unzip();
                Caller::User {
                    partition: partition.unwrap_or_else(|| "aws".into()),
                    account,
                    path: String::new(),
                    group: Some(name.into()),
                }
            }
            _ => Caller::session_of(name, arn),
        }
    }

    /// A user's name (the last part of its path), when known.
    pub fn user_name(&self) -> Option<&str> {
        match self {
            Caller::User { path, .. } if !path.is_empty() => Some(last_path_part(path)),
            _ => None,
        }
    }

    /// The caller's account, when it has one and it is known.
    pub fn account(&self) -> Option<&str> {
        match self {
            Caller::Root { account, .. } | Caller::FederatedUser { account, .. } => Some(account),
            Caller::RoleSession { account, .. } | Caller::User { account, .. } => {
                account.as_deref()
            }
            _ => None,
        }
    }

    /// Whether the caller is an IAM principal of some account (root, user, role session,
    /// federated user): the principals whose own policies, boundaries and SCPs count.
    pub fn is_iam_principal(&self) -> bool {
        matches!(
            self,
            Caller::Root { .. }
                | Caller::User { .. }
                | Caller::RoleSession { .. }
                | Caller::FederatedUser { .. }
        )
    }

    /// The session's ARN, for a role session whose account and name are known.
    pub fn session_arn(&self) -> Option<String> {
        match self {
            Caller::RoleSession {
                partition,
                account: Some(account),
                role,
                session: Some(session),
                ..
            } => Some(format!(
                "arn:{partition}:sts::{account}:assumed-role/{role}/{session}"
            )),
            _ => None,
        }
    }

    /// The caller's role ARN (a session's role), when the account is known.
    pub fn role_arn(&self) -> Option<String> {
        match self {
            Caller::RoleSession {
                role_arn: Some(arn),
                ..
            } => Some(arn.clone()),
            Caller::RoleSession {
                partition,
                account: Some(account),
                role,
                ..
            } => Some(format!("arn:{partition}:iam::{account}:role/{role}")),
            _ => None,
        }
    }

    /// The value of `aws:PrincipalArn`: the user, the root, the federated user, or a
    /// session's role.
    pub fn principal_arn(&self) -> Option<String> {
        match self {
            Caller::Root { partition, account } => {
                Some(format!("arn:{partition}:iam::{account}:root"))
            }
            Caller::User {
                partition,
                account: Some(account),
                path,
                ..
            } if !path.is_empty() => Some(format!("arn:{partition}:iam::{account}:user/{path}")),
            Caller::FederatedUser { arn, .. } => Some(arn.clone()),
            Caller::RoleSession { .. } => self.role_arn(),
            _ => None,
        }
    }

    /// The value of `aws:PrincipalType`.
    pub fn principal_type(&self) -> Option<&'static str> {
        match self {
            Caller::Anonymous => Some("Anonymous"),
            Caller::Root { .. } => Some("Account"),
            Caller::User { .. } => Some("User"),
            Caller::RoleSession { .. } => Some("AssumedRole"),
            Caller::FederatedUser { .. } => Some("FederatedUser"),
            _ => None,
        }
    }

    /// How the caller is shown: its ARN, or words when it has none.
    pub fn describe(&self) -> String {
        match self {
            Caller::Anonymous => "anonymous".into(),
            Caller::Root { .. } => self.principal_arn().unwrap_or_default(),
            Caller::User { group: Some(g), .. } => match self.account() {
                Some(account) => format!("a user in group {g} (account {account})"),
                None => format!("a user in group {g} (account unknown)"),
            },
            Caller::User { path, .. } => self
                .principal_arn()
                .unwrap_or_else(|| format!("user {path} (account unknown)")),
            Caller::FederatedUser { arn, .. } => arn.clone(),
            Caller::RoleSession { role, .. } => match (self.session_arn(), self.role_arn()) {
                (Some(arn), _) => arn,
                (None, Some(arn)) => format!("a session of {arn}"),
                (None, None) => format!("a session of role {role} (account unknown)"),
            },
            Caller::Service(s) | Caller::Federated(s) | Caller::Other(s) => s.clone(),
        }
    }

    /// Takes `account` as the caller's when the input did not say (a role known only by
    /// name).
    fn assume_account(&mut self, account: &str) {
        if let Caller::RoleSession {
            account: a @ None, ..
        }
        | Caller::User {
            account: a @ None, ..
        } = self
        {
            *a = Some(account.to_string());
        }
    }
}

/// The six parts of an ARN; the resource part may hold colons.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(s: &'a str) -> Option<Arn<'a>> {
        let mut parts = s.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        Some(Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        })
    }
}

fn last_path_part(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether `s` is a 12-digit AWS account ID.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The action names that assume a role, for which a role's trust policy is the resource
/// policy.
pub fn is_assume_role(action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    lower == "sts:assumerole"
        || lower == "sts:assumerolewithsaml"
        || lower == "sts:assumerolewithwebidentity"
}

/// A request to judge. Build it with [`Request::new`]; the action can be changed in place
/// with [`Request::set_action`] to judge many actions without rebuilding.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    action: String,
    action_lower: String,
    resource: String,
    caller: Caller,
    resource_account: Option<String>,
    context: Context,
    /// The resource was given with wildcards: the request asks about some resource of
    /// that shape.
    shape: bool,
}

impl Request {
    /// A request for `action` on `resource` (`None`: the action names no resource, as for
    /// `s3:ListAllMyBuckets`, which matches only `"Resource": "*"`) by `caller`.
    /// A resource with `*` or `?` asks about some resource of that shape (see
    /// [`Request::resource_is_shape`]).
    /// `resource_account` is the account that owns the resource; without it, the account
    /// in the resource ARN, else the caller's. A caller whose account is unknown is taken to
    /// be in the resource's account. Context keys that follow from the caller and the
    /// resource (`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`,
    /// `aws:username`, `aws:PrincipalIsAWSService`, `aws:PrincipalServiceName`,
    /// `aws:ResourceAccount`) are added unless given, and marked as derived.
    pub fn new(
        action: &str,
        resource: Option<&str>,
        mut caller: Caller,
        resource_account: Option<&str>,
        mut context: Context,
    ) -> Request {
        let shape = resource.is_some_and(crate::model::glob::has_wildcard);
        let resource = resource.unwrap_or("*").to_string();
        let resource_account = resource_account
            .map(str::to_string)
            .or_else(|| {
                Arn::parse(&resource)
                    .map(|a| a.account)
                    .filter(|a| is_account_id(a))
                    .map(str::to_string)
            })
            .or_else(|| caller.account().map(str::to_string));
        if let Some(account) = &resource_account {
            caller.assume_account(account);
        }
        derive_context(&mut context, &caller, resource_account.as_deref());
        Request {
            action: action.to_string(),
            action_lower: action.to_ascii_lowercase(),
            resource,
            caller,
            resource_account,
            context,
            shape,
        }
    }

    /// Whether the resource was given with wildcards (`arn:aws:s3:::b/*`, `*`), asking
    /// whether the action is allowed on some resource of that shape. (A request without a
    /// resource is not a shape: its `*` matches only `"Resource": "*"`.)
    pub fn resource_is_shape(&self) -> bool {
        self.shape
    }

    /// Changes the action, keeping everything else.
    pub fn set_action(&mut self, action: &str) {
        self.action.clear();
        self.action.push_str(action);
        self.action_lower.clear();
        self.action_lower.push_str(action);
        self.action_lower.make_ascii_lowercase();
    }

    pub fn action(&self) -> &str {
        &self.action
    }

    pub(crate) fn action_lower(&self) -> &str {
        &self.action_lower
    }

    /// The resource ARN, `*` when the action names none.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    pub fn resource_account(&self) -> Option<&str> {
        self.resource_account.as_deref()
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Whether caller and resource are in different accounts (unknown counts as same).
    pub fn is_cross_account(&self) -> bool {
        match (self.caller.account(), self.resource_account()) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        }
    }
}

fn derive_context(context: &mut Context, caller: &Caller, resource_account: Option<&str>) {
    if let Some(arn) = caller.principal_arn() {
        context.derive("aws:PrincipalArn", arn);
    }
    if let Some(account) = caller.account() {
        context.derive("aws:PrincipalAccount", account.to_string());
    }
    if let Some(kind) = caller.principal_type() {
        context.derive("aws:PrincipalType", kind.to_string());
    }
    if let Some(name) = caller.user_name() {
        context.derive("aws:username", name.to_string());
    }
    // aws:userid where it follows from the caller; a user's or role's unique ID is not in
    // the inputs (give it with --context).
    match caller {
        Caller::Anonymous => context.derive("aws:userid", "anonymous".into()),
        Caller::Root { account, .. } => context.derive("aws:userid", account.clone()),
        Caller::FederatedUser { arn, account, .. } => {
            if let Some((_, name)) = arn.rsplit_once('/') {
                context.derive("aws:userid", format!("{account}:{name}"));
            }
        }
        _ => {}
    }
    if caller.is_iam_principal() {
        context.derive("aws:PrincipalIsAWSService", "false".into());
    }
    if let Caller::Service(service) = caller {
        context.derive("aws:PrincipalIsAWSService", "true".into());
        context.derive("aws:PrincipalServiceName", service.clone());
    }
    if let Some(account) = resource_account.filter(|a| is_account_id(a)) {
        context.derive("aws:ResourceAccount", account.to_string());
    }
}

/// The type of a condition key and whether it holds several values, from the catalog's
/// condition keys (the global `aws:` keys and every service's). `None` for a key the catalog
/// does not know; its values are then read as the comparing operator's type.
pub fn key_type(key: &str) -> Option<(ValueType, bool)> {
    use crate::catalog::{Catalog, ConditionKeyType as T};
    let info = Catalog::get().condition_key(key)?;
    let element = match info.key_type.element() {
        T::Arn => ValueType::Arn,
        T::Bool => ValueType::Bool,
        T::Date => ValueType::Date,
        T::Numeric => ValueType::Numeric,
        T::IpAddress => ValueType::IpAddress,
        T::Binary => ValueType::Binary,
        _ => ValueType::String,
    };
    Some((element, info.key_type.is_array()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_are_read_by_their_shape() {
        assert_eq!(Caller::parse("anonymous"), Caller::Anonymous);
        assert!(matches!(Caller::parse("111122223333"), Caller::Root { .. }));
        assert!(matches!(
            Caller::parse("arn:aws:iam::111122223333:root"),
            Caller::Root { .. }
        ));
        let user = Caller::parse("arn:aws:iam::111122223333:user/team/alice");
        assert_eq!(user.user_name(), Some("alice"));
        assert_eq!(
            user.principal_arn().as_deref(),
            Some("arn:aws:iam::111122223333:user/team/alice")
        );
        let session = Caller::parse("arn:aws:sts::111122223333:assumed-role/dev/s1");
        assert_eq!(
            session.role_arn().as_deref(),
            Some("arn:aws:iam::111122223333:role/dev")
        );
        assert_eq!(
            session.session_arn().as_deref(),
            Some("arn:aws:sts::111122223333:assumed-role/dev/s1")
        );
        assert_eq!(
            Caller::parse("lambda.amazonaws.com"),
            Caller::Service("lambda.amazonaws.com".into())
        );
        assert_eq!(
            Caller::parse("cognito-identity.amazonaws.com"),
            Caller::Federated("cognito-identity.amazonaws.com".into())
        );
    }

    #[test]
    fn the_resource_account_comes_from_the_arn_else_the_caller() {
        let caller = Caller::parse("arn:aws:iam::111122223333:user/alice");
        let r = Request::new(
            "s3:GetObject",
            Some("arn:aws:s3:::b/x"),
            caller.clone(),
            None,
            Context::default(),
        );
        assert_eq!(r.resource_account(), Some("111122223333"));
        assert!(!r.is_cross_account());
        let r = Request::new(
            "sqs:SendMessage",
            Some("arn:aws:sqs:us-east-1:444455556666:q"),
            caller,
            None,
            Context::default(),
        );
        assert!(r.is_cross_account());
    }

    #[test]
    fn keys_follow_from_the_caller_unless_given() {
        let mut given = Context::default();
        given.push("aws:PrincipalType", "User");
        let r = Request::new(
            "s3:GetObject",
            None,
            Caller::parse("arn:aws:iam::111122223333:user/alice"),
            None,
            given,
        );
        assert_eq!(r.context().single("aws:username"), Some("alice"));
        assert_eq!(r.context().single("aws:principaltype"), Some("User"));
        let derived: Vec<_> = r
            .context()
            .entries()
            .iter()
            .filter(|e| e.derived)
            .map(|e| e.key.as_str())
            .collect();
        assert!(derived.contains(&"aws:username"));
        assert!(!derived.contains(&"aws:PrincipalType"));
    }

    #[test]
    fn a_role_known_by_name_takes_the_resource_account() {
        let r = Request::new(
            "s3:GetObject",
            Some("arn:aws:sqs:us-east-1:444455556666:q"),
            Caller::session_of("dev", None),
            None,
            Context::default(),
        );
        assert_eq!(r.caller().account(), Some("444455556666"));
        assert!(!r.is_cross_account());
    }

    #[test]
    fn set_action_reuses_the_request() {
        let mut r = Request::new(
            "s3:GetObject",
            None,
            Caller::Anonymous,
            None,
            Context::default(),
        );
        r.set_action("IAM:CreateUser");
        assert_eq!(r.action(), "IAM:CreateUser");
        assert_eq!(r.action_lower(), "iam:createuser");
    }
}

//! Matching the Principal and NotPrincipal elements against the caller, and how directly a
//! resource policy names the caller, which decides whether its Allow needs the caller's own
//! policies too (see `decide`).
//!
//! A principal value is `*`, an account (`111122223333` or `arn:aws:iam::111122223333:root`),
//! a user, role, assumed-role session or federated user ARN, a service, an identity
//! provider or a canonical user. A role ARN matches the role's sessions. Wildcards inside a
//! value (`arn:aws:iam::111122223333:role/dev-*`) never match anything: only a lone `*`
//! means everyone.

use serde::Serialize;

use super::context::{Arn, Caller, is_account_id};
use crate::model::glob::has_wildcard;
use crate::model::{Principal, PrincipalType};

/// How directly a matching principal value names the caller, from least to most direct.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Grant {
    /// The caller's account: the account's own policies must allow too.
    Account,
    /// The role of the caller's session: the boundary and session policy still limit it.
    Role,
    /// The caller itself (user, session, federated user, service) or everyone (`*`).
    Direct,
}

impl Grant {
    pub fn as_str(self) -> &'static str {
        match self {
            Grant::Account => "account",
            Grant::Role => "role",
            Grant::Direct => "direct",
        }
    }
}

/// One principal value, read once.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Value {
    Everyone,
    Account(String),
    User(String),
    Role {
        arn: String,
        account: String,
        name: String,
    },
    Session(String),
    FederatedUser(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
    /// A wildcard inside a value: matches nothing.
    PartialWildcard,
    /// A value or principal type that names no one known.
    Unknown,
}

/// A compiled Principal or NotPrincipal element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalSet {
    pub not: bool,
    /// Each value as written (`AWS:arn:...`) with its reading.
    values: Vec<(String, Value)>,
}

impl PrincipalSet {
    pub fn compile(principal: &Principal, not: bool) -> PrincipalSet {
        let values = match principal {
            Principal::Wildcard(t) => vec![(t.value.to_string(), Value::Everyone)],
            Principal::Map { entries, .. } => entries
                .iter()
                .flat_map(|e| {
                    let ptype = e.principal_type();
                    e.values
                        .iter()
                        .map(move |v| (format!("{}:{v}", e.key.value), read(ptype, v)))
                })
                .collect(),
        };
        PrincipalSet { not, values }
    }

    /// The first value naming the caller, with its index and how directly it names it.
    pub fn find(&self, caller: &Caller) -> Option<(usize, Grant)> {
        self.values
            .iter()
            .enumerate()
            .find_map(|(i, (_, v))| grant(v, caller).map(|g| (i, g)))
    }

    /// Whether the element applies to the caller, and how directly (a NotPrincipal that
    /// leaves the caller out names everyone else, as `*` does).
    pub fn applies(&self, caller: &Caller) -> Option<Grant> {
        match (self.find(caller), self.not) {
            (Some((_, g)), false) => Some(g),
            (None, true) => Some(Grant::Direct),
            _ => None,
        }
    }

    /// The value at `i` as written.
    pub fn written(&self, i: usize) -> &str {
        self.values.get(i).map_or("", |(w, _)| w)
    }

    /// Every value as written.
    pub fn all_written(&self) -> impl Iterator<Item = &str> {
        self.values.iter().map(|(w, _)| w.as_str())
    }

    /// Whether some value has a wildcard inside it (which never matches).
    pub fn has_partial_wildcard(&self) -> bool {
        self.values
            .iter()
            .any(|(_, v)| *v == Value::PartialWildcard)
    }
}

fn read(ptype: Option<PrincipalType>, v: &str) -> Value {
    let v = v.trim();
    if v == "*" {
        return match ptype {
            Some(PrincipalType::Aws) => Value::Everyone,
            _ => Value::PartialWildcard,
        };
    }
    if has_wildcard(v) {
        return Value::PartialWildcard;
    }
    match ptype {
        Some(PrincipalType::Aws) => read_aws(v),
        Some(PrincipalType::Service) => Value::Service(v.into()),
        Some(PrincipalType::Federated) => Value::Federated(v.into()),
        Some(PrincipalType::CanonicalUser) => Value::CanonicalUser(v.into()),
        None => Value::Unknown,
    }
}

fn read_aws(v: &str) -> Value {
    if is_account_id(v) {
        return Value::Account(v.into());
    }
    let Some(arn) = Arn::parse(v) else {
        return Value::Unknown;
    };
    match (arn.service, arn.resource.split_once('/')) {
        ("iam", None) if arn.resource == "root" => Value::Account(arn.account.into()),
        ("iam", Some(("user", _))) => Value::User(v.into()),
        ("iam", Some(("role", path))) => Value::Role {
            arn: v.into(),
            account: arn.account.into(),
            name: path.rsplit('/').next().unwrap_or(path).into(),
        },
        ("sts", Some(("assumed-role", _))) => Value::Session(v.into()),
        ("sts", Some(("federated-user", _))) => Value::FederatedUser(v.into()),
        _ => Value::Unknown,
    }
}

fn grant(value: &Value, caller: &Caller) -> Option<Grant> {
    let direct = |yes: bool| yes.then_some(Grant::Direct);
    match (value, caller) {
        (Value::Everyone, _) => Some(Grant::Direct),
        (Value::Account(account), _) => (caller.is_iam_principal()
            && caller.account() == Some(account.as_str()))
        .then_some(Grant::Account),
        (Value::User(arn), Caller::User { .. }) => {
            direct(caller.principal_arn().is_some_and(|c| *arn == c))
        }
        (Value::Role { arn, account, name }, Caller::RoleSession { role, .. }) => {
            let same = match caller.role_arn() {
                Some(caller_arn) if caller_arn.matches('/').count() > 1 => caller_arn == *arn,
                _ => caller.account() == Some(account.as_str()) && role == name,
            };
            same.then_some(Grant::Role)
        }
        (Value::Session(arn), Caller::RoleSession { .. }) => {
            direct(caller.session_arn().as_deref() == Some(arn.as_str()))
        }
        (Value::FederatedUser(arn), Caller::FederatedUser { arn: c, .. }) => direct(arn == c),
        (Value::Service(s), Caller::Service(c)) => direct(s == c),
        (Value::Federated(s), Caller::Federated(c)) => direct(s == c),
        (Value::CanonicalUser(s), Caller::Other(c)) => direct(s == c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Loc, PrincipalEntry, Text, Values};

    fn aws(values: &[&str]) -> PrincipalSet {
        let entry = PrincipalEntry {
            key: Text::new("AWS", Loc::default()),
            values: Values {
                items: values
                    .iter()
                    .map(|v| Text::new(*v, Loc::default()))
                    .collect(),
                single: false,
                loc: Loc::default(),
            },
        };
        PrincipalSet::compile(
            &Principal::Map {
                entries: vec![entry],
                loc: Loc::default(),
            },
            false,
        )
    }

    #[test]
    fn a_role_arn_matches_its_sessions_and_wildcards_match_nothing() {
        let session = Caller::parse("arn:aws:sts::111122223333:assumed-role/dev-app/s1");
        assert_eq!(
            aws(&["arn:aws:iam::111122223333:role/dev-app"]).applies(&session),
            Some(Grant::Role)
        );
        assert_eq!(
            aws(&["arn:aws:iam::111122223333:role/dev-*"]).applies(&session),
            None
        );
        assert_eq!(
            aws(&["arn:aws:sts::111122223333:assumed-role/dev-app/s1"]).applies(&session),
            Some(Grant::Direct)
        );
        assert_eq!(
            aws(&["111122223333"]).applies(&session),
            Some(Grant::Account)
        );
        assert_eq!(aws(&["444455556666"]).applies(&session), None);
        assert_eq!(aws(&["*"]).applies(&Caller::Anonymous), Some(Grant::Direct));
        assert_eq!(aws(&["111122223333"]).applies(&Caller::Anonymous), None);
    }

    #[test]
    fn a_role_arn_with_a_path_matches_a_caller_known_by_that_path() {
        let caller = Caller::parse("arn:aws:iam::111122223333:role/team/app");
        assert_eq!(
            aws(&["arn:aws:iam::111122223333:role/team/app"]).applies(&caller),
            Some(Grant::Role)
        );
        assert_eq!(
            aws(&["arn:aws:iam::111122223333:role/other/app"]).applies(&caller),
            None
        );
    }
}

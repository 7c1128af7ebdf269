//! What a holder really used, from CloudTrail events (`--used`): each event is kept for its
//! caller (the role of an assumed-role session, from `sessionContext.sessionIssuer.arn`, or
//! the user), mapped to the IAM action that authorised it through the catalog
//! ([`crate::catalog::operations`]: `eventSource` to the service prefix, `eventName` to the
//! action, with the known exceptions in one table there) and, where it can be told exactly,
//! to the resources it touched. An event that maps to no action is counted by name, never
//! guessed; one answered `AccessDenied` (or EC2's `UnauthorizedOperation`) was not granted,
//! and is counted apart.
//!
//! Resources: from the event's `resources` list, and from `requestParameters` where the
//! catalog's ARN format is filled by them alone ([`REQUEST_PARAMETERS`]: an S3 bucket and
//! key name the object `arn:${Partition}:s3:::${BucketName}/${ObjectName}`). Only for an
//! action of exactly one resource type: an action of several (`ec2:RunInstances` touches an
//! image, a subnet, a volume...) is authorised on each, and events do not list them all. An
//! action whose resources are not known from every one of its events is "used on unknown
//! resources": minimization keeps the input's Resource for it.
//!
//! Memory is bounded whatever the input: principals, unmapped names and the resources kept
//! per action are capped, and what passes a cap is counted.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::catalog::Action;
use crate::catalog::operations::{self, Authorizer};
use crate::load::ReadError;
use crate::load::cloudtrail;
use crate::model::{Role, RoleKind};

/// Error codes that say the call was not authorised.
pub const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "Client.UnauthorizedOperation",
];

/// ARN placeholders `requestParameters` fills, and the parameter that fills each. A format
/// with any other placeholder (but `${Partition}`, taken from the caller's ARN) is not
/// filled from parameters: a region or an account would be a guess.
pub const REQUEST_PARAMETERS: &[(&str, &str)] =
    &[("BucketName", "bucketName"), ("ObjectName", "key")];

/// Most principals kept apart; the events of more are counted, not kept.
const MAX_PRINCIPALS: usize = 10_000;
/// Most distinct unmapped or denied names kept per principal.
const MAX_NAMES: usize = 1_000;
/// Most resources kept per action; past it the action is used on unknown resources.
pub const MAX_RESOURCES: usize = 256;
/// Longest name or ARN kept, in bytes.
const MAX_NAME: usize = 2_048;

/// Every event read, by caller.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Trail {
    pub files: usize,
    pub records: u64,
    /// Files, or parts of files, not read.
    #[serde(serialize_with = "read_errors")]
    pub problems: Vec<ReadError>,
    /// Each caller's use, by its ARN (a role's, for its sessions).
    pub principals: BTreeMap<String, Usage>,
    /// Records without an event source and name.
    pub unreadable: u64,
    /// Events that are not API calls, by `eventType` (`AwsServiceEvent`, `AwsConsoleSignIn`).
    pub not_calls: BTreeMap<String, u64>,
    /// Calls without a caller ARN (an AWS service calling on its own).
    pub without_principal: u64,
    /// Calls of principals past the cap.
    pub other_principals: u64,
}

fn read_errors<S: serde::Serializer>(errors: &[ReadError], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(errors.iter().map(|e| format!("{}: {}", e.path, e.message)))
}

/// What one caller (or a holder, the callers matched to it together) used.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Usage {
    pub events: u64,
    /// Actions used, by name as the catalog spells it (`s3:GetObject`).
    pub actions: BTreeMap<String, Use>,
    /// Calls no permission authorises (`sts:GetCallerIdentity`), by operation.
    pub no_permission: BTreeMap<String, u64>,
    /// Events that map to no action of the catalog, by `eventSource eventName`.
    pub unmapped: BTreeMap<String, u64>,
    /// Calls answered with a denial, by action (or `eventSource eventName` when it maps to
    /// none) and error code.
    pub denied: BTreeMap<String, BTreeMap<String, u64>>,
    /// The earliest and latest `eventTime`.
    pub first: Option<String>,
    pub last: Option<String>,
}

/// How often an action was used, and on what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Use {
    pub count: u64,
    pub on: UsedOn,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UsedOn {
    /// These resources, and no other, in every event.
    Resources(BTreeSet<String>),
    /// Resources not known from every event: keep what the input grants.
    Unknown,
}

/// Reads the events of the paths (see [`cloudtrail::read_paths`]).
pub fn read(paths: &[String]) -> Trail {
    let mut trail = Trail::default();
    let reading = cloudtrail::read_paths(paths, &mut |e| trail.add(&e));
    trail.files = reading.files;
    trail.records = reading.records;
    trail.problems = reading.problems;
    trail
}

impl Trail {
    /// Counts one event.
    pub fn add(&mut self, e: &Value) {
        let (Some(source), Some(name)) = (text(e, "eventSource"), text(e, "eventName")) else {
            self.unreadable += 1;
            return;
        };
        if let Some(kind) = text(e, "eventType")
            && kind != "AwsApiCall"
        {
            *self.not_calls.entry(bounded(kind)).or_default() += 1;
            return;
        }
        let Some(principal) = principal(e) else {
            self.without_principal += 1;
            return;
        };
        if !self.principals.contains_key(&principal) && self.principals.len() >= MAX_PRINCIPALS {
            self.other_principals += 1;
            return;
        }
        self.principals
            .entry(principal)
            .or_default()
            .add(e, source, name);
    }

    /// The callers that are `role` (all of them for a document without a holder), and what
    /// they used together.
    pub fn for_holder(&self, role: &Role) -> (Vec<String>, Usage) {
        let mut usage = Usage::default();
        let mut matched = Vec::new();
        for (principal, u) in &self.principals {
            if is_holder(role, principal) {
                matched.push(principal.clone());
                usage.merge(u);
            }
        }
        (matched, usage)
    }
}

impl Usage {
    fn add(&mut self, e: &Value, source: &str, name: &str) {
        self.events += 1;
        if let Some(t) = text(e, "eventTime").filter(|t| is_time(t)) {
            if self.first.as_deref().is_none_or(|f| t < f) {
                self.first = Some(t.to_string());
            }
            if self.last.as_deref().is_none_or(|l| t > l) {
                self.last = Some(t.to_string());
            }
        }
        let authorizer = operations::service_prefix(source)
            .and_then(|p| operations::authorizing_action(p, name))
            .map(|(a, _)| a);
        let denied = text(e, "errorCode").filter(|c| DENIED_CODES.contains(c));
        let operation = || bounded(&format!("{source} {name}"));
        match (authorizer, denied) {
            (Some(Authorizer::Action(a)), Some(code)) => {
                count_name(&mut self.denied, a.full_name(), code);
            }
            (_, Some(code)) => count_name(&mut self.denied, operation(), code),
            (Some(Authorizer::NoPermissionNeeded), None) => {
                count(&mut self.no_permission, operation());
            }
            (None, None) => count(&mut self.unmapped, operation()),
            (Some(Authorizer::Action(a)), None) => {
                let on = resources(e, a);
                match self.actions.get_mut(&a.full_name()) {
                    Some(used) => {
                        used.count += 1;
                        used.on.add(on);
                    }
                    None => {
                        let on = on.map_or(UsedOn::Unknown, UsedOn::Resources);
                        self.actions.insert(a.full_name(), Use { count: 1, on });
                    }
                }
            }
        }
    }

    /// Adds another caller's use to this one.
    pub fn merge(&mut self, other: &Usage) {
        self.events += other.events;
        for (name, used) in &other.actions {
            match self.actions.get_mut(name) {
                Some(mine) => {
                    mine.count += used.count;
                    mine.on.add(match &used.on {
                        UsedOn::Resources(r) => Some(r.clone()),
                        UsedOn::Unknown => None,
                    });
                }
                None => {
                    self.actions.insert(name.clone(), used.clone());
                }
            }
        }
        for (name, n) in &other.no_permission {
            *self.no_permission.entry(name.clone()).or_default() += n;
        }
        for (name, n) in &other.unmapped {
            *self.unmapped.entry(name.clone()).or_default() += n;
        }
        for (name, codes) in &other.denied {
            let mine = self.denied.entry(name.clone()).or_default();
            for (code, n) in codes {
                *mine.entry(code.clone()).or_default() += n;
            }
        }
        for t in other.first.iter().chain(&other.last) {
            if self.first.as_ref().is_none_or(|f| t < f) {
                self.first = Some(t.clone());
            }
            if self.last.as_ref().is_none_or(|l| t > l) {
                self.last = Some(t.clone());
            }
        }
    }
}

impl UsedOn {
    /// Adds one more event's resources (None: not known).
    fn add(&mut self, more: Option<BTreeSet<String>>) {
        match (&mut *self, more) {
            (UsedOn::Resources(mine), Some(more)) => {
                mine.extend(more);
                if mine.len() > MAX_RESOURCES {
                    *self = UsedOn::Unknown;
                }
            }
            (UsedOn::Resources(_), None) => *self = UsedOn::Unknown,
            (UsedOn::Unknown, _) => {}
        }
    }
}

fn count(map: &mut BTreeMap<String, u64>, name: String) {
    if map.len() < MAX_NAMES || map.contains_key(&name) {
        *map.entry(name).or_default() += 1;
    } else {
        *map.entry("(other names, past the cap)".into()).or_default() += 1;
    }
}

fn count_name(map: &mut BTreeMap<String, BTreeMap<String, u64>>, name: String, code: &str) {
    let name = if map.len() < MAX_NAMES || map.contains_key(&name) {
        name
    } else {
        "(other names, past the cap)".into()
    };
    *map.entry(name).or_default().entry(code.into()).or_default() += 1;
}

fn text<'a>(e: &'a Value, key: &str) -> Option<&'a str> {
    e.get(key)?.as_str()
}

/// At most [`MAX_NAME`] bytes of `s`, cut on a character boundary.
fn bounded(s: &str) -> String {
    let mut end = s.len().min(MAX_NAME);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// `2024-05-01T12:00:00Z` and the like: what compares in time order as text.
fn is_time(t: &str) -> bool {
    let b = t.as_bytes();
    (20..=35).contains(&b.len())
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[10] == b'T'
        && t.ends_with('Z')
}

/// The caller: the role of an assumed-role session, else the identity's ARN; an
/// assumed-role ARN without a session issuer names its role
/// (`arn:aws:sts::1:assumed-role/R/s` → `arn:aws:iam::1:role/R`).
fn principal(e: &Value) -> Option<String> {
    let id = e.get("userIdentity")?;
    if let Some(issuer) = id
        .pointer("/sessionContext/sessionIssuer/arn")
        .and_then(Value::as_str)
    {
        return Some(bounded(issuer));
    }
    let arn = id.get("arn")?.as_str()?;
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if let [_, partition, "sts", _, account, resource] = parts.as_slice()
        && let Some(rest) = resource.strip_prefix("assumed-role/")
        && let Some((role, _session)) = rest.split_once('/')
    {
        return Some(bounded(&format!(
            "arn:{partition}:iam::{account}:role/{role}"
        )));
    }
    Some(bounded(arn))
}

/// Whether `principal` (an ARN) is the holder: by its ARN when the input gives one (with
/// every placeholder filled), else a role or user of its name (the ARN's last path part);
/// a document without a holder is everyone's.
pub fn is_holder(role: &Role, principal: &str) -> bool {
    let kind = match role.kind {
        RoleKind::Document => return true,
        RoleKind::Role => "role",
        RoleKind::User => "user",
        RoleKind::Group | RoleKind::Resource => return false,
    };
    if let Some(arn) = &role.arn
        && !arn.contains("${")
    {
        return arn.eq_ignore_ascii_case(principal);
    }
    let Some(resource) = principal.splitn(6, ':').nth(5) else {
        return false;
    };
    resource
        .split_once('/')
        .is_some_and(|(k, path)| k == kind && path.rsplit('/').next() == Some(role.name.as_str()))
}

/// The resources of one call of `a`, when they can be told exactly: the event names
/// resources of `a`'s types (or its parameters fill one's ARN format), one at least of each
/// type `a` requires, and `a` requires at most one type. An action that requires several
/// (`ec2:RunInstances`: an image, a subnet, a volume...) is authorised on each, and events
/// do not list them all.
fn resources(e: &Value, a: &Action) -> Option<BTreeSet<String>> {
    if a.resource_types.iter().filter(|t| t.required).count() > 1 {
        return None;
    }
    let listed: Vec<&str> = e
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("ARN").or_else(|| r.get("arn"))?.as_str())
        .collect();
    let mut out = BTreeSet::new();
    for t in &a.resource_types {
        let found = listed
            .iter()
            .map(|s| s.to_string())
            .chain(fill(t.arn, e))
            .filter(|arn| arn.len() <= MAX_NAME && literal(arn) && fits(t.arn, arn));
        let before = out.len();
        out.extend(found);
        if t.required && out.len() == before {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Whether `arn` reads as itself in a Resource: no wildcard, no policy variable.
fn literal(arn: &str) -> bool {
    !arn.contains(['*', '?', '$']) && !arn.chars().any(char::is_control)
}

/// The parts of an ARN format: literal text and placeholder names.
fn parts(format: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            out.push((false, &rest[..start]));
        }
        out.push((true, &rest[start + 2..start + len]));
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// Whether `arn` is of the format: each placeholder one or more characters without `:` or
/// `/`, but for a last placeholder after a `/` that is a path (`${BucketName}/${ObjectName}`,
/// `role/${RoleNameWithPath}`), which may hold `/`.
pub fn fits(format: &str, arn: &str) -> bool {
    let parts = parts(format);
    let mut at = 0;
    for (i, (placeholder, s)) in parts.iter().enumerate() {
        if !placeholder {
            if !arn[at..].starts_with(s) {
                return false;
            }
            at += s.len();
            continue;
        }
        let last = i + 1 == parts.len();
        let after_slash = i > 0 && parts[i - 1].1.ends_with('/');
        let end = if last {
            arn.len()
        } else {
            let next = parts[i + 1].1;
            match arn[at..].find(next) {
                Some(n) => at + n,
                None => return false,
            }
        };
        let value = &arn[at..end];
        let slash_allowed = last && after_slash && (*s == "ObjectName" || s.contains("Path"));
        if value.is_empty() || value.contains(':') || (!slash_allowed && value.contains('/')) {
            return false;
        }
        at = end;
    }
    at == arn.len()
}

/// The ARN the call's `requestParameters` fill the format with, when they fill all of it.
fn fill(format: &str, e: &Value) -> Option<String> {
    let params = e.get("requestParameters")?;
    let partition = e
        .pointer("/userIdentity/arn")
        .and_then(Value::as_str)
        .and_then(|a| a.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws");
    let mut out = String::new();
    for (placeholder, s) in parts(format) {
        if !placeholder {
            out.push_str(s);
        } else if s == "Partition" {
            out.push_str(partition);
        } else {
            let (_, key) = REQUEST_PARAMETERS.iter().find(|(p, _)| *p == s)?;
            let value = params.get(*key)?.as_str()?;
            out.push_str(value);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn session(role: &str) -> Value {
        json!({
            "type": "AssumedRole",
            "arn": format!("arn:aws:sts::111122223333:assumed-role/{role}/s1"),
            "sessionContext": {"sessionIssuer": {
                "type": "Role",
                "arn": format!("arn:aws:iam::111122223333:role/path/{role}"),
                "userName": role
            }}
        })
    }

    fn event(source: &str, name: &str, extra: Value) -> Value {
        let mut e = json!({
            "eventVersion": "1.08",
            "userIdentity": session("Reader"),
            "eventTime": "2024-05-01T10:00:00Z",
            "eventSource": source,
            "eventName": name,
            "eventType": "AwsApiCall",
        });
        if let (Some(e), Some(extra)) = (e.as_object_mut(), extra.as_object()) {
            e.extend(extra.clone());
        }
        e
    }

    #[test]
    fn events_map_to_actions_and_resources() {
        let mut trail = Trail::default();
        trail.add(&event(
            "s3.amazonaws.com",
            "ListObjectsV2",
            json!({"requestParameters": {"bucketName": "logs"}}),
        ));
        trail.add(&event(
            "s3.amazonaws.com",
            "HeadObject",
            json!({"requestParameters": {"bucketName": "logs", "key": "a/b.txt"}}),
        ));
        trail.add(&event(
            "s3.amazonaws.com",
            "GetObject",
            json!({"resources": [
                {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::logs/c"},
                {"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::logs"}
            ]}),
        ));
        trail.add(&event("ec2.amazonaws.com", "DescribeInstances", json!({})));
        trail.add(&event(
            "ec2.amazonaws.com",
            "RunInstances",
            json!({"errorCode": "Client.UnauthorizedOperation"}),
        ));
        trail.add(&event("sts.amazonaws.com", "GetCallerIdentity", json!({})));
        trail.add(&event("example.amazonaws.com", "DoThing", json!({})));
        trail.add(&event(
            "signin.amazonaws.com",
            "ConsoleLogin",
            json!({"eventType": "AwsConsoleSignIn"}),
        ));
        let usage = &trail.principals["arn:aws:iam::111122223333:role/path/Reader"];
        let on = |a: &str| usage.actions[a].on.clone();
        let set = |v: &[&str]| UsedOn::Resources(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(on("s3:ListBucket"), set(&["arn:aws:s3:::logs"]));
        assert_eq!(
            on("s3:GetObject"),
            set(&["arn:aws:s3:::logs/a/b.txt", "arn:aws:s3:::logs/c"])
        );
        assert_eq!(on("ec2:DescribeInstances"), UsedOn::Unknown);
        assert_eq!(usage.actions.len(), 3);
        assert_eq!(
            usage.denied["ec2:RunInstances"]["Client.UnauthorizedOperation"],
            1
        );
        assert_eq!(
            usage.no_permission["sts.amazonaws.com GetCallerIdentity"],
            1
        );
        assert_eq!(usage.unmapped["example.amazonaws.com DoThing"], 1);
        assert_eq!(trail.not_calls["AwsConsoleSignIn"], 1);
    }

    #[test]
    fn an_object_key_with_a_wildcard_is_not_a_resource() {
        let mut trail = Trail::default();
        trail.add(&event(
            "s3.amazonaws.com",
            "GetObject",
            json!({"requestParameters": {"bucketName": "b", "key": "x*"}}),
        ));
        let usage = trail.principals.values().next().unwrap();
        assert_eq!(usage.actions["s3:GetObject"].on, UsedOn::Unknown);
    }

    #[test]
    fn arn_formats() {
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        let bucket = "arn:${Partition}:s3:::${BucketName}";
        assert!(fits(object, "arn:aws:s3:::b/k/l"));
        assert!(!fits(bucket, "arn:aws:s3:::b/k"));
        assert!(fits(bucket, "arn:aws:s3:::b"));
        assert!(!fits(object, "arn:aws:s3:::b"));
        let table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}";
        assert!(fits(table, "arn:aws:dynamodb:eu-west-1:1:table/t"));
        assert!(!fits(table, "arn:aws:dynamodb:eu-west-1:1:table/t/index/i"));
    }

    #[test]
    fn holders_are_matched_by_arn_or_by_name() {
        let mut role = Role::new("Reader", RoleKind::Role);
        assert!(is_holder(&role, "arn:aws:iam::1:role/path/Reader"));
        assert!(!is_holder(&role, "arn:aws:iam::1:user/Reader"));
        assert!(!is_holder(&role, "arn:aws:iam::1:role/Reader2"));
        role.arn = Some("arn:aws:iam::2:role/Reader".into());
        assert!(!is_holder(&role, "arn:aws:iam::1:role/Reader"));
        assert!(is_holder(&role, "arn:aws:iam::2:role/Reader"));
        let assumed = json!({"userIdentity": {"arn": "arn:aws:sts::1:assumed-role/R/s"}});
        assert_eq!(
            principal(&assumed).as_deref(),
            Some("arn:aws:iam::1:role/R")
        );
    }
}

//! Is a Resource value a valid ARN? `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with a
//! known partition, a region of AWS's shape, a 12-digit account (or `aws`, or empty), any of
//! them wildcarded; or `*`. Parts holding a placeholder or a policy variable are not judged:
//! they are filled in later.
//!
//! And how a Resource value relates to a resource type's ARN pattern from the catalog
//! (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`): whether it may name one
//! ([`may_name`]), which type it is ([`OpenedResource::resource_type`]) and whether it
//! names every one ([`names_every`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::Catalog;
use crate::eval::context::is_account_id;
use crate::model::glob;

/// The partitions AWS defines.
pub(crate) const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// Why `resource` is not a valid resource ARN, or `None` when it is.
pub fn problem(resource: &str) -> Option<String> {
    if resource == "*" {
        return None;
    }
    if let Some((scheme, rest)) = resource.split_once("://") {
        let hint = if scheme.eq_ignore_ascii_case("s3") {
            format!("; write arn:aws:s3:::{rest}")
        } else {
            String::new()
        };
        return Some(format!("`{resource}` is a URL, not an ARN{hint}"));
    }
    // Placeholders and variables may hold colons (`${AWS::Partition}`), so they are
    // replaced before the ARN is split; one at the start may be a whole ARN.
    let opened = open_templates(resource);
    if opened.starts_with('*') {
        return None;
    }
    let Some(rest) = opened.strip_prefix("arn:") else {
        return Some(format!(
            "`{resource}` is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) or `*`"
        ));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    if parts.len() < 5 {
        // `arn:aws:s3:::*` style prefixes with a wildcard swallow the rest legitimately.
        if parts.last().is_some_and(|p| glob::has_wildcard(p)) {
            return None;
        }
        return Some(format!(
            "`{resource}` has {} of the 6 parts of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)",
            parts.len() + 1
        ));
    }
    let (partition, service, region, account) = (parts[0], parts[1], parts[2], parts[3]);
    let judged = |p: &str| !glob::has_wildcard(p);
    if judged(partition) && !PARTITIONS.contains(&partition) {
        return Some(format!(
            "`{resource}` has partition `{partition}`; AWS partitions are {}",
            PARTITIONS.join(", ")
        ));
    }
    if judged(service)
        && (service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'))
    {
        return Some(format!("`{resource}` has no valid service part"));
    }
    if judged(region) && !region.is_empty() && !is_region(region) {
        return Some(format!(
            "`{resource}` has region `{region}`, which is not a region's name"
        ));
    }
    if judged(account) && !account.is_empty() && account != "aws" && !is_account_id(account) {
        return Some(format!(
            "`{resource}` has account `{account}`; an account is 12 digits"
        ));
    }
    None
}

/// A region name: letters groups and a number, such as `us-east-1`, `us-gov-west-1`,
/// `cn-north-1`, `eu-isoe-west-1`.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// How many colon-separated parts an ARN has (the resource part may hold more colons).
const ARN_PARTS: usize = 6;

/// `s` with every `${...}` (a catalog template part, a policy variable or a placeholder)
/// and every other placeholder spelling replaced by `*`: text that could be anything.
fn open_templates(s: &str) -> Cow<'_, str> {
    fill_templates(s, "*")
}

/// A resource type's ARN pattern (from the catalog, so `'static`) opened as
/// [`open_templates`] does, each pattern once: rules compare the same patterns with every
/// Resource value. The opened patterns are kept for the rest of the program, like the
/// catalog they come from, once for the whole program; each thread looks them up in its
/// own copy of the index first (no lock on this hot path when files are checked on every
/// core).
fn open_template(template: &'static str) -> OpenedTemplate {
    /// Keyed by where the pattern is and its length: text kept for the program's life is
    /// never moved, and hashing two numbers is cheaper than hashing the text.
    type Opened = HashMap<(usize, usize), OpenedTemplate>;
    static KEPT: std::sync::Mutex<Option<Opened>> = std::sync::Mutex::new(None);
    thread_local! {
        static OPENED: RefCell<Opened> = RefCell::default();
    }
    let key = (template.as_ptr() as usize, template.len());
    OPENED.with_borrow_mut(|opened| {
        *opened.entry(key).or_insert_with(|| {
            let mut kept = KEPT
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *kept
                .get_or_insert_with(HashMap::new)
                .entry(key)
                .or_insert_with(|| {
                    let text: &'static str = match open_templates(template) {
                        Cow::Borrowed(same) => same,
                        Cow::Owned(text) => text.leak(),
                    };
                    OpenedTemplate {
                        text,
                        parts: parts(text),
                    }
                })
        })
    })
}

/// A resource type's ARN pattern opened ([`open_template`]), with its six parts.
#[derive(Clone, Copy)]
struct OpenedTemplate {
    text: &'static str,
    parts: Option<[&'static str; ARN_PARTS]>,
}

/// A Resource value opened as [`open_templates`] does, its six parts found once, to be
/// compared with the patterns of many resource types ([`OpenedResource::may_name`]).
pub struct OpenedResource<'s> {
    /// The value as written.
    written: &'s str,
    text: Cow<'s, str>,
    /// Where each of the six parts of an ARN lies in `text`; `None` with fewer parts.
    parts: Option<[std::ops::Range<usize>; ARN_PARTS]>,
    /// The resource type patterns asked about so far, with the answers: a statement's
    /// actions mostly act on the same few types.
    asked: RefCell<Vec<(&'static str, bool)>>,
}

impl<'s> OpenedResource<'s> {
    pub fn new(resource: &'s str) -> OpenedResource<'s> {
        let text = open_templates(resource);
        let start = text.as_ptr() as usize;
        let parts = parts(&text).map(|p| {
            p.map(|part| {
                let at = part.as_ptr() as usize - start;
                at..at + part.len()
            })
        });
        OpenedResource {
            written: resource,
            text,
            parts,
            asked: RefCell::default(),
        }
    }

    /// The name of a catalog resource type the value may be, when its service part is
    /// written out: `role` for `arn:aws:iam::*:role/app-*`. `None` when it fits no type the
    /// catalog knows (or names no service), so nothing certain can be said about it.
    pub fn resource_type(&self) -> Option<&'static str> {
        let service = self.written.split(':').nth(2)?;
        if glob::has_wildcard(service) || service.contains(['$', '{', '<']) {
            return None;
        }
        resource_types_of(service)
            .iter()
            .find(|(_, template)| self.may_name(template))
            .map(|(name, _)| *name)
    }

    /// Whether the value, opened, is `*`: it may be any resource.
    pub fn is_any(&self) -> bool {
        self.text == "*"
    }

    /// Whether the value may match some ARN of the resource type whose pattern is
    /// `template` (see [`may_name`]).
    pub fn may_name(&self, template: &'static str) -> bool {
        let same = |&&(asked, _): &&(&str, bool)| std::ptr::eq(asked, template);
        if let Some(&(_, answer)) = self.asked.borrow().iter().find(same) {
            return answer;
        }
        let t = open_template(template);
        let answer = match (&self.parts, t.parts) {
            (Some(rp), Some(tp)) => rp
                .iter()
                .zip(&tp)
                .all(|(r, t)| glob::overlaps(&self.text[r.clone()], t, true)),
            _ => glob::overlaps(&self.text, t.text, true),
        };
        self.asked.borrow_mut().push((template, answer));
        answer
    }
}

/// Whether every resource the Resource pattern `specific` names, `general` names too: part
/// by part when both have the six parts of an ARN (a wildcard never spans a colon there),
/// whole otherwise.
pub fn covers(general: &str, specific: &str) -> bool {
    match (parts(general), parts(specific)) {
        (Some(g), Some(s)) => g.iter().zip(&s).all(|(g, s)| glob::covers(g, s, false)),
        _ => glob::covers(general, specific, false),
    }
}

/// Whether some resource is named by both Resource patterns, compared as [`covers`] does.
pub fn overlaps(a: &str, b: &str) -> bool {
    match (parts(a), parts(b)) {
        (Some(pa), Some(pb)) => pa.iter().zip(&pb).all(|(a, b)| glob::overlaps(a, b, false)),
        _ => glob::overlaps(a, b, false),
    }
}

/// The six parts of an ARN, the last holding any further colons; `None` with fewer.
fn parts(arn: &str) -> Option<[&str; ARN_PARTS]> {
    let mut p = arn.splitn(ARN_PARTS, ':');
    Some([
        p.next()?,
        p.next()?,
        p.next()?,
        p.next()?,
        p.next()?,
        p.next()?,
    ])
}

/// `s` with every `${...}` and every other placeholder spelling replaced by `with`.
fn fill_templates<'s>(s: &'s str, with: &str) -> Cow<'s, str> {
    // Every spelling holds one of these; most values have none.
    if !s.contains(['$', '{', '<', '_']) {
        return Cow::Borrowed(s);
    }
    let mut spans: Vec<std::ops::Range<usize>> = crate::model::placeholder::find(s, true)
        .into_iter()
        .map(|f| f.range)
        .collect();
    let mut from = 0;
    while let Some(start) = s[from..].find("${").map(|i| from + i) {
        match s[start..].find('}') {
            Some(len) => {
                spans.push(start..start + len + 1);
                from = start + len + 1;
            }
            None => break,
        }
    }
    spans.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for span in spans {
        if span.start < at {
            continue;
        }
        out.push_str(&s[at..span.start]);
        out.push_str(with);
        at = span.end;
    }
    out.push_str(&s[at..]);
    Cow::Owned(out)
}

/// Whether the Resource value `resource` may match some ARN of the resource type whose
/// pattern is `template`. Placeholders, policy variables and wildcards count as anything,
/// and letter case is ignored, so `false` is certain: the resource can never be one.
pub fn may_name(resource: &str, template: &'static str) -> bool {
    OpenedResource::new(resource).may_name(template)
}

/// The catalog's resource types whose ARNs are in the service named `arn_service` (the
/// third part of an ARN, which is not always an action prefix: `kafka` for
/// `kafka-cluster:` actions), as (name, ARN pattern).
fn resource_types_of(arn_service: &str) -> &'static [(&'static str, &'static str)] {
    static BY_SERVICE: OnceLock<HashMap<String, Vec<(&'static str, &'static str)>>> =
        OnceLock::new();
    let all = BY_SERVICE.get_or_init(|| {
        let mut all: HashMap<String, Vec<(&'static str, &'static str)>> = HashMap::new();
        for service in Catalog::get().services() {
            for rt in service.resource_types() {
                if let Some(part) = rt.arn.split(':').nth(2) {
                    all.entry(part.to_ascii_lowercase())
                        .or_default()
                        .push((rt.name, rt.arn));
                }
            }
        }
        all
    });
    all.get(&arn_service.to_ascii_lowercase())
        .map_or(&[], Vec::as_slice)
}

/// Whether `resource` most likely names resources of the type whose pattern is
/// `template`, taking each placeholder and policy variable in it for a single name (no
/// `/`, no `:`): `arn:aws:s3:::logs-${AccountId}` is a bucket, not an object. For showing
/// what a grant covers, never for a finding.
pub fn likely_names(resource: &str, template: &'static str) -> bool {
    may_name(&fill_templates(resource, "x"), template)
}

/// Whether `resource` names every resource of the type whose pattern is `template`, in
/// whatever partition, region and account it names: `*`, `arn:aws:iam::*:role/*` and
/// `arn:aws:iam::111122223333:role/*` name every role. Placeholders and policy variables
/// are taken as the specific values they will be.
pub fn names_every(resource: &str, template: &'static str) -> bool {
    if resource == "*" {
        return true;
    }
    let t = open_template(template);
    match (parts(resource), t.parts) {
        (Some(rp), Some(tp)) => {
            glob::covers(rp[2], tp[2], true) && glob::covers(rp[5], tp[5], false)
        }
        _ => glob::covers(resource, t.text, false),
    }
}

/// Whether `resource` names every resource of the type in every region, as a Deny (or an
/// Allow's NotResource) must to take an action away everywhere: [`names_every`], and the
/// region part covers any region (`arn:aws:sqs:us-east-1:*:*` leaves other regions' queues).
pub fn names_every_region(resource: &str, template: &'static str) -> bool {
    names_every(resource, template)
        && match (parts(resource), open_template(template).parts) {
            (Some(rp), Some(tp)) => glob::covers(rp[3], tp[3], false),
            _ => true,
        }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn valid_arns_and_patterns() {
        for ok in [
            "*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:iam::111122223333:role/x",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:*:secretsmanager:*:*:secret:/x/*",
            "arn:aws:logs:*:*:log-group:/a/*:*",
            "arn:aws:ec2:*::image/*",
            "arn:aws-us-gov:ec2:us-gov-west-1:111122223333:instance/*",
            "arn:aws:s3:::stackstate-logs-${AccountId}/*",
            "arn:aws:iam::${AccountId}:root",
            "arn:aws:kms:{region}:<account>:key/*",
            "arn:aws:s3:::b/${aws:username}/*",
            "arn:${AWS::Partition}:s3:::${CloudCostBucketName}/*",
            "${DDCloudCostBucket.Arn}/*",
            "${local.arn_prefix}:waf-regional:*:*:rule/*",
            "arn:aws:*",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn invalid_resources_say_why() {
        assert_eq!(
            problem("s3://{bucket_name}").unwrap(),
            "`s3://{bucket_name}` is a URL, not an ARN; write arn:aws:s3:::{bucket_name}"
        );
        assert!(
            problem("arn:amazon:s3:::b")
                .unwrap()
                .contains("partition `amazon`")
        );
        assert!(
            problem("arn:aws:ec2:useast1:111122223333:instance/x")
                .unwrap()
                .contains("region `useast1`")
        );
        assert!(
            problem("arn:aws:iam::1234:role/x")
                .unwrap()
                .contains("account `1234`")
        );
        assert!(
            problem("arn:aws:s3")
                .unwrap()
                .contains("has 3 of the 6 parts")
        );
        assert!(problem("my-bucket").unwrap().contains("is not an ARN"));
    }

    #[test]
    fn a_resource_may_name_a_type_unless_its_pattern_cannot_match() {
        use super::may_name;
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        let policy = "arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}";
        let object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
        assert!(may_name(
            "arn:aws:iam::*:role/dstack_role_{bucket_name}*",
            role
        ));
        assert!(!may_name(
            "arn:aws:iam::*:role/dstack_policy_{bucket_name}*",
            policy
        ));
        assert!(may_name("arn:aws:s3:::{bucket}/*", object));
        assert!(may_name("arn:aws:s3:::b*", object));
        assert!(!may_name("arn:aws:s3:::bucket", object));
        assert!(may_name("${BucketArn}/*", object));
        assert!(may_name("arn:aws:s3:::${aws:username}", object));
        assert!(!may_name("arn:aws:iam::111122223333:role/x", object));
        assert!(may_name("arn:aws:*", object));
    }

    #[test]
    fn every_resource_of_a_type() {
        use super::names_every;
        let role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
        assert!(names_every("*", role));
        assert!(names_every("arn:aws:iam::*:role/*", role));
        assert!(names_every("arn:aws:iam::${AccountId}:role/*", role));
        assert!(names_every("arn:aws:iam::*:*", role));
        assert!(names_every("arn:*", role));
        assert!(!names_every("arn:aws:iam::*:role/service-role/*", role));
        assert!(!names_every("arn:aws:iam::*:role/${aws:username}", role));
        assert!(!names_every("arn:aws:s3:::*", role));
    }
}

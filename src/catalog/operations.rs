//! API operations and the IAM actions that authorise them.
//!
//! Most AWS API operations are authorised by the IAM action of the same name (`ec2:DescribeImages`
//! by `DescribeImages`). A known set is not: S3's `ListObjectsV2` is authorised by
//! `s3:ListBucket`, `HeadObject` by `s3:GetObject`, Lambda's CloudTrail event names carry an API
//! version (`GetFunction20150331v2`), CloudWatch's events come from `monitoring.amazonaws.com`.
//! This module holds those exceptions in one table, used wherever an operation name meets the
//! catalog: reading CloudTrail events (least privilege from what was used) and telling a vendor
//! page that wrote an operation where an action belongs (`s3:HeadBucket`) which action it meant.
//!
//! Sources: the Service Authorization Reference (each action's "API operations" column names the
//! operations it authorises) and the S3 User Guide's "Required permissions for Amazon S3 API
//! operations". An operation the table does not list and the catalog does not know maps to
//! nothing: callers report it, never guess.

use super::{Action, Catalog};

/// How an API operation is authorised, as the exceptions table writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authorization {
    /// By this IAM action, written `service:Name` as AWS spells it.
    Action(&'static str),
    /// By no permission at all: the operation is allowed to every authenticated caller and no
    /// policy can deny it (`sts:GetCallerIdentity`).
    NoPermissionNeeded,
}

/// What authorises an operation, resolved in the catalog.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Authorizer {
    /// This catalog action.
    Action(&'static Action),
    /// No permission: see [`Authorization::NoPermissionNeeded`].
    NoPermissionNeeded,
}

/// How [`authorizing_action`] found the action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The operation and the action have the same name.
    SameName,
    /// The exceptions table names another action (or none needed).
    Exception,
    /// The operation name carries an API version suffix that was removed
    /// (`GetFunction20150331v2` → `GetFunction`).
    VersionSuffix,
}

/// Operations authorised by an action of another name, by service prefix (lower case) and
/// operation name (compared ignoring case).
const EXCEPTIONS: &[(&str, &str, Authorization)] = {
    use Authorization::{Action as A, NoPermissionNeeded as None_};
    &[
        ("s3", "ListObjects", A("s3:ListBucket")),
        ("s3", "ListObjectsV2", A("s3:ListBucket")),
        ("s3", "HeadBucket", A("s3:ListBucket")),
        ("s3", "HeadObject", A("s3:GetObject")),
        ("s3", "SelectObjectContent", A("s3:GetObject")),
        ("s3", "ListObjectVersions", A("s3:ListBucketVersions")),
        ("s3", "ListBuckets", A("s3:ListAllMyBuckets")),
        (
            "s3",
            "ListMultipartUploads",
            A("s3:ListBucketMultipartUploads"),
        ),
        ("s3", "ListParts", A("s3:ListMultipartUploadParts")),
        ("s3", "CopyObject", A("s3:PutObject")),
        ("s3", "CreateMultipartUpload", A("s3:PutObject")),
        ("s3", "UploadPart", A("s3:PutObject")),
        ("s3", "UploadPartCopy", A("s3:PutObject")),
        ("s3", "CompleteMultipartUpload", A("s3:PutObject")),
        ("s3", "DeleteObjects", A("s3:DeleteObject")),
        (
            "s3",
            "GetBucketEncryption",
            A("s3:GetEncryptionConfiguration"),
        ),
        (
            "s3",
            "PutBucketEncryption",
            A("s3:PutEncryptionConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketEncryption",
            A("s3:PutEncryptionConfiguration"),
        ),
        (
            "s3",
            "GetBucketLifecycleConfiguration",
            A("s3:GetLifecycleConfiguration"),
        ),
        (
            "s3",
            "GetBucketLifecycle",
            A("s3:GetLifecycleConfiguration"),
        ),
        (
            "s3",
            "PutBucketLifecycleConfiguration",
            A("s3:PutLifecycleConfiguration"),
        ),
        (
            "s3",
            "PutBucketLifecycle",
            A("s3:PutLifecycleConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketLifecycle",
            A("s3:PutLifecycleConfiguration"),
        ),
        (
            "s3",
            "GetBucketReplication",
            A("s3:GetReplicationConfiguration"),
        ),
        (
            "s3",
            "PutBucketReplication",
            A("s3:PutReplicationConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketReplication",
            A("s3:PutReplicationConfiguration"),
        ),
        ("s3", "GetBucketCors", A("s3:GetBucketCORS")),
        ("s3", "PutBucketCors", A("s3:PutBucketCORS")),
        ("s3", "DeleteBucketCors", A("s3:PutBucketCORS")),
        ("s3", "DeleteBucketTagging", A("s3:PutBucketTagging")),
        (
            "s3",
            "GetBucketNotificationConfiguration",
            A("s3:GetBucketNotification"),
        ),
        (
            "s3",
            "PutBucketNotificationConfiguration",
            A("s3:PutBucketNotification"),
        ),
        (
            "s3",
            "GetPublicAccessBlock",
            A("s3:GetBucketPublicAccessBlock"),
        ),
        (
            "s3",
            "PutPublicAccessBlock",
            A("s3:PutBucketPublicAccessBlock"),
        ),
        (
            "s3",
            "DeletePublicAccessBlock",
            A("s3:PutBucketPublicAccessBlock"),
        ),
        (
            "s3",
            "GetObjectLockConfiguration",
            A("s3:GetBucketObjectLockConfiguration"),
        ),
        (
            "s3",
            "PutObjectLockConfiguration",
            A("s3:PutBucketObjectLockConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketOwnershipControls",
            A("s3:PutBucketOwnershipControls"),
        ),
        (
            "s3",
            "GetBucketAccelerateConfiguration",
            A("s3:GetAccelerateConfiguration"),
        ),
        (
            "s3",
            "PutBucketAccelerateConfiguration",
            A("s3:PutAccelerateConfiguration"),
        ),
        (
            "s3",
            "GetBucketAnalyticsConfiguration",
            A("s3:GetAnalyticsConfiguration"),
        ),
        (
            "s3",
            "ListBucketAnalyticsConfigurations",
            A("s3:GetAnalyticsConfiguration"),
        ),
        (
            "s3",
            "PutBucketAnalyticsConfiguration",
            A("s3:PutAnalyticsConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketAnalyticsConfiguration",
            A("s3:PutAnalyticsConfiguration"),
        ),
        (
            "s3",
            "GetBucketInventoryConfiguration",
            A("s3:GetInventoryConfiguration"),
        ),
        (
            "s3",
            "ListBucketInventoryConfigurations",
            A("s3:GetInventoryConfiguration"),
        ),
        (
            "s3",
            "PutBucketInventoryConfiguration",
            A("s3:PutInventoryConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketInventoryConfiguration",
            A("s3:PutInventoryConfiguration"),
        ),
        (
            "s3",
            "GetBucketMetricsConfiguration",
            A("s3:GetMetricsConfiguration"),
        ),
        (
            "s3",
            "ListBucketMetricsConfigurations",
            A("s3:GetMetricsConfiguration"),
        ),
        (
            "s3",
            "PutBucketMetricsConfiguration",
            A("s3:PutMetricsConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketMetricsConfiguration",
            A("s3:PutMetricsConfiguration"),
        ),
        (
            "s3",
            "GetBucketIntelligentTieringConfiguration",
            A("s3:GetIntelligentTieringConfiguration"),
        ),
        (
            "s3",
            "ListBucketIntelligentTieringConfigurations",
            A("s3:GetIntelligentTieringConfiguration"),
        ),
        (
            "s3",
            "PutBucketIntelligentTieringConfiguration",
            A("s3:PutIntelligentTieringConfiguration"),
        ),
        (
            "s3",
            "DeleteBucketIntelligentTieringConfiguration",
            A("s3:PutIntelligentTieringConfiguration"),
        ),
        ("lambda", "Invoke", A("lambda:InvokeFunction")),
        ("sts", "GetCallerIdentity", None_),
    ]
};

/// Event sources whose host part is not the service prefix (`monitoring.amazonaws.com` is
/// CloudWatch).
const SOURCE_PREFIXES: &[(&str, &str)] = &[
    ("monitoring", "cloudwatch"),
    ("email", "ses"),
    ("streams.dynamodb", "dynamodb"),
    ("tagging", "tag"),
    ("cloudcontrolapi", "cloudformation"),
];

/// The IAM service prefix of a CloudTrail `eventSource` (`s3.amazonaws.com` → `s3`,
/// `monitoring.amazonaws.com` → `cloudwatch`), or None when the catalog has no such service.
pub fn service_prefix(event_source: &str) -> Option<&'static str> {
    let host = event_source.trim();
    let host = host.strip_suffix(".amazonaws.com").unwrap_or(host);
    let prefix = SOURCE_PREFIXES
        .iter()
        .find(|(source, _)| source.eq_ignore_ascii_case(host))
        .map_or(host, |(_, prefix)| prefix);
    Catalog::get().service(prefix).map(|s| s.prefix)
}

/// The exceptions table's entry for `prefix:operation`, if it has one. This alone, without
/// the same-name rule: a vendor page's `s3:HeadBucket` is an operation, not an action, exactly
/// when this answers.
pub fn exception(prefix: &str, operation: &str) -> Option<Authorization> {
    EXCEPTIONS
        .iter()
        .find(|(p, op, _)| p.eq_ignore_ascii_case(prefix) && op.eq_ignore_ascii_case(operation))
        .map(|(_, _, authorization)| *authorization)
}

/// The IAM action meant by `written` when it is an API operation written where an action
/// belongs (`s3:HeadBucket` → `s3:ListBucket`): an exact name (no wildcard) the catalog does
/// not know as an action, listed in the exceptions table. None otherwise, and for operations
/// that need no permission.
pub fn action_meant(written: &str) -> Option<&'static str> {
    let (prefix, operation) = written.trim().split_once(':')?;
    if operation.contains(['*', '?']) || Catalog::get().action(written.trim()).is_some() {
        return None;
    }
    match exception(prefix, operation)? {
        Authorization::Action(action) => Some(action),
        Authorization::NoPermissionNeeded => None,
    }
}

/// How the API operation `operation` of the service `prefix` is authorised, and how that was
/// found: the exceptions table, then the action of the same name, then the same name without
/// an API version suffix. None when none of these is in the catalog.
pub fn authorizing_action(prefix: &str, operation: &str) -> Option<(Authorizer, Via)> {
    if let Some(authorization) = exception(prefix, operation) {
        return Some((resolve(authorization)?, Via::Exception));
    }
    let service = Catalog::get().service(prefix)?;
    if let Some(action) = service.action(operation) {
        return Some((Authorizer::Action(action), Via::SameName));
    }
    let base = strip_version_suffix(operation)?;
    if let Some(authorization) = exception(prefix, base) {
        return Some((resolve(authorization)?, Via::VersionSuffix));
    }
    Some((
        Authorizer::Action(service.action(base)?),
        Via::VersionSuffix,
    ))
}

fn resolve(authorization: Authorization) -> Option<Authorizer> {
    match authorization {
        Authorization::Action(name) => Catalog::get().action(name).map(Authorizer::Action),
        Authorization::NoPermissionNeeded => Some(Authorizer::NoPermissionNeeded),
    }
}

/// The operation name without a trailing API version: `20150331`, `20150331v2` (Lambda) or
/// `2020_05_31` (CloudFront). None when there is none.
fn strip_version_suffix(operation: &str) -> Option<&str> {
    let bytes = operation.as_bytes();
    let mut end = bytes.len();
    // An optional `v<digits>` after the date.
    let digits = bytes
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits > 0 && digits < end && matches!(bytes[end - digits - 1], b'v' | b'V') {
        let before = &bytes[..end - digits - 1];
        if before.len() >= 8 && before[before.len() - 8..].iter().all(u8::is_ascii_digit) {
            end -= digits + 1;
        }
    }
    let tail = &bytes[..end];
    let date_len = if tail.len() >= 8 && tail[tail.len() - 8..].iter().all(u8::is_ascii_digit) {
        8
    } else if tail.len() >= 10 && is_underscored_date(&tail[tail.len() - 10..]) {
        10
    } else {
        return None;
    };
    let base = &operation[..end - date_len];
    (!base.is_empty() && base.bytes().last().is_some_and(|b| b.is_ascii_alphabetic()))
        .then_some(base)
}

/// `YYYY_MM_DD`.
fn is_underscored_date(bytes: &[u8]) -> bool {
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'_',
            _ => b.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exception_names_a_catalog_action() {
        for (prefix, operation, authorization) in EXCEPTIONS {
            assert!(Catalog::get().service(prefix).is_some(), "{prefix}");
            if let Authorization::Action(action) = authorization {
                let found = Catalog::get().action(action);
                assert_eq!(
                    found.map(|a| a.full_name()).as_deref(),
                    Some(*action),
                    "{prefix}:{operation} → {action}"
                );
            }
        }
    }

    #[test]
    fn operations_map_to_the_actions_that_authorise_them() {
        let cases = [
            ("s3", "ListObjectsV2", "s3:ListBucket", Via::Exception),
            ("s3", "headobject", "s3:GetObject", Via::Exception),
            ("s3", "GetObject", "s3:GetObject", Via::SameName),
            (
                "ec2",
                "describeinstances",
                "ec2:DescribeInstances",
                Via::SameName,
            ),
            (
                "lambda",
                "GetFunction20150331v2",
                "lambda:GetFunction",
                Via::VersionSuffix,
            ),
            (
                "lambda",
                "ListFunctions20150331",
                "lambda:ListFunctions",
                Via::VersionSuffix,
            ),
            ("lambda", "Invoke", "lambda:InvokeFunction", Via::Exception),
        ];
        for (prefix, operation, action, via) in cases {
            let found = authorizing_action(prefix, operation);
            let Some((Authorizer::Action(found), found_via)) = found else {
                panic!("{prefix}:{operation}: {found:?}");
            };
            assert_eq!((found.full_name().as_str(), found_via), (action, via));
        }
        assert_eq!(
            authorizing_action("sts", "GetCallerIdentity"),
            Some((Authorizer::NoPermissionNeeded, Via::Exception))
        );
        assert_eq!(authorizing_action("s3", "NoSuchOperation"), None);
        assert_eq!(authorizing_action("nosuchservice", "GetObject"), None);
        assert_eq!(authorizing_action("lambda", "20150331"), None);
    }

    #[test]
    fn event_sources_name_their_service() {
        assert_eq!(service_prefix("s3.amazonaws.com"), Some("s3"));
        assert_eq!(
            service_prefix("monitoring.amazonaws.com"),
            Some("cloudwatch")
        );
        assert_eq!(
            service_prefix("streams.dynamodb.amazonaws.com"),
            Some("dynamodb")
        );
        assert_eq!(service_prefix("signin.amazonaws.com"), Some("signin"));
        assert_eq!(service_prefix("nosuch.amazonaws.com"), None);
    }

    #[test]
    fn version_suffixes() {
        assert_eq!(
            strip_version_suffix("GetFunction20150331v2"),
            Some("GetFunction")
        );
        assert_eq!(
            strip_version_suffix("GetDistribution2020_05_31"),
            Some("GetDistribution")
        );
        assert_eq!(strip_version_suffix("ListObjectsV2"), None);
        assert_eq!(strip_version_suffix("GetObject"), None);
    }
}

//! Is a Resource value a valid ARN? `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with a
//! known partition, a region of AWS's shape, a 12-digit account (or `aws`, or empty), any of
//! them wildcarded; or `*`. Parts holding a placeholder or a policy variable are not judged:
//! they are filled in later.

/// The partitions AWS defines.
const PARTITIONS: [&str; 8] = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

fn is_template(s: &str) -> bool {
    s.contains("${") || !crate::model::placeholder::find(s, true).is_empty()
}

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
    let Some(rest) = resource.strip_prefix("arn:") else {
        return Some(format!(
            "`{resource}` is not an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) or `*`"
        ));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    if parts.len() < 5 {
        // `arn:aws:s3:::*` style prefixes with a wildcard swallow the rest legitimately.
        if parts.last().is_some_and(|p| has_wildcard(p)) {
            return None;
        }
        return Some(format!(
            "`{resource}` has {} of the 6 parts of an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)",
            parts.len() + 1
        ));
    }
    let (partition, service, region, account) = (parts[0], parts[1], parts[2], parts[3]);
    let judged = |p: &str| !has_wildcard(p) && !is_template(p);
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

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
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
}

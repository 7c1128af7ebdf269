//! Whether a value typed for a placeholder has the shape its name asks for: an account id
//! is 12 digits, a region looks like `us-east-1`, a partition is one AWS has, an ARN starts
//! `arn:` and has its six parts, a bucket name follows S3's rules. The name says what is
//! wanted (`AccountId`, `account_id`, `TRUSTED_ACCOUNT` all ask for an account id). A
//! mismatch is a warning for the user, never a refusal: the value is used as typed.

use super::arn::PARTITIONS;

/// What a value for the placeholder `name` should look like, when its name says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    AccountId,
    Region,
    Partition,
    Arn,
    Bucket,
}

impl Shape {
    /// The shape the placeholder's name asks for, if any.
    pub fn of(name: &str) -> Option<Shape> {
        let word: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        // `AWS::AccountId` and `AccountNumber` are account ids, `RoleArn` an ARN.
        if word.ends_with("arn") {
            Some(Shape::Arn)
        } else if word.contains("accountid")
            || word.contains("accountnumber")
            || word.ends_with("account")
        {
            Some(Shape::AccountId)
        } else if word.contains("region") {
            Some(Shape::Region)
        } else if word.contains("partition") {
            Some(Shape::Partition)
        } else if word.contains("bucket") {
            Some(Shape::Bucket)
        } else {
            None
        }
    }

    /// What is wrong with `value` for this shape, if anything.
    pub fn problem(self, value: &str) -> Option<&'static str> {
        let ok = match self {
            Shape::AccountId => value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()),
            Shape::Region => is_region(value),
            Shape::Partition => PARTITIONS.contains(&value),
            Shape::Arn => is_arn(value),
            Shape::Bucket => is_bucket(value),
        };
        (!ok).then_some(match self {
            Shape::AccountId => "an account id is 12 digits",
            Shape::Region => "a region looks like us-east-1",
            Shape::Partition => "a partition is aws, aws-cn, aws-us-gov or another AWS partition",
            Shape::Arn => "an ARN looks like arn:aws:service:region:account:resource",
            Shape::Bucket => {
                "a bucket name is 3 to 63 lower-case letters, digits, dots and hyphens"
            }
        })
    }
}

/// The warning for `value` typed for the placeholder `name`: `None` when it looks right or
/// the name asks for no shape in particular.
pub fn check(name: &str, value: &str) -> Option<String> {
    if value.chars().any(char::is_control) {
        return Some("the value holds control characters".into());
    }
    if value.is_empty() {
        return Some("the value is empty".into());
    }
    let problem = Shape::of(name)?.problem(value)?;
    Some(problem.to_string())
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`: two
/// letters, then words of letters, then a number, all joined by hyphens.
fn is_region(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return false;
    };
    let lower = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    parts.len() >= 3
        && first.len() == 2
        && lower(first)
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && parts[1..parts.len() - 1].iter().all(lower)
}

/// `arn:partition:service:region:account:resource`, the resource possibly holding colons.
fn is_arn(value: &str) -> bool {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    parts.len() == 6 && parts[0] == "arn" && !parts[1].is_empty() && !parts[2].is_empty()
}

/// S3's bucket naming rules, the ones a typo breaks.
fn is_bucket(value: &str) -> bool {
    let b = value.as_bytes();
    let edge = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    (3..=63).contains(&b.len())
        && b.iter().all(|&c| edge(c) || c == b'.' || c == b'-')
        && b.first().is_some_and(|&c| edge(c))
        && b.last().is_some_and(|&c| edge(c))
        && !value.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_shape_they_want() {
        assert_eq!(Shape::of("AccountId"), Some(Shape::AccountId));
        assert_eq!(Shape::of("AWS::AccountId"), Some(Shape::AccountId));
        assert_eq!(Shape::of("TRUSTED_ACCOUNT"), Some(Shape::AccountId));
        assert_eq!(Shape::of("aws_account_number"), Some(Shape::AccountId));
        assert_eq!(Shape::of("Region"), Some(Shape::Region));
        assert_eq!(Shape::of("AWS::Partition"), Some(Shape::Partition));
        assert_eq!(Shape::of("ExternalRoleArn"), Some(Shape::Arn));
        assert_eq!(Shape::of("bucket_name"), Some(Shape::Bucket));
        assert_eq!(Shape::of("UPSOLVER_ORG_ID"), None);
    }

    #[test]
    fn values_of_the_wrong_shape_are_warned_about() {
        assert_eq!(check("AccountId", "111122223333"), None);
        assert_eq!(
            check("AccountId", "11112222333").as_deref(),
            Some("an account id is 12 digits")
        );
        assert_eq!(check("Region", "us-east-1"), None);
        assert_eq!(check("Region", "us-gov-west-1"), None);
        assert_eq!(check("Region", "us-isob-east-1"), None);
        assert_eq!(
            check("Region", "us-east").as_deref(),
            Some("a region looks like us-east-1")
        );
        assert_eq!(
            check("Region", "US-EAST-1").as_deref(),
            Some("a region looks like us-east-1")
        );
        assert_eq!(check("Partition", "aws-cn"), None);
        assert!(check("Partition", "amazon").is_some());
        assert_eq!(check("RoleArn", "arn:aws:iam::111122223333:role/x"), None);
        assert!(check("RoleArn", "role/x").is_some());
        assert_eq!(check("BucketName", "logs.example-1"), None);
        assert!(check("BucketName", "Logs_Bucket").is_some());
        assert!(check("BucketName", "a..b").is_some());
        assert_eq!(check("OrgId", "anything at all"), None);
        assert_eq!(check("OrgId", "").as_deref(), Some("the value is empty"));
        assert_eq!(
            check("OrgId", "a\u{1b}[31m").as_deref(),
            Some("the value holds control characters")
        );
    }
}

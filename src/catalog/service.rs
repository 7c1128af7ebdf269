//! What the catalog knows about each AWS service: its actions with their access level,
//! resource types with ARN patterns, and condition keys with their types, as read from the
//! core asset (layout in `asset.rs`).
//!
//! Every string borrows from the decoded asset text, which lives as long as the program, so
//! loading allocates little more than the vectors that hold the records.

use std::cmp::Ordering;

/// How the console's policy summary classifies an action, in the console's order.
///
/// The source gives two levels for some actions ("Tagging, Write", "Permissions
/// management, Write"); the first wins, because it is the level the Service Authorization
/// Reference and the console show for that action (`s3:PutBucketTagging` is Tagging,
/// `iam:AttachRolePolicy` Permissions management) and the second is the generic class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    pub const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The console's spelling: "List", "Read", "Write", "Permissions management", "Tagging".
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    fn from_code(code: &str) -> Option<AccessLevel> {
        match code {
            "L" => Some(AccessLevel::List),
            "R" => Some(AccessLevel::Read),
            "W" => Some(AccessLevel::Write),
            "P" => Some(AccessLevel::PermissionsManagement),
            "T" => Some(AccessLevel::Tagging),
            _ => None,
        }
    }
}

impl std::fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type of a condition key's values, in the Service Authorization Reference's words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConditionKeyType {
    String,
    Arn,
    Bool,
    Date,
    Numeric,
    IpAddress,
    Binary,
    ArrayOfString,
    ArrayOfArn,
    ArrayOfBool,
    ArrayOfDate,
    ArrayOfNumeric,
    ArrayOfIpAddress,
}

impl ConditionKeyType {
    const NAMES: [(ConditionKeyType, &'static str); 13] = [
        (ConditionKeyType::String, "String"),
        (ConditionKeyType::Arn, "ARN"),
        (ConditionKeyType::Bool, "Bool"),
        (ConditionKeyType::Date, "Date"),
        (ConditionKeyType::Numeric, "Numeric"),
        (ConditionKeyType::IpAddress, "IPAddress"),
        (ConditionKeyType::Binary, "Binary"),
        (ConditionKeyType::ArrayOfString, "ArrayOfString"),
        (ConditionKeyType::ArrayOfArn, "ArrayOfARN"),
        (ConditionKeyType::ArrayOfBool, "ArrayOfBool"),
        (ConditionKeyType::ArrayOfDate, "ArrayOfDate"),
        (ConditionKeyType::ArrayOfNumeric, "ArrayOfNumeric"),
        (ConditionKeyType::ArrayOfIpAddress, "ArrayOfIPAddress"),
    ];

    /// The reference's spelling: "String", "ARN", "IPAddress", "ArrayOfString"...
    pub fn as_str(self) -> &'static str {
        Self::NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map_or("String", |(_, n)| n)
    }

    /// The type a name spells, ignoring case.
    pub fn parse(name: &str) -> Option<ConditionKeyType> {
        Self::NAMES
            .iter()
            .find(|(_, n)| n.eq_ignore_ascii_case(name))
            .map(|(t, _)| *t)
    }

    /// Whether the key is multivalued (to be tested with `ForAllValues:`/`ForAnyValue:`).
    pub fn is_array(self) -> bool {
        self.element() != self
    }

    /// The type of one value: `String` for `ArrayOfString`, the type itself otherwise.
    pub fn element(self) -> ConditionKeyType {
        match self {
            ConditionKeyType::ArrayOfString => ConditionKeyType::String,
            ConditionKeyType::ArrayOfArn => ConditionKeyType::Arn,
            ConditionKeyType::ArrayOfBool => ConditionKeyType::Bool,
            ConditionKeyType::ArrayOfDate => ConditionKeyType::Date,
            ConditionKeyType::ArrayOfNumeric => ConditionKeyType::Numeric,
            ConditionKeyType::ArrayOfIpAddress => ConditionKeyType::IpAddress,
            t => t,
        }
    }
}

impl std::fmt::Display for ConditionKeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One AWS service, such as `s3` (Amazon S3).
#[derive(Debug, PartialEq)]
pub struct Service {
    /// The prefix actions are written with: `s3` in `s3:GetObject`.
    pub prefix: &'static str,
    /// The full name: "Amazon S3".
    pub name: &'static str,
    /// Sorted by name, ignoring case.
    pub actions: Vec<Action>,
    /// Sorted by name, ignoring case.
    pub resource_types: Vec<ResourceType>,
    /// The condition keys the service defines (and the global ones it lists), sorted by
    /// name ignoring case.
    pub condition_keys: Vec<ConditionKey>,
}

impl Service {
    /// The action named `name` (without prefix), ignoring case.
    pub fn action(&self, name: &str) -> Option<&Action> {
        find(&self.actions, name, |a| a.name)
    }

    /// The resource type named `name`, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        find(&self.resource_types, name, |r| r.name)
    }

    /// The condition key named exactly `name` (templates not expanded), ignoring case.
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        find(&self.condition_keys, name, |k| k.name)
    }
}

/// One action, such as `s3:GetObject`.
#[derive(Debug, PartialEq)]
pub struct Action {
    /// The prefix of the service it belongs to.
    pub service: &'static str,
    /// The name as AWS spells it: `GetObject`.
    pub name: &'static str,
    pub access_level: AccessLevel,
    /// The resource types the action works on, in the reference's order. Empty when the
    /// action supports only `"Resource": "*"`.
    pub resource_types: Vec<ActionResource>,
    /// `|`-separated condition keys the action supports whatever the resource.
    condition_keys: &'static str,
    /// Position among all actions, for the descriptions asset.
    pub(super) index: u32,
}

impl Action {
    /// `service:Name`, as written in a policy.
    pub fn full_name(&self) -> String {
        format!("{}:{}", self.service, self.name)
    }

    /// The condition keys the action supports whatever the resource (templated keys as the
    /// reference writes them, such as `aws:RequestTag/${TagKey}`).
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + use<> {
        split_keys(self.condition_keys)
    }

    /// What the action does, from the Service Authorization Reference ("Grants permission
    /// to..."). Decodes the descriptions asset on first use.
    pub fn description(&self) -> &'static str {
        super::descriptions::action(self.index)
    }
}

/// A resource type as one action uses it.
#[derive(Debug, PartialEq)]
pub struct ActionResource {
    pub name: &'static str,
    /// The ARN pattern, such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub arn: &'static str,
    /// Whether the action always needs this resource type (an asterisk in the reference).
    pub required: bool,
    /// `|`-separated condition keys that apply when the action works on this resource type.
    condition_keys: &'static str,
}

impl ActionResource {
    /// The condition keys that apply when the action works on this resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + use<> {
        split_keys(self.condition_keys)
    }
}

/// A resource type of a service, such as S3's `object`.
#[derive(Debug, PartialEq)]
pub struct ResourceType {
    pub name: &'static str,
    /// The ARN pattern, such as `arn:${Partition}:s3:::${BucketName}/${ObjectName}`.
    pub arn: &'static str,
    condition_keys: &'static str,
}

impl ResourceType {
    /// The condition keys that apply to every action on this resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> + use<> {
        split_keys(self.condition_keys)
    }
}

/// A condition key a service defines, such as `s3:ExistingObjectTag/<key>`.
#[derive(Debug, PartialEq)]
pub struct ConditionKey {
    /// As the reference writes it, templates included (`${TagKey}`, `<key>`).
    pub name: &'static str,
    pub key_type: ConditionKeyType,
    /// Position among all condition keys, for the descriptions asset.
    pub(super) index: u32,
}

impl ConditionKey {
    /// What the key compares, from the Service Authorization Reference. Decodes the
    /// descriptions asset on first use.
    pub fn description(&self) -> &'static str {
        super::descriptions::condition_key(self.index)
    }

    /// Whether the name holds a template part (`${TagKey}`, `<key>`) that stands for any
    /// text.
    pub fn is_templated(&self) -> bool {
        is_template(self.name)
    }
}

/// Whether a condition key name holds a template part.
pub fn is_template(name: &str) -> bool {
    name.contains("${") || (name.contains('<') && name.contains('>'))
}

fn split_keys(keys: &'static str) -> impl Iterator<Item = &'static str> {
    keys.split('|').filter(|k| !k.is_empty())
}

/// Compares ASCII text ignoring case, the order records are sorted in.
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn find<'a, T>(items: &'a [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'a T> {
    items
        .binary_search_by(|item| cmp_ignore_case(key(item), name))
        .ok()
        .map(|i| &items[i])
}

/// Reads the core asset's text (layout in `asset.rs`) into services, in the asset's order.
pub fn parse(text: &'static str) -> Result<Vec<Service>, String> {
    let mut services: Vec<Service> = Vec::new();
    let (mut action_index, mut key_index) = (0u32, 0u32);
    for (n, line) in text.lines().enumerate() {
        let bad = |why: &str| format!("catalog line {}: {why}", n + 1);
        let fields: Vec<&'static str> = line.split('\t').collect();
        let field = |i: usize| fields.get(i).copied().ok_or_else(|| bad("too few fields"));
        if fields[0] == "S" {
            services.push(Service {
                prefix: field(1)?,
                name: field(2)?,
                actions: Vec::new(),
                resource_types: Vec::new(),
                condition_keys: Vec::new(),
            });
            continue;
        }
        let service = services
            .last_mut()
            .ok_or_else(|| bad("record before any service"))?;
        match fields[0] {
            "R" => service.resource_types.push(ResourceType {
                name: field(1)?,
                arn: field(2)?,
                condition_keys: field(3)?,
            }),
            "C" => {
                let key_type = ConditionKeyType::parse(field(2)?)
                    .ok_or_else(|| bad("unknown condition key type"))?;
                service.condition_keys.push(ConditionKey {
                    name: field(1)?,
                    key_type,
                    index: key_index,
                });
                key_index += 1;
            }
            "A" => {
                let mut resource_types = Vec::new();
                for entry in field(3)?.split(',').filter(|e| !e.is_empty()) {
                    let (head, keys) = entry.split_once('=').unwrap_or((entry, ""));
                    let (name, required) = match head.strip_suffix('*') {
                        Some(name) => (name, true),
                        None => (head, false),
                    };
                    let resource = service
                        .resource_type(name)
                        .ok_or_else(|| bad("unknown resource type"))?;
                    resource_types.push(ActionResource {
                        name: resource.name,
                        arn: resource.arn,
                        required,
                        condition_keys: keys,
                    });
                }
                service.actions.push(Action {
                    service: service.prefix,
                    name: field(1)?,
                    access_level: AccessLevel::from_code(field(2)?)
                        .ok_or_else(|| bad("unknown access level"))?,
                    resource_types,
                    condition_keys: field(4)?,
                    index: action_index,
                });
                action_index += 1;
            }
            _ => return Err(bad("unknown record")),
        }
    }
    Ok(services)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "S\taa\tService A\n\
        R\tThing\tarn:${Partition}:aa:::thing/${Id}\taa:Color\n\
        C\taa:Color\tString\n\
        C\taws:TagKeys\tArrayOfString\n\
        A\tGetThing\tR\tThing*=aa:Color\taws:TagKeys\n\
        A\tTagThing\tT\t\t\n\
        S\tzz\tService Z\n\
        A\tListAll\tL\t\t\n";

    #[test]
    fn records_become_services_actions_and_keys() {
        let services = parse(TEXT).unwrap();
        assert_eq!(services.len(), 2);
        let aa = &services[0];
        assert_eq!((aa.prefix, aa.name), ("aa", "Service A"));
        let get = aa.action("getthing").unwrap();
        assert_eq!(get.name, "GetThing");
        assert_eq!(get.access_level, AccessLevel::Read);
        assert_eq!(get.condition_keys().collect::<Vec<_>>(), ["aws:TagKeys"]);
        let r = &get.resource_types[0];
        assert_eq!(
            (r.name, r.arn, r.required),
            ("Thing", "arn:${Partition}:aa:::thing/${Id}", true)
        );
        assert_eq!(r.condition_keys().collect::<Vec<_>>(), ["aa:Color"]);
        assert_eq!(
            aa.action("TagThing").unwrap().access_level,
            AccessLevel::Tagging
        );
        assert_eq!(
            aa.condition_key("AWS:TAGKEYS").unwrap().key_type,
            ConditionKeyType::ArrayOfString
        );
        assert_eq!(services[1].actions[0].index, 2);
    }

    #[test]
    fn broken_records_are_reported_with_their_line() {
        assert_eq!(
            parse("S\taa\tA\nA\tX\tQ\t\t\n").unwrap_err(),
            "catalog line 2: unknown access level"
        );
        assert_eq!(
            parse("A\tX\tR\t\t\n").unwrap_err(),
            "catalog line 1: record before any service"
        );
        assert_eq!(
            parse("S\taa\tA\nA\tX\tR\tNope\t\n").unwrap_err(),
            "catalog line 2: unknown resource type"
        );
    }

    #[test]
    fn types_spell_as_the_reference_does() {
        assert_eq!(
            ConditionKeyType::parse("arrayofarn"),
            Some(ConditionKeyType::ArrayOfArn)
        );
        assert_eq!(ConditionKeyType::IpAddress.as_str(), "IPAddress");
        assert!(ConditionKeyType::ArrayOfString.is_array());
        assert!(!ConditionKeyType::Arn.is_array());
        assert_eq!(
            AccessLevel::PermissionsManagement.as_str(),
            "Permissions management"
        );
    }
}

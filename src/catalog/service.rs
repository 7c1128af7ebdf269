//! What the catalog knows about each AWS service: its actions with their access level,
//! resource types with ARN patterns, and condition keys with their types, as read from the
//! core asset (layout in `asset.rs`).
//!
//! Every string borrows from the decoded asset text, which lives as long as the program, so
//! loading allocates little more than the vectors that hold the records.

use std::cmp::Ordering;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use crate::model::glob::matches_ignore_ascii_case;

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

/// One AWS service, such as `s3` (Amazon S3). Its records (actions, resource types,
/// condition keys) are parsed on first use, so a lookup in one service never pays for the
/// others.
#[derive(Debug)]
pub struct Service {
    /// The prefix actions are written with: `s3` in `s3:GetObject`.
    pub prefix: &'static str,
    /// The full name: "Amazon S3".
    pub name: &'static str,
    /// The zstd frame holding the service's `R`, `C` and `A` lines, and its raw size.
    frame: &'static [u8],
    raw: usize,
    /// How many resource types, condition keys and actions the records hold.
    counts: [usize; 3],
    /// Positions of the first action and key among all, for the descriptions asset.
    first_action: u32,
    first_key: u32,
    parsed: OnceLock<Records>,
    /// Whether a thread has started parsing the records.
    claimed: AtomicBool,
}

/// A service's records, once parsed.
#[derive(Debug, Default)]
pub struct Records {
    actions: Vec<Action>,
    resource_types: Vec<ResourceType>,
    condition_keys: Vec<ConditionKey>,
    /// Templated condition keys as wildcard patterns, with their position in
    /// `condition_keys`.
    templated: Vec<(String, usize)>,
    /// The actions by name, ignoring case.
    action_names: NameTable,
}

impl Service {
    fn records(&self) -> &Records {
        // The embedded asset is checked by tests (`Catalog::check`); a service whose
        // records could not be read would show none.
        self.parsed.get_or_init(|| {
            self.claimed.store(true, AtomicOrdering::Relaxed);
            self.parse_records().unwrap_or_default()
        })
    }

    /// Parses the records unless they are parsed or a thread has started on them: threads
    /// that all need every service each take the ones no other has, rather than wait in
    /// turn on the same one.
    pub(super) fn parse_unless_claimed(&self) {
        if self.parsed.get().is_none() && !self.claimed.swap(true, AtomicOrdering::Relaxed) {
            self.records();
        }
    }

    /// The service's actions, sorted by name ignoring case.
    pub fn actions(&self) -> &[Action] {
        &self.records().actions
    }

    /// The service's resource types, sorted by name ignoring case.
    pub fn resource_types(&self) -> &[ResourceType] {
        &self.records().resource_types
    }

    /// The condition keys the service defines (and the global ones it lists), sorted by
    /// name ignoring case.
    pub fn condition_keys(&self) -> &[ConditionKey] {
        &self.records().condition_keys
    }

    /// How many actions the service has, without parsing its records.
    pub fn action_count(&self) -> usize {
        self.counts[2]
    }

    /// The action named `name` (without prefix), ignoring case.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.action_named(&ActionName::new(name))
    }

    /// [`action`](Self::action) for a name hashed once, to ask many services.
    pub fn action_named(&self, name: &ActionName) -> Option<&Action> {
        let records = self.records();
        records.action_names.find(&records.actions, name)
    }

    /// The resource type named `name`, ignoring case.
    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        find(self.resource_types(), name, |r| r.name)
    }

    /// The condition key named exactly `name` (templates not expanded), ignoring case.
    pub fn condition_key(&self, name: &str) -> Option<&ConditionKey> {
        find(self.condition_keys(), name, |k| k.name)
    }

    /// The templated condition key whose pattern `name` matches, such as
    /// `s3:ExistingObjectTag/<key>` for `s3:ExistingObjectTag/Owner`.
    pub fn templated_key(&self, name: &str) -> Option<&ConditionKey> {
        let records = self.records();
        records
            .templated
            .iter()
            .find(|(glob, _)| matches_ignore_ascii_case(glob, name))
            .map(|(_, i)| &records.condition_keys[*i])
    }

    /// Decompresses and parses the service's records, reporting the first malformed one.
    /// The text is kept for the rest of the program (the records borrow from it), like the
    /// catalog that holds the service; `records` does this at most once per service.
    pub fn parse_records(&self) -> Result<Records, String> {
        let text: &'static str = super::asset::decode_frame(self.frame, self.raw)
            .map_err(|e| format!("catalog, service {}: {e}", self.prefix))?
            .leak();
        let [n_types, n_keys, n_actions] = self.counts;
        let mut records = Records {
            actions: Vec::with_capacity(n_actions),
            resource_types: Vec::with_capacity(n_types),
            condition_keys: Vec::with_capacity(n_keys),
            templated: Vec::new(),
            action_names: NameTable::default(),
        };
        let (mut action_index, mut key_index) = (self.first_action, self.first_key);
        for (n, line) in text.lines().enumerate() {
            let bad =
                |why: &str| format!("catalog, service {}, record {}: {why}", self.prefix, n + 1);
            let mut fields = line.split('\t');
            let tag = fields.next();
            let mut field = || fields.next().ok_or_else(|| bad("too few fields"));
            match tag {
                Some("R") => records.resource_types.push(ResourceType {
                    name: field()?,
                    arn: field()?,
                    condition_keys: field()?,
                }),
                Some("C") => {
                    let name = field()?;
                    let key_type = ConditionKeyType::parse(field()?)
                        .ok_or_else(|| bad("unknown condition key type"))?;
                    if is_template(name) {
                        records.templated.push((
                            super::conditions::template_glob(name),
                            records.condition_keys.len(),
                        ));
                    }
                    records.condition_keys.push(ConditionKey {
                        name,
                        key_type,
                        index: key_index,
                    });
                    key_index += 1;
                }
                Some("A") => {
                    let name = field()?;
                    let access_level = AccessLevel::from_code(field()?)
                        .ok_or_else(|| bad("unknown access level"))?;
                    let resources = field()?;
                    let condition_keys = field()?;
                    let mut resource_types = Vec::new();
                    for entry in resources.split(',').filter(|e| !e.is_empty()) {
                        let (head, keys) = entry.split_once('=').unwrap_or((entry, ""));
                        let (name, required) = match head.strip_suffix('*') {
                            Some(name) => (name, true),
                            None => (head, false),
                        };
                        let resource = find(&records.resource_types, name, |r| r.name)
                            .ok_or_else(|| bad("unknown resource type"))?;
                        resource_types.push(ActionResource {
                            name: resource.name,
                            arn: resource.arn,
                            required,
                            condition_keys: keys,
                        });
                    }
                    records.actions.push(Action {
                        service: self.prefix,
                        name,
                        access_level,
                        resource_types,
                        condition_keys,
                        index: action_index,
                    });
                    action_index += 1;
                }
                _ => return Err(bad("unknown record")),
            }
        }
        let found = [
            records.resource_types.len(),
            records.condition_keys.len(),
            records.actions.len(),
        ];
        if found != self.counts {
            return Err(format!(
                "catalog, service {}: holds {found:?} records, its header says {:?}",
                self.prefix, self.counts
            ));
        }
        records.action_names = NameTable::new(&records.actions);
        Ok(records)
    }
}

/// The positions of a service's actions by name ignoring case: an open-addressing hash
/// table, because every rule looks actions up by name, many times per statement, and a
/// binary search comparing names letter by letter was the single largest cost of `check`
/// on a folder of policies.
#[derive(Debug, Default)]
struct NameTable {
    /// A power of two of slots, at most half full; 0 is empty, else the position plus one.
    slots: Vec<u32>,
}

impl NameTable {
    fn new(actions: &[Action]) -> NameTable {
        let size = (actions.len() * 2).next_power_of_two().max(2);
        let mut slots = vec![0; size];
        for (i, action) in actions.iter().enumerate() {
            let mut at = caseless_hash(action.name) as usize & (size - 1);
            while slots[at] != 0 {
                at = (at + 1) & (size - 1);
            }
            slots[at] = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
        NameTable { slots }
    }

    fn find<'a>(&self, actions: &'a [Action], name: &ActionName) -> Option<&'a Action> {
        let size = self.slots.len();
        if size == 0 {
            return None;
        }
        let mut at = name.hash as usize & (size - 1);
        loop {
            let action = actions.get((self.slots[at] as usize).checked_sub(1)?)?;
            if action.name.eq_ignore_ascii_case(name.text) {
                return Some(action);
            }
            at = (at + 1) & (size - 1);
        }
    }
}

/// An action name (without prefix) with its hash ignoring case, worked out once however
/// many services it is looked up in.
pub struct ActionName<'a> {
    text: &'a str,
    hash: u64,
}

impl<'a> ActionName<'a> {
    pub fn new(text: &'a str) -> Self {
        ActionName {
            text,
            hash: caseless_hash(text),
        }
    }
}

/// FNV-1a of the text's bytes in lower case.
fn caseless_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3)
    })
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

    /// The action's position among all the catalog's actions (`0..action_count`): a dense
    /// id for sets of actions, such as what a role is granted.
    pub fn id(&self) -> usize {
        self.index as usize
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
    // A plain loop: comparing mapped byte iterators is several times slower, and every
    // catalog lookup runs this a dozen times.
    let (a, b) = (a.as_bytes(), b.as_bytes());
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

fn find<'a, T>(items: &'a [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'a T> {
    items
        .binary_search_by(|item| cmp_ignore_case(key(item), name))
        .ok()
        .map(|i| &items[i])
}

/// Reads the core asset (layout in `asset.rs`): its index of services, in the asset's
/// order. Each service's frame waits, compressed, for its first use.
pub fn parse(asset: &'static [u8]) -> Result<Vec<Service>, String> {
    let (header, body) = super::asset::split(asset)?;
    if header.kind != "iamscope-catalog 2" {
        return Err(format!("catalog: unknown layout `{}`", header.kind));
    }
    let (index, mut frames) = body
        .split_at_checked(header.index)
        .ok_or("catalog: index frame larger than the asset")?;
    // Kept for the program's life: the services' prefixes and names borrow from it.
    let index: &'static str = super::asset::decode_frame(index, header.raw)
        .map_err(|e| format!("catalog index: {e}"))?
        .leak();
    let mut services = Vec::new();
    let (mut first_action, mut first_key) = (0, 0);
    for line in index.lines() {
        let bad = || format!("catalog: malformed index line `{line}`");
        let fields: Vec<&'static str> = line.split('\t').collect();
        let [prefix, name, types, keys, actions, compressed, raw] = fields[..] else {
            return Err(bad());
        };
        let number = |s: &str| s.parse::<usize>().map_err(|_| bad());
        let counts = [number(types)?, number(keys)?, number(actions)?];
        let (frame, rest) = frames
            .split_at_checked(number(compressed)?)
            .ok_or_else(bad)?;
        frames = rest;
        services.push(Service {
            prefix,
            name,
            frame,
            raw: number(raw)?,
            counts,
            first_action,
            first_key,
            parsed: OnceLock::new(),
            claimed: AtomicBool::new(false),
        });
        first_key += counts[1] as u32;
        first_action += counts[2] as u32;
    }
    Ok(services)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A core asset holding these services (index line without sizes, records).
    fn asset(services: &[(&str, &str)]) -> &'static [u8] {
        let mut index = String::new();
        let mut frames = Vec::new();
        for (line, records) in services {
            let frame = compress(records);
            index.push_str(&format!("{line}\t{}\t{}\n", frame.len(), records.len()));
            frames.extend(frame);
        }
        let index_frame = compress(&index);
        let mut out = format!(
            "iamscope-catalog 2\nraw {}\nindex {}\n\n",
            index.len(),
            index_frame.len()
        )
        .into_bytes();
        out.extend(index_frame);
        out.extend(frames);
        out.leak()
    }

    fn compress(text: &str) -> Vec<u8> {
        use ruzstd::encoding::{CompressionLevel, compress_to_vec};
        compress_to_vec(text.as_bytes(), CompressionLevel::Fastest)
    }

    fn fixture() -> &'static [u8] {
        asset(&[
            (
                "aa\tService A\t1\t2\t2",
                "R\tThing\tarn:${Partition}:aa:::thing/${Id}\taa:Color\n\
                 C\taa:Color\tString\n\
                 C\taa:Tag/${TagKey}\tString\n\
                 A\tGetThing\tR\tThing*=aa:Color\taws:TagKeys\n\
                 A\tTagThing\tT\t\t\n",
            ),
            ("yy\tService Y\t0\t0\t0", ""),
            ("zz\tService Z\t0\t0\t1", "A\tListAll\tL\t\t\n"),
        ])
    }

    #[test]
    fn records_become_services_actions_and_keys() {
        let services = parse(fixture()).unwrap();
        assert_eq!(services.len(), 3);
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
            aa.condition_key("AA:COLOR").unwrap().key_type,
            ConditionKeyType::String
        );
        assert_eq!(
            aa.templated_key("aa:Tag/Owner").unwrap().name,
            "aa:Tag/${TagKey}"
        );
        assert!(services[1].actions().is_empty());
        assert_eq!(services[2].actions()[0].index, 2);
        assert_eq!(services[2].condition_keys().len(), 0);
    }

    #[test]
    fn broken_records_are_reported_with_their_service_and_position() {
        let records = |counts: &str, text: &str| {
            let line = format!("aa\tA\t{counts}");
            parse(asset(&[(&line, text)])).unwrap()[0]
                .parse_records()
                .map(|_| ())
        };
        assert_eq!(
            records("0\t0\t1", "A\tX\tQ\t\t\n"),
            Err("catalog, service aa, record 1: unknown access level".into())
        );
        assert_eq!(
            records("0\t0\t1", "A\tX\tR\tNope\t\n"),
            Err("catalog, service aa, record 1: unknown resource type".into())
        );
        assert_eq!(
            records("0\t0\t2", "A\tX\tR\t\t\n"),
            Err("catalog, service aa: holds [0, 0, 1] records, its header says [0, 0, 2]".into())
        );
        let short = parse(asset(&[("aa\tA\t0", "")])).unwrap_err();
        assert!(
            short.starts_with("catalog: malformed index line `aa\tA\t0\t"),
            "{short}"
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

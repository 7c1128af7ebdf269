//! The descriptions of actions and condition keys, kept in their own asset so that looking
//! up or expanding actions never pays for decoding prose. Decoded once, on first use.

use std::sync::OnceLock;

use super::asset;

fn lines() -> &'static [&'static str] {
    static TEXT: OnceLock<String> = OnceLock::new();
    static LINES: OnceLock<Vec<&'static str>> = OnceLock::new();
    LINES.get_or_init(|| {
        // The embedded asset is checked by tests; should it ever fail, descriptions are empty.
        let text = TEXT.get_or_init(|| asset::decode(asset::DESCRIPTIONS).unwrap_or_default());
        text.lines().collect()
    })
}

/// The description of the action at `index` in the catalog's order.
pub fn action(index: u32) -> &'static str {
    lines().get(index as usize).copied().unwrap_or("")
}

/// The description of the condition key at `index` in the catalog's order (they follow the
/// actions in the asset).
pub fn condition_key(index: u32) -> &'static str {
    let actions = asset::header(asset::CORE).count("actions");
    lines().get(actions + index as usize).copied().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;

    #[test]
    fn actions_and_keys_have_their_own_descriptions() {
        let catalog = Catalog::get();
        let get = catalog.action("s3:GetObject").unwrap();
        assert_eq!(
            get.description(),
            "Grants permission to retrieve objects from Amazon S3"
        );
        let s3 = catalog.service("s3").unwrap();
        let key = s3.condition_key("s3:x-amz-acl").unwrap();
        assert!(
            key.description().to_lowercase().contains("acl"),
            "{}",
            key.description()
        );
    }
}

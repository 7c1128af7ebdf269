//! Sources assembled: an input loaded (`load`, which knows no catalog), then the steps after
//! loading, each source in turn: its managed-policy references resolved from the catalog,
//! its placeholders listed and filled with the values `--var` gives. Everything that reads
//! input (the commands and the viewer through `session`, benches, fuzz targets, tests)
//! reads it through here.

use std::collections::BTreeMap;

use crate::catalog::managed::BuiltIn;
use crate::load::{self, Loaded};
use crate::model::{Format, Source, placeholder};

/// What the user asked for, applied to every source.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Placeholder values from `--var NAME=VALUE`.
    pub vars: BTreeMap<String, String>,
    /// Forces a format instead of detecting it.
    pub format: Option<Format>,
}

/// Loads files, directories (walked, in name order) and `-` (standard input), each
/// assembled.
pub fn load_paths(paths: &[String], options: &Options) -> Loaded {
    let mut loaded = load::paths(paths, options.format, &BuiltIn);
    for source in &mut loaded.sources {
        after_loading(source, &options.vars);
    }
    loaded
}

/// Loads one input from its bytes (see [`load::bytes`]), assembled.
pub fn load_bytes(path: &str, bytes: &[u8], options: &Options) -> Source {
    let mut source = load::bytes(path, bytes, options.format, &BuiltIn);
    after_loading(&mut source, &options.vars);
    source
}

/// Loads one file, shown as `shown` (see [`load::file`]), assembled; says why it could not
/// be read.
pub fn load_file(shown: &str, path: &std::path::Path, options: &Options) -> Result<Source, String> {
    let mut source = load::file(shown, path, options.format, &BuiltIn)?;
    after_loading(&mut source, &options.vars);
    Ok(source)
}

/// Loads one input from its bytes, taken (see [`load::owned_bytes`]), assembled.
pub fn load_owned_bytes(path: &str, bytes: Vec<u8>, options: &Options) -> Source {
    let mut source = load::owned_bytes(path, bytes, options.format, &BuiltIn);
    after_loading(&mut source, &options.vars);
    source
}

/// Loads one input from its text (see [`load::text`]), assembled.
pub fn load_text(path: &str, text: &str, options: &Options) -> Source {
    let mut source = load::text(path, text, options.format, &BuiltIn);
    after_loading(&mut source, &options.vars);
    source
}

/// Every bundled sample (see [`load::samples`]), assembled.
pub fn samples(options: &Options) -> Vec<Source> {
    load::samples::SAMPLES
        .iter()
        .map(|(path, text)| load_text(path, text, options))
        .collect()
}

/// The steps after loading: managed-policy references resolved from the catalog, then the
/// placeholders listed (those of the resolved documents too) and filled with `vars`.
fn after_loading(source: &mut Source, vars: &BTreeMap<String, String>) {
    crate::catalog::resolve_managed(source);
    placeholder::collect(source);
    placeholder::fill(source, vars);
}

/// The source as assembling it with the placeholder values `vars` gives, from the source
/// assembled with none: filling is the last step, so this is that step alone. The viewer
/// applies values typed in this way, as `--var` does.
pub fn fill_values(unfilled: &Source, vars: &BTreeMap<String, String>) -> Source {
    let mut source = unfilled.clone();
    placeholder::fill(&mut source, vars);
    source
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_filled_after_loading_are_what_loading_with_them_gives() {
        let text = include_str!("../tests/fixtures/copy/vendor-role.json");
        let vars: BTreeMap<String, String> = [
            ("AccountId".to_string(), "111122223333".to_string()),
            ("Region".to_string(), "eu-west-1".to_string()),
        ]
        .into();
        let with = Options {
            vars: vars.clone(),
            format: None,
        };
        let loaded = load_text("v.json", text, &with);
        let filled = fill_values(&load_text("v.json", text, &Options::default()), &vars);
        assert_eq!(format!("{filled:?}"), format!("{loaded:?}"));
        assert!(format!("{filled:?}").contains("arn:aws:sqs:eu-west-1:111122223333:jobs"));
    }

    #[test]
    fn managed_policy_references_resolve_after_loading() {
        let text = r#"{"Version": "2012-10-17", "Statement": []}"#;
        let dump = format!(
            r#"{{"RoleDetailList": [{{"RoleName": "r", "AttachedManagedPolicies": [{{"PolicyName": "SecurityAudit", "PolicyArn": "arn:aws:iam::aws:policy/SecurityAudit"}}], "AssumeRolePolicyDocument": {text}}}]}}"#
        );
        let loaded = load::text("dump.json", &dump, None, &BuiltIn);
        let reference = |s: &Source| s.roles[0].policies[1].managed.clone().unwrap();
        assert!(!reference(&loaded).resolved);
        let assembled = load_text("dump.json", &dump, &Options::default());
        assert!(reference(&assembled).resolved);
        assert!(!assembled.roles[0].policies[1].statements().is_empty());
    }
}

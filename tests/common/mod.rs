//! Helpers shared by the loader tests: loading a fixture with `--var` values, and a
//! policy list in short.

use std::collections::BTreeMap;

use iamscope::load::{Options, load_paths};
use iamscope::model::{Policy, PolicyKind, Source};

/// Loads `tests/fixtures/{path}` with placeholder values, as `--var` gives them.
pub fn load_fixture(path: &str, vars: &[(&str, &str)]) -> Source {
    let options = Options {
        vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        format: None,
    };
    let mut loaded = load_paths(&[format!("tests/fixtures/{path}")], &options);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    loaded.sources.remove(0)
}

/// Each policy's name, kind, whether it is a resolved managed policy, and statement count.
#[allow(dead_code)]
pub fn summary(policies: &[Policy]) -> Vec<(&str, PolicyKind, Option<bool>, usize)> {
    policies
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.kind,
                p.managed.as_ref().map(|m| m.resolved),
                p.statements().len(),
            )
        })
        .collect()
}

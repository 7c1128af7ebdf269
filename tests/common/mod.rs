//! Helpers shared by the loader tests: loading a fixture with `--var` values, and a
//! policy list in short.

use std::collections::BTreeMap;

use iamscope::assemble::{Options, load_paths};
use iamscope::model::{Policy, PolicyKind, Source};

/// Loads `tests/fixtures/{path}` with placeholder values, as `--var` gives them.
#[allow(dead_code)]
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

/// Runs the iamscope binary in the repository with these arguments, colour off and no
/// standard input: (exit code, standard output, standard error).
#[allow(dead_code)]
pub fn iamscope<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run iamscope");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

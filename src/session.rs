//! What both front ends, the commands and the viewer, do before showing anything: read the
//! options they share, load the input and say on standard error what could not be read.
//! Also the exit codes every command uses.

use std::collections::BTreeMap;

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use crate::load::{self, Options};
use crate::model::{Format, Source};

/// Exit code for findings at or above `--fail-on`, and for a request `why` denies.
pub const EXIT_FINDINGS: u8 = 1;

/// Exit code for bad usage or input that could not be read at all.
pub const EXIT_USAGE: u8 = 2;

/// Options every command that reads policies takes, and the viewer.
#[derive(Args, Debug, Clone, Default)]
pub struct Common {
    /// Fill a placeholder everywhere it occurs, e.g. `--var AccountId=111122223333` fills
    /// `${AccountId}`. Repeat for more.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub vars: Vec<(String, String)>,

    /// Never colour the output. Setting the NO_COLOR environment variable does the same.
    #[arg(long)]
    pub no_color: bool,

    /// Read every input as this format instead of telling it from the content (a file's
    /// name never decides).
    #[arg(
        long,
        value_name = "FORMAT",
        value_parser = PossibleValuesParser::new(Format::ALL.map(Format::as_str))
            .map(|name| Format::parse(&name).unwrap_or_default())
    )]
    pub input_format: Option<Format>,
}

/// Reads `NAME=VALUE` (for `--var` and `--context`).
pub fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// Whether output may be coloured: neither `--no-color` nor a non-empty `NO_COLOR` says
/// otherwise (whether the output is a terminal is the caller's question).
pub fn wants_color(common: &Common) -> bool {
    !common.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The load options the common flags ask for.
pub fn options(common: &Common) -> Options {
    Options {
        vars: common.vars.iter().cloned().collect::<BTreeMap<_, _>>(),
        format: common.input_format,
    }
}

/// Loads `paths` (the bundled samples when there are none, as the viewer opens them),
/// reporting on standard error what could not be read and any `--var` that names no
/// placeholder. Returns the sources and whether everything could be read.
pub fn load_reporting(paths: &[String], common: &Common) -> (Vec<Source>, bool) {
    let options = options(common);
    let loaded = if paths.is_empty() {
        load::Loaded {
            sources: load::samples::load(&options),
            errors: Vec::new(),
        }
    } else {
        load::load_paths(paths, &options)
    };
    for e in &loaded.errors {
        eprintln!("iamscope: {e}");
    }
    warn_unused_vars(&loaded.sources, &options);
    (loaded.sources, loaded.errors.is_empty())
}

fn warn_unused_vars(sources: &[Source], options: &Options) {
    for name in options.vars.keys() {
        let used = sources
            .iter()
            .any(|s| s.placeholders.iter().any(|p| &p.name == name));
        if !used {
            eprintln!(
                "iamscope: warning: --var {}: no placeholder of that name in the input",
                crate::text::escape(name)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vars_need_a_name_and_an_equals_sign() {
        assert_eq!(parse_key_value("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert_eq!(parse_key_value("A="), Ok(("A".into(), String::new())));
        assert!(parse_key_value("=x").is_err());
        assert!(parse_key_value("A").is_err());
    }
}

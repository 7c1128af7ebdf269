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

    /// Read placeholder values from a file: one `NAME=VALUE` a line, `#` starts a comment
    /// line. A --var of the same name wins over the file.
    #[arg(long = "vars", value_name = "FILE")]
    pub vars_file: Option<String>,

    /// The values read from --vars FILE (see [`read_vars_file`]).
    #[arg(skip)]
    pub file_vars: Vec<(String, String)>,

    /// When to colour the output: `auto` (when it is a terminal; NO_COLOR, CLICOLOR=0 and
    /// TERM=dumb turn it off, CLICOLOR_FORCE on), `always` or `never`.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Never colour the output, as `--color never`. Setting the NO_COLOR environment
    /// variable does the same.
    #[arg(long, conflicts_with = "color")]
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

/// `--color`: when to colour the output.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColorWhen {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether output on a terminal may be coloured (the viewer's question).
pub fn wants_color(common: &Common) -> bool {
    color_on(common, true)
}

/// Whether to colour output that goes to a terminal or not, as clig.dev and the CLICOLOR
/// conventions have it: `--color always|never` and `--no-color` decide; else a non-empty
/// NO_COLOR turns colour off, a CLICOLOR_FORCE other than `0` turns it on even for a pipe,
/// and otherwise a terminal gets colour unless CLICOLOR is `0` or TERM is `dumb`.
pub fn color_on(common: &Common, terminal: bool) -> bool {
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    match common.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if common.no_color || env("NO_COLOR").is_some() => false,
        ColorWhen::Auto if env("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        ColorWhen::Auto => {
            terminal
                && env("CLICOLOR").is_none_or(|v| v != "0")
                && env("TERM").is_none_or(|v| v != "dumb")
        }
    }
}

/// Reads the `--vars FILE` of `common` into its `file_vars`. The error names the file and,
/// for a bad line, its line and column.
pub fn read_vars_file(common: &mut Common) -> Result<(), String> {
    let Some(file) = &common.vars_file else {
        return Ok(());
    };
    let shown = crate::text::escape(file);
    let bytes = load::files::read(std::path::Path::new(file))
        .map_err(|e| format!("--vars {shown}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not valid UTF-8"))?;
    common.file_vars = load::vars::parse(&text).map_err(|e| format!("{shown}:{e}"))?;
    Ok(())
}

/// The load options the common flags ask for: the values of `--vars FILE`, then those of
/// `--var` (which win).
pub fn options(common: &Common) -> Options {
    Options {
        vars: (common.file_vars.iter().chain(&common.vars))
            .cloned()
            .collect::<BTreeMap<_, _>>(),
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
    warn_unused_vars(&loaded.sources, &common.vars);
    (loaded.sources, loaded.errors.is_empty())
}

/// Warns of each `--var` that names no placeholder. (A `--vars` file is shared by many
/// inputs, so its names are not expected in every one.)
fn warn_unused_vars(sources: &[Source], vars: &[(String, String)]) {
    let names: std::collections::BTreeSet<&String> = vars.iter().map(|(name, _)| name).collect();
    for name in names {
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

//! What both front ends, the commands and the viewer, do before showing anything: read the
//! options they share, load the input and say on standard error what could not be read.
//! Also the exit codes every command uses.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};

use crate::assemble::{self, Options};
use crate::load::{self, ReadError, files};
use crate::model::{Format, Source};
use crate::pool;

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

    /// How many files to load and analyse at once (default: every core, or the
    /// IAMSCOPE_JOBS environment variable). Output keeps the order of the input either way.
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<NonZeroUsize>,
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
    if paths.is_empty() {
        let options = options(common);
        let sources = assemble::samples(&options);
        warn_unused_vars(common, |name| used(&sources, name));
        return (sources, true);
    }
    let mut sources = Vec::new();
    let all_read = for_each_source(paths, common, |s| s, |s| sources.push(s));
    (sources, all_read)
}

/// Loads `paths` as [`load_reporting`] does, but with no placeholder value filled in (the
/// viewer fills them itself, so it can change them); a `--var` that names no placeholder is
/// reported all the same. The values to fill are `options(common).vars`.
pub fn load_unfilled(paths: &[String], common: &Common) -> (Vec<Source>, bool) {
    let bare = Common {
        vars: Vec::new(),
        file_vars: Vec::new(),
        ..common.clone()
    };
    let (sources, all_read) = load_reporting(paths, &bare);
    warn_unused_vars(common, |name| used(&sources, name));
    (sources, all_read)
}

/// One input to load.
enum Input {
    /// `-`.
    Stdin,
    /// A file as named on the command line or found by a walk: how it is shown, where it
    /// is, and its length when it was looked at (0 when it could not be; reading it then
    /// says why), which bounds how much input is in flight.
    File(String, PathBuf, u64),
}

impl Input {
    fn len(&self) -> u64 {
        match self {
            Input::Stdin => 0,
            Input::File(_, _, len) => *len,
        }
    }
}

/// Loads each file, directory (walked, in name order) and `-` (standard input) of `paths`
/// on `-j` threads, runs `work` on each source on the thread that loaded it, and hands what
/// it returns to `consume` on this thread, in input order. Only a few sources are in
/// flight at once, so a folder of large account dumps is never in memory whole. What
/// could not be read is reported on standard error as it comes, and a `--var` that names
/// no placeholder at the end. Returns whether everything could be read.
pub fn for_each_source<T: Send>(
    paths: &[String],
    common: &Common,
    work: impl Fn(Source) -> T + Sync,
    mut consume: impl FnMut(T),
) -> bool {
    let options = options(common);
    let (inputs, walk_errors) = inputs(paths);
    let mut all_read = walk_errors.is_empty();
    for e in &walk_errors {
        eprintln!("iamscope: {e}");
    }
    let mut named = BTreeSet::new();
    let load = |input: &Input| {
        let source = load_input(input, &options)?;
        let names: Vec<String> = options
            .vars
            .keys()
            .filter(|name| used(std::slice::from_ref(&source), name))
            .cloned()
            .collect();
        Ok((names, work(source)))
    };
    let jobs = pool::jobs(common.jobs);
    pool::ordered_by_size(
        &batches(&inputs, jobs),
        jobs,
        |batch| batch.iter().map(Input::len).sum(),
        |batch| batch.iter().map(load).collect::<Vec<_>>(),
        |loaded: Vec<Result<_, ReadError>>| {
            for one in loaded {
                match one {
                    Ok((names, result)) => {
                        named.extend(names);
                        consume(result);
                    }
                    Err(e) => {
                        all_read = false;
                        eprintln!("iamscope: {e}");
                    }
                }
            }
        },
    );
    warn_unused_vars(common, |name| named.contains(name));
    all_read
}

/// At most this many inputs are handed to a thread at once, and past the first of them at
/// most [`BATCH_BYTES`]: handed over one by one, the hand-offs between threads cost more
/// than checking a small policy (a folder of 1,594 policies: 8% of the CPU time).
const BATCH_INPUTS: usize = 16;
const BATCH_BYTES: u64 = 256 << 10;

/// Near the end a group holds at most this share of the inputs left per thread, so the
/// last groups are small and the threads finish together rather than one waiting on
/// another's last sixteen files.
const TAIL_SHARE: usize = 4;

/// `inputs` in consecutive groups of small files, each handed to one of `jobs` threads at
/// once; a large file is a group of its own.
fn batches(inputs: &[Input], jobs: usize) -> Vec<&[Input]> {
    let most = |start: usize| {
        ((inputs.len() - start) / TAIL_SHARE.saturating_mul(jobs)).clamp(1, BATCH_INPUTS)
    };
    let mut groups = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, input) in inputs.iter().enumerate() {
        if i > start && (i - start == most(start) || bytes + input.len() > BATCH_BYTES) {
            groups.push(&inputs[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += input.len();
    }
    if start < inputs.len() {
        groups.push(&inputs[start..]);
    }
    groups
}

/// The inputs `paths` name, directories walked, and what the walks could not read.
fn inputs(paths: &[String]) -> (Vec<Input>, Vec<ReadError>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let p = Path::new(path);
        if path == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        let metadata = std::fs::metadata(p);
        if metadata.as_ref().is_ok_and(|m| m.is_dir()) {
            let walk = files::walk(p);
            let found = walk.files.into_iter();
            inputs.extend(
                found.map(|f| Input::File(f.path.to_string_lossy().into_owned(), f.path, f.len)),
            );
            errors.extend(walk.errors);
        } else {
            let len = metadata.map_or(0, |m| m.len());
            inputs.push(Input::File(path.clone(), p.to_path_buf(), len));
        }
    }
    (inputs, errors)
}

/// Reads and loads one input.
fn load_input(input: &Input, options: &Options) -> Result<Source, ReadError> {
    match input {
        Input::Stdin => {
            let bytes = files::read_at_most(std::io::stdin()).map_err(|e| ReadError {
                path: "-".into(),
                message: format!("cannot read standard input: {e}"),
            })?;
            Ok(assemble::load_owned_bytes("-", bytes, options))
        }
        Input::File(shown, path, _) => {
            assemble::load_file(shown, path, options).map_err(|message| ReadError {
                path: shown.clone(),
                message,
            })
        }
    }
}

/// Whether a placeholder of the sources has this name.
fn used(sources: &[Source], name: &str) -> bool {
    sources
        .iter()
        .any(|s| s.placeholders.iter().any(|p| p.name == name))
}

fn warn_unused_vars(common: &Common, used: impl Fn(&str) -> bool) {
    let names: BTreeSet<&String> = common.vars.iter().map(|(name, _)| name).collect();
    for name in names.into_iter().filter(|name| !used(name)) {
        eprintln!(
            "iamscope: warning: --var {}: no placeholder of that name in the input",
            crate::text::escape(name)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(inputs: &[Input], jobs: usize) -> Vec<Vec<u64>> {
        batches(inputs, jobs)
            .iter()
            .map(|b| b.iter().map(Input::len).collect())
            .collect()
    }

    fn file(len: u64) -> Input {
        Input::File(String::new(), PathBuf::new(), len)
    }

    #[test]
    fn small_files_are_handed_over_a_few_at_a_time_and_a_large_one_alone() {
        let mut inputs: Vec<Input> = (0..200).map(|_| file(1_000)).collect();
        inputs.push(file(BATCH_BYTES));
        inputs.extend((0..200).map(|_| file(1_000)));
        inputs.push(Input::Stdin);
        let groups = sizes(&inputs, 1);
        assert_eq!(
            groups[..2],
            [vec![1_000; BATCH_INPUTS], vec![1_000; BATCH_INPUTS]]
        );
        let large = groups
            .iter()
            .position(|g| g.contains(&BATCH_BYTES))
            .unwrap();
        assert_eq!(groups[large], [BATCH_BYTES]);
        assert_eq!(groups.iter().map(Vec::len).sum::<usize>(), inputs.len());
        assert_eq!(groups.last().unwrap(), &[0]);
        assert!(batches(&[], 1).is_empty());
    }

    #[test]
    fn the_last_groups_get_smaller_so_the_threads_finish_together() {
        let inputs: Vec<Input> = (0..1_594).map(|_| file(2_000)).collect();
        let lengths: Vec<usize> = sizes(&inputs, 2).iter().map(Vec::len).collect();
        assert_eq!(lengths.iter().sum::<usize>(), 1_594);
        assert!(lengths.windows(2).all(|w| w[0] >= w[1]), "{lengths:?}");
        assert_eq!(lengths[0], BATCH_INPUTS);
        assert_eq!(lengths[lengths.len() - 4..], [1, 1, 1, 1]);
        // However many threads are asked for (`-j`, `IAMSCOPE_JOBS`).
        assert_eq!(sizes(&inputs[..3], usize::MAX), [[2_000]; 3]);
    }

    #[test]
    fn vars_need_a_name_and_an_equals_sign() {
        assert_eq!(parse_key_value("A=b=c"), Ok(("A".into(), "b=c".into())));
        assert_eq!(parse_key_value("A="), Ok(("A".into(), String::new())));
        assert!(parse_key_value("=x").is_err());
        assert!(parse_key_value("A").is_err());
    }
}

//! Loading input into the tree: reading files, directories and standard input, telling
//! formats apart, one loader per shape, and the steps every source goes through after
//! (resolving managed-policy references from the catalog, listing placeholders, filling the
//! ones given with `--var`).

pub mod authz;
pub mod cfn;
pub mod detect;
pub mod document;
pub mod embedded;
pub mod holders;
pub mod html;
pub mod json;
pub mod lines;
pub mod markdown;
pub mod node;
pub mod page;
pub mod page_text;
pub mod samples;
pub mod terraform;
pub mod yaml;

pub use detect::detect;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, Format, Loc, PolicyDocument, PolicyKind, Role, RoleKind, Source};

/// Files larger than this are not read (account dumps of a few hundred MB are fine).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// How many directory levels a walk descends.
const MAX_WALK_DEPTH: usize = 32;

/// File name endings a directory walk loads; a file named on the command line is always
/// loaded, whatever its name.
const WALKED_EXTENSIONS: [&str; 11] = [
    "json", "md", "markdown", "txt", "html", "htm", "yaml", "yml", "template", "tf", "hcl",
];

pub const NO_POLICIES: &str = "no-policies";
pub const INVALID_UTF8: &str = "invalid-utf8";

/// What the user asked for, applied to every source.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Placeholder values from `--var NAME=VALUE`.
    pub vars: BTreeMap<String, String>,
    /// Forces a format instead of detecting it.
    pub format: Option<Format>,
}

/// A path that could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", crate::text::escape(&self.path), self.message)
    }
}

/// Everything loaded from a list of paths.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: Vec<Source>,
    pub errors: Vec<ReadError>,
}

/// Loads files, directories (walked, in name order) and `-` (standard input).
pub fn load_paths(paths: &[String], options: &Options) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        if path == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin()
                .take(MAX_FILE_BYTES)
                .read_to_end(&mut bytes)
            {
                Ok(_) => loaded.sources.push(load_bytes("-", &bytes, options)),
                Err(e) => loaded.errors.push(ReadError {
                    path: "-".into(),
                    message: format!("cannot read standard input: {e}"),
                }),
            }
            continue;
        }
        let p = Path::new(path);
        if p.is_dir() {
            let mut files = Vec::new();
            walk(p, 0, &mut files, &mut loaded.errors);
            for file in files {
                load_file(&file.to_string_lossy(), &file, options, &mut loaded);
            }
        } else {
            load_file(path, p, options, &mut loaded);
        }
    }
    loaded
}

fn load_file(shown: &str, path: &Path, options: &Options, loaded: &mut Loaded) {
    let error = |message: String| ReadError {
        path: shown.to_string(),
        message,
    };
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            loaded.errors.push(error(format!(
                "{} bytes is larger than the {} bytes iamscope reads",
                m.len(),
                MAX_FILE_BYTES
            )));
            return;
        }
        Err(e) => {
            loaded.errors.push(error(e.to_string()));
            return;
        }
        Ok(_) => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => loaded.sources.push(load_bytes(shown, &bytes, options)),
        Err(e) => loaded.errors.push(error(e.to_string())),
    }
}

/// Collects the loadable files under `dir`, sorted, skipping hidden entries and not
/// following links to directories.
fn walk(dir: &Path, depth: usize, files: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    if depth > MAX_WALK_DEPTH {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ReadError {
                path: dir.to_string_lossy().into_owned(),
                message: e.to_string(),
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, depth + 1, files, errors);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| WALKED_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
}

/// Loads one input from its bytes: decodes the text (UTF-8, or UTF-16 with a byte-order
/// mark), detects the format unless one is forced, runs its loader, then the common steps.
pub fn load_bytes(path: &str, bytes: &[u8], options: &Options) -> Source {
    let (text, decode_problem) = decode(bytes);
    let mut source = load_text(path, &text, options);
    if let Some(message) = decode_problem {
        source.diagnostics.insert(
            0,
            Diagnostic::warning(INVALID_UTF8, Loc::new(1, 1), message),
        );
    }
    source
}

/// Loads one input from its text.
pub fn load_text(path: &str, text: &str, options: &Options) -> Source {
    let format = options.format.unwrap_or_else(|| detect(text));
    let mut source = Source::new(path, format);
    match format {
        Format::Json => load_json(text, &mut source),
        Format::Cloudformation => cfn::load(text, &mut source),
        Format::AuthorizationDetails => authz::load(text, &mut source),
        Format::Terraform => terraform::load(text, &mut source),
        Format::Markdown => markdown::load(text, &mut source),
        Format::Html => html::load(text, &mut source),
        // Page text; any other shape read as text still yields the policies written in it.
        _ => page_text::load(text, &mut source),
    }
    crate::catalog::resolve_managed(&mut source);
    if source.roles.is_empty() {
        source.diagnostics.push(Diagnostic::info(
            NO_POLICIES,
            Loc::new(1, 1),
            format!("no IAM policy found in this {format} input"),
        ));
    }
    crate::model::placeholder::collect(&mut source);
    crate::model::placeholder::fill(&mut source, &options.vars);
    source
}

fn decode(bytes: &[u8]) -> (String, Option<String>) {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| {
                if be {
                    u16::from_be_bytes([c[0], c[1]])
                } else {
                    u16::from_le_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes {
        [0xFF, 0xFE, ..] => (utf16(false), None),
        [0xFE, 0xFF, ..] => (utf16(true), None),
        _ => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), None),
            Err(e) => {
                let at = String::from_utf8_lossy(&bytes[..e.valid_up_to()]);
                let line = at.matches('\n').count() + 1;
                (
                    String::from_utf8_lossy(bytes).into_owned(),
                    Some(format!(
                        "not valid UTF-8 (first bad byte on line {line}); bad bytes read as U+FFFD"
                    )),
                )
            }
        },
    }
}

/// Whether text starts (after white space, a byte-order mark and comments) with `{` or `[`.
pub fn looks_like_json(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, after)| after);
        } else {
            break;
        }
    }
    rest.starts_with('{') || rest.starts_with('[')
}

/// A JSON file: its policies, held by the document itself.
fn load_json(text: &str, source: &mut Source) {
    let found = json::policies_in_text(text, Loc::new(1, 1), &mut source.diagnostics);
    if found.is_empty() {
        return;
    }
    let stem = file_stem(&source.path);
    let path_kind = kind_from_path(&source.path);
    let count = found.len();
    let mut role = Role::new(file_name(&source.path), RoleKind::Document);
    role.loc = Loc::new(1, 1);
    for (i, f) in found.into_iter().enumerate() {
        let name = f.name.unwrap_or_else(|| {
            if count == 1 {
                stem.clone()
            } else {
                format!("{stem} #{}", i + 1)
            }
        });
        let kind = f.kind.or(path_kind).unwrap_or_else(|| kind_of(&f.document));
        role.policies
            .push(crate::model::Policy::new(name, kind, f.document));
    }
    source.roles.push(role);
}

/// A policy file says it is an SCP or RCP only by its name: a word `scp` or `rcp` (or
/// plural) in the file name, such as `scp-region-guardrails.json`.
fn kind_from_path(path: &str) -> Option<PolicyKind> {
    let stem = file_stem(path).to_ascii_lowercase();
    stem.split(['-', '_', '.', ' '])
        .find_map(|word| match word {
            "scp" | "scps" => Some(PolicyKind::Scp),
            "rcp" | "rcps" => Some(PolicyKind::Rcp),
            _ => None,
        })
}

/// The last component of a path, for naming the document role.
pub fn file_name(path: &str) -> String {
    if path == "-" {
        return "standard input".into();
    }
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

fn file_stem(path: &str) -> String {
    if path == "-" {
        return "policy".into();
    }
    Path::new(path)
        .file_stem()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The kind a document reads as when nothing else says: a trust policy when its principal
/// statements only grant role assumption, a resource policy when it names principals
/// otherwise, an identity policy when it names none.
pub fn kind_of(doc: &PolicyDocument) -> PolicyKind {
    let with_principal: Vec<_> = doc
        .statements
        .iter()
        .filter(|s| s.principal.is_some() || s.not_principal.is_some())
        .collect();
    if with_principal.is_empty() {
        return PolicyKind::Identity;
    }
    let assumes_role = |a: &str| {
        let a = a.to_ascii_lowercase();
        a.starts_with("sts:assumerole")
            || a == "sts:tagsession"
            || a == "sts:setsourceidentity"
            || a == "sts:setcontext"
    };
    let trust = with_principal.iter().all(|s| {
        s.action
            .as_ref()
            .is_some_and(|a| !a.items.is_empty() && a.iter().all(assumes_role))
    });
    if trust {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

//! Loading input into the tree: reading files, directories and standard input, telling
//! formats apart, one loader per shape, and the steps every loader's source goes through
//! (template directives noted, unread parts marked). Loading knows no catalog: what it asks
//! about AWS managed policies, a [`KnownManaged`] passed in answers, and the steps after
//! loading (managed-policy references resolved from the catalog, placeholders listed and
//! filled) are [`crate::assemble`]'s.

pub mod authz;
pub mod cfn;
pub mod cloudtrail;
pub mod detect;
pub mod directives;
pub mod document;
pub mod embedded;
pub mod files;
pub mod holders;
pub mod html;
pub mod json;
pub mod lines;
pub mod markdown;
pub mod node;
pub mod page;
pub mod page_text;
pub mod partial;
pub mod samples;
pub mod terraform;
pub mod vars;
pub mod yaml;

pub use detect::detect;

use crate::model::codes;
use std::path::Path;
use std::sync::Arc;

use crate::model::{Diagnostic, Format, Loc, PolicyDocument, PolicyKind, Role, RoleKind, Source};

/// Files larger than this are not read (account dumps of a few hundred MB are fine).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// What loading asks about AWS managed policies without knowing them itself: the catalog,
/// a layer above, answers (`catalog::managed::BuiltIn`). Asked from several threads at
/// once (an account dump's policies are read in parallel).
pub trait KnownManaged: Sync {
    /// The ARN, at its real path, of the AWS managed policy named exactly `name`: a page's
    /// prose names a policy only when one is.
    fn exact_arn(&self, name: &str) -> Option<String>;

    /// The document of the AWS managed policy the ARN `arn` refers to (read generously, as
    /// references are), which an account dump's copy is compared with; `None` when no
    /// such policy is known.
    fn document(&self, arn: &str) -> Option<Arc<PolicyDocument>>;
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

/// Loads files, directories (walked, in name order, see [`files::walk`]) and `-`
/// (standard input), in `format` unless it is `None`.
pub fn paths(paths: &[String], format: Option<Format>, known: &dyn KnownManaged) -> Loaded {
    let mut loaded = Loaded::default();
    for path in paths {
        if path == "-" {
            match files::read_at_most(std::io::stdin()) {
                Ok(read) => loaded.sources.push(owned_bytes("-", read, format, known)),
                Err(e) => loaded.errors.push(ReadError {
                    path: "-".into(),
                    message: format!("cannot read standard input: {e}"),
                }),
            }
            continue;
        }
        let p = Path::new(path);
        if p.is_dir() {
            let walk = files::walk(p);
            for file in walk.files {
                let path = &file.path;
                load_file(&path.to_string_lossy(), path, format, known, &mut loaded);
            }
            loaded.errors.extend(walk.errors);
        } else {
            load_file(path, p, format, known, &mut loaded);
        }
    }
    loaded
}

fn load_file(
    shown: &str,
    path: &Path,
    format: Option<Format>,
    known: &dyn KnownManaged,
    loaded: &mut Loaded,
) {
    match file(shown, path, format, known) {
        Ok(source) => loaded.sources.push(source),
        Err(message) => loaded.errors.push(ReadError {
            path: shown.to_string(),
            message,
        }),
    }
}

/// A file at least this large that an account dump starts is read a window at a time
/// (see [`authz::load_windowed`]); a smaller one is read whole.
pub const WINDOWED_FROM: u64 = 16 << 20;

/// Loads one file, shown as `shown`, as [`owned_bytes`] loads its bytes. A large account
/// dump is read a window at a time, so its text is never whole in memory; one the window
/// gives up on (it is not plain JSON) is read again, whole. Says why a file could not be
/// read.
pub fn file(
    shown: &str,
    path: &Path,
    format: Option<Format>,
    known: &dyn KnownManaged,
) -> Result<Source, String> {
    use std::io::Seek;
    let (mut opened, len) = files::open(path)?;
    if (WINDOWED_FROM..=MAX_FILE_BYTES).contains(&len) {
        if let Some(source) = windowed(shown, &mut opened, format, known)? {
            return Ok(source);
        }
        opened.rewind().map_err(|e| e.to_string())?;
    }
    files::read_opened(opened, len).map(|bytes| owned_bytes(shown, bytes, format, known))
}

/// The dump `file` read a window at a time, or `None` when it is to be read whole, from
/// its start again: it is no dump, or it is not plain JSON.
fn windowed(
    shown: &str,
    file: &mut std::fs::File,
    format: Option<Format>,
    known: &dyn KnownManaged,
) -> Result<Option<Source>, String> {
    use std::io::Read;
    // What the file is, told from its start as for a whole text.
    let mut head = Vec::with_capacity(detect::SNIFF_BYTES);
    if (&mut *file)
        .take(detect::SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .is_err()
    {
        return Ok(None);
    }
    let head_text = match std::str::from_utf8(&head) {
        Ok(text) => text,
        // A character cut at the end of the head, as detection cuts it.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return Ok(None),
    };
    let format = format.unwrap_or_else(|| detect(head_text));
    if format != Format::AuthorizationDetails {
        return Ok(None);
    }
    let mut source = Source::new(shown, format);
    match authz::load_windowed(head.chain(file), &mut source, known) {
        Ok(()) => {
            finish(&mut source, &[]);
            Ok(Some(source))
        }
        Err(json::window::GaveUp::NotPlain) => Ok(None),
        Err(json::window::GaveUp::Read(e)) => Err(e.to_string()),
    }
}

/// Loads one input from its bytes: decodes the text (UTF-8, or UTF-16 with a byte-order
/// mark), detects the format unless `format` forces one, runs its loader, then the common
/// steps.
pub fn bytes(path: &str, bytes: &[u8], format: Option<Format>, known: &dyn KnownManaged) -> Source {
    owned_bytes(path, bytes.to_vec(), format, known)
}

/// Like [`bytes`], taking the bytes: UTF-8 text becomes the text without a copy, so a
/// large file is in memory once while it loads.
pub fn owned_bytes(
    path: &str,
    bytes: Vec<u8>,
    format: Option<Format>,
    known: &dyn KnownManaged,
) -> Source {
    let (decoded, decode_problem) = decode(bytes);
    let mut source = text(path, &decoded, format, known);
    if let Some(message) = decode_problem {
        source.diagnostics.insert(
            0,
            Diagnostic::new(codes::INVALID_UTF8, Loc::new(1, 1), message),
        );
    }
    source
}

/// Loads one input from its text: detects the format unless `format` forces one, runs its
/// loader (which asks `known` what it needs to know of AWS managed policies), then the
/// common steps. Managed-policy references are left unresolved, placeholders unlisted:
/// [`crate::assemble`] takes the source from here.
pub fn text(path: &str, text: &str, format: Option<Format>, known: &dyn KnownManaged) -> Source {
    // A `.json` file whose text is no format at all was meant as JSON: read it as JSON so
    // the parse says where it breaks (malformed-json with its position).
    let format = format.unwrap_or_else(|| match detect(text) {
        Format::Text if path.to_ascii_lowercase().ends_with(".json") => Format::Json,
        detected => detected,
    });
    // Template directives are markup in every input but Terraform and CloudFormation, which
    // read their own.
    let (text, regions) = match format {
        Format::Terraform | Format::Cloudformation => {
            (std::borrow::Cow::Borrowed(text), Vec::new())
        }
        _ => directives::blank(text),
    };
    let text: &str = &text;
    let mut source = Source::new(path, format);
    match format {
        Format::Json => load_json(text, &mut source),
        Format::Cloudformation => cfn::load(text, &mut source),
        Format::AuthorizationDetails => authz::load(text, &mut source, known),
        Format::Terraform => terraform::load(text, &mut source),
        Format::Markdown => markdown::load(text, &mut source, known),
        Format::Html => html::load(text, &mut source, known),
        // Page text; any other shape read as text still yields the policies written in it.
        _ => page_text::load(text, &mut source, known),
    }
    finish(&mut source, &regions);
    source
}

/// The steps after any loader: template directives noted, partial reads marked, and an
/// input with no policy said to have none.
fn finish(source: &mut Source, regions: &[directives::Region]) {
    directives::note(source, regions);
    partial::mark(source);
    if source.roles.is_empty() {
        source.diagnostics.push(Diagnostic::new(
            codes::NO_POLICIES,
            Loc::new(1, 1),
            format!("no IAM policy found in this {} input", source.format),
        ));
    }
}

/// The text of the bytes, and what was wrong with them (said in an `invalid-utf8`
/// diagnostic): UTF-8, or UTF-16 after its byte-order mark.
fn decode(bytes: Vec<u8>) -> (String, Option<String>) {
    if let [0xFF, 0xFE, rest @ ..] = bytes.as_slice() {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let [0xFE, 0xFF, rest @ ..] = bytes.as_slice() {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            (
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
                Some(format!(
                    "not valid UTF-8 (first bad byte on line {line}); bad bytes read as U+FFFD"
                )),
            )
        }
    }
}

/// UTF-16 text; unpaired surrogates are read as U+FFFD, an odd last byte is dropped.
fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> (String, Option<String>) {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut line = 1;
    let mut bad: Option<(usize, usize)> = None;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                line += usize::from(c == '\n');
                text.push(c);
            }
            Err(_) => {
                bad.get_or_insert((line, 0)).1 += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    let mut problems = Vec::new();
    if let Some((line, count)) = bad {
        let surrogates = crate::text::plural(
            count,
            "unpaired UTF-16 surrogate",
            "unpaired UTF-16 surrogates",
        );
        problems.push(format!(
            "{surrogates} (the first on line {line}) read as U+FFFD"
        ));
    }
    if bytes.len() % 2 == 1 {
        problems.push(format!(
            "UTF-16 text with an odd number of bytes: its last byte (0x{:02X}) is dropped",
            bytes[bytes.len() - 1]
        ));
    }
    let problem =
        (!problems.is_empty()).then(|| format!("not valid UTF-16: {}", problems.join("; ")));
    (text, problem)
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
/// statements only name STS actions (`sts:AssumeRole`, `sts:TagSession`, `STS:Assume*`:
/// a role's trust policy is the only resource policy STS reads), a resource policy when it
/// names principals otherwise, an identity policy when it names none.
pub fn kind_of(doc: &PolicyDocument) -> PolicyKind {
    let with_principal: Vec<_> = doc
        .statements
        .iter()
        .filter(|s| s.principal.is_some() || s.not_principal.is_some())
        .collect();
    if with_principal.is_empty() {
        return PolicyKind::Identity;
    }
    let is_sts_action = |a: &str| a.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("sts:"));
    let trust = with_principal.iter().all(|s| {
        s.action
            .as_ref()
            .is_some_and(|a| !a.items.is_empty() && a.iter().all(is_sts_action))
    });
    if trust {
        PolicyKind::Trust
    } else {
        PolicyKind::Resource
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_file_read_a_window_at_a_time_loads_as_read_whole() {
        let known = &crate::catalog::managed::BuiltIn;
        let dump = Path::new("tests/fixtures/authorization-details/account.json");
        let shown = "account.json";
        let read = windowed(shown, &mut std::fs::File::open(dump).unwrap(), None, known).unwrap();
        let read = read.expect("the plain dump is read a window at a time");
        let whole = owned_bytes(shown, files::read(dump).unwrap(), None, known);
        assert_eq!(format!("{read:?}"), format!("{whole:?}"));
        // A policy and a page are read whole; another plain dump a window at a time.
        for other in [
            "sample-policies/identity-with-conditions.json",
            "tests/fixtures/shapes/dump-in-page.md",
            "tests/fixtures/why/users-and-trust.json",
        ] {
            let path = Path::new(other);
            let read = windowed(other, &mut std::fs::File::open(path).unwrap(), None, known);
            let read = read.unwrap();
            let plain_dump = other.ends_with("users-and-trust.json");
            assert_eq!(read.is_some(), plain_dump, "{other}");
        }
    }

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        bytes
    }

    #[test]
    fn utf16_reads_with_either_byte_order() {
        assert_eq!(
            decode(utf16le("{\"a\": \"é\"}")),
            ("{\"a\": \"é\"}".into(), None)
        );
        let mut be = vec![0xFE, 0xFF];
        be.extend("[1]".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(be), ("[1]".into(), None));
    }

    #[test]
    fn utf16_flaws_are_said_not_dropped() {
        let mut bytes = utf16le("{\n\"a\":\n\"");
        bytes.extend([0x00, 0xD8, 0x22, 0x00]); // a lone high surrogate, then `"`
        bytes.extend([0x00, 0xDC, 0x7D, 0x00]); // a lone low surrogate, then `}`
        bytes.push(0x0A); // half a unit
        assert_eq!(
            decode(bytes),
            (
                "{\n\"a\":\n\"\u{FFFD}\"\u{FFFD}}".into(),
                Some(
                    "not valid UTF-16: 2 unpaired UTF-16 surrogates (the first on line 3) read as U+FFFD; UTF-16 text with an odd number of bytes: its last byte (0x0A) is dropped"
                        .into()
                )
            )
        );
    }

    #[test]
    fn invalid_utf8_names_its_line() {
        let (text, problem) = decode(b"{\n\"a\": \"\xFF\"}".to_vec());
        assert_eq!(text, "{\n\"a\": \"\u{FFFD}\"}");
        assert_eq!(
            problem.unwrap(),
            "not valid UTF-8 (first bad byte on line 2); bad bytes read as U+FFFD"
        );
    }

    #[test]
    fn a_policy_whose_principal_statements_name_only_sts_actions_is_a_trust_policy() {
        let kind = |actions: &str| {
            let text = format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "111122223333"}}, "Action": {actions}}}]}}"#
            );
            let options = crate::assemble::Options::default();
            crate::assemble::load_text("p.json", &text, &options).roles[0].policies[0].kind
        };
        assert_eq!(kind(r#""STS:Assume*""#), PolicyKind::Trust);
        assert_eq!(
            kind(r#"["sts:AssumeRole", "sts:TagSession"]"#),
            PolicyKind::Trust
        );
        assert_eq!(
            kind(r#"["sts:AssumeRole", "s3:GetObject"]"#),
            PolicyKind::Resource
        );
        assert_eq!(kind(r#""*""#), PolicyKind::Resource);
    }
}

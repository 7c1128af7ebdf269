//! Reading input files and walking directories, never blocking and never dropping an entry
//! without saying so; and writing the files the tool keeps (review, placeholder values)
//! so that they are never half written.
//!
//! A walk loads only regular files (or links to them) whose name ends in one of
//! [`WALKED_EXTENSIONS`]: a FIFO or device named `x.json` would block the read or never end.
//! Hidden entries and links to directories are passed over. A directory that yields no file
//! is an error that says what it skipped, so `iamscope check dir/` never passes on nothing.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::{MAX_FILE_BYTES, ReadError};
use crate::text::{escape, plural};

/// How many directory levels a walk descends.
const MAX_WALK_DEPTH: usize = 32;

/// How many endings of skipped files the error for an empty walk names.
const LISTED_ENDINGS: usize = 10;

/// File name endings a directory walk loads; a file named on the command line is always
/// loaded, whatever its name.
const WALKED_EXTENSIONS: [&str; 11] = [
    "json", "md", "markdown", "txt", "html", "htm", "yaml", "yml", "template", "tf", "hcl",
];

/// Reads a file (or anything that reads like one: a pipe named on the command line), at
/// most [`MAX_FILE_BYTES`].
pub fn read(path: &Path) -> Result<Vec<u8>, String> {
    let (file, len) = open(path)?;
    read_opened(file, len)
}

/// Opens a file to read, with its length (0 for what has none, such as a pipe).
pub fn open(path: &Path) -> Result<(File, u64), String> {
    let file = File::open(path).map_err(|e| open_error(path, &e))?;
    let len = file.metadata().map_or(0, |m| m.len());
    Ok((file, len))
}

/// Reads a file opened by [`open`] to its end, at most [`MAX_FILE_BYTES`].
pub fn read_opened(file: File, len: u64) -> Result<Vec<u8>, String> {
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    // Sized to the file, so a large one is not read into a buffer grown to twice its size.
    read_limited(file, MAX_FILE_BYTES, len as usize)
}

/// Why a file could not be opened; for a missing one, where a relative path was looked for.
fn open_error(path: &Path, e: &std::io::Error) -> String {
    match std::env::current_dir() {
        Ok(dir) if e.kind() == std::io::ErrorKind::NotFound && path.is_relative() => format!(
            "no such file or directory (looked for in {}); check the path, or give `-` to read standard input",
            escape(&dir.to_string_lossy())
        ),
        _ => e.to_string(),
    }
}

/// Reads a stream to its end, at most [`MAX_FILE_BYTES`].
pub fn read_at_most(stream: impl Read) -> Result<Vec<u8>, String> {
    read_limited(stream, MAX_FILE_BYTES, 0)
}

fn read_limited(stream: impl Read, limit: u64, expected: usize) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(expected);
    stream
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("more than the {limit} bytes iamscope reads"));
    }
    Ok(bytes)
}

fn too_large(len: u64) -> String {
    format!("{len} bytes is larger than the {MAX_FILE_BYTES} bytes iamscope reads")
}

/// What a walk found and passed over.
pub struct Walk {
    /// The file name endings it reads.
    extensions: &'static [&'static str],
    /// The files to load, in name order.
    pub files: Vec<WalkedFile>,
    /// Entries that could not be read, links that lead nowhere, files that are not regular.
    pub errors: Vec<ReadError>,
    /// How many files were passed over for their name, by ending (`.policy`, or "no
    /// extension").
    other_extensions: BTreeMap<String, usize>,
    /// Hidden entries, passed over.
    hidden: usize,
    /// Links to directories, not followed.
    directory_links: usize,
}

/// A file a walk found to load, with its length as the walk saw it (which bounds how much
/// input is read at once, without looking at the file again).
pub struct WalkedFile {
    pub path: PathBuf,
    pub len: u64,
}

/// Walks `dir`. A directory that yields no file to load adds an error saying what it
/// skipped.
pub fn walk(dir: &Path) -> Walk {
    walk_reading(dir, &WALKED_EXTENSIONS)
}

/// Walks `dir` for files whose name ends in one of `extensions` (lower case, no dot).
pub fn walk_reading(dir: &Path, extensions: &'static [&'static str]) -> Walk {
    let mut out = Walk {
        extensions,
        files: Vec::new(),
        errors: Vec::new(),
        other_extensions: BTreeMap::new(),
        hidden: 0,
        directory_links: 0,
    };
    descend(dir, 0, &mut out);
    if out.files.is_empty() {
        out.errors.push(ReadError {
            path: dir.to_string_lossy().into_owned(),
            message: out.nothing_found(),
        });
    }
    out
}

impl Walk {
    /// The message for a directory that yields no file.
    fn nothing_found(&self) -> String {
        let mut skipped = Vec::new();
        let count: usize = self.other_extensions.values().sum();
        if count > 0 {
            let mut endings: Vec<String> = self
                .other_extensions
                .keys()
                .take(LISTED_ENDINGS)
                .map(|e| escape(e).into_owned())
                .collect();
            if self.other_extensions.len() > LISTED_ENDINGS {
                endings.push(format!(
                    "and {} more",
                    self.other_extensions.len() - LISTED_ENDINGS
                ));
            }
            skipped.push(format!(
                "{} with other extensions: {}",
                plural(count, "file", "files"),
                endings.join(", ")
            ));
        }
        if self.hidden > 0 {
            skipped.push(plural(self.hidden, "hidden entry", "hidden entries"));
        }
        if self.directory_links > 0 {
            let links = plural(self.directory_links, "link", "links");
            skipped.push(format!("{links} to directories"));
        }
        let skipped = if skipped.is_empty() {
            String::new()
        } else {
            format!(" (skipped {})", skipped.join("; "))
        };
        format!(
            "no file iamscope reads here{skipped}; a directory walk reads files ending in .{}; name a file to read it whatever its name",
            self.extensions.join(", .")
        )
    }

    /// Counts a file passed over for its name's ending (lower-cased, or `None`).
    fn skip(&mut self, extension: Option<String>) {
        let ending = extension.map_or_else(|| "no extension".to_string(), |e| format!(".{e}"));
        *self.other_extensions.entry(ending).or_default() += 1;
    }

    fn error(&mut self, path: &Path, message: impl Into<String>) {
        self.errors.push(ReadError {
            path: path.to_string_lossy().into_owned(),
            message: message.into(),
        });
    }
}

fn descend(dir: &Path, depth: usize, out: &mut Walk) {
    if depth > MAX_WALK_DEPTH {
        out.error(
            dir,
            format!("more than {MAX_WALK_DEPTH} directory levels deep; not walked"),
        );
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return out.error(dir, e.to_string()),
    };
    let mut listed = Vec::new();
    for entry in entries {
        match entry {
            // The entry's type comes with the listing on most file systems (no call each).
            Ok(entry) => listed.push((entry.file_name(), entry)),
            Err(e) => out.error(dir, format!("an entry could not be read: {e}")),
        }
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, entry) in listed {
        let entry_type = entry.file_type();
        let path = dir.join(&name);
        if name.to_string_lossy().starts_with('.') {
            out.hidden += 1;
            continue;
        }
        let link = match entry_type {
            Ok(t) => t.is_symlink(),
            Err(e) => {
                out.error(&path, e.to_string());
                continue;
            }
        };
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let walked = extension
            .as_ref()
            .is_some_and(|e| out.extensions.contains(&e.as_str()));
        // A link is followed to a file, never to a directory (a walk could loop). A link
        // that leads nowhere matters only when its name is one a walk reads.
        // An entry that is no link is looked at within its directory, without walking the
        // whole path again.
        let metadata = if link {
            std::fs::metadata(&path)
        } else {
            entry.metadata()
        };
        let (kind, len) = match metadata {
            Ok(m) => (m.file_type(), m.len()),
            Err(e) if walked => {
                out.error(&path, format!("cannot follow the link: {e}"));
                continue;
            }
            Err(_) => {
                out.skip(extension);
                continue;
            }
        };
        if kind.is_dir() {
            if link {
                out.directory_links += 1;
            } else {
                descend(&path, depth + 1, out);
            }
            continue;
        }
        match extension {
            Some(_) if walked => {
                if kind.is_file() {
                    out.files.push(WalkedFile { path, len });
                } else {
                    out.error(
                        &path,
                        "not a regular file (a pipe, socket or device); a walk does not read it",
                    );
                }
            }
            other => out.skip(other),
        }
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`, so the
/// file is always either the old or the new version.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or("review".into(), |n| n.to_string_lossy());
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&temp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("iamscope-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_directory_without_loadable_files_says_what_it_skipped() {
        let dir = tempdir("skipped");
        std::fs::write(dir.join("trust.policy"), "{}").unwrap();
        std::fs::write(dir.join("b.policy"), "{}").unwrap();
        std::fs::write(dir.join("Makefile"), "").unwrap();
        std::fs::write(dir.join(".hidden.json"), "{}").unwrap();
        let walk = walk(&dir);
        assert!(walk.files.is_empty());
        assert_eq!(walk.errors.len(), 1);
        assert_eq!(walk.errors[0].path, dir.to_string_lossy());
        assert!(
            walk.errors[0].message.starts_with(
                "no file iamscope reads here (skipped 3 files with other extensions: .policy, no extension; 1 hidden entry); a directory walk reads files ending in .json, .md,"
            ),
            "{}",
            walk.errors[0].message
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_regular_files_are_read_and_links_to_directories_are_not_followed() {
        let dir = tempdir("kinds");
        std::fs::create_dir(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.JSON"), "{}").unwrap();
        std::fs::write(dir.join("z.md"), "").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.join("sub"), dir.join("loop")).unwrap();
            std::os::unix::fs::symlink(dir.join("z.md"), dir.join("link.md")).unwrap();
            std::os::unix::fs::symlink(dir.join("gone"), dir.join("dangling.json")).unwrap();
            // A stale link the walk would not read anyway is no error.
            std::os::unix::fs::symlink(dir.join("gone"), dir.join("build")).unwrap();
            let fifo = dir.join("x.json");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        }
        let walk = walk(&dir);
        let names: Vec<String> = walk
            .files
            .iter()
            .map(|f| {
                let name = f.path.strip_prefix(&dir).unwrap();
                name.to_string_lossy().into_owned()
            })
            .collect();
        #[cfg(unix)]
        {
            assert_eq!(names, ["link.md", "sub/a.JSON", "z.md"]);
            let errors: Vec<(String, &str)> = walk
                .errors
                .iter()
                .map(|e| {
                    let name = Path::new(&e.path).file_name().unwrap().to_string_lossy();
                    (name.into_owned(), e.message.split(':').next().unwrap())
                })
                .collect();
            assert_eq!(
                errors,
                [
                    ("dangling.json".to_string(), "cannot follow the link"),
                    (
                        "x.json".to_string(),
                        "not a regular file (a pipe, socket or device); a walk does not read it"
                    )
                ]
            );
        }
        #[cfg(not(unix))]
        assert_eq!(names, ["sub/a.JSON", "z.md"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reads_stop_past_the_limit() {
        assert_eq!(read_limited(&b"{}"[..], 2, 0).unwrap(), b"{}");
        let endless = std::io::repeat(b' ');
        assert_eq!(
            read_limited(endless, 2, 0).unwrap_err(),
            "more than the 2 bytes iamscope reads"
        );
    }

    #[test]
    fn skipped_endings_are_escaped_and_listed_at_most_ten() {
        let dir = tempdir("endings");
        std::fs::write(dir.join("a.\u{1b}x\u{7}"), "").unwrap();
        for i in 0..12 {
            std::fs::write(dir.join(format!("f.e{i:02}")), "").unwrap();
        }
        let walk = walk(&dir);
        let message = &walk.errors[0].message;
        assert!(
            message.starts_with(
                "no file iamscope reads here (skipped 13 files with other extensions: .\\x1bx\\x07, .e00, .e01, .e02, .e03, .e04, .e05, .e06, .e07, .e08, and 3 more);"
            ),
            "{message}"
        );
        assert!(!message.contains('\u{1b}'));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

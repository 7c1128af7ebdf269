//! The review file and the state of a review: the reviewer's decisions (accept, flag, a
//! comment) keyed by the fingerprint of each statement's meaning, read from and saved to a
//! versioned JSON file.
//!
//! The file is the reviewer's work and is never lost: it is written whole to a temporary
//! file beside it, then renamed over it; one that cannot be read is reported with its
//! position and left untouched; one another writer changed since it was read is merged
//! (decisions on different statements) or not written at all (the same statement decided
//! differently), with a message. Decisions on statements no longer in the input are kept.
//!
//! Format (version 1):
//! ```json
//! {
//!   "format": "iamscope-review",
//!   "version": 1,
//!   "decisions": {
//!     "<fingerprint>": {
//!       "decision": "accepted" | "flagged" | null,
//!       "comment": "why" (optional),
//!       "at": "2026-12-04T17:30:00Z",
//!       "path": "vendor.md", "holder": "VendorRole", "policy": "Policy", "sid": "S1" | null,
//!       "statement": 3,
//!       "summary": "lets `VendorRole` read ...",
//!       "patterns": "<fingerprint of the action patterns as written>",
//!       "covered": ["s3:GetObject", ...] (for a wildcard or NotAction: what it covered)
//!     }
//!   }
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::review::Step;

/// The `format` field every review file has.
pub const FORMAT: &str = "iamscope-review";
/// The version of the format this build writes and reads.
pub const VERSION: u32 = 1;

/// A review file's content.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewFile {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub decisions: BTreeMap<String, Entry>,
}

impl Default for ReviewFile {
    fn default() -> Self {
        ReviewFile {
            format: FORMAT.into(),
            version: VERSION,
            decisions: BTreeMap::new(),
        }
    }
}

/// What the reviewer decided about a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Accepted,
    Flagged,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Flagged => "flagged",
        }
    }
}

/// One decision, with what it was about, so it can be shown when its statement changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// `None` for a comment without a decision.
    pub decision: Option<Verdict>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it was last changed (UTC).
    pub at: String,
    pub path: String,
    pub holder: String,
    pub policy: String,
    pub sid: Option<String>,
    /// The statement's number in its policy, counting from 1.
    pub statement: usize,
    pub summary: String,
    /// The statement's fingerprint with its action patterns as written.
    pub patterns: String,
    /// For a wildcard or NotAction statement, the actions it covered when decided.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered: Vec<String>,
}

/// The decision of an earlier version of a statement, shown while it is undecided again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Previous {
    pub entry: Entry,
    /// When the catalog grew under a wildcard: the actions it covers now and did not.
    /// Empty when the statement itself changed.
    pub new_actions: Vec<String>,
}

/// Where a step stands.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Status {
    /// The decision on this very statement.
    pub entry: Option<Entry>,
    /// The decision on an earlier version, when there is none on this one.
    pub previous: Option<Previous>,
}

impl Status {
    pub fn verdict(&self) -> Option<Verdict> {
        self.entry.as_ref().and_then(|e| e.decision)
    }
}

/// Counts for the progress bar: `12 of 48 decided, 2 flagged`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub total: usize,
    pub decided: usize,
    pub accepted: usize,
    pub flagged: usize,
    pub undecided: usize,
    /// Undecided steps that had a decision on an earlier version.
    pub changed: usize,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} decided, {} flagged",
            self.decided, self.total, self.flagged
        )?;
        if self.changed > 0 {
            write!(f, ", {} changed since decided", self.changed)?;
        }
        Ok(())
    }
}

/// Why a review file could not be read, with the position in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            crate::text::escape(&self.path.to_string_lossy()),
            self.line,
            self.column,
            self.message
        )
    }
}

/// What saving did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Merge {
    /// Written as this review holds it.
    Written,
    /// Another writer had changed the file: its decisions on other statements were kept
    /// (this many), this review's added.
    Merged(usize),
}

/// How the review file was opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Opened {
    /// Read (or new): decisions are saved to it.
    ReadWrite,
    /// It could not be read: it is left untouched and nothing is saved.
    ReadOnly(FileError),
}

/// A review in progress: the steps, where each stands, and the file they are saved to.
#[derive(Clone, Debug)]
pub struct Review {
    pub steps: Vec<Step>,
    pub statuses: Vec<Status>,
    pub path: PathBuf,
    pub opened: Opened,
    file: ReviewFile,
    /// The file as last read or written, for merging with another writer.
    base: ReviewFile,
    /// The digest of the bytes last read or written; `None` when there was no file.
    base_digest: Option<[u8; 32]>,
    /// Fingerprints this review changed since the last save.
    touched: BTreeSet<String>,
    /// Each statement's step, by where the statement is.
    by_place: std::collections::HashMap<super::review::StatementRef, usize>,
}

/// `<first input>.review.json`; `None` for standard input (it has no name to put one
/// beside).
pub fn default_path(inputs: &[String]) -> Option<PathBuf> {
    let first = inputs.first()?.trim_end_matches('/');
    if first == "-" || first.is_empty() {
        return None;
    }
    Some(PathBuf::from(format!("{first}.review.json")))
}

/// A name beside `path` no file has yet: `x.review-2.json`, `x.review-3.json`, ...
pub fn fresh_path_beside(path: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    let stem = text.strip_suffix(".json").unwrap_or(&text);
    (2..)
        .map(|n| PathBuf::from(format!("{stem}-{n}.json")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.with_extension("new.json"))
}

/// The review file at `path` read: empty when there is none; an error with its position
/// when it cannot be read.
fn read(path: &Path) -> Result<(ReviewFile, Option<[u8; 32]>), FileError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((ReviewFile::default(), None));
        }
        Err(e) => {
            return Err(FileError {
                path: path.into(),
                line: 0,
                column: 0,
                message: e.to_string(),
            });
        }
    };
    let digest: [u8; 32] = Sha256::digest(&bytes).into();
    parse(path, &bytes).map(|file| (file, Some(digest)))
}

/// A review file's bytes parsed and checked.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<ReviewFile, FileError> {
    let error = |line, column: usize, message: String| FileError {
        path: path.into(),
        line,
        // serde_json gives column 0 at the end of a line.
        column: column.max(1),
        message,
    };
    // The header first, so a file from a newer version is told as such, not as bad JSON.
    #[derive(Deserialize)]
    struct Header {
        format: Option<serde_json::Value>,
        version: Option<serde_json::Value>,
    }
    let header: Header = serde_json::from_slice(bytes).map_err(|e| {
        error(
            e.line(),
            e.column(),
            format!("not valid JSON: {}", reason(&e)),
        )
    })?;
    let (line, column) = position_of(bytes, "\"version\"");
    if header.format.as_ref().and_then(|f| f.as_str()) != Some(FORMAT) {
        let (line, column) = position_of(bytes, "\"format\"");
        return Err(error(
            line,
            column,
            format!("not an iamscope review file (no \"format\": \"{FORMAT}\")"),
        ));
    }
    match header.version.as_ref().and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) if v > u64::from(VERSION) => {
            return Err(error(
                line,
                column,
                format!(
                    "written by a newer iamscope (format version {v}; this one reads version {VERSION})"
                ),
            ));
        }
        _ => {
            return Err(error(
                line,
                column,
                format!("\"version\" must be {VERSION}"),
            ));
        }
    }
    serde_json::from_slice(bytes).map_err(|e| error(e.line(), e.column(), reason(&e)))
}

/// serde_json's message without the position it appends (the error gives it apart).
fn reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rsplit_once(" at line ") {
        Some((reason, _)) => reason.to_string(),
        None => text,
    }
}

/// The line and column (1-based) of the first `needle` in `bytes`; 1:1 when absent.
fn position_of(bytes: &[u8], needle: &str) -> (usize, usize) {
    let text = String::from_utf8_lossy(bytes);
    let Some(at) = text.find(needle) else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Review {
    /// The review of `steps` with the decisions of the file at `path` (none when it does not
    /// exist yet). An unreadable file is an error: the caller opens it read-only
    /// ([`Review::read_only`]) or starts a new file beside it ([`fresh_path_beside`]).
    pub fn open(steps: Vec<Step>, path: &Path) -> Result<Review, FileError> {
        let (file, digest) = read(path)?;
        Ok(Review::with(steps, path, Opened::ReadWrite, file, digest))
    }

    /// The review of `steps` with no decisions, for a file that could not be read: nothing
    /// can be decided or saved, and the file is left as it is.
    pub fn read_only(steps: Vec<Step>, error: FileError) -> Review {
        let path = error.path.clone();
        Review::with(
            steps,
            &path,
            Opened::ReadOnly(error),
            ReviewFile::default(),
            None,
        )
    }

    fn with(
        steps: Vec<Step>,
        path: &Path,
        opened: Opened,
        file: ReviewFile,
        digest: Option<[u8; 32]>,
    ) -> Review {
        let mut review = Review {
            statuses: Vec::new(),
            steps: Vec::new(),
            path: path.into(),
            opened,
            base: file.clone(),
            file,
            base_digest: digest,
            touched: BTreeSet::new(),
            by_place: std::collections::HashMap::new(),
        };
        review.restep(steps);
        review
    }

    /// Replaces the steps with `steps` (the statements again, after the input changed under
    /// the review: a placeholder filled in), keeping every decision: a statement whose
    /// meaning changed comes back undecided with its previous decision shown.
    pub fn restep(&mut self, steps: Vec<Step>) {
        self.by_place = steps.iter().enumerate().map(|(i, s)| (s.at, i)).collect();
        self.steps = steps;
        self.refresh();
    }

    /// Every decision of the file, the ones about statements no longer in the input too.
    pub fn file(&self) -> &ReviewFile {
        &self.file
    }

    /// Recomputes where each step stands from the decisions.
    fn refresh(&mut self) {
        let current: HashSet<&str> = self.steps.iter().map(|s| s.fingerprint.as_str()).collect();
        let orphans: Vec<&Entry> = self
            .file
            .decisions
            .iter()
            .filter(|(fp, _)| !current.contains(fp.as_str()))
            .map(|(_, e)| e)
            .collect();
        self.statuses = self
            .steps
            .iter()
            .map(|step| match self.file.decisions.get(&step.fingerprint) {
                Some(entry) => Status {
                    entry: Some(entry.clone()),
                    previous: None,
                },
                None => Status {
                    entry: None,
                    previous: previous(step, &orphans),
                },
            })
            .collect();
    }

    pub fn progress(&self) -> Progress {
        let mut p = Progress {
            total: self.steps.len(),
            ..Progress::default()
        };
        for s in &self.statuses {
            match s.verdict() {
                Some(Verdict::Accepted) => p.accepted += 1,
                Some(Verdict::Flagged) => p.flagged += 1,
                None => {
                    p.undecided += 1;
                    if s.previous.is_some() {
                        p.changed += 1;
                    }
                }
            }
        }
        p.decided = p.accepted + p.flagged;
        p
    }

    /// The step of the statement at `at` (for the viewer: from a tree row to its step, and
    /// to mark the row with the step's decision through `statuses`).
    pub fn step_at(&self, at: super::review::StatementRef) -> Option<usize> {
        self.by_place.get(&at).copied()
    }

    /// The first undecided step after `i` (wrapping around), for "next undecided".
    pub fn next_undecided(&self, i: usize) -> Option<usize> {
        let n = self.steps.len();
        (1..=n)
            .map(|k| (i + k) % n)
            .find(|j| self.statuses[*j].verdict().is_none())
    }

    /// The step whose fingerprint starts with `prefix` (at least 4 digits).
    pub fn find(&self, prefix: &str) -> Result<usize, String> {
        let prefix = prefix.trim().to_ascii_lowercase();
        if prefix.len() < 4 {
            return Err(format!(
                "`{}`: give at least 4 digits of a fingerprint",
                crate::text::escape(&prefix)
            ));
        }
        let found: BTreeSet<usize> = self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.fingerprint.starts_with(&prefix))
            .map(|(i, _)| i)
            .collect();
        let fingerprints: BTreeSet<&str> = found
            .iter()
            .map(|i| self.steps[*i].fingerprint.as_str())
            .collect();
        match (found.first(), fingerprints.len()) {
            (Some(i), 1) => Ok(*i),
            (None, _) => Err(format!(
                "no statement has a fingerprint starting with `{}`",
                crate::text::escape(&prefix)
            )),
            _ => Err(format!(
                "`{}` starts several fingerprints; give more digits",
                crate::text::escape(&prefix)
            )),
        }
    }

    fn writable(&self) -> Result<(), String> {
        match &self.opened {
            Opened::ReadWrite => Ok(()),
            Opened::ReadOnly(e) => Err(format!(
                "the review file cannot be read, so nothing is recorded ({e})"
            )),
        }
    }

    /// Records a decision on step `i`, keeping its comment.
    pub fn decide(&mut self, i: usize, verdict: Verdict) -> Result<(), String> {
        self.update(i, |e| e.decision = Some(verdict))
    }

    /// Sets (or, with an empty text, removes) the comment of step `i`, keeping its decision.
    pub fn comment(&mut self, i: usize, text: &str) -> Result<(), String> {
        let text = text.trim();
        self.update(i, |e| {
            e.comment = (!text.is_empty()).then(|| text.to_string());
        })
    }

    /// Removes the decision and comment of step `i`.
    pub fn clear(&mut self, i: usize) -> Result<(), String> {
        self.writable()?;
        let fp = self.step(i)?.fingerprint.clone();
        self.file.decisions.remove(&fp);
        self.touched.insert(fp);
        self.refresh();
        Ok(())
    }

    fn step(&self, i: usize) -> Result<&Step, String> {
        self.steps
            .get(i)
            .ok_or_else(|| format!("no step {}", i + 1))
    }

    fn update(&mut self, i: usize, change: impl FnOnce(&mut Entry)) -> Result<(), String> {
        self.writable()?;
        let step = self.step(i)?;
        let fp = step.fingerprint.clone();
        let mut entry = self
            .file
            .decisions
            .get(&fp)
            .cloned()
            .unwrap_or_else(|| entry_for(step));
        change(&mut entry);
        entry.at = utc_now();
        if entry.decision.is_none() && entry.comment.is_none() {
            self.file.decisions.remove(&fp);
        } else {
            self.file.decisions.insert(fp.clone(), entry);
        }
        self.touched.insert(fp);
        self.refresh();
        Ok(())
    }

    /// Whether there are changes not saved yet.
    pub fn is_dirty(&self) -> bool {
        !self.touched.is_empty()
    }

    /// Saves the decisions atomically. When another writer changed the file since it was
    /// read, its decisions on other statements are merged in; when it decided a statement
    /// this review decided too, differently, nothing is written and the error names them.
    pub fn save(&mut self) -> Result<Merge, String> {
        self.writable()?;
        let on_disk = match std::fs::read(&self.path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("{}: {e}", self.shown_path())),
        };
        let digest: Option<[u8; 32]> = on_disk.as_ref().map(|b| Sha256::digest(b).into());
        let mut outcome = Merge::Written;
        if digest != self.base_digest {
            let theirs = match &on_disk {
                Some(bytes) => parse(&self.path, bytes).map_err(|e| {
                    format!(
                        "the review file changed since it was read and can no longer be read ({e}); nothing was saved"
                    )
                })?,
                None => ReviewFile::default(),
            };
            let mut conflicts = Vec::new();
            let mut merged = theirs.clone();
            for fp in &self.touched {
                let (base, ours, other) = (
                    self.base.decisions.get(fp),
                    self.file.decisions.get(fp),
                    theirs.decisions.get(fp),
                );
                if other != base && other != ours {
                    conflicts.push(fp.clone());
                    continue;
                }
                match ours {
                    Some(e) => merged.decisions.insert(fp.clone(), e.clone()),
                    None => merged.decisions.remove(fp),
                };
            }
            if !conflicts.is_empty() {
                return Err(format!(
                    "{} was changed by someone else, who decided the same {} differently ({}); nothing was saved: reopen it to see their decisions",
                    self.shown_path(),
                    if conflicts.len() == 1 {
                        "statement"
                    } else {
                        "statements"
                    },
                    conflicts.join(", ")
                ));
            }
            let kept = merged
                .decisions
                .keys()
                .filter(|fp| !self.touched.contains(*fp))
                .filter(|fp| self.base.decisions.get(*fp) != theirs.decisions.get(*fp))
                .count();
            outcome = Merge::Merged(kept);
            self.file = merged;
        }
        let text = serde_json::to_string_pretty(&self.file).map_err(|e| e.to_string())? + "\n";
        crate::load::files::write_atomically(&self.path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", self.shown_path()))?;
        self.base = self.file.clone();
        self.base_digest = Some(Sha256::digest(text.as_bytes()).into());
        self.touched.clear();
        self.refresh();
        Ok(outcome)
    }

    fn shown_path(&self) -> String {
        crate::text::escape(&self.path.to_string_lossy()).into_owned()
    }
}

/// A new entry about `step`, undecided.
fn entry_for(step: &Step) -> Entry {
    Entry {
        decision: None,
        comment: None,
        at: String::new(),
        path: step.path.clone(),
        holder: step.holder.clone(),
        policy: step.policy.clone(),
        sid: step.sid.clone(),
        statement: step.at.statement + 1,
        summary: step.summary.clone(),
        patterns: step.patterns.clone(),
        covered: if step.wildcard {
            step.actions.clone()
        } else {
            Vec::new()
        },
    }
}

/// The decision on an earlier version of `step` among decisions whose statement is gone:
/// the same wildcard statement before the catalog grew under it, else the statement in the
/// same place (holder, policy, and Sid, or number when it has none).
fn previous(step: &Step, orphans: &[&Entry]) -> Option<Previous> {
    if step.wildcard {
        let actions: BTreeSet<&str> = step.actions.iter().map(String::as_str).collect();
        let grown = orphans.iter().find(|e| {
            e.patterns == step.patterns
                && !e.covered.is_empty()
                && e.covered.iter().all(|a| actions.contains(a.as_str()))
        });
        if let Some(e) = grown {
            let had: BTreeSet<&str> = e.covered.iter().map(String::as_str).collect();
            return Some(Previous {
                entry: (*e).clone(),
                new_actions: actions.difference(&had).map(|a| a.to_string()).collect(),
            });
        }
    }
    orphans
        .iter()
        .find(|e| {
            e.holder == step.holder
                && e.policy == step.policy
                && match (&e.sid, &step.sid) {
                    (Some(a), Some(b)) => a == b,
                    _ => e.statement == step.at.statement + 1,
                }
        })
        .map(|e| Previous {
            entry: (*e).clone(),
            new_actions: Vec::new(),
        })
}

/// Now, in UTC: `2026-12-04T17:30:00Z`.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(secs)
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (the proleptic Gregorian calendar).
pub fn utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

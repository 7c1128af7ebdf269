//! Opening the viewer on slow input: the input is read and the viewer built (outline,
//! search index, findings) on a thread of its own; when that takes longer than
//! [`QUIET_FOR`], standard error shows what is being read (files, bytes) and for how long,
//! on one line rewritten in place, erased when the viewer opens. The terminal is still in
//! its normal mode then, so Ctrl-C ends the program as it ends any other.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::App;
use crate::session::{self, Common};
use crate::text::plural;

/// How long loading goes on before progress is shown.
const QUIET_FOR: Duration = Duration::from_millis(200);
/// How often the progress line is rewritten.
const TICK: Duration = Duration::from_millis(100);
/// A directory walk for the size stops counting after this many files.
const MAX_COUNTED: usize = 100_000;

/// Reads `paths` (and the CloudTrail events of `used`) and builds the viewer, showing
/// progress when it is slow. `None` when some input could not be read (already reported);
/// events that could not be read are said in the viewer's status line.
pub fn open(paths: &[String], used: &[String], common: &Common) -> Option<App> {
    let (tx, rx) = mpsc::channel();
    let (owned, options) = (paths.to_vec(), common.clone());
    let used = used.to_vec();
    std::thread::spawn(move || {
        let (sources, all_read) = session::load_unfilled(&owned, &options);
        let values = session::options(&options).vars;
        let color = session::wants_color(&options);
        let app = all_read.then(|| {
            let mut app = App::with_values(sources, values, color);
            app.read_used(&used);
            app
        });
        let _ = tx.send(app);
    });
    let start = Instant::now();
    let show = std::io::stderr().is_terminal();
    let mut size: Option<(usize, u64)> = None;
    let mut shown = false;
    let result = loop {
        match rx.recv_timeout(TICK) {
            Ok(app) => break app,
            Err(RecvTimeoutError::Disconnected) => break None,
            Err(RecvTimeoutError::Timeout) if show && start.elapsed() >= QUIET_FOR => {
                let (files, bytes) = *size.get_or_insert_with(|| measure(paths));
                let line = progress_line(files, bytes, start.elapsed());
                let mut err = std::io::stderr();
                let _ = write!(err, "\r\x1b[K{line}");
                let _ = err.flush();
                shown = true;
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    };
    if shown {
        let _ = write!(std::io::stderr(), "\r\x1b[K");
    }
    result
}

/// `iamscope: reading 3 files (104.9 MB)… 1.2 s`.
fn progress_line(files: usize, bytes: u64, elapsed: Duration) -> String {
    let what = if files == 0 {
        "the bundled samples".to_string()
    } else {
        format!("{} ({})", plural(files, "file", "files"), megabytes(bytes))
    };
    format!(
        "iamscope: reading {what} and indexing… {:.1} s",
        elapsed.as_secs_f64()
    )
}

fn megabytes(bytes: u64) -> String {
    // Sizes are shown to a tenth of a megabyte; the precision lost is of no interest.
    #[allow(clippy::cast_precision_loss)]
    let mb = bytes as f64 / 1_000_000.0;
    format!("{mb:.1} MB")
}

/// How many files the paths hold and their size in bytes (a directory walked, up to
/// [`MAX_COUNTED`] files; standard input counts as one file of unknown size).
fn measure(paths: &[String]) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut stack: Vec<std::path::PathBuf> =
        paths.iter().map(|p| Path::new(p).to_path_buf()).collect();
    while let Some(path) = stack.pop() {
        if files >= MAX_COUNTED {
            break;
        }
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            files += 1;
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else {
            files += 1;
            bytes += meta.len();
        }
    }
    (files, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_progress_line_says_files_bytes_and_time() {
        assert_eq!(
            progress_line(3, 104_857_600, Duration::from_millis(1234)),
            "iamscope: reading 3 files (104.9 MB) and indexing… 1.2 s"
        );
        assert_eq!(
            progress_line(0, 0, Duration::from_millis(300)),
            "iamscope: reading the bundled samples and indexing… 0.3 s"
        );
    }

    #[test]
    fn a_directory_is_measured_by_its_files() {
        let (files, bytes) = measure(&["sample-policies".to_string()]);
        assert!(files >= 9, "{files}");
        assert!(bytes > 10_000, "{bytes}");
        assert_eq!(measure(&["no/such/file".to_string()]).0, 1);
    }
}

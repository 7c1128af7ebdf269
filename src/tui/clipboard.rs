//! Copying text out of the viewer, behind one trait: the system clipboard (arboard) where
//! a display server answers; otherwise OSC 52, the escape sequence that asks the terminal
//! itself to set its clipboard (works over SSH, with no display), wrapped in tmux's DCS
//! passthrough when `$TMUX` is set so that it reaches the outer terminal; and an in-memory
//! clipboard for tests.
//!
//! Terminals cap OSC 52 payloads (about 100,000 bytes for the whole sequence in common ones),
//! so a text whose base64 is over [`OSC52_MAX_BASE64`] bytes is refused with a message
//! pointing to `iamscope minimize`, which writes any size to a file.

use std::io::Write;

/// What a copy did, for the status line (`copied 3 statements, 412 bytes, via OSC 52`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Copied {
    pub bytes: usize,
    /// The route, as the status line names it.
    pub via: &'static str,
}

/// A place text can be copied to.
pub trait Clipboard: Send {
    /// Copies `text`, or says why it could not.
    fn copy(&mut self, text: &str) -> Result<Copied, String>;
}

/// The largest base64 payload sent through OSC 52 (common terminals take about 100,000 bytes
/// for the whole sequence; this leaves room for the envelope and tmux's doubling).
pub const OSC52_MAX_BASE64: usize = 74_994;

/// The clipboard for this session: the system one when a display server answers, else OSC 52
/// written to `terminal` (wrapped for tmux when `$TMUX` is set).
pub fn detect(terminal: Box<dyn Write + Send>) -> Box<dyn Clipboard> {
    match System::open() {
        Some(system) => Box::new(system),
        None => Box::new(Osc52 {
            out: terminal,
            tmux: std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()),
        }),
    }
}

/// The system clipboard through arboard. On X11 the copied text is served by this process,
/// so it stays available while the viewer runs (and after, if a clipboard manager takes it).
pub struct System {
    clipboard: arboard::Clipboard,
}

impl System {
    /// The system clipboard, when a display server answers.
    pub fn open() -> Option<System> {
        let no_display = cfg!(all(unix, not(target_os = "macos")))
            && std::env::var_os("DISPLAY").is_none_or(|v| v.is_empty())
            && std::env::var_os("WAYLAND_DISPLAY").is_none_or(|v| v.is_empty());
        if no_display {
            return None;
        }
        arboard::Clipboard::new()
            .ok()
            .map(|clipboard| System { clipboard })
    }
}

impl Clipboard for System {
    fn copy(&mut self, text: &str) -> Result<Copied, String> {
        self.clipboard
            .set_text(text)
            .map_err(|e| format!("the system clipboard refused the copy: {e}"))?;
        Ok(Copied {
            bytes: text.len(),
            via: "the system clipboard",
        })
    }
}

/// OSC 52 written to the terminal.
pub struct Osc52 {
    pub out: Box<dyn Write + Send>,
    /// Wrap the sequence in tmux's DCS passthrough.
    pub tmux: bool,
}

impl Clipboard for Osc52 {
    fn copy(&mut self, text: &str) -> Result<Copied, String> {
        let sequence = osc52(text, self.tmux)?;
        self.out
            .write_all(sequence.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| format!("cannot write to the terminal: {e}"))?;
        Ok(Copied {
            bytes: text.len(),
            via: if self.tmux {
                "OSC 52 through tmux"
            } else {
                "OSC 52"
            },
        })
    }
}

/// The OSC 52 sequence that sets the clipboard to `text`: `ESC ] 52 ; c ; BASE64 BEL`; for
/// tmux, inside `ESC P tmux; ... ESC \` with every ESC of the sequence doubled.
pub fn osc52(text: &str, tmux: bool) -> Result<String, String> {
    let payload = crate::load::cfn::intrinsic::base64(text.as_bytes());
    if payload.len() > OSC52_MAX_BASE64 {
        return Err(format!(
            "{} bytes is too much for OSC 52 (about {} KB): run `iamscope minimize ... > policy.json`",
            text.len(),
            OSC52_MAX_BASE64 / 1000 * 3 / 4
        ));
    }
    let sequence = format!("\x1b]52;c;{payload}\x07");
    Ok(if tmux {
        format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
    } else {
        sequence
    })
}

/// A clipboard in memory, for tests: keeps what was copied.
#[derive(Debug, Default)]
pub struct Memory {
    pub copied: Vec<String>,
}

impl Clipboard for Memory {
    fn copy(&mut self, text: &str) -> Result<Copied, String> {
        self.copied.push(text.to_string());
        Ok(Copied {
            bytes: text.len(),
            via: "memory",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn base64(bytes: &[u8]) -> String {
        crate::load::cfn::intrinsic::base64(bytes)
    }

    #[test]
    fn base64_as_rfc_4648_gives_it() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (text, encoded) in cases {
            assert_eq!(base64(text.as_bytes()), encoded, "{text}");
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x3f]), "//4/");
    }

    #[test]
    fn osc52_sequence_exactly() {
        assert_eq!(osc52("hi", false).unwrap(), "\x1b]52;c;aGk=\x07");
    }

    #[test]
    fn osc52_inside_tmux_passthrough_doubles_the_escape() {
        assert_eq!(
            osc52("hi", true).unwrap(),
            "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
    }

    #[test]
    fn too_large_for_osc52_is_refused_with_a_way_out() {
        let fits = "a".repeat(OSC52_MAX_BASE64 / 4 * 3);
        assert!(osc52(&fits, false).is_ok());
        let err = osc52(&format!("{fits}aaa"), false).unwrap_err();
        assert!(err.contains("iamscope minimize"), "{err}");
        assert!(
            err.starts_with("56247 bytes is too much for OSC 52"),
            "{err}"
        );
    }

    /// A writer tests can read back.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn osc52_backend_writes_the_sequence_and_names_its_route() {
        let out = Shared::default();
        let mut clipboard = Osc52 {
            out: Box::new(out.clone()),
            tmux: true,
        };
        let copied = clipboard.copy("{}").unwrap();
        assert_eq!(
            copied,
            Copied {
                bytes: 2,
                via: "OSC 52 through tmux"
            }
        );
        let written = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(written, "\x1bPtmux;\x1b\x1b]52;c;e30=\x07\x1b\\");
    }

    #[test]
    fn memory_keeps_every_copy() {
        let mut m = Memory::default();
        m.copy("a").unwrap();
        m.copy("bc").unwrap();
        assert_eq!(m.copied, ["a", "bc"]);
    }
}

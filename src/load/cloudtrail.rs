//! Reading CloudTrail events, one record at a time, for least privilege from what a holder
//! really called (`--used`). Three shapes: log files as CloudTrail delivers them to S3
//! (`{"Records": [...]}`, plain or gzipped), `aws cloudtrail lookup-events` output
//! (`{"Events": [{"CloudTrailEvent": "<the event as a JSON string>"}]}`), and a bare array
//! of either kind of element. A directory is walked for `.json` and `.gz` files, in name
//! order; gzip is told by its magic bytes, whatever the file's name.
//!
//! Memory is bounded by one record, not by the input: the JSON is parsed from a stream and
//! each record handed over as soon as it is read. A record (or anything outside one) over
//! [`MAX_RECORD_BYTES`] stops the reading of its file with a problem that says so:
//! CloudTrail's own records are at most 256 KB, so such a record is not one.

use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::ReadError;
use super::files;

/// The largest record read, in bytes of JSON text (give or take the 64 KiB read ahead).
pub const MAX_RECORD_BYTES: u64 = 4 << 20;

/// File name endings a directory walk reads events from.
const EXTENSIONS: &[&str] = &["json", "gz"];

/// What reading the paths went through.
#[derive(Clone, Debug, Default)]
pub struct Reading {
    /// Files read (some perhaps only in part: see `problems`).
    pub files: usize,
    /// Records handed over.
    pub records: u64,
    /// Files or parts of files that could not be read, and why.
    pub problems: Vec<ReadError>,
}

/// Reads every record of the paths (files, directories walked, `-` for standard input) and
/// hands each to `each`. A lookup-events element is handed over as the event it holds.
pub fn read_paths(paths: &[String], each: &mut dyn FnMut(Value)) -> Reading {
    let mut reading = Reading::default();
    for path in paths {
        if path == "-" {
            read_one("-", std::io::stdin().lock(), each, &mut reading);
            continue;
        }
        let p = Path::new(path);
        if p.is_dir() {
            let walk = files::walk_reading(p, EXTENSIONS);
            for file in walk.files {
                read_file(&file.path.to_string_lossy(), &file.path, each, &mut reading);
            }
            reading.problems.extend(walk.errors);
        } else {
            read_file(path, p, each, &mut reading);
        }
    }
    reading
}

fn read_file(shown: &str, path: &Path, each: &mut dyn FnMut(Value), reading: &mut Reading) {
    match std::fs::File::open(path) {
        Ok(file) => read_one(shown, file, each, reading),
        Err(e) => reading.problems.push(ReadError {
            path: shown.to_string(),
            message: e.to_string(),
        }),
    }
}

fn read_one(shown: &str, stream: impl Read, each: &mut dyn FnMut(Value), reading: &mut Reading) {
    reading.files += 1;
    let mut records = 0;
    let result = read_stream(stream, &mut |v| {
        records += 1;
        each(v);
    });
    reading.records += records;
    if let Err(message) = result {
        reading.problems.push(ReadError {
            path: shown.to_string(),
            message,
        });
    }
}

/// Reads the records of one stream (gzipped or not) and hands each to `each`; an error says
/// where the stream stopped being readable (the records before it were handed over).
pub fn read_stream(stream: impl Read, each: &mut dyn FnMut(Value)) -> Result<(), String> {
    let mut buffered = BufReader::with_capacity(1 << 16, stream);
    let gzip = buffered
        .fill_buf()
        .map_err(|e| e.to_string())?
        .starts_with(&[0x1f, 0x8b]);
    let inner: Box<dyn Read> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let budget = Rc::new(Budget::default());
    // The parser takes one byte at a time: from a buffer it reads without a dynamic call
    // (the count runs ahead of it by at most the buffer, a margin on the cap).
    let counted = BufReader::with_capacity(
        1 << 16,
        Counted {
            inner,
            budget: Rc::clone(&budget),
        },
    );
    let mut de = serde_json::Deserializer::from_reader(counted);
    let mut sink = Sink {
        each,
        budget: &budget,
        records: 0,
        found: false,
    };
    budget.restart();
    let parsed = Top { sink: &mut sink }
        .deserialize(&mut de)
        .and_then(|()| de.end());
    let records = sink.records;
    let found = sink.found;
    match parsed {
        Err(_) if budget.over.get() => Err(format!(
            "{} is over {} MiB (CloudTrail's records are at most 256 KB); the rest of the file was not read",
            if budget.in_record.get() {
                format!("record {}", records + 1)
            } else {
                "a value outside the records".to_string()
            },
            MAX_RECORD_BYTES >> 20
        )),
        Err(e) if e.is_io() => Err(format!("cannot read: {e}")),
        Err(e) => Err(format!(
            "not CloudTrail JSON after {}: {e}",
            crate::text::plural(records as usize, "record", "records")
        )),
        Ok(()) if !found => Err(
            "no CloudTrail records here: expected {\"Records\": [...]} as CloudTrail delivers them, {\"Events\": [...]} from lookup-events, or an array of events".into(),
        ),
        Ok(()) => Ok(()),
    }
}

/// How many bytes the parser has taken, and how many it may take before the current record
/// is too large.
#[derive(Default)]
struct Budget {
    taken: Cell<u64>,
    limit: Cell<u64>,
    over: Cell<bool>,
    in_record: Cell<bool>,
}

impl Budget {
    /// Starts a new allowance of [`MAX_RECORD_BYTES`] from here.
    fn restart(&self) {
        self.limit.set(self.taken.get() + MAX_RECORD_BYTES);
    }
}

/// A reader that counts what it hands out and fails past the budget's limit.
struct Counted<R> {
    inner: R,
    budget: Rc<Budget>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let b = &self.budget;
        if b.taken.get() >= b.limit.get() {
            b.over.set(true);
            return Err(std::io::Error::other("record too large"));
        }
        let room = usize::try_from(b.limit.get() - b.taken.get()).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.inner.read(&mut buf[..len])?;
        b.taken.set(b.taken.get() + n as u64);
        Ok(n)
    }
}

/// Where records go, with what the reading saw.
struct Sink<'a, 'b> {
    each: &'a mut dyn FnMut(Value),
    budget: &'b Budget,
    records: u64,
    /// Whether a list of records (or events) was found.
    found: bool,
}

impl Sink<'_, '_> {
    /// Hands over one element: a lookup-events element as the event in its string.
    fn element(&mut self, v: Value) {
        let v = match v.get("CloudTrailEvent").and_then(Value::as_str) {
            Some(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            None => v,
        };
        self.records += 1;
        (self.each)(v);
    }
}

/// The whole document: an object holding `Records` or `Events`, or an array.
struct Top<'s, 'a, 'b> {
    sink: &'s mut Sink<'a, 'b>,
}

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with Records or Events, or an array of events")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "Records" || key == "Events" {
                map.next_value_seed(List {
                    sink: &mut *self.sink,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            self.sink.budget.restart();
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        List { sink: self.sink }.visit_seq(seq)
    }
}

/// A list of records, each read on its own allowance.
struct List<'s, 'a, 'b> {
    sink: &'s mut Sink<'a, 'b>,
}

impl<'de> DeserializeSeed<'de> for List<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.sink.found = true;
        loop {
            self.sink.budget.restart();
            self.sink.budget.in_record.set(true);
            let Some(v) = seq.next_element::<Value>()? else {
                break;
            };
            self.sink.budget.in_record.set(false);
            self.sink.element(v);
        }
        self.sink.budget.in_record.set(false);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> (Vec<Value>, Result<(), String>) {
        let mut out = Vec::new();
        let r = read_stream(text, &mut |v| out.push(v));
        (out, r)
    }

    fn names(events: &[Value]) -> Vec<&str> {
        events
            .iter()
            .map(|e| e["eventName"].as_str().unwrap_or("?"))
            .collect()
    }

    #[test]
    fn the_three_shapes_are_read_record_by_record() {
        let (events, r) = read(br#"{"Records": [{"eventName": "A"}, {"eventName": "B"}]}"#);
        assert_eq!((names(&events), r), (vec!["A", "B"], Ok(())));
        let (events, r) = read(
            br#"{"NextToken": "x", "Events": [{"EventId": "1", "CloudTrailEvent": "{\"eventName\": \"C\"}"}]}"#,
        );
        assert_eq!((names(&events), r), (vec!["C"], Ok(())));
        let (events, r) = read(br#"[{"eventName": "D"}]"#);
        assert_eq!((names(&events), r), (vec!["D"], Ok(())));
    }

    #[test]
    fn gzip_is_told_by_its_magic_bytes() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(br#"{"Records": [{"eventName": "Z"}]}"#)
            .unwrap();
        let (events, r) = read(&gz.finish().unwrap());
        assert_eq!((names(&events), r), (vec!["Z"], Ok(())));
    }

    #[test]
    fn a_record_over_the_cap_stops_its_file_and_says_so() {
        let big = "x".repeat(MAX_RECORD_BYTES as usize + (1 << 20));
        let text = format!(
            r#"{{"Records": [{{"eventName": "A"}}, {{"k": "{big}"}}, {{"eventName": "B"}}]}}"#
        );
        let (events, r) = read(text.as_bytes());
        assert_eq!(names(&events), vec!["A"]);
        assert_eq!(
            r,
            Err("record 2 is over 4 MiB (CloudTrail's records are at most 256 KB); the rest of the file was not read".into())
        );
        // Many records adding up to more than the cap are fine.
        let many = format!(
            r#"{{"Records": [{}]}}"#,
            vec![format!(r#"{{"k": "{}"}}"#, "y".repeat(1 << 20)); 6].join(",")
        );
        assert_eq!(read(many.as_bytes()).0.len(), 6);
    }

    #[test]
    fn malformed_input_is_an_error_with_the_records_before_it_kept() {
        let (events, r) = read(br#"{"Records": [{"eventName": "A"}, {"eventName": "#);
        assert_eq!(names(&events), vec!["A"]);
        assert_eq!(
            r,
            Err(
                "not CloudTrail JSON after 1 record: EOF while parsing a value at line 1 column 47"
                    .into()
            )
        );
        assert_eq!(
            read(br#"{"Version": "2012-10-17"}"#).1,
            Err("no CloudTrail records here: expected {\"Records\": [...]} as CloudTrail delivers them, {\"Events\": [...]} from lookup-events, or an array of events".into())
        );
        assert!(read(b"").1.is_err());
        let deep = format!("{{\"Records\": [{}", "[".repeat(100_000));
        assert!(read(deep.as_bytes()).1.is_err());
    }
}

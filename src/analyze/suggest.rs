//! "Did you mean": the real name nearest to a misspelled one, when one is a small edit
//! away (`GetObjects` → `GetObject`) or holds the same words with one or two more
//! (`CancelSpotRequests` → `CancelSpotInstanceRequests`) or fewer (`SourceVpcId` →
//! `SourceVpc`). Names compare ignoring case.

use foldhash::HashMap;

use crate::text::{edit_distance, edit_distance_within};

/// Longest name compared; longer ones get no suggestion (the distance is quadratic).
const MAX_LEN: usize = 128;

/// How many different names of one source get a "did you mean" hint; the names past it get
/// none, so a generated file of misspellings cannot make `check` slow.
pub const HINTED_NAMES: usize = 200;

/// The hints of one source: each name's computed once, and at most [`HINTED_NAMES`] names'.
#[derive(Default)]
pub struct Hints(HashMap<String, String>);

impl Hints {
    /// The hint for `name` (what `compute` says the first time it is asked), or nothing
    /// once [`HINTED_NAMES`] other names have had theirs computed.
    pub fn get(&mut self, name: String, compute: impl FnOnce() -> String) -> String {
        if let Some(hint) = self.0.get(&name) {
            return hint.clone();
        }
        if self.0.len() >= HINTED_NAMES {
            return String::new();
        }
        let hint = compute();
        self.0.insert(name, hint.clone());
        hint
    }
}

/// The candidates nearest to `written` (at most three, nearest first), if any is near
/// enough. Several come back when they are equally near, as `CancelSpotFleetRequests` and
/// `CancelSpotInstanceRequests` are to `CancelSpotRequests`.
pub fn nearest<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    if written.len() > MAX_LEN {
        return Vec::new();
    }
    let words = camel_words(written);
    let length = written.chars().count();
    let allowed = (length / 6).clamp(1, 3);
    // Extra words need the shorter name's first word in the longer one, and that is one of
    // the first three words of each (the longer has at most two more).
    let may_share_words = |c: &str| {
        words
            .iter()
            .take(3)
            .any(|w| contains_ignore_ascii_case(c, w))
    };
    let mut near: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .filter(|c| c.len() <= MAX_LEN)
        .filter_map(|c| {
            // More characters apart than allowed is more edits apart too.
            let near_in_length = c.chars().count().abs_diff(length) <= allowed;
            // Without a shared word (in an ASCII name, which every catalog name is) there
            // are no extra words either.
            let share = !c.is_ascii() || may_share_words(c);
            if !near_in_length && !share {
                return None;
            }
            let extra = share
                .then(|| extra_words(&words, &camel_words(c)))
                .flatten()
                .filter(|&n| n <= 2);
            let distance = match extra {
                Some(_) => edit_distance(written, c),
                None if near_in_length => edit_distance_within(written, c, allowed)?,
                None => return None,
            };
            let rank = extra.unwrap_or(usize::MAX).min(distance);
            Some((rank, distance, c))
        })
        .collect();
    near.sort();
    let best = near.first().map(|n| n.0);
    near.into_iter()
        .take_while(|n| Some(n.0) == best)
        .take(3)
        .map(|n| n.2)
        .collect()
}

/// Whether `text` holds `lower` (lower-cased), ignoring ASCII case.
fn contains_ignore_ascii_case(text: &str, lower: &str) -> bool {
    let needle = lower.as_bytes();
    needle.is_empty()
        || text
            .as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

/// The words of a CamelCase name, lower-cased: `CancelSpotRequests` → cancel, spot,
/// requests.
fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            previous_lower = false;
            words.push(String::new());
            continue;
        }
        if (c.is_uppercase() && previous_lower) || words.is_empty() {
            words.push(String::new());
        }
        if let Some(last) = words.last_mut() {
            last.extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    words.retain(|w| !w.is_empty());
    words
}

/// How many words one name has beyond the other, when the shorter one's two or more
/// words appear in the longer one in order (`CancelSpotRequests` in
/// `CancelSpotInstanceRequests`, `SourceVpc` in `SourceVpcId`).
fn extra_words(written: &[String], candidate: &[String]) -> Option<usize> {
    let (short, long) = if written.len() <= candidate.len() {
        (written, candidate)
    } else {
        (candidate, written)
    };
    if short.len() < 2 || long.len() == short.len() {
        return None;
    }
    let mut rest = long.iter();
    short
        .iter()
        .all(|w| rest.any(|c| c == w))
        .then(|| long.len() - short.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested() {
        let names = ["GetObject", "GetObjectAcl", "PutObject"];
        assert_eq!(nearest("GetObjects", names), ["GetObject"]);
        assert_eq!(nearest("getobject", names), ["GetObject"]);
        assert!(nearest("DeleteBucket", names).is_empty());
        let ec2 = [
            "CancelSpotInstanceRequests",
            "CancelSpotFleetRequests",
            "CancelImport",
        ];
        assert_eq!(
            nearest("CancelSpotRequests", ec2),
            ["CancelSpotFleetRequests", "CancelSpotInstanceRequests"]
        );
    }

    #[test]
    fn words_of_camel_case_names() {
        assert_eq!(
            camel_words("CancelSpotRequests"),
            ["cancel", "spot", "requests"]
        );
        assert_eq!(camel_words("GetIPSet"), ["get", "ipset"]);
        assert_eq!(camel_words("x-amz-acl"), ["x", "amz", "acl"]);
    }
}

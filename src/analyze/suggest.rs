//! "Did you mean": the real name nearest to a misspelled one, when one is a small edit
//! away (`GetObjects` → `GetObject`) or holds the same words with one or two more
//! (`CancelSpotRequests` → `CancelSpotInstanceRequests`) or fewer (`SourceVpcId` →
//! `SourceVpc`). Names compare ignoring case.

/// Longest name compared; longer ones get no suggestion (the distance is quadratic).
const MAX_LEN: usize = 128;

/// The candidates nearest to `written` (at most three, nearest first), if any is near
/// enough. Several come back when they are equally near, as `CancelSpotFleetRequests` and
/// `CancelSpotInstanceRequests` are to `CancelSpotRequests`.
pub fn nearest<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    if written.len() > MAX_LEN {
        return Vec::new();
    }
    let words = camel_words(written);
    let allowed = (written.chars().count() / 6).clamp(1, 3);
    let mut near: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .filter(|c| c.len() <= MAX_LEN)
        .filter_map(|c| {
            let distance = edit_distance(written, c);
            let extra = extra_words(&words, &camel_words(c)).filter(|&n| n <= 2);
            let rank = extra.unwrap_or(usize::MAX).min(distance);
            (distance <= allowed || extra.is_some()).then_some((rank, distance, c))
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

/// Levenshtein distance, ignoring ASCII case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = b.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let replace = previous[j] + usize::from(ca != cb);
            current[j + 1] = replace.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
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

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("S3", "s3"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}

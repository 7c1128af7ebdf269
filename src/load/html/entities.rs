//! Decoding HTML character references: every numeric one (`&#123;`, `&#x7B;`) and the named
//! ones documentation pages use: markup (`&amp;`, `&lt;`, `&quot;`…), typography (dashes,
//! quotes, spaces, `&hellip;`) and the punctuation names HTML5 gives the characters of
//! policies and placeholders (`&dollar;`, `&lbrace;`, `&colon;`, `&ast;`…). A name not in
//! the table is kept as written, never guessed.

use std::borrow::Cow;

/// Named references and the text they stand for, sorted by name.
const NAMED: [(&str, &str); 62] = [
    ("Tab", "\t"),
    ("amp", "&"),
    ("apos", "'"),
    ("ast", "*"),
    ("bdquo", "\u{201e}"),
    ("bsol", "\\"),
    ("bull", "\u{2022}"),
    ("check", "\u{2713}"),
    ("colon", ":"),
    ("comma", ","),
    ("commat", "@"),
    ("copy", "\u{a9}"),
    ("darr", "\u{2193}"),
    ("deg", "\u{b0}"),
    ("dollar", "$"),
    ("emsp", "\u{2003}"),
    ("ensp", "\u{2002}"),
    ("equals", "="),
    ("excl", "!"),
    ("gt", ">"),
    ("hellip", "\u{2026}"),
    ("hyphen", "\u{2010}"),
    ("laquo", "\u{ab}"),
    ("larr", "\u{2190}"),
    ("lbrace", "{"),
    ("lbrack", "["),
    ("lcub", "{"),
    ("ldquo", "\u{201c}"),
    ("lowbar", "_"),
    ("lpar", "("),
    ("lsqb", "["),
    ("lsquo", "\u{2018}"),
    ("lt", "<"),
    ("mdash", "\u{2014}"),
    ("middot", "\u{b7}"),
    ("nbsp", "\u{a0}"),
    ("ndash", "\u{2013}"),
    ("num", "#"),
    ("percnt", "%"),
    ("period", "."),
    ("plus", "+"),
    ("quest", "?"),
    ("quot", "\""),
    ("raquo", "\u{bb}"),
    ("rarr", "\u{2192}"),
    ("rbrace", "}"),
    ("rbrack", "]"),
    ("rcub", "}"),
    ("rdquo", "\u{201d}"),
    ("reg", "\u{ae}"),
    ("rpar", ")"),
    ("rsqb", "]"),
    ("rsquo", "\u{2019}"),
    ("sbquo", "\u{201a}"),
    ("semi", ";"),
    ("sol", "/"),
    ("thinsp", "\u{2009}"),
    ("times", "\u{d7}"),
    ("trade", "\u{2122}"),
    ("uarr", "\u{2191}"),
    ("vert", "|"),
    ("zwsp", "\u{200b}"),
];

/// The longest reference looked at (`&#x10FFFF;` and the longest name fit).
const MAX_REFERENCE: usize = 12;

/// `s` with its character references decoded. Borrows when there are none.
pub fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match reference(rest) {
            Some((decoded, len)) => {
                out.push_str(&decoded);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The reference `s` starts with (`s` starts with `&`): its text and its length.
fn reference(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let end = s
        .char_indices()
        .take(MAX_REFERENCE + 1)
        .find(|&(_, c)| c == ';')?
        .0;
    let body = &s[1..end];
    let text: Cow<'static, str> = if let Some(number) = body.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        let c = char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}');
        Cow::Owned(c.to_string())
    } else {
        let i = NAMED.binary_search_by(|(name, _)| name.cmp(&body)).ok()?;
        Cow::Borrowed(NAMED[i].1)
    };
    Some((text, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_for_binary_search() {
        assert!(NAMED.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn named_and_numeric_references() {
        assert_eq!(
            decode("arn:aws:s3:::&dollar;&lbrace;Bucket&rbrace;/&ast; &amp;&#58;&#x3A;&quot;"),
            "arn:aws:s3:::${Bucket}/* &::\""
        );
        assert_eq!(decode("a&nbsp;b&mdash;c"), "a\u{a0}b\u{2014}c");
        assert!(matches!(decode("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn what_is_not_a_reference_stays() {
        assert_eq!(
            decode("R&D &unknown; &#xZZ; &#0; &#1114112; & &amp"),
            "R&D &unknown; &#xZZ; \u{fffd} \u{fffd} & &amp"
        );
    }
}

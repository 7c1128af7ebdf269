//! Placeholder values kept in a file (`--vars FILE`): one `NAME=VALUE` a line, so a review
//! and CI fill the same placeholders the same way. Blank lines and lines starting with `#`
//! are skipped; `export NAME=VALUE` reads as `NAME=VALUE` (so a shell can source the file),
//! and a value wrapped in matching quotes loses them. Any other line is an error with its
//! line and column, as is a name set twice.
//!
//! [`update`] writes values back into such a file's text, keeping its comments and other
//! lines, so that `parse` reads them back (the viewer's `s` in its values view).

use std::collections::BTreeMap;

use crate::model::Loc;

/// A line of a values file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarsError {
    pub loc: Loc,
    pub message: String,
}

impl std::fmt::Display for VarsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.loc, self.message)
    }
}

/// Reads the text of a values file into `(name, value)` pairs, in file order.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, VarsError> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.strip_prefix('\u{feff}').unwrap_or(raw);
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        let (content, indent) = match content.strip_prefix("export ") {
            Some(rest) => (rest.trim_start(), line.len() - rest.trim_start().len()),
            None => (content, indent),
        };
        let at = |byte: usize| Loc::new(line_no as u32, column(line, byte));
        let Some((name, value)) = content.split_once('=') else {
            return Err(VarsError {
                loc: at(indent),
                message: format!(
                    "expected NAME=VALUE, got `{}`",
                    crate::text::escape(content.trim_end())
                ),
            });
        };
        let name = name.trim_end();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(VarsError {
                loc: at(indent),
                message: format!(
                    "expected a placeholder name before `=`, got `{}`",
                    crate::text::escape(name)
                ),
            });
        }
        if let Some(first) = seen.insert(name.to_string(), line_no) {
            return Err(VarsError {
                loc: at(indent),
                message: format!(
                    "{} is set again (first on line {first}); keep one line per name",
                    crate::text::escape(name)
                ),
            });
        }
        out.push((name.to_string(), unquote(value.trim()).to_string()));
    }
    Ok(out)
}

/// `text` (a values file, or empty) with `values` set: a line that sets one of the names
/// gets its new value (an `export ` in front stays), names it does not set are added at the
/// end, and every other line (comments, other names, lines `parse` would refuse) is kept as
/// it was. A value holding a line break cannot be written.
pub fn update(text: &str, values: &[(String, String)]) -> Result<String, String> {
    if let Some((name, _)) = values.iter().find(|(_, v)| v.contains(['\n', '\r'])) {
        return Err(format!(
            "the value of {} holds a line break, which a values file cannot keep",
            crate::text::escape(name)
        ));
    }
    let mut written = vec![false; values.len()];
    let mut out = String::with_capacity(text.len() + 32 * values.len());
    for line in text.lines() {
        let content = line
            .trim_start()
            .strip_prefix('\u{feff}')
            .unwrap_or(line.trim_start());
        let (export, rest) = match content.strip_prefix("export ") {
            Some(rest) => ("export ", rest.trim_start()),
            None => ("", content),
        };
        let name = rest.split_once('=').map(|(n, _)| n.trim_end());
        let set = name.and_then(|n| values.iter().position(|(name, _)| name == n));
        match set {
            Some(i) if !content.starts_with('#') && !written[i] => {
                written[i] = true;
                out.push_str(&format!("{export}{}\n", line_of(&values[i])));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    for (value, done) in values.iter().zip(written) {
        if !done {
            out.push_str(&line_of(value));
            out.push('\n');
        }
    }
    Ok(out)
}

/// `NAME=VALUE`, the value quoted when `parse` would otherwise read it differently (white
/// space around it, or quotes around it already).
fn line_of((name, value): &(String, String)) -> String {
    let quoted = value.len() >= 2
        && ['"', '\'']
            .iter()
            .any(|&q| value.starts_with(q) && value.ends_with(q));
    if value.trim() != value || quoted {
        format!("{name}=\"{value}\"")
    } else {
        format!("{name}={value}")
    }
}

/// Saves `values` to the values file at `path`: its other lines kept (see [`update`]), or a
/// new file; written whole or not at all.
pub fn save(path: &std::path::Path, values: &[(String, String)]) -> Result<(), String> {
    let existing = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string())?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e.to_string()),
    };
    let text = update(&existing, values)?;
    super::files::write_atomically(path, text.as_bytes()).map_err(|e| e.to_string())
}

/// Where the viewer saves values when no `--vars FILE` was given: `iamscope-vars.env` in
/// the first input's directory (inside it, when the input is a directory); `None` for
/// standard input and the bundled samples.
pub fn default_path(inputs: &[String]) -> Option<std::path::PathBuf> {
    const NAME: &str = "iamscope-vars.env";
    let first = std::path::Path::new(inputs.first()?);
    if first.as_os_str() == "-" {
        return None;
    }
    if first.is_dir() {
        return Some(first.join(NAME));
    }
    Some(match first.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(NAME),
        _ => std::path::PathBuf::from(NAME),
    })
}

/// The 1-based column, in characters, of byte offset `byte` of `line`.
fn column(line: &str, byte: usize) -> u32 {
    line[..byte].chars().count() as u32 + 1
}

/// A value without the matching quotes around it, if it has them.
fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(q) && value.ends_with(q) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text).unwrap()
    }

    #[test]
    fn names_values_comments_and_blank_lines() {
        let text = "# values for the vendor review\n\nAccountId=111122223333\n  Region = us-east-1 \nexport BucketName=\"logs bucket\"\nNote='a=b # not a comment'\nEmpty=\n";
        assert_eq!(
            pairs(text),
            [
                ("AccountId".to_string(), "111122223333".to_string()),
                ("Region".into(), "us-east-1".into()),
                ("BucketName".into(), "logs bucket".into()),
                ("Note".into(), "a=b # not a comment".into()),
                ("Empty".into(), String::new()),
            ]
        );
        assert_eq!(
            pairs("\u{feff}A=1\r\n"),
            [("A".to_string(), "1".to_string())]
        );
    }

    #[test]
    fn updated_values_read_back_and_other_lines_stay() {
        let before = "# values for the vendor review\nexport AccountId=000000000000\nOther=kept # as is\n\nnot a line parse reads\n";
        let values = vec![
            ("AccountId".to_string(), "111122223333".to_string()),
            ("Region".to_string(), " spaced ".to_string()),
            ("Quoted".to_string(), "\"q\"".to_string()),
            ("Empty".to_string(), String::new()),
        ];
        let after = update(before, &values).unwrap();
        assert_eq!(
            after,
            "# values for the vendor review\nexport AccountId=111122223333\nOther=kept # as is\n\nnot a line parse reads\nRegion=\" spaced \"\nQuoted=\"\"q\"\"\nEmpty=\n"
        );
        // Without the line parse refuses, the file reads back as the values and the rest.
        let readable = after.replace("not a line parse reads\n", "");
        let mut read = parse(&readable).unwrap();
        read.retain(|(n, _)| n != "Other");
        assert_eq!(read, values);
        assert_eq!(parse(&update("", &values).unwrap()).unwrap(), values);
        assert!(update("", &[("A".into(), "x\ny".into())]).is_err());
    }

    #[test]
    fn values_are_saved_beside_the_first_input() {
        use std::path::PathBuf;
        assert_eq!(
            default_path(&["sample-policies/dstack.md".into(), "x.json".into()]),
            Some(PathBuf::from("sample-policies/iamscope-vars.env"))
        );
        assert_eq!(
            default_path(&["sample-policies".into()]),
            Some(PathBuf::from("sample-policies/iamscope-vars.env"))
        );
        assert_eq!(
            default_path(&["policy.json".into()]),
            Some(PathBuf::from("iamscope-vars.env"))
        );
        assert_eq!(default_path(&["-".into()]), None);
        assert_eq!(default_path(&[]), None);
    }

    #[test]
    fn bad_lines_say_where_and_what() {
        assert_eq!(
            parse("A=1\n\n  just words\n").unwrap_err().to_string(),
            "3:3: expected NAME=VALUE, got `just words`"
        );
        assert_eq!(
            parse("=1").unwrap_err().to_string(),
            "1:1: expected a placeholder name before `=`, got ``"
        );
        assert_eq!(
            parse("Account Id=1").unwrap_err().to_string(),
            "1:1: expected a placeholder name before `=`, got `Account Id`"
        );
        assert_eq!(
            parse("A=1\nexport A=2").unwrap_err().to_string(),
            "2:8: A is set again (first on line 1); keep one line per name"
        );
        assert_eq!(
            parse("\u{1b}[31m").unwrap_err().to_string(),
            "1:1: expected NAME=VALUE, got `\\x1b[31m`"
        );
    }
}

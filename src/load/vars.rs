//! Placeholder values kept in a file (`--vars FILE`): one `NAME=VALUE` a line, so a review
//! and CI fill the same placeholders the same way. Blank lines and lines starting with `#`
//! are skipped; `export NAME=VALUE` reads as `NAME=VALUE` (so a shell can source the file),
//! and a value wrapped in matching quotes loses them. Any other line is an error with its
//! line and column, as is a name set twice.

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

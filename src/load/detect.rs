//! Telling input formats apart by their content, never by the file name: a vendor's
//! `permissions.txt` may hold Markdown, and a `.json` file may be a CloudFormation template.
//!
//! [`detect`] tries [`RULES`] in order and takes the first that matches; input no rule
//! claims is page text. Each rule looks only at the first [`SNIFF_BYTES`] of the input, so
//! detection costs the same on a 100 MB account dump as on a one-line policy. To teach
//! iamscope a new format, add a rule at the right place in the list: rules for formats that
//! are special cases of another (a CloudFormation template in JSON is JSON) go before the
//! general one.

use crate::model::Format;

/// How much of the input the rules look at.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// One detection rule: the format it picks, what it looks for (shown in the docs and the
/// tests), and the test itself.
pub struct Rule {
    pub format: Format,
    pub looks_for: &'static str,
    pub test: fn(&Sniff) -> bool,
}

/// The rules, in the order they are tried.
pub const RULES: &[Rule] = &[
    Rule {
        format: Format::AuthorizationDetails,
        looks_for: "JSON naming UserDetailList, GroupDetailList or RoleDetailList (`aws iam get-account-authorization-details`)",
        test: |s| super::authz::looks_like_authorization_details(s.head),
    },
    Rule {
        format: Format::Cloudformation,
        looks_for: "AWSTemplateFormatVersion, or Resources with an `AWS::` type, in JSON or YAML (not inside a Markdown fence)",
        test: |s| super::cfn::looks_like_cloudformation(s.head),
    },
    Rule {
        format: Format::Terraform,
        looks_for: "a line opening a Terraform block (`resource \"aws_iam_role\" \"x\" {`, `data`, `variable`, `locals`...), not inside a Markdown fence",
        test: |s| super::terraform::looks_like_terraform(s.head),
    },
    Rule {
        format: Format::Json,
        looks_for: "a `{` or `[` first (after white space, a byte-order mark and comments)",
        test: |s| s.starts_json(),
    },
    Rule {
        format: Format::Html,
        looks_for: "an HTML tag first (`<!doctype html>`, `<html>`, `<table>`, `<h1>`…) and no Markdown headings or fences",
        test: |s| s.starts_html() && !s.markdown_structure(),
    },
    Rule {
        format: Format::Markdown,
        looks_for: "a `#` heading, a ``` or ~~~ fence, front matter, a table row starting with `|`, `**bold**` or a `[link](url)`, in text that is not YAML or HCL (whose `#` comments look like headings)",
        test: |s| {
            (s.markdown_structure() || s.markdown_inline()) && !s.yaml_like() && !s.hcl_like()
        },
    },
];

/// What the rules look at: the start of the input, and what is found in it, each worked
/// out only when a rule asks (a JSON policy is told without looking for Markdown or YAML).
pub struct Sniff<'a> {
    /// The start of the input (up to [`SNIFF_BYTES`], cut at a character boundary), with a
    /// byte-order mark and leading white space removed.
    pub head: &'a str,
    /// Whether a line opens a fence, worked out for the first rule that asks.
    fenced: std::cell::OnceCell<bool>,
}

impl<'a> Sniff<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut end = text.len().min(SNIFF_BYTES);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Sniff {
            head: text[..end].trim_start_matches('\u{feff}').trim_start(),
            fenced: std::cell::OnceCell::new(),
        }
    }

    /// The first character, after comments, is `{` or `[`.
    pub fn starts_json(&self) -> bool {
        super::looks_like_json(self.head)
    }

    /// The first thing is an HTML tag, doctype or comment.
    pub fn starts_html(&self) -> bool {
        starts_html(self.head)
    }

    /// A line is an ATX heading (`# Title`), a fence, or the input starts with front
    /// matter, or a line starts with `|`.
    pub fn markdown_structure(&self) -> bool {
        let head = self.head;
        head.starts_with("---\n")
            || head.starts_with("---\r\n")
            || head.starts_with("+++")
            || head.lines().any(|l| {
                let l = l.trim_start();
                l.starts_with("```") || l.starts_with("~~~") || l.starts_with('|') || is_atx(l)
            })
    }

    /// `**bold**` or `[text](url)` appears.
    pub fn markdown_inline(&self) -> bool {
        has_bold(self.head) || self.head.contains("](")
    }

    /// No fence, and most lines that are not comments are YAML (`key: value`, `- item`).
    pub fn yaml_like(&self) -> bool {
        !self.fenced() && mostly_yaml(self.head)
    }

    /// No fence, and a line opens a Terraform block (`resource "aws_iam_role" "x" {`).
    pub fn hcl_like(&self) -> bool {
        !self.fenced() && self.head.lines().any(opens_hcl_block)
    }

    fn fenced(&self) -> bool {
        *self.fenced.get_or_init(|| {
            self.head
                .lines()
                .any(|l| l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~"))
        })
    }
}

/// Whether at least 60% of the lines that are not blank, comments or document markers are
/// YAML mappings or list items.
fn mostly_yaml(head: &str) -> bool {
    let significant = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && *l != "---" && *l != "...");
    let (mut yaml, mut total) = (0usize, 0usize);
    for line in significant {
        total += 1;
        let key = line.split_once(':').is_some_and(|(k, v)| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_alphanumeric() || "_-./\"' ".contains(c))
                && (v.is_empty() || v.starts_with(' '))
        });
        if key || line == "-" || line.starts_with("- ") {
            yaml += 1;
        }
    }
    total >= 3 && yaml * 10 >= total * 6
}

/// `resource "type" "name" {`, `data "type" "name" {`, `variable "x" {`, `locals {`…
fn opens_hcl_block(line: &str) -> bool {
    const BLOCKS: [&str; 8] = [
        "resource",
        "data",
        "variable",
        "output",
        "module",
        "provider",
        "locals",
        "terraform",
    ];
    let line = line.trim_end();
    let Some((word, rest)) = line.split_once([' ', '{']) else {
        return false;
    };
    BLOCKS.contains(&word)
        && line.ends_with('{')
        && (rest.trim_start().starts_with('"') || rest.trim() == "{" || rest.trim().is_empty())
}

/// The format of an input, told by its content.
pub fn detect(text: &str) -> Format {
    let sniff = Sniff::new(text);
    RULES
        .iter()
        .find(|r| (r.test)(&sniff))
        .map_or(Format::Text, |r| r.format)
}

/// `#` to `######` followed by a space (or nothing): a Markdown heading line.
fn is_atx(line: &str) -> bool {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && line[hashes..].chars().next().is_none_or(|c| c == ' ')
}

/// `**x` with a non-space after the opening stars and a closing `**` later on the line.
fn has_bold(text: &str) -> bool {
    text.lines().any(|l| {
        l.match_indices("**").any(|(i, _)| {
            let after = &l[i + 2..];
            after.starts_with(|c: char| !c.is_whitespace() && c != '*') && after.contains("**")
        })
    })
}

/// Tags that start an HTML document or fragment (besides `<h1>`…`<h6>` and comments).
const HTML_STARTS: [&str; 14] = [
    "!doctype", "html", "head", "body", "meta", "title", "div", "table", "section", "article",
    "main", "p", "ul", "ol",
];

fn starts_html(head: &str) -> bool {
    let Some(rest) = head.strip_prefix('<') else {
        return false;
    };
    if rest.starts_with("!--") {
        return true;
    }
    let name = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
        .collect::<String>()
        .to_ascii_lowercase();
    HTML_STARTS.contains(&name.as_str()) || matches!(name.as_bytes(), [b'h', b'1'..=b'6'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_by_content() {
        let cases = [
            ("  \u{feff}{\"Statement\": []}", Format::Json),
            ("// note\n[{\"Effect\": \"Allow\"}]", Format::Json),
            ("<!DOCTYPE html>\n<html><body><table></table>", Format::Html),
            (
                "<table><tr><td>s3:GetObject</td></tr></table>",
                Format::Html,
            ),
            ("<h4>Policy</h4>\n<p>x</p>", Format::Html),
            ("# Title\n\ntext", Format::Markdown),
            ("---\ntitle: x\n---\nbody", Format::Markdown),
            ("text\n```json\n{}\n```", Format::Markdown),
            ("| a | b |\n|---|---|", Format::Markdown),
            ("Read **this** first", Format::Markdown),
            ("<!-- comment -->\n# Heading", Format::Markdown),
            (
                "Title\nPermission | Purpose |\n---|---|\nacm:X | y |",
                Format::Text,
            ),
            ("#hashtag is not a heading\nplain", Format::Text),
            (
                "# A CloudFormation template\nAWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Role:\n    Type: AWS::IAM::Role\n",
                Format::Cloudformation,
            ),
            (
                "{\"Resources\": {\"R\": {\"Type\": \"AWS::IAM::Role\"}}}",
                Format::Cloudformation,
            ),
            (
                "# IAM for the vendor\nresource \"aws_iam_role\" \"x\" {\n  name = \"x\"\n}\n",
                Format::Terraform,
            ),
            (
                "{\"UserDetailList\": [], \"RoleDetailList\": []}",
                Format::AuthorizationDetails,
            ),
            (
                "# Setup\n\n```hcl\nresource \"aws_iam_role\" \"x\" {\n}\n```\n",
                Format::Markdown,
            ),
            (
                "---\ntitle: Role\nid: x\n---\n\nThis role is assumed by the **main** account.\nIt has these policies.\n",
                Format::Markdown,
            ),
            ("", Format::Text),
        ];
        for (text, format) in cases {
            assert_eq!(detect(text), format, "{text:?}");
        }
    }

    #[test]
    fn rules_are_documented() {
        for rule in RULES {
            assert!(!rule.looks_for.is_empty(), "{}", rule.format);
        }
    }

    #[test]
    fn only_the_head_is_read() {
        let mut text = "plain words\n".repeat(SNIFF_BYTES / 12 + 1);
        text.push_str("# late heading\n");
        assert_eq!(detect(&text), Format::Text);
        let cut = format!("{}é", "a".repeat(SNIFF_BYTES - 1));
        assert_eq!(detect(&cut), Format::Text);
    }
}

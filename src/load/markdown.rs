//! Loads Markdown documents: every fenced code block whose content is JSON (whatever its
//! info string: json, javascript, http, none) goes through the JSON loader, with positions
//! mapped back to the document and the nearest heading above it as the policy's name.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::load::json;
use crate::load::lines::LineIndex;
use crate::model::{Policy, Role, RoleKind, Source};

/// Adds the policies of the Markdown `text` to `source`.
pub fn load(text: &str, source: &mut Source) {
    let index = LineIndex::new(text);
    let mut role = Role::new(super::file_name(&source.path), RoleKind::Document);
    role.loc = crate::model::Loc::new(1, 1);
    let mut headings: Vec<(HeadingLevel, String)> = Vec::new();
    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut code: Option<Vec<std::ops::Range<usize>>> = None;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, title)) = heading.take() {
                    headings.retain(|(l, _)| *l < level);
                    headings.push((level, title.trim().to_string()));
                }
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                if let Some((_, title)) = heading.as_mut() {
                    title.push_str(&t);
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => code = Some(Vec::new()),
            Event::Text(_) if code.is_some() => {
                if let Some(parts) = code.as_mut() {
                    parts.push(range);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(parts) = code.take() {
                    let name = headings.last().map(|(_, t)| t.as_str());
                    fenced_block(text, &index, &parts, name, &mut role, source);
                }
            }
            _ => {}
        }
    }
    if !role.policies.is_empty() {
        source.roles.push(role);
    }
}

/// Loads one fenced block, given the source ranges of its content lines.
fn fenced_block(
    text: &str,
    index: &LineIndex,
    parts: &[std::ops::Range<usize>],
    heading: Option<&str>,
    role: &mut Role,
    source: &mut Source,
) {
    let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
        return;
    };
    let contiguous = parts.windows(2).all(|w| w[0].end == w[1].start);
    // Contiguous content is read straight from the document, so every position is exact;
    // content split by container markers (a fence inside a quote) keeps exact lines.
    let joined;
    let content = if contiguous {
        &text[first.start..last.end]
    } else {
        joined = parts.iter().map(|r| &text[r.clone()]).collect::<String>();
        &joined
    };
    if !super::looks_like_json(content) {
        return;
    }
    let origin = index.loc(first.start);
    let found = json::policies_in_text(content, origin, &mut source.diagnostics);
    for f in found {
        let name = f
            .name
            .or_else(|| heading.map(str::to_string))
            .unwrap_or_else(|| format!("policy at line {}", origin.line));
        let kind = f.kind.unwrap_or_else(|| super::kind_of(&f.document));
        role.policies.push(Policy::new(name, kind, f.document));
    }
}

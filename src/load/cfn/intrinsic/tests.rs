use super::*;
use crate::load::yaml;
use crate::model::codes;

/// Evaluates `value` (YAML) in a template with `params` (YAML mapping body), returning
/// each variant as JSON with its note.
fn eval(params: &str, value: &str) -> (Vec<(serde_json::Value, Option<String>)>, Vec<Diagnostic>) {
    let text = format!(
        "Parameters:\n{params}\nMappings:\n  M:\n    a:\n      b: found\nResources:\n  R:\n    Type: AWS::S3::Bucket\nValue: {value}\n"
    );
    let parsed = yaml::parse(&text, Loc::new(1, 1));
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let root = &parsed.documents[0];
    let t = Template::new(root);
    let node = root.get("Value").unwrap();
    let mut diags = Vec::new();
    let out = variants(&t, &Vec::new(), &mut diags, |r| r.resolve(node))
        .into_iter()
        .map(|v| (v.value.map(|n| n.to_json()).unwrap_or_default(), v.note))
        .collect();
    (out, diags)
}

fn one(params: &str, value: &str) -> serde_json::Value {
    let (mut out, _) = eval(params, value);
    assert_eq!(out.len(), 1, "{out:?}");
    out.remove(0).0
}

const P: &str = "  Known:\n    Type: String\n    Default: k\n  Open:\n    Type: String\n  Many:\n    Type: CommaDelimitedList\n    Default: a,b\n  Optional:\n    Type: String\n    Default: ''";

#[test]
fn sub_substitutes_defaults_and_keeps_the_rest() {
    assert_eq!(
        one(
            P,
            "!Sub '${Known}-${Open}-${AWS::Region}-${R.Arn}-${!Literal}'"
        ),
        "k-${Open}-${AWS::Region}-${R.Arn}-${Literal}"
    );
    assert_eq!(
        one(P, "!Sub ['${x}/${Known}', {x: !Ref Open}]"),
        "${Open}/k"
    );
}

#[test]
fn lists_and_maps() {
    assert_eq!(one(P, "!Ref Many"), serde_json::json!(["a", "b"]));
    assert_eq!(one(P, "!Join [':', !Ref Many]"), "a:b");
    assert_eq!(one(P, "!Select [1, !Split [',', 'x,y,z']]"), "y");
    assert_eq!(one(P, "!FindInMap [M, a, b]"), "found");
    assert_eq!(
        one(P, "!FindInMap [M, !Ref AWS::Region, b]"),
        "Fn::FindInMap(\"M\", ${AWS::Region}, \"b\")"
    );
    assert_eq!(one(P, "!Base64 abc"), "YWJj");
    assert_eq!(
        one(P, "[a, !Ref AWS::NoValue, b]"),
        serde_json::json!(["a", "b"])
    );
}

#[test]
fn mistakes_are_reported() {
    let (_, diags) = eval(P, "!Select [5, [a]]");
    assert_eq!(diags[0].code, codes::CFN_INVALID_FUNCTION.code);
    assert!(diags[0].message.contains("index 5 is past the end"));
    let (_, diags) = eval(P, "!Ref Nowhere");
    assert!(diags[0].message.contains("defines neither"));
    let (out, diags) = eval(P, "!Magic x");
    assert_eq!(out[0].0, serde_json::Value::Null);
    assert_eq!(diags[0].code, codes::CFN_MACRO.code);
}

#[test]
fn conditions_split_then_merge() {
    let (out, _) = eval(P, "!If [C, a, b]");
    let shown: Vec<_> = out
        .iter()
        .map(|(v, n)| (v.as_str().unwrap(), n.as_deref().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [
            ("a", "only when condition C is true"),
            ("b", "only when condition C is false")
        ]
    );
    let (out, _) = eval(
        P,
        "[!If [C1, a, b], !If [C2, c, d], !If [C3, e, f], !If [C4, g, h]]",
    );
    assert_eq!(out.len(), 8);
    assert_eq!(out[0].0, serde_json::json!(["a", "c", "e", "g", "h"]));
    assert_eq!(
        out[0].1.as_deref(),
        Some(
            "only when condition C1 is true and C2 is true and C3 is true; both outcomes of condition C4 are shown together"
        )
    );
    let (out, _) = eval(P, "[x, !If [C, y, !Ref AWS::NoValue]]");
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, serde_json::json!(["x", "y"]));
    assert_eq!(
        out[0].1.as_deref(),
        Some("includes values present only when their condition holds: C is true")
    );
}

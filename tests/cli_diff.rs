//! `iamscope diff` as users run it: the exact report for crafted pairs of one vendor role
//! (a widened resource, an added action, a removed ExternalId condition) and no difference
//! for a reformatted, reordered, split copy or the same role written as a Markdown page.

mod common;

fn diff(old: &str, new: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "diff".to_string(),
        format!("tests/fixtures/diff/{old}"),
        format!("tests/fixtures/diff/{new}"),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    common::iamscope(&args)
}

#[test]
fn a_widened_resource_grants_more() {
    let (code, out, err) = diff("base.yaml", "widened.yaml", &[]);
    assert_eq!(
        out,
        "\
VendorIntegrationRole
  + Allow s3:GetObject, s3:ListBucket
      on arn:aws:s3:::vendor-logs/*
  - Allow s3:GetObject, s3:ListBucket
      on arn:aws:s3:::vendor-logs/exports/*

NEW grants more than OLD
"
    );
    assert_eq!((code, err.as_str()), (1, ""));
    // The other way round, the same change narrows: NEW's grant is inside OLD's.
    let (code, out, _) = diff("widened.yaml", "base.yaml", &[]);
    assert_eq!(
        out,
        "\
VendorIntegrationRole
  + Allow s3:GetObject, s3:ListBucket
      on arn:aws:s3:::vendor-logs/exports/*
      (within what OLD granted: narrower)
  - Allow s3:GetObject, s3:ListBucket
      on arn:aws:s3:::vendor-logs/*

NEW grants nothing beyond OLD
"
    );
    assert_eq!(code, 0);
}

#[test]
fn an_added_action_shows_with_its_resource_and_level() {
    let (code, out, _) = diff("base.yaml", "added-action.yaml", &[]);
    assert_eq!(
        out,
        "\
VendorIntegrationRole
  + Allow s3:PutObject
      on arn:aws:s3:::vendor-logs/exports/*
  access levels (OLD → NEW):
    s3: Write None → 1 of 57

NEW grants more than OLD
"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_removed_external_id_is_a_trust_change() {
    let (code, out, _) = diff("base.yaml", "no-external-id.yaml", &[]);
    assert_eq!(
        out,
        "\
VendorIntegrationRole
  trust: ! AWS=arn:aws:iam::464622532012:root no longer has to give an external ID
  finding + warning cross-account-trust-without-external-id: arn:aws:iam::464622532012:root may assume this role with no condition requiring an sts:ExternalId

NEW grants more than OLD
"
    );
    assert_eq!(code, 1);
    let (code, out, _) = diff("base.yaml", "no-external-id.yaml", &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["holders"][0]["trust"],
        serde_json::json!([{"change": "external-id-removed", "principal": "AWS=arn:aws:iam::464622532012:root"}])
    );
    assert_eq!((code, &json["grants_more"]), (1, &serde_json::json!(true)));
}

/// Reordered statements and keys, a Sid renamed, a statement split in two, letter case
/// and JSON instead of YAML; and the same role as a Markdown page: no difference.
#[test]
fn reformatting_and_other_shapes_make_no_difference() {
    for copy in ["reformatted.json", "page.md"] {
        let (code, out, err) = diff("base.yaml", copy, &[]);
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (0, "no difference in what they grant\n", ""),
            "{copy}"
        );
        let (code, out, _) = diff(copy, "base.yaml", &["--role", "VendorIntegrationRole"]);
        assert_eq!(
            (code, out.as_str()),
            (0, "no difference in what they grant\n")
        );
    }
}

#[test]
fn an_unknown_role_is_bad_usage() {
    let (code, out, err) = diff("base.yaml", "widened.yaml", &["--role", "Nobody"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert_eq!(err, "iamscope: no role named `Nobody` in either version\n");
}

/// A bare policy document is compared with the one role of the other version (or the role
/// --role names): the same grants, and the trust policy the document does not have.
#[test]
fn a_policy_document_against_a_template_role() {
    for extra in [&[][..], &["--role", "VendorIntegrationRole"][..]] {
        let (code, out, _) = diff("base.yaml", "identity-only.json", extra);
        assert_eq!(
            out,
            "\
identity-only.json (in OLD: VendorIntegrationRole)
  trust: - AWS=arn:aws:iam::464622532012:root may no longer assume it

NEW grants nothing beyond OLD
"
        );
        assert_eq!(code, 0);
    }
}

//! Inputs written the way vendors really write them (tests/fixtures/shapes, one fixture per
//! shape): the exact `tree` and `check` output of each, through the binary, as snapshots.

use std::process::Command;

/// `iamscope ARGS...` run from the crate root without colour: its standard output.
fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iamscope"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run iamscope");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The tree and the findings of one fixture, as a reviewer reads them.
fn tree_and_check(name: &str) -> String {
    let path = format!("tests/fixtures/shapes/{name}");
    format!(
        "$ iamscope tree {path}\n{}\n$ iamscope check {path}\n{}",
        run(&["tree", &path]),
        run(&["check", "--fail-on", "never", &path])
    )
}

macro_rules! shape {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(tree_and_check($file));
        }
    };
}

shape!(
    truncated_json_marks_its_policy_partial,
    "truncated-policy.json"
);
shape!(macro_marks_its_policy_partial, "macro-partial.yaml");
shape!(
    for_loop_variables_are_not_offered_to_var,
    "for-expression.tf"
);

#[test]
fn matrix_and_why_say_a_policy_may_grant_more() {
    let path = "tests/fixtures/shapes/truncated-policy.json";
    let matrix = run(&["matrix", path]);
    assert!(
        matrix.contains("  partial: truncated-policy: this policy may grant more: lines 15-24 could not be read\n"),
        "{matrix}"
    );
    let why = run(&["why", path, "--action", "iam:PassRole"]);
    assert!(
        why.contains("  truncated-policy.json › truncated-policy: this policy may grant more: lines 15-24 could not be read\n"),
        "{why}"
    );
}

shape!(markdown_escapes_and_comments_are_text, "escaped-actions.md");
shape!(
    html_comments_inside_words_are_removed,
    "escaped-actions.html"
);
shape!(
    terraform_indexed_and_each_references_are_followed,
    "indexed-module.tf"
);
shape!(
    dump_of_unattached_policies_is_shown_and_checked,
    "unattached-dump.json"
);
shape!(
    cloudformation_split_join_select_attach_the_template_policies,
    "managed-split-join.yaml"
);
shape!(
    page_bullets_attach_managed_policies_to_the_named_role,
    "managed-bullets.md"
);

#[test]
fn role_is_found_by_its_name_or_its_heading() {
    let path = "tests/fixtures/shapes/managed-bullets.md";
    for role in ["AcmeScan", "Management Account Role"] {
        let matrix = run(&["matrix", path, "--role", role]);
        assert!(matrix.starts_with("AcmeScan (role)\n"), "{role}: {matrix}");
    }
}
shape!(
    dump_in_a_markdown_fence_is_read_as_a_dump,
    "dump-in-page.md"
);
shape!(
    dump_in_a_rest_output_block_is_read_as_a_dump,
    "dump-in-page.rst"
);
shape!(template_directives_are_markup, "policy-template.json.tftpl");
shape!(a_bullet_is_a_note_only_for_what_it_names, "bullet-notes.md");

#[test]
fn why_does_not_offer_var_for_a_loop_variable() {
    let out = run(&[
        "why",
        "tests/fixtures/shapes/for-expression.tf",
        "--role",
        "acme-reader",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::exports/2024/report.csv",
    ]);
    let notes: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("unfilled placeholder"))
        .collect();
    assert_eq!(
        notes,
        [
            "  the decision depends on the unfilled placeholder `${b}` (statement 1 of identity policy \"read\"); it is the loop variable of `for b in var.buckets`, one value per item, known when Terraform runs"
        ]
    );
}

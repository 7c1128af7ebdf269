//! The sample policies bundled into the binary, so `iamscope` with no path opens them from
//! any directory.

/// Every file of `sample-policies/`, by the path it is shown under.
pub const SAMPLES: [(&str, &str); 9] = [
    (
        "sample-policies/dstack.md",
        include_str!("../../sample-policies/dstack.md"),
    ),
    (
        "sample-policies/epsio.md",
        include_str!("../../sample-policies/epsio.md"),
    ),
    (
        "sample-policies/identity-with-conditions.json",
        include_str!("../../sample-policies/identity-with-conditions.json"),
    ),
    (
        "sample-policies/ownstak.txt",
        include_str!("../../sample-policies/ownstak.txt"),
    ),
    (
        "sample-policies/s3-bucket-policy.json",
        include_str!("../../sample-policies/s3-bucket-policy.json"),
    ),
    (
        "sample-policies/scp-region-guardrails.json",
        include_str!("../../sample-policies/scp-region-guardrails.json"),
    ),
    (
        "sample-policies/stackstate.md",
        include_str!("../../sample-policies/stackstate.md"),
    ),
    (
        "sample-policies/trust-external-id.json",
        include_str!("../../sample-policies/trust-external-id.json"),
    ),
    (
        "sample-policies/upsolver.md",
        include_str!("../../sample-policies/upsolver.md"),
    ),
];

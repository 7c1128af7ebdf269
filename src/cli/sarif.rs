//! SARIF 2.1.0 output for `iamscope check`, in the shape GitHub code scanning accepts: one
//! rule per finding code with its help text, one result per finding with a physical
//! location.

use serde_json::{Value, json};
use smol_str::SmolStr;

use crate::analyze::{CODES, Category, Finding};
use crate::model::Severity;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/iamscope/iamscope";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's security severity for code scanning alerts of each category.
fn security_severity(category: Category, severity: Severity) -> Option<&'static str> {
    match (category, severity) {
        (Category::PrivilegeEscalation, _) => Some("8.0"),
        (
            Category::CredentialsExposure | Category::ResourceExposure | Category::DataExfiltration,
            _,
        ) => Some("7.0"),
        (Category::Security, Severity::Warning) => Some("5.0"),
        _ => None,
    }
}

/// `CamelCase` of a kebab-case code, the rule's readable name.
fn rule_name(code: &str) -> String {
    code.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative URI for a path as the user gave it.
fn uri(path: &str) -> String {
    let path = if path == "-" { "stdin" } else { path };
    let mut out = String::new();
    for b in path.trim_start_matches("./").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            b'\\' => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// The whole SARIF log for these findings.
pub fn log(findings: &[Finding]) -> Value {
    let rules: Vec<Value> = CODES
        .iter()
        .map(|c| {
            let mut properties = json!({ "tags": [c.category.as_str()] });
            if let Some(s) = security_severity(c.category, c.severity) {
                properties["security-severity"] = json!(s);
            }
            json!({
                "id": c.code,
                "name": rule_name(c.code),
                "shortDescription": { "text": c.summary },
                "fullDescription": { "text": c.help },
                "help": { "text": c.help, "markdown": c.help },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": properties,
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let index = CODES.iter().position(|c| c.code == f.code);
            let mut region = json!({ "startLine": f.line.max(1) });
            if f.column > 0 {
                region["startColumn"] = json!(f.column);
            }
            let mut result = json!({
                "ruleId": f.code,
                "level": level(f.severity),
                "message": { "text": crate::text::escape(&f.message) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path) },
                        "region": region,
                    },
                    "logicalLocations": logical(f),
                }],
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            result
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "iamscope",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The role, policy and statement a finding is in, as SARIF logical locations.
fn logical(f: &Finding) -> Vec<Value> {
    let mut name = Vec::new();
    if let Some(r) = &f.role {
        name.push(r.to_string());
    }
    if let Some(p) = &f.policy {
        name.push(p.to_string());
    }
    if let Some(i) = f.statement {
        name.push(
            f.sid
                .as_ref()
                .map_or_else(|| format!("statement {i}"), SmolStr::to_string),
        );
    }
    if name.is_empty() {
        return Vec::new();
    }
    vec![json!({
        "fullyQualifiedName": crate::text::escape(&name.join("/")),
        "kind": "object",
    })]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(
            rule_name("cross-account-trust-without-external-id"),
            "CrossAccountTrustWithoutExternalId"
        );
        assert_eq!(uri("./vendor docs/a+b.md"), "vendor%20docs/a%2Bb.md");
        assert_eq!(uri("-"), "stdin");
    }
}

//! Fills managed-policy references in a loaded source with the catalog's documents, and
//! reports references it had to read generously or could not resolve.

use super::managed::{self, ManagedLookup, Tolerance};
use crate::model::codes;
use crate::model::{Diagnostic, Source};
use crate::text::escape;

/// For every policy that references a managed policy and has no document yet: takes the
/// document from the catalog (shared, not copied) and marks the reference resolved. A
/// reference read generously gets a warning naming the exact one, an unknown AWS managed
/// policy an error, a customer managed policy (whose document only the input can hold) an
/// info.
pub fn resolve_managed(source: &mut Source) {
    let mut diagnostics = Vec::new();
    for policy in source.roles.iter_mut().flat_map(|r| &mut r.policies) {
        let Some(reference) = policy.managed.as_mut() else {
            continue;
        };
        if policy.document.is_some() {
            continue;
        }
        let written = if reference.arn.trim().is_empty() {
            reference.name.clone()
        } else {
            reference.arn.clone()
        };
        let shown = escape(&written);
        match managed::lookup(&written) {
            ManagedLookup::Found(found) => {
                let p = found.policy;
                let arn = p.arn();
                for tolerance in found.tolerated {
                    let (code, why) = match tolerance {
                        Tolerance::Whitespace => (
                            codes::MANAGED_POLICY_WHITESPACE,
                            "holds white space no ARN or name can",
                        ),
                        Tolerance::Case => {
                            (codes::MANAGED_POLICY_CASE, "is spelled in another case")
                        }
                        Tolerance::Path => (codes::MANAGED_POLICY_PATH, "has the wrong path"),
                    };
                    diagnostics.push(Diagnostic::new(
                        code,
                        policy.loc,
                        format!("managed policy `{shown}` {why}; read as `{arn}`"),
                    ));
                }
                reference.name = smol_str::SmolStr::new_static(p.name);
                reference.arn = arn;
                reference.resolved = true;
                policy.document = Some(p.document());
            }
            ManagedLookup::Unknown => diagnostics.push(Diagnostic::new(
                codes::UNKNOWN_MANAGED_POLICY,
                policy.loc,
                format!("no AWS managed policy is named `{shown}`"),
            )),
            ManagedLookup::Customer => diagnostics.push(Diagnostic::new(
                codes::CUSTOMER_MANAGED_POLICY,
                policy.loc,
                format!(
                    "`{shown}` is a customer managed policy; its document is not in this input"
                ),
            )),
        }
    }
    source.diagnostics.extend(diagnostics);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Loc, ManagedRef, Policy, PolicyKind, Role, RoleKind, Severity};

    fn reference(name: &str, arn: &str, line: u32) -> Policy {
        Policy {
            name: name.into(),
            kind: PolicyKind::Identity,
            managed: Some(ManagedRef {
                name: name.into(),
                arn: arn.into(),
                resolved: false,
            }),
            document: None,
            loc: Loc::new(line, 3),
            ..Policy::default()
        }
    }

    fn source(policies: Vec<Policy>) -> Source {
        let mut role = Role::new("UpsolverRole", RoleKind::Role);
        role.policies = policies;
        let mut source = Source::new("upsolver.md", crate::model::Format::Markdown);
        source.roles.push(role);
        source
    }

    #[test]
    fn references_resolve_to_shared_documents() {
        let mut s = source(vec![
            reference("AmazonAthenaFullAccess", "", 4),
            reference("AWSCloudFormationReadOnlyAccess", "", 5),
            reference(
                "AWSLambdaBasicExecutionRole",
                "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
                6,
            ),
            reference("AmazonAthenaFullAccess", "", 7),
        ]);
        resolve_managed(&mut s);
        assert_eq!(s.diagnostics, vec![]);
        let policies = &s.roles[0].policies;
        for p in policies {
            let m = p.managed.as_ref().unwrap();
            assert!(m.resolved, "{}", m.name);
            assert!(!p.statements().is_empty(), "{}", m.name);
        }
        assert_eq!(
            policies[2].managed.as_ref().unwrap().arn,
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        );
        let (a, b) = (&policies[0].document, &policies[3].document);
        assert!(std::sync::Arc::ptr_eq(
            a.as_ref().unwrap(),
            b.as_ref().unwrap()
        ));
    }

    #[test]
    fn whitespace_is_forgiven_with_a_warning() {
        let mut s = source(vec![reference(
            "AmazonAthenaFullAccess",
            "arn:aws:iam::aws:policy/ AmazonAthenaFullAccess",
            9,
        )]);
        resolve_managed(&mut s);
        let m = s.roles[0].policies[0].managed.as_ref().unwrap();
        assert!(m.resolved);
        assert_eq!(m.arn, "arn:aws:iam::aws:policy/AmazonAthenaFullAccess");
        assert_eq!(
            s.diagnostics,
            [Diagnostic::new(
                codes::MANAGED_POLICY_WHITESPACE,
                Loc::new(9, 3),
                "managed policy `arn:aws:iam::aws:policy/ AmazonAthenaFullAccess` holds white \
                 space no ARN or name can; read as `arn:aws:iam::aws:policy/AmazonAthenaFullAccess`"
            )]
        );
    }

    #[test]
    fn unknown_and_customer_references_stay_unresolved() {
        let mut s = source(vec![
            reference("AmazonAthenaFulAccess", "", 2),
            reference("Mine", "arn:aws:iam::111122223333:policy/Mine", 3),
        ]);
        resolve_managed(&mut s);
        let severities: Vec<_> = s.diagnostics.iter().map(|d| (d.severity, d.code)).collect();
        assert_eq!(
            severities,
            [
                (Severity::Error, codes::UNKNOWN_MANAGED_POLICY.code),
                (Severity::Info, codes::CUSTOMER_MANAGED_POLICY.code)
            ]
        );
        assert!(
            s.roles[0]
                .policies
                .iter()
                .all(|p| p.document.is_none() && !p.managed.as_ref().unwrap().resolved)
        );
    }
}

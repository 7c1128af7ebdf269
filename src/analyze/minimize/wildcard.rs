//! Action wildcards in the output. A list of actions may be written as a pattern only when
//! the pattern covers, in the built-in catalog, exactly actions of the list and no other
//! (`s3:Get*` only when every `s3:Get*` action is in the list); `--no-wildcards` writes
//! every pattern as the catalog actions it covers.

use std::collections::HashSet;

use crate::catalog::Catalog;
use crate::model::glob::has_wildcard;

/// `patterns` (normal: deduplicated, none covering another) with runs of catalog actions
/// replaced by the shortest `service:Prefix*` patterns that cover exactly actions of the list,
/// at least two each; `service:*` when the list holds every action of the service.
pub fn compress(patterns: Vec<String>) -> Vec<String> {
    let catalog = Catalog::get();
    let listed: HashSet<String> = patterns.iter().map(|p| p.to_ascii_lowercase()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut replaced: HashSet<String> = HashSet::new();
    for p in &patterns {
        if replaced.contains(&p.to_ascii_lowercase()) {
            continue;
        }
        let Some(action) = (!has_wildcard(p)).then(|| catalog.action(p)).flatten() else {
            out.push(p.clone());
            continue;
        };
        let chosen = candidates(action.name).find_map(|prefix| {
            let pattern = format!("{}:{prefix}*", action.service);
            let covered = catalog.expand(&pattern).ok()?;
            let exact = covered.len() >= 2
                && covered
                    .iter()
                    .all(|a| listed.contains(&a.full_name().to_ascii_lowercase()));
            exact.then_some((pattern, covered))
        });
        match chosen {
            Some((pattern, covered)) => {
                replaced.extend(covered.iter().map(|a| a.full_name().to_ascii_lowercase()));
                out.push(pattern);
            }
            None => out.push(p.clone()),
        }
    }
    super::form::normal_actions(out)
}

/// The prefixes of an action name worth trying as `Prefix*`, shortest first: the empty one
/// (`service:*`), then each run of words (`Get`, `GetBucket`, `GetBucketPolicy`...).
fn candidates(name: &str) -> impl Iterator<Item = &str> {
    let bounds = name
        .char_indices()
        .skip(1)
        .filter(|(_, c)| c.is_ascii_uppercase())
        .map(|(i, _)| i);
    std::iter::once(0).chain(bounds).map(move |i| &name[..i])
}

/// `patterns` with every wildcard written as the catalog actions it covers. A pattern that
/// covers none (or that the catalog cannot expand, such as one holding a placeholder) is
/// kept as written and returned in the second list.
pub fn expand(patterns: &[String]) -> (Vec<String>, Vec<String>) {
    let catalog = Catalog::get();
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for p in patterns {
        if !has_wildcard(p) {
            out.push(p.clone());
            continue;
        }
        match catalog.expand(p) {
            Ok(actions) if !actions.is_empty() && !p.contains("${") => {
                out.extend(actions.iter().map(|a| a.full_name()));
            }
            _ => {
                out.push(p.clone());
                kept.push(p.clone());
            }
        }
    }
    (super::form::normal_actions(out), kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_pattern_replaces_a_list_only_when_it_covers_exactly_the_list() {
        let kms_create = Catalog::get().expand("kms:Create*").unwrap();
        let mut list: Vec<String> = kms_create.iter().map(|a| a.full_name()).collect();
        list.push("kms:DescribeKey".into());
        assert_eq!(compress(list), strings(&["kms:Create*", "kms:DescribeKey"]));
        // One CreateX missing: no pattern covers exactly.
        let partial: Vec<String> = kms_create[1..].iter().map(|a| a.full_name()).collect();
        assert_eq!(compress(partial.clone()), partial);
    }

    #[test]
    fn expanding_writes_each_action_and_keeps_what_the_catalog_does_not_know() {
        let (out, kept) = expand(&strings(&["kms:Create*", "nosuch:Get*", "s3:GetObject"]));
        assert_eq!(
            out,
            strings(&[
                "kms:CreateAlias",
                "kms:CreateCustomKeyStore",
                "kms:CreateGrant",
                "kms:CreateKey",
                "nosuch:Get*",
                "s3:GetObject",
            ])
        );
        assert_eq!(kept, strings(&["nosuch:Get*"]));
    }
}

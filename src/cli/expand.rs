//! `iamscope expand`: the actions that action patterns cover, from the embedded catalog.

use std::process::ExitCode;

use super::output::{emit, emit_json};
use serde_json::{Value, json};

use super::EXIT_USAGE;
use super::args::{ExpandArgs, OutputFormat};
use crate::catalog::service::cmp_ignore_case;
use crate::catalog::{Action, ActionPattern, Catalog};
use crate::text::escape;

/// Exit code when a valid pattern matches no action.
pub const EXIT_NO_MATCH: u8 = 1;

pub fn run(args: &ExpandArgs) -> ExitCode {
    let catalog = Catalog::get();
    let mut actions: Vec<&Action> = Vec::new();
    let mut code = 0;
    for pattern in &args.patterns {
        let shown = escape(pattern);
        match catalog.expand(pattern) {
            Err(e) => {
                eprintln!("iamscope: `{shown}` is not a valid action: {e}");
                code = EXIT_USAGE;
            }
            Ok(found) if found.is_empty() => {
                let why = match ActionPattern::parse(pattern) {
                    Ok(ActionPattern {
                        service: Some(prefix),
                        ..
                    }) if catalog.service(prefix).is_none() => {
                        format!(" (no service has the prefix `{}`)", escape(prefix))
                    }
                    _ => String::new(),
                };
                eprintln!("iamscope: `{shown}` matches no action{why}");
                code = code.max(EXIT_NO_MATCH);
            }
            Ok(found) => actions.extend(found),
        }
    }
    actions.sort_by(|a, b| {
        cmp_ignore_case(a.service, b.service).then(cmp_ignore_case(a.name, b.name))
    });
    actions.dedup_by(|a, b| std::ptr::eq(*a, *b));
    match args.format {
        OutputFormat::Json => emit_json(&Value::Array(
            actions.iter().map(|a| action_json(a)).collect(),
        )),
        OutputFormat::Text => emit(&text(&actions)),
    }
    ExitCode::from(code)
}

/// One action as `{"action","service","access_level","resource_types"}`.
pub fn action_json(action: &Action) -> Value {
    json!({
        "action": action.full_name(),
        "service": action.service,
        "access_level": action.access_level.as_str(),
        "resource_types": action.resource_types.iter().map(|r| json!({
            "name": r.name, "arn": r.arn, "required": r.required,
        })).collect::<Vec<_>>(),
    })
}

/// One action per line, its access level in a column.
fn text(actions: &[&Action]) -> String {
    let names: Vec<String> = actions.iter().map(|a| a.full_name()).collect();
    let width = names.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (name, action) in names.iter().zip(actions) {
        out.push_str(&format!("{name:<width$}  {}\n", action.access_level));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_lists_actions_with_levels_in_a_column() {
        let catalog = Catalog::get();
        let actions = catalog.expand("kms:Create*").unwrap();
        assert_eq!(
            text(&actions),
            "kms:CreateAlias           Write\n\
             kms:CreateCustomKeyStore  Write\n\
             kms:CreateGrant           Permissions management\n\
             kms:CreateKey             Write\n"
        );
    }

    #[test]
    fn json_names_service_level_and_resource_types() {
        let action = Catalog::get().action("kms:CreateGrant").unwrap();
        assert_eq!(
            action_json(action),
            json!({
                "action": "kms:CreateGrant",
                "service": "kms",
                "access_level": "Permissions management",
                "resource_types": [{
                    "name": "key",
                    "arn": "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
                    "required": true,
                }],
            })
        );
    }
}

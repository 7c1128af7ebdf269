//! What a statement does, in a few words, for a statement without a Sid: its first
//! actions and the resource they apply on, such as `s3:GetObject, s3:PutObject on
//! upsolver-*/*` (an S3 ARN shown by its bucket and key, any other by its resource part).
//! The viewer shows it after the Effect and shortens it to the width.

use super::Statement;

/// How many actions are named before `+n`.
const ACTIONS_NAMED: usize = 2;

/// `s3:GetObject, s3:PutObject +3 on upsolver-*/*`; `NotAction` and `NotResource` say
/// `all but`; a statement with no action says so.
pub fn statement_does(s: &Statement) -> String {
    let mut out = match s.actions() {
        Some((values, not)) => {
            let named: Vec<&str> = values.iter().take(ACTIONS_NAMED).collect();
            let more = values.items.len().saturating_sub(ACTIONS_NAMED);
            let mut text = named.join(", ");
            if more > 0 {
                text.push_str(&format!(" +{more}"));
            }
            if not { format!("all but {text}") } else { text }
        }
        None => "no Action".to_string(),
    };
    if let Some((values, not)) = s.resources() {
        let first: Vec<String> = values.iter().take(1).map(short_resource).collect();
        let more = values.items.len().saturating_sub(1);
        out.push_str(if not { " on all but " } else { " on " });
        out.push_str(&first.join(""));
        if more > 0 {
            out.push_str(&format!(" +{more}"));
        }
    }
    out
}

/// An ARN without what every ARN of its kind repeats: `arn:aws:s3:::b/*` is `b/*`,
/// `arn:aws:iam::1:role/x` is `role/x`; anything else as written.
fn short_resource(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, _, _, _, rest] if !rest.is_empty() => (*rest).to_string(),
        _ => arn.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assemble::{Options, load_text};

    fn does(statement: &str) -> String {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statement}]}}"#);
        let source = load_text("p.json", &text, &Options::default());
        statement_does(&source.roles[0].policies[0].statements()[0])
    }

    #[test]
    fn names_the_first_actions_and_the_resource() {
        assert_eq!(
            does(
                r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::upsolver-*/*"}"#
            ),
            "s3:GetObject, s3:PutObject on upsolver-*/*"
        );
        assert_eq!(
            does(
                r#"{"Effect": "Allow", "Action": ["a:A", "a:B", "a:C"], "Resource": ["arn:aws:iam::1:role/x", "*"]}"#
            ),
            "a:A, a:B +1 on role/x +1"
        );
        assert_eq!(
            does(r#"{"Effect": "Deny", "NotAction": "iam:*", "NotResource": "*"}"#),
            "all but iam:* on all but *"
        );
    }
}

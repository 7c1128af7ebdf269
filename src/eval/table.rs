//! `why` for an action pattern (`s3:Get*`, `s3:*`): one decision per action the pattern
//! covers, with the statements that decided each, as the Policy Simulator lists them.

use serde::Serialize;

use super::context::Request;
use super::decide::{PolicySet, explain};
use super::trace::{Deciding, Decision, RequestTrace};

/// The answer for every action a pattern covers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionTable {
    /// The pattern as asked.
    pub pattern: String,
    /// The request shared by every row (its `action` is the pattern).
    pub request: RequestTrace,
    pub summary: Summary,
    pub actions: Vec<ActionRow>,
    /// Notes that hold for every row (assumptions about the inputs).
    pub notes: Vec<String>,
}

/// How many actions got each decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Summary {
    pub allowed: usize,
    pub implicit_deny: usize,
    pub explicit_deny: usize,
}

/// One action: its decision, why in one sentence, and the statements that decided it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActionRow {
    pub action: String,
    pub decision: Decision,
    pub reason: String,
    pub deciding: Vec<Deciding>,
}

/// Judges `request` once per action of `actions` (catalog names), keeping every other part
/// of the request.
pub fn explain_each(
    set: &PolicySet,
    request: &Request,
    pattern: &str,
    actions: &[String],
) -> ActionTable {
    let mut request = request.clone();
    let mut summary = Summary::default();
    let mut notes = Vec::new();
    let rows = actions
        .iter()
        .map(|action| {
            request.set_action(action);
            let e = explain(set, &request);
            match e.decision {
                Decision::Allowed => summary.allowed += 1,
                Decision::ImplicitDeny => summary.implicit_deny += 1,
                Decision::ExplicitDeny => summary.explicit_deny += 1,
            }
            for note in e.notes {
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            ActionRow {
                action: action.to_string(),
                decision: e.decision,
                reason: e.reason,
                deciding: e.deciding,
            }
        })
        .collect();
    let mut shared = explain(set, &request).request;
    shared.action = pattern.to_string();
    ActionTable {
        pattern: pattern.to_string(),
        request: shared,
        summary,
        actions: rows,
        notes,
    }
}

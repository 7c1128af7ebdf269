//! Many decisions in one run (`why --scenarios`): a JSON Lines file of scenarios, one per
//! line in the shape of [`super::scenario`] plus an optional `"id"` (a name for the line)
//! and `"expect"` (the decision it must get, which makes the run a test). Each line is read,
//! its policies compiled once, and its request judged; lines are judged on several threads
//! and the outcomes handed on in input order. A line that cannot be read is an outcome of
//! its own, with its line and column: the other lines still run.

use serde::Serialize;

use super::action::action_pattern_problem;
use super::batch_cache::{self, PolicyCache};
use super::decide::{Judgement, judge};
use super::explain;
use super::rules::Rule;
use super::scenario::{self, Scenario, ScenarioError};
use super::trace::{Deciding, Decision, DeniedBy, Explanation};
use crate::load::node::{Node, Value};
use crate::model::glob::has_wildcard;
use crate::model::{Diagnostic, Loc};

/// The keys a scenario line may hold besides the scenario's own.
pub const LINE_KEYS: [&str; 2] = ["id", "expect"];

/// The longest line read, in bytes: a scenario holds a few policies, each at most a few KB.
pub const MAX_LINE_BYTES: usize = 4 << 20;

/// The decision a line must get: one of the three, or `Denied` for either deny.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Expect {
    Allowed,
    ImplicitDeny,
    ExplicitDeny,
    /// Implicitly or explicitly denied: what "must never" means.
    Denied,
}

impl Expect {
    const ALL: [Expect; 4] = [
        Expect::Allowed,
        Expect::ImplicitDeny,
        Expect::ExplicitDeny,
        Expect::Denied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Expect::Allowed => "Allowed",
            Expect::ImplicitDeny => "ImplicitDeny",
            Expect::ExplicitDeny => "ExplicitDeny",
            Expect::Denied => "Denied",
        }
    }

    /// Whether `decision` is what was expected.
    pub fn holds(self, decision: Decision) -> bool {
        match self {
            Expect::Denied => decision != Decision::Allowed,
            _ => self.as_str() == decision.as_str(),
        }
    }
}

/// One line read: its scenario and what the line says about it.
#[derive(Debug)]
pub struct Case {
    pub id: Option<String>,
    pub expect: Option<Expect>,
    pub scenario: Scenario,
}

/// How a line turned out.
#[derive(Debug, Serialize)]
pub struct Outcome {
    /// 1-based line number in the input.
    pub line: u32,
    pub id: Option<String>,
    #[serde(flatten)]
    pub result: Judged,
}

/// A line's decision, or why it could not be judged.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Judged {
    Decided(Box<Decided>),
    Unread { error: LineError },
}

/// What a line decided, with the statements that decided it.
#[derive(Debug, Serialize)]
pub struct Decided {
    pub decision: Decision,
    pub deciding: Vec<Deciding>,
    pub denied_by: Option<DeniedBy>,
    pub rule: Option<Rule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Expect>,
    /// Whether the decision is the one expected; only with `expect`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass: Option<bool>,
    /// What the policy reader noticed in the line's policies.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<LineError>,
    /// The whole `why` answer, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// A problem at a place in the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineError {
    pub line: u32,
    /// Where in the line, when the problem is at a place (a JSON error is; an unknown
    /// action is about the whole request).
    pub column: Option<u32>,
    pub message: String,
}

impl From<ScenarioError> for LineError {
    fn from(e: ScenarioError) -> Self {
        LineError {
            line: e.loc.line,
            column: (e.loc.column > 0).then_some(e.loc.column),
            message: e.message,
        }
    }
}

impl From<&Diagnostic> for LineError {
    fn from(d: &Diagnostic) -> Self {
        LineError {
            line: d.loc.line,
            column: (d.loc.column > 0).then_some(d.loc.column),
            message: d.message.clone(),
        }
    }
}

/// How to judge the lines.
pub struct Options<'a> {
    /// Keep the whole `why` answer of each line.
    pub explain: bool,
    /// What is wrong with an action name that is no pattern, if anything (an unknown
    /// action must not answer ImplicitDeny): the catalog check of the caller's choosing.
    pub action_problem: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Threads to judge on.
    pub jobs: usize,
}

/// Counts of a run, for its summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub scenarios: usize,
    /// Lines that could not be read or judged.
    pub errors: usize,
    /// Lines with `expect` whose decision was the one expected, and those whose was not.
    pub passed: usize,
    pub failed: usize,
}

impl Summary {
    pub fn add(&mut self, outcome: &Outcome) {
        self.scenarios += 1;
        match &outcome.result {
            Judged::Unread { .. } => self.errors += 1,
            Judged::Decided(d) => match d.pass {
                Some(true) => self.passed += 1,
                Some(false) => self.failed += 1,
                None => {}
            },
        }
    }
}

/// Judges every scenario line of `text` and hands each outcome to `consume`, in line
/// order. Blank lines are skipped.
pub fn run(text: &str, options: &Options, consume: impl FnMut(Outcome)) {
    let lines: Vec<(u32, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (u32::try_from(i + 1).unwrap_or(u32::MAX), l))
        .collect();
    let cache = PolicyCache::default();
    crate::pool::ordered(
        &lines,
        options.jobs,
        |&(number, line)| judge_line(number, line, options, Some(&cache)),
        consume,
    );
}

/// Reads and judges one line, with the policies compiled for earlier lines when given a
/// cache (the answer is the same without; only slower).
pub fn judge_line(
    number: u32,
    text: &str,
    options: &Options,
    cache: Option<&PolicyCache>,
) -> Outcome {
    let cached = cache
        .filter(|_| text.len() <= MAX_LINE_BYTES)
        .and_then(|cache| batch_cache::read(number, text, cache));
    let read = cached.map_or_else(|| read_line(number, text), Ok);
    let (id, result) = match read {
        Ok(case) => (case.id.clone(), decide_case(number, case, options, cache)),
        Err((id, e)) => (id, Err(e)),
    };
    Outcome {
        line: number,
        id,
        result: match result {
            Ok(decided) => Judged::Decided(Box::new(decided)),
            Err(e) => Judged::Unread { error: e.into() },
        },
    }
}

fn decide_case(
    number: u32,
    case: Case,
    options: &Options,
    cache: Option<&PolicyCache>,
) -> Result<Decided, ScenarioError> {
    let Case {
        expect, scenario, ..
    } = case;
    let request = &scenario.request;
    let action = request.action();
    // About the whole request: no column.
    let at = Loc::new(number, 0);
    if let Some(problem) = action_pattern_problem(action) {
        return Err(ScenarioError {
            loc: at,
            message: format!("\"action\" `{action}`: {problem}"),
        });
    }
    if has_wildcard(action) {
        return Err(ScenarioError {
            loc: at,
            message: format!(
                "\"action\" `{action}` is a pattern; a scenario line asks about one action (`why --action` answers a pattern action by action)"
            ),
        });
    }
    let problem = match cache {
        Some(cache) => cache.action_problem(action, options.action_problem),
        None => (options.action_problem)(action),
    };
    if let Some(problem) = problem {
        return Err(ScenarioError {
            loc: at,
            message: format!("\"action\": {problem}"),
        });
    }
    let (judgement, explanation) = if options.explain {
        let mut e = explain(&scenario.set, request);
        e.notes.extend(scenario.notes.iter().cloned());
        let j = Judgement {
            decision: e.decision,
            deciding: e.deciding.clone(),
            denied_by: e.denied_by.clone(),
            rule: e.rule,
        };
        (j, Some(e))
    } else {
        (judge(&scenario.set, request), None)
    };
    Ok(Decided {
        decision: judgement.decision,
        deciding: judgement.deciding,
        denied_by: judgement.denied_by,
        rule: judgement.rule,
        expect,
        pass: expect.map(|e| e.holds(judgement.decision)),
        warnings: scenario.warnings.iter().map(LineError::from).collect(),
        explanation,
    })
}

/// Reads one line: its scenario, `id` and `expect`. On error, the `id` when it could be
/// read, so the report can name the line.
pub fn read_line(number: u32, text: &str) -> Result<Case, (Option<String>, ScenarioError)> {
    if text.len() > MAX_LINE_BYTES {
        return Err((
            None,
            ScenarioError {
                loc: Loc::new(number, 1),
                message: format!(
                    "the line is {} bytes long; a scenario line may hold at most {MAX_LINE_BYTES}",
                    text.len()
                ),
            },
        ));
    }
    let root = scenario::read_json(
        text,
        Loc::new(number, 1),
        "the line is empty",
        "a scenario line holds one JSON object",
    )
    .map_err(|e| (None, e))?;
    let id = line_id(root.get("id")).map_err(|e| (None, e))?;
    let expect = line_expect(root.get("expect")).map_err(|e| (id.clone(), e))?;
    let scenario = scenario::from_node(&root, &LINE_KEYS).map_err(|e| (id.clone(), e))?;
    Ok(Case {
        id,
        expect,
        scenario,
    })
}

/// The `"id"` of a line: a string or a number, if any.
pub fn line_id(node: Option<&Node>) -> Result<Option<String>, ScenarioError> {
    match node.map(|n| (&n.value, n.loc)) {
        None | Some((Value::Null, _)) => Ok(None),
        Some((Value::String(s), _)) => Ok(Some(s.clone())),
        Some((Value::Number(n), _)) => Ok(Some(n.clone())),
        Some((_, loc)) => Err(ScenarioError {
            loc,
            message: "\"id\" must be a string or a number".into(),
        }),
    }
}

/// The `"expect"` of a line, if any.
pub fn line_expect(node: Option<&Node>) -> Result<Option<Expect>, ScenarioError> {
    let Some(node) = node else {
        return Ok(None);
    };
    match node
        .as_str()
        .and_then(|s| Expect::ALL.into_iter().find(|e| e.as_str() == s))
    {
        Some(e) => Ok(Some(e)),
        None => {
            let names: Vec<&str> = Expect::ALL.iter().map(|e| e.as_str()).collect();
            Err(ScenarioError {
                loc: node.loc,
                message: format!("\"expect\" must be one of {}", names.join(", ")),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = include_str!("../../tests/fixtures/scenarios/checks.jsonl");

    fn options(explain: bool, jobs: usize) -> Options<'static> {
        Options {
            explain,
            action_problem: &|a: &str| (a == "s3:GetObjekt").then(|| "unknown".to_string()),
            jobs,
        }
    }

    #[test]
    fn judge_names_the_statements_explain_names() {
        let mut compared = 0;
        for (i, line) in FIXTURE.lines().enumerate() {
            let Ok(case) = read_line(i as u32 + 1, line) else {
                continue;
            };
            let (set, request) = (&case.scenario.set, &case.scenario.request);
            let e = explain(set, request);
            let j = judge(set, request);
            assert_eq!(
                (j.decision, &j.deciding, &j.denied_by, j.rule),
                (e.decision, &e.deciding, &e.denied_by, e.rule),
                "line {}",
                i + 1
            );
            compared += 1;
        }
        assert_eq!(compared, 8);
    }

    #[test]
    fn outcomes_keep_line_order_on_several_threads_and_count_in_the_summary() {
        let mut lines = Vec::new();
        let mut summary = Summary::default();
        run(FIXTURE, &options(false, 3), |o| {
            summary.add(&o);
            lines.push(o.line);
        });
        assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7, 9, 10]);
        assert_eq!(
            summary,
            Summary {
                scenarios: 9,
                errors: 2,
                passed: 5,
                failed: 1
            }
        );
    }

    #[test]
    fn a_bad_line_says_where_and_keeps_its_id() {
        let o = judge_line(
            4,
            r#"{"id": "x", "expect": "Maybe", "request": {}}"#,
            &options(false, 1),
            Some(&PolicyCache::default()),
        );
        assert_eq!(o.id.as_deref(), Some("x"));
        let Judged::Unread { error } = o.result else {
            panic!("read: {o:?}")
        };
        assert_eq!((error.line, error.column), (4, Some(23)));
        assert_eq!(
            error.message,
            "\"expect\" must be one of Allowed, ImplicitDeny, ExplicitDeny, Denied"
        );
        let o = judge_line(
            2,
            r#"{"request": {"action": "s3:Get*"}}"#,
            &options(true, 1),
            None,
        );
        let Judged::Unread { error } = o.result else {
            panic!("read: {o:?}")
        };
        assert_eq!(error.column, None);
        assert!(error.message.contains("is a pattern"), "{}", error.message);
    }
}

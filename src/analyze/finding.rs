//! A finding: a code, how much it matters, a message naming the exact action, resource or
//! key, and where it is (source, role, policy, statement, line and column).

use serde::Serialize;
use smol_str::SmolStr;

use super::codes::{Category, Code};
use crate::model::{Loc, Policy, Role, Severity, Source, Statement};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub path: SmolStr,
    pub role: Option<SmolStr>,
    pub policy: Option<SmolStr>,
    /// The statement's number in its policy, counting from 1 as `tree` and `why` do.
    pub statement: Option<usize>,
    pub sid: Option<SmolStr>,
    pub line: u32,
    pub column: u32,
    /// The action the finding is about, when there is one.
    pub action: Option<SmolStr>,
}

impl Finding {
    pub fn loc(&self) -> Loc {
        Loc::new(self.line, self.column)
    }
}

/// Where the rules are looking: the source, and the role, policy and statement when the
/// finding is about one.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub source: &'a Source,
    pub role: Option<&'a Role>,
    pub policy: Option<&'a Policy>,
    pub statement: Option<(usize, &'a Statement)>,
}

impl<'a> Place<'a> {
    pub fn source(source: &'a Source) -> Self {
        Place {
            source,
            role: None,
            policy: None,
            statement: None,
        }
    }

    pub fn policy(source: &'a Source, role: &'a Role, policy: &'a Policy) -> Self {
        Place {
            source,
            role: Some(role),
            policy: Some(policy),
            statement: None,
        }
    }

    pub fn with_statement(self, index: usize, statement: &'a Statement) -> Self {
        Place {
            statement: Some((index, statement)),
            ..self
        }
    }

    /// A finding of `code` here, at `loc`, with the code's severity and category.
    pub fn finding(&self, code: &'static Code, loc: Loc, message: impl Into<String>) -> Finding {
        self.finding_with(code.code, code.severity, code.category, loc, message.into())
    }

    pub fn finding_with(
        &self,
        code: &'static str,
        severity: Severity,
        category: Category,
        loc: Loc,
        message: String,
    ) -> Finding {
        Finding {
            code,
            severity,
            category,
            message,
            path: self.source.path.as_str().into(),
            role: self.role.map(|r| r.name.as_str().into()),
            policy: self.policy.map(|p| p.name.clone()),
            statement: self.statement.map(|(i, _)| i + 1),
            sid: self
                .statement
                .and_then(|(_, s)| s.sid.as_ref().map(|t| t.value.clone())),
            line: loc.line,
            column: loc.column,
            action: None,
        }
    }
}

impl Finding {
    /// The same finding, about `action`.
    pub fn about_action(mut self, action: &str) -> Self {
        self.action = Some(action.into());
        self
    }
}

//! The IAM evaluator: is a request allowed, and why.
//!
//! Build a [`Request`] (action, resource, caller, context), compile the policies that bear
//! on it once into a [`PolicySet`], then [`decide`] (fast, no trace: for the permission
//! matrix) or [`explain`] (the decision with the deciding statements and a trace of every
//! policy and statement). The rules follow the IAM User Guide's policy evaluation logic;
//! `decide` documents them.
//!
//! The pieces other modules reuse: [`action`] (action patterns and why one can never match),
//! [`operator`] (the condition operator grammar), [`values`] (reading typed condition values)
//! and [`key_type`]. Wildcards are matched by [`crate::model::glob`], shared with the catalog.

pub mod action;
pub mod batch;
pub mod batch_cache;
pub mod compile;
pub mod condition;
pub mod context;
pub mod decide;
pub mod holder;
pub mod operator;
pub mod pattern;
pub mod principal;
pub mod rules;
pub mod scenario;
pub mod skim;
pub mod statement;
pub mod table;
pub mod text;
pub mod trace;
pub mod values;

pub use compile::CompiledPolicy;
pub use context::{Caller, Context, Request, key_type};
pub use decide::{Judgement, PolicySet, decide, explain, judge};
pub use operator::{BaseOperator, Operator, SetQualifier, ValueType, parse_operator};
pub use principal::Grant;
pub use trace::{Decision, Explanation};

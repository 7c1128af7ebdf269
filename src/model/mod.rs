//! The policy language and the loaded tree as plain types, with no terminal code.
//!
//! `policy` is the IAM JSON grammar (documents, statements, elements); `source` is what the
//! loaders build from input files (Source > Role > Policy); `loc` carries positions;
//! `placeholder` finds and fills template placeholders; `outline` flattens the tree into rows
//! for viewers, search and `tree`'s text; `shared` finds the documents many policies hold;
//! `glob` matches IAM's `*` and `?` wildcards; `codes` is the one table
//! of finding codes, whose severities every diagnostic and finding takes.

pub mod codes;
pub mod describe;
pub mod glob;
pub mod json;
pub mod loc;
pub mod outline;
pub mod placeholder;
pub mod policy;
pub mod shared;
pub mod source;

pub use loc::{Loc, Text};
pub use policy::{
    Condition, ConditionBlock, ConditionEntry, ConditionValue, Effect, Field, InferredCondition,
    PolicyDocument, Principal, PrincipalEntry, PrincipalType, ScalarKind, Statement,
    UnknownElement, Values,
};
pub use source::{
    Diagnostic, Format, LoopVariable, ManagedRef, Placeholder, Policy, PolicyKind, Role, RoleKind,
    Severity, Source, Unread,
};

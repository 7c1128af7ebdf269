//! iamscope: read AWS IAM permissions the way people receive them.
//!
//! Three layers, arrows pointing down only: `cli` and `tui` on top; the core below them
//! (`model`, `load`, and the modules that follow) never imports terminal code, so every
//! feature the TUI shows can also be printed and tested without a terminal. Inside the core
//! too arrows point down: `model` < `load` < `catalog` < `assemble` (loading, then the steps
//! after it) < `eval` < `analyze`, with `text` and `pool` below them all, and `session` (what
//! both front ends do first) under `cli` and `tui`. `tests/layering.rs` checks this.

pub mod analyze;
pub mod assemble;
pub mod catalog;
pub mod cli;
pub mod eval;
pub mod load;
pub mod model;
pub mod pool;
pub mod session;
pub mod text;
pub mod tui;

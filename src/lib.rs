//! iamscope: read AWS IAM permissions the way people receive them.
//!
//! Three layers, arrows pointing down only: `cli` and `tui` on top; the core below them
//! (`model`, `load`, and the modules that follow) never imports terminal code, so every
//! feature the TUI shows can also be printed and tested without a terminal.

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

//! Command-line commands that run without a server.

pub mod annotate;
pub mod eval;

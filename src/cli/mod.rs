//! Command-line commands that run without a server.

pub mod annotate;
pub mod calibration;
pub mod error_list;
pub mod eval;
pub mod eval_ner;
pub mod eval_policy;
pub mod eval_seg;
pub mod scores;
pub mod train;

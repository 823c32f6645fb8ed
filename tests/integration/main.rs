//! Integration tests: the real server on an ephemeral port, called through
//! the generated tonic client. One binary, so CI links once.

mod annotate;
mod battery;
mod common;
mod errors;
mod fuzz_checks;
mod invariants;
mod lexicon;
mod ops;
mod properties;
mod realworld;
mod regressions;

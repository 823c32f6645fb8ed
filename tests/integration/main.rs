//! Integration tests: the real server on an ephemeral port, called through
//! the generated tonic client. One binary, so CI links once.

mod annotate;
mod common;
mod errors;
mod lexicon;
mod ops;

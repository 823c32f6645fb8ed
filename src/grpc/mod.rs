//! The gRPC transport: validates requests, converts between proto and pipeline
//! types, and runs the pipeline on bounded CPU workers. The only module that
//! knows tonic and prost.

mod convert;
mod limiter;
mod reload;
pub mod server;
mod service;
mod status;
mod validate;

/// Code generated from `proto/tifa/v1/*.proto`.
pub mod pb {
    #![allow(clippy::doc_lazy_continuation, clippy::large_enum_variant, missing_docs)]
    tonic::include_proto!("tifa.v1");
}

/// Descriptors of tifa's protos, served by reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("tifa_descriptor");

pub use reload::spawn_lexicon_reloader;
pub use server::{ServerHandle, serve};

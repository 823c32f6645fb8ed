//! The gRPC transport: validates requests, converts between proto and pipeline
//! types, and runs the pipeline on bounded CPU workers. The only module that
//! knows tonic and prost.

mod batch;
mod codec;
mod convert;
mod limiter;
mod linger;
pub mod loadgen;
mod reload;
pub mod server;
mod service;
mod status;
pub mod validate;

/// Code generated from `proto/tifa/v1/*.proto`.
pub mod pb {
    #![allow(clippy::doc_lazy_continuation, clippy::large_enum_variant, missing_docs)]
    tonic::include_proto!("tifa.v1");
}

/// Descriptors of tifa's protos, served by reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("tifa_descriptor");

pub use reload::spawn_lexicon_reloader;
pub use server::{ServerHandle, serve};

/// Publishes the versions in use as info metrics (value 1; the previous
/// lexicon version drops to 0 after a reload).
pub fn record_versions(annotator: &crate::pipeline::Annotator) {
    use std::sync::Mutex;
    static LAST_LEXICON: Mutex<Option<String>> = Mutex::new(None);
    metrics::gauge!(
        crate::monitoring::INFO,
        "engine" => crate::ENGINE_VERSION,
        "jieba" => crate::resources::JIEBA_VERSION,
        "model" => annotator.entity_recognizer().model().version().to_string()
    )
    .set(1.0);
    let version = annotator.policy().lexicon().version().to_string();
    let mut last = LAST_LEXICON.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(previous) = last.replace(version.clone())
        && previous != version
    {
        metrics::gauge!(crate::monitoring::LEXICON_INFO, "version" => previous).set(0.0);
    }
    metrics::gauge!(crate::monitoring::LEXICON_INFO, "version" => version).set(1.0);
}

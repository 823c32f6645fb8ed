//! tifa (提法): annotation of Chinese news and policy text.
//!
//! Data flows one way:
//!
//! ```text
//! request → grpc::service (semaphore, spawn_blocking)
//!         → grpc::validate  (proto → pipeline::AnnotateOptions, or INVALID_ARGUMENT naming the field)
//!         → pipeline        (clean text → policy phrases → segmentation → entities → keywords)
//!         → grpc::convert   (Annotation → proto, offsets in the requested encoding)
//! ```
//!
//! `pipeline` is plain Rust: it knows nothing of tonic, prost or tokio, so the
//! CLI (`tifa annotate`, `tifa eval`) and the benchmarks call it directly.
//! `resources` loads dictionaries, lexicons and models once and builds the
//! pipeline; `grpc` is the only module that owns transport types.

pub mod cli;
pub mod grpc;
pub mod monitoring;
pub mod pipeline;
pub mod resources;
pub mod settings;
pub mod shutdown;
pub mod telemetry;

/// Version of the annotation engine, reported by GetServiceInfo.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

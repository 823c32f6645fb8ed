//! What each fuzz target does with one input, shared by `fuzz/fuzz_targets/*`
//! (included by path) and by `regressions.rs`, which replays every saved
//! input in `fuzz/regressions/` and `fuzz/seeds/` under `cargo test`.
//! Each function panics when an invariant breaks.

#![allow(dead_code)]

use prost::Message;
use tifa::grpc::pb;
use tifa::grpc::validate::{annotate_request, batch_size};
use tifa::pipeline::clean::CleanText;
use tifa::pipeline::segment::{SegmentationMode, SegmentationOptions};
use tifa::pipeline::{AnnotateOptions, Annotator, BoilerplateMode, Features};
use tifa::settings::Limits;
use tonic_types::StatusExt;

use crate::invariants::{Expect, check_annotation, check_clean, probe_spans};

/// `annotate` target: arbitrary bytes → lossy UTF-8 → the whole pipeline.
///
/// The first byte picks the options: `b % 3` = precise, search or full
/// segmentation; bit 2 set turns the HMM off; bit 3 set marks boilerplate
/// instead of skipping it. The rest is the text. Every feature is on.
pub fn annotate(annotator: &Annotator, data: &[u8]) {
    let Some((&selector, text)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(text);
    let mode = match selector % 3 {
        0 => SegmentationMode::Precise,
        1 => SegmentationMode::Search,
        _ => SegmentationMode::Full,
    };
    let options = AnnotateOptions {
        features: Features::ALL,
        segmentation: SegmentationOptions { mode, hmm: selector & 4 == 0 },
        boilerplate: if selector & 8 == 0 { BoilerplateMode::Skip } else { BoilerplateMode::Mark },
        ..AnnotateOptions::default()
    };
    let annotation = annotator.annotate(&text, &options);
    let precise = mode == SegmentationMode::Precise;
    let expect = Expect {
        precise_tokens: precise,
        entities_whole: precise,
        boilerplate_skipped: options.boilerplate == BoilerplateMode::Skip,
    };
    if let Err(e) = check_annotation(&text, &annotation, expect) {
        panic!("{e}\noptions: {options:?}\ntext: {text:?}");
    }
    let clean = CleanText::new(&text);
    if let Err(e) = check_clean(&text, &clean, &probe_spans(clean.as_str(), 64)) {
        panic!("clean view: {e}\ntext: {text:?}");
    }
}

/// Small limits so both sides of each are reached with small inputs.
pub const LIMITS: Limits = Limits { max_document_bytes: 2048, max_batch_size: 8, max_extra_phrases: 8 };

/// `decode_request` target: arbitrary bytes → protobuf decoding of the
/// request messages → the server's validation (what every handler runs
/// first). A request that validates is annotated and its spans checked, as
/// the server would; a rejected one must be INVALID_ARGUMENT with a
/// BadRequest detail naming fields under its own prefix.
pub fn decode_request(annotator: &Annotator, data: &[u8]) {
    if let Ok(request) = pb::AnnotateRequest::decode(data) {
        check_request(annotator, request, "");
    }
    if let Ok(batch) = pb::BatchAnnotateRequest::decode(data) {
        match batch_size(batch.requests.len(), &LIMITS) {
            Ok(()) => {
                for (i, request) in batch.requests.into_iter().enumerate() {
                    check_request(annotator, request, &format!("requests[{i}]."));
                }
            }
            Err(status) => assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}"),
        }
    }
    // StreamAnnotate validates each item's request under `request.`.
    if let Ok(stream) = pb::StreamAnnotateRequest::decode(data)
        && let Some(request) = stream.request
    {
        check_request(annotator, request, "request.");
    }
}

fn check_request(annotator: &Annotator, request: pb::AnnotateRequest, prefix: &str) {
    match annotate_request(request.clone(), &LIMITS, prefix) {
        Ok(valid) => {
            assert!(!valid.text.is_empty() && valid.text.len() <= LIMITS.max_document_bytes);
            assert_eq!(valid.text, request.text);
            let annotation = annotator.annotate(&valid.text, &valid.options);
            let features = valid.options.features;
            let precise = valid.options.segmentation.mode == SegmentationMode::Precise;
            let expect = Expect {
                precise_tokens: precise && features.tokens,
                entities_whole: precise && features.tokens && features.entities && features.policy_phrases,
                boilerplate_skipped: valid.options.boilerplate == BoilerplateMode::Skip,
            };
            if let Err(e) = check_annotation(&valid.text, &annotation, expect) {
                panic!("{e}\nrequest: {request:?}");
            }
        }
        Err(status) => {
            assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
            let details = status.get_details_bad_request().expect("BadRequest details");
            assert!(!details.field_violations.is_empty(), "{status:?}");
            for v in &details.field_violations {
                assert!(v.field.starts_with(prefix), "{v:?} not under {prefix:?}");
            }
        }
    }
}

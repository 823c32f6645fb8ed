//! Proto requests → pipeline inputs, or INVALID_ARGUMENT naming each bad field.

use tonic::Status;
use tonic_types::FieldViolation;

use super::pb;
use super::status::invalid_argument;
use crate::pipeline::offsets::OffsetEncoding;
use crate::pipeline::policy::ExtraPhrase;
use crate::pipeline::segment::{SegmentationMode, SegmentationOptions};
use crate::pipeline::types::{CivilDate, PhraseKind};
use crate::pipeline::{AnnotateOptions, BoilerplateMode, Features};
use crate::settings::Limits;

/// Longest extra phrase accepted, in chars.
const MAX_EXTRA_PHRASE_CHARS: usize = 64;
/// Longest client id echoed back, in bytes.
const MAX_ID_BYTES: usize = 256;

/// A request the pipeline can run.
#[derive(Debug)]
pub struct ValidRequest {
    pub text: String,
    pub id: String,
    pub encoding: OffsetEncoding,
    pub options: AnnotateOptions,
}

/// Checks one AnnotateRequest. `field_prefix` locates it in a batch
/// (`requests[3].`) so violations name the exact field.
pub fn annotate_request(req: pb::AnnotateRequest, limits: &Limits, field_prefix: &str) -> Result<ValidRequest, Status> {
    let mut violations = Vec::new();
    let mut violate = |field: &str, description: String| {
        violations.push(FieldViolation::new(format!("{field_prefix}{field}"), description));
    };

    if req.text.is_empty() {
        violate("text", "must not be empty".into());
    } else if req.text.len() > limits.max_document_bytes {
        violate(
            "text",
            format!("is {} bytes; the limit is max_document_bytes = {}", req.text.len(), limits.max_document_bytes),
        );
    }
    if req.id.len() > MAX_ID_BYTES {
        violate("id", format!("is {} bytes; the limit is {MAX_ID_BYTES}", req.id.len()));
    }
    let encoding = match pb::OffsetEncoding::try_from(req.offset_encoding) {
        Ok(pb::OffsetEncoding::Utf8) => OffsetEncoding::Utf8,
        Ok(pb::OffsetEncoding::Utf16) => OffsetEncoding::Utf16,
        Ok(pb::OffsetEncoding::CodePoint | pb::OffsetEncoding::Unspecified) => OffsetEncoding::CodePoint,
        Err(_) => {
            violate("offset_encoding", format!("unknown value {}", req.offset_encoding));
            OffsetEncoding::CodePoint
        }
    };
    let segmentation = req.segmentation.unwrap_or_default();
    let mode = match pb::SegmentationMode::try_from(segmentation.mode) {
        Ok(pb::SegmentationMode::Precise | pb::SegmentationMode::Unspecified) => SegmentationMode::Precise,
        Ok(pb::SegmentationMode::Search) => SegmentationMode::Search,
        Ok(pb::SegmentationMode::Full) => SegmentationMode::Full,
        Err(_) => {
            violate("segmentation.mode", format!("unknown value {}", segmentation.mode));
            SegmentationMode::Precise
        }
    };
    let reference_date = if req.reference_date.is_empty() {
        None
    } else {
        let parsed = CivilDate::parse_iso(&req.reference_date);
        if parsed.is_none() {
            violate("reference_date", format!("`{}` is not a date in YYYY-MM-DD form", req.reference_date));
        }
        parsed
    };
    if req.extra_phrases.len() > limits.max_extra_phrases {
        violate(
            "extra_phrases",
            format!(
                "has {} phrases; the limit is max_extra_phrases = {}",
                req.extra_phrases.len(),
                limits.max_extra_phrases
            ),
        );
    }
    let mut extra_phrases = Vec::with_capacity(req.extra_phrases.len());
    for (i, p) in req.extra_phrases.into_iter().enumerate() {
        let chars = p.text.chars().count();
        if p.text.trim().is_empty() {
            violate(&format!("extra_phrases[{i}].text"), "must not be empty".into());
        } else if chars > MAX_EXTRA_PHRASE_CHARS {
            violate(
                &format!("extra_phrases[{i}].text"),
                format!("is {chars} chars; the limit is {MAX_EXTRA_PHRASE_CHARS}"),
            );
        } else if p.text.chars().any(char::is_whitespace) {
            violate(&format!("extra_phrases[{i}].text"), "must not contain whitespace".into());
        }
        let kind = match pb::PolicyPhraseKind::try_from(p.kind) {
            Ok(pb::PolicyPhraseKind::Numbered) => PhraseKind::Numbered,
            Ok(pb::PolicyPhraseKind::Campaign) => PhraseKind::Campaign,
            Ok(pb::PolicyPhraseKind::Formulation | pb::PolicyPhraseKind::Unspecified) => PhraseKind::Formulation,
            Err(_) => {
                violate(&format!("extra_phrases[{i}].kind"), format!("unknown value {}", p.kind));
                PhraseKind::Formulation
            }
        };
        let canonical = if p.canonical.is_empty() { p.text.clone() } else { p.canonical };
        let category = if p.category.is_empty() { "request".to_string() } else { p.category };
        extra_phrases.push(ExtraPhrase { text: p.text, canonical, category, kind });
    }

    let boilerplate = match pb::BoilerplateMode::try_from(req.boilerplate) {
        Ok(pb::BoilerplateMode::Mark) => BoilerplateMode::Mark,
        Ok(pb::BoilerplateMode::Skip | pb::BoilerplateMode::Unspecified) => BoilerplateMode::Skip,
        Err(_) => {
            violate("boilerplate", format!("unknown value {}", req.boilerplate));
            BoilerplateMode::Skip
        }
    };

    if !violations.is_empty() {
        return Err(invalid_argument(violations));
    }
    Ok(ValidRequest {
        text: req.text,
        id: req.id,
        encoding,
        options: AnnotateOptions {
            features: features(req.features),
            segmentation: SegmentationOptions { mode, hmm: segmentation.hmm.unwrap_or(true) },
            extra_phrases,
            reference_date,
            boilerplate,
        },
    })
}

/// Checks the batch as a whole; single documents are checked one by one.
pub fn batch_size(count: usize, limits: &Limits) -> Result<(), Status> {
    if count > limits.max_batch_size {
        return Err(invalid_argument(vec![FieldViolation::new(
            "requests",
            format!("has {count} documents; the limit is max_batch_size = {}", limits.max_batch_size),
        )]));
    }
    Ok(())
}

/// None set means all: a bare request from grpcurl gets everything.
fn features(f: Option<pb::Features>) -> Features {
    match f {
        Some(f) if f.tokens || f.entities || f.policy_phrases || f.keywords || f.structure => Features {
            tokens: f.tokens,
            entities: f.entities,
            policy_phrases: f.policy_phrases,
            keywords: f.keywords,
            structure: f.structure,
        },
        _ => Features::ALL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::StatusExt;

    fn limits() -> Limits {
        Limits { max_document_bytes: 100, max_batch_size: 4, max_extra_phrases: 2 }
    }

    fn fields(status: &Status) -> Vec<String> {
        status.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect()
    }

    #[test]
    fn every_bad_field_is_named_with_its_prefix() {
        let req = pb::AnnotateRequest {
            text: String::new(),
            offset_encoding: 9,
            segmentation: Some(pb::SegmentationOptions { mode: 7, hmm: None }),
            reference_date: "2025-13-01".into(),
            ..Default::default()
        };
        let status = annotate_request(req, &limits(), "requests[2].").unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert_eq!(
            fields(&status),
            [
                "requests[2].text",
                "requests[2].offset_encoding",
                "requests[2].segmentation.mode",
                "requests[2].reference_date"
            ]
        );
    }

    #[test]
    fn unset_features_mean_all_and_unspecified_encoding_means_code_points() {
        let req = pb::AnnotateRequest { text: "上海".into(), ..Default::default() };
        let valid = annotate_request(req, &limits(), "").unwrap();
        assert_eq!(valid.options.features, Features::ALL);
        assert_eq!(valid.encoding, OffsetEncoding::CodePoint);
        assert!(valid.options.segmentation.hmm);
    }
}

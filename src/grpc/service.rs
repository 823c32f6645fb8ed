//! The AnnotationService handlers: validate, run the pipeline on a worker,
//! convert. Each call is one tracing span with method, size, outcome and time.

use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use futures_util::{Stream, StreamExt};
use metrics::{counter, histogram};
use tonic::{Request, Response, Status, Streaming};
use tracing::Instrument;

use super::batch;
use super::limiter::WorkLimiter;
use super::pb::annotation_service_server::AnnotationService;
use super::status::to_rpc_status;
use super::validate::{ValidRequest, annotate_request, batch_size};
use super::{convert, pb};
use crate::monitoring;
use crate::pipeline::offsets::OffsetEncoding;
use crate::pipeline::types::Annotation;
use crate::pipeline::types::{EntityKind, PhraseKind};
use crate::pipeline::{AnnotateOptions, Annotator};
use crate::resources::{AnnotatorSlot, JIEBA_VERSION};
use crate::settings::Settings;

/// Most stream documents one job takes (see `stream_annotate`): enough to
/// gain from batching, few enough that every worker gets some.
const STREAM_CHUNK: usize = 4;
const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 1000;

#[derive(Clone)]
pub struct AnnotationApi {
    annotator: AnnotatorSlot,
    limiter: Arc<WorkLimiter>,
    settings: Arc<Settings>,
}

impl AnnotationApi {
    pub fn new(annotator: AnnotatorSlot, limiter: Arc<WorkLimiter>, settings: Arc<Settings>) -> Self {
        Self { annotator, limiter, settings }
    }

    fn annotator(&self) -> Result<Arc<Annotator>, Status> {
        self.annotator.load_full().ok_or_else(|| Status::unavailable("resources are still loading; retry shortly"))
    }

    /// Answers a run of stream items in order. A transport error ends the
    /// run (and the stream); a bad item gets its own error result.
    async fn stream_chunk(
        &self,
        items: Vec<(usize, Result<pb::StreamAnnotateRequest, Status>)>,
    ) -> Vec<Result<pb::StreamAnnotateResponse, Status>> {
        let started = Instant::now();
        let mut answers: Vec<StreamAnswer> = Vec::new();
        let mut valid = Vec::new();
        let mut broken = None;
        for (index, item) in items {
            let req = match item {
                Ok(pb::StreamAnnotateRequest { request: Some(req) }) => req,
                Ok(pb::StreamAnnotateRequest { request: None }) => {
                    let violation = tonic_types::FieldViolation::new("request", "must be set");
                    let result = Some(Err(super::status::invalid_argument(vec![violation])));
                    answers.push(StreamAnswer { index, id: String::new(), bytes: 0, result });
                    continue;
                }
                Err(status) => {
                    broken = Some(status);
                    break;
                }
            };
            let (id, bytes) = (req.id.clone(), req.text.len());
            match annotate_request(req, &self.settings.limits, "request.") {
                Ok(request) => {
                    valid.push((answers.len(), request));
                    answers.push(StreamAnswer { index, id, bytes, result: None });
                }
                Err(status) => answers.push(StreamAnswer { index, id, bytes, result: Some(Err(status)) }),
            }
        }
        if !valid.is_empty() {
            let (slots, requests): (Vec<usize>, Vec<ValidRequest>) = valid.into_iter().unzip();
            let results = match self.annotator() {
                Ok(annotator) => self.run_batch(annotator, requests).await,
                Err(status) => vec![Err(status); slots.len()],
            };
            slots.into_iter().zip(results).for_each(|(k, r)| answers[k].result = Some(r));
        }
        let mut out: Vec<Result<pb::StreamAnnotateResponse, Status>> = answers
            .into_iter()
            .map(|answer| {
                let result = answer.result.unwrap_or_else(|| Err(Status::internal("document was not run")));
                record("StreamAnnotate.item", answer.bytes, started, &result);
                Ok(stream_result(answer.index, answer.id, result))
            })
            .collect();
        out.extend(broken.map(Err));
        out
    }

    /// Annotates one validated document on a worker thread, or sheds it.
    async fn run_one(&self, request: ValidRequest) -> Result<pb::AnnotateResponse, Status> {
        let annotator = self.annotator()?;
        self.limiter.run(move || annotate_valid(&annotator, request)).await
    }

    /// Annotates admitted documents as one job once a worker is free: one
    /// result per request, in order.
    async fn run_batch(
        &self,
        annotator: Arc<Annotator>,
        requests: Vec<ValidRequest>,
    ) -> Vec<Result<pb::AnnotateResponse, Status>> {
        let count = requests.len();
        match self.limiter.run_waiting(move || annotate_valid_batch(&annotator, requests)).await {
            Ok(results) => results,
            Err(status) => vec![Err(status); count],
        }
    }
}

fn annotate_valid(annotator: &Annotator, request: ValidRequest) -> pb::AnnotateResponse {
    let annotation = annotator.annotate(&request.text, &request.options);
    respond(annotator, request, annotation)
}

/// Several documents on one worker, stage by stage; a document that panics
/// gets INTERNAL and the others their results.
fn annotate_valid_batch(
    annotator: &Annotator,
    requests: Vec<ValidRequest>,
) -> Vec<Result<pb::AnnotateResponse, Status>> {
    let docs: Vec<(&str, &AnnotateOptions)> = requests.iter().map(|r| (r.text.as_str(), &r.options)).collect();
    let annotations = batch::isolate_panics(
        &docs,
        |docs| annotator.annotate_batch(docs),
        |(text, options)| annotator.annotate(text, options),
    );
    requests
        .into_iter()
        .zip(annotations)
        .map(|(request, annotation)| match annotation {
            Some(annotation) => Ok(respond(annotator, request, annotation)),
            None => {
                tracing::error!(id = request.id, "annotation panicked");
                Err(Status::internal("annotation failed on this document"))
            }
        })
        .collect()
}

/// Counts the document and converts its annotation.
fn respond(annotator: &Annotator, request: ValidRequest, annotation: Annotation) -> pb::AnnotateResponse {
    counter!(monitoring::DOCUMENTS).increment(1);
    counter!(monitoring::CHARACTERS).increment(request.text.chars().count() as u64);
    convert::annotate_response(
        &request.text,
        request.id,
        request.encoding,
        annotation,
        annotator.policy().lexicon().version(),
    )
}

/// Runs `call` inside a span named for the method and logs how it ended.
async fn observe<T>(
    method: &'static str,
    bytes: usize,
    call: impl Future<Output = Result<T, Status>>,
) -> Result<T, Status> {
    let span = tracing::info_span!("rpc", method, bytes);
    async move {
        let started = Instant::now();
        let result = call.await;
        outcome(method, started, &result);
        result
    }
    .instrument(span)
    .await
}

/// [`observe`] for a call that ran as part of a larger job (a stream item):
/// its own span, the job's time.
fn record<T>(method: &'static str, bytes: usize, started: Instant, result: &Result<T, Status>) {
    tracing::info_span!("rpc", method, bytes).in_scope(|| outcome(method, started, result));
}

/// Counts, times and logs how a call ended.
fn outcome<T>(method: &'static str, started: Instant, result: &Result<T, Status>) {
    let elapsed = started.elapsed().as_secs_f64();
    let duration_ms = elapsed * 1e3;
    let code = match result {
        Ok(_) => tonic::Code::Ok,
        Err(status) => status.code(),
    };
    counter!(monitoring::REQUESTS, "method" => method, "code" => code_name(code)).increment(1);
    histogram!(monitoring::REQUEST_SECONDS, "method" => method).record(elapsed);
    match result {
        Ok(_) => tracing::info!(outcome = "OK", duration_ms, "request done"),
        Err(status) => {
            tracing::info!(outcome = ?status.code(), duration_ms, message = status.message(), "request failed")
        }
    }
}

/// Status code names as gRPC spells them (OK, INVALID_ARGUMENT, ...).
fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code::*;
    match code {
        Ok => "OK",
        Cancelled => "CANCELLED",
        Unknown => "UNKNOWN",
        InvalidArgument => "INVALID_ARGUMENT",
        DeadlineExceeded => "DEADLINE_EXCEEDED",
        NotFound => "NOT_FOUND",
        AlreadyExists => "ALREADY_EXISTS",
        PermissionDenied => "PERMISSION_DENIED",
        ResourceExhausted => "RESOURCE_EXHAUSTED",
        FailedPrecondition => "FAILED_PRECONDITION",
        Aborted => "ABORTED",
        OutOfRange => "OUT_OF_RANGE",
        Unimplemented => "UNIMPLEMENTED",
        Internal => "INTERNAL",
        Unavailable => "UNAVAILABLE",
        DataLoss => "DATA_LOSS",
        Unauthenticated => "UNAUTHENTICATED",
    }
}

type ResultStream = Pin<Box<dyn Stream<Item = Result<pb::StreamAnnotateResponse, Status>> + Send>>;

#[tonic::async_trait]
impl AnnotationService for AnnotationApi {
    async fn annotate(&self, request: Request<pb::AnnotateRequest>) -> Result<Response<pb::AnnotateResponse>, Status> {
        let request = request.into_inner();
        observe("Annotate", request.text.len(), async {
            let valid = annotate_request(request, &self.settings.limits, "")?;
            self.run_one(valid).await.map(Response::new)
        })
        .await
    }

    async fn batch_annotate(
        &self,
        request: Request<pb::BatchAnnotateRequest>,
    ) -> Result<Response<pb::BatchAnnotateResponse>, Status> {
        let requests = request.into_inner().requests;
        let bytes = requests.iter().map(|r| r.text.len()).sum();
        observe("BatchAnnotate", bytes, async {
            batch_size(requests.len(), &self.settings.limits)?;
            let _admission = self.limiter.admit()?;
            let annotator = self.annotator()?;
            // An invalid document fails alone; the valid ones run in one
            // chunk per worker, side by side.
            let mut outcomes: Vec<Option<Result<pb::AnnotateResponse, Status>>> = Vec::new();
            let mut valid = Vec::new();
            for (i, req) in requests.into_iter().enumerate() {
                match annotate_request(req, &self.settings.limits, &format!("requests[{i}].")) {
                    Ok(request) => {
                        valid.push((i, request));
                        outcomes.push(None);
                    }
                    Err(status) => outcomes.push(Some(Err(status))),
                }
            }
            let jobs = batch::chunks(valid, self.settings.concurrency.effective_workers()).into_iter().map(|chunk| {
                let annotator = Arc::clone(&annotator);
                async move {
                    let (indices, requests): (Vec<usize>, Vec<ValidRequest>) = chunk.into_iter().unzip();
                    (indices, self.run_batch(annotator, requests).await)
                }
            });
            for (indices, results) in futures_util::future::join_all(jobs).await {
                indices.into_iter().zip(results).for_each(|(i, r)| outcomes[i] = Some(r));
            }
            let results = outcomes
                .into_iter()
                .map(|outcome| {
                    let result = match outcome.unwrap_or_else(|| Err(Status::internal("document was not run"))) {
                        Ok(response) => pb::batch_annotate_result::Result::Response(response),
                        Err(status) => pb::batch_annotate_result::Result::Error(to_rpc_status(&status)),
                    };
                    pb::BatchAnnotateResult { result: Some(result) }
                })
                .collect();
            Ok(Response::new(pb::BatchAnnotateResponse { results }))
        })
        .await
    }

    type StreamAnnotateStream = ResultStream;

    async fn stream_annotate(
        &self,
        request: Request<Streaming<pb::StreamAnnotateRequest>>,
    ) -> Result<Response<Self::StreamAnnotateStream>, Status> {
        let api = self.clone();
        let in_parallel = self.settings.concurrency.effective_workers();
        let outputs = request
            .into_inner()
            .enumerate()
            // Documents already received (never waiting for more), a few per
            // job: a job annotates its documents stage by stage, as a batch.
            .ready_chunks(STREAM_CHUNK)
            .map(move |items| {
                let api = api.clone();
                async move { api.stream_chunk(items).await }
            })
            // In input order, a few jobs in flight: once the client stops
            // reading, the server stops reading too (HTTP/2 flow control).
            .buffered(in_parallel)
            .flat_map(futures_util::stream::iter);
        Ok(Response::new(Box::pin(outputs)))
    }

    async fn get_service_info(
        &self,
        _request: Request<pb::GetServiceInfoRequest>,
    ) -> Result<Response<pb::GetServiceInfoResponse>, Status> {
        observe("GetServiceInfo", 0, async { self.service_info() }).await
    }

    async fn list_policy_phrases(
        &self,
        request: Request<pb::ListPolicyPhrasesRequest>,
    ) -> Result<Response<pb::ListPolicyPhrasesResponse>, Status> {
        observe("ListPolicyPhrases", 0, async { self.policy_phrase_page(request.into_inner()) }).await
    }
}

impl AnnotationApi {
    fn service_info(&self) -> Result<Response<pb::GetServiceInfoResponse>, Status> {
        let annotator = self.annotator()?;
        let lexicon = annotator.policy().lexicon();
        let s = &self.settings;
        Ok(Response::new(pb::GetServiceInfoResponse {
            engine_version: crate::ENGINE_VERSION.to_string(),
            jieba_version: JIEBA_VERSION.to_string(),
            dictionary_version: crate::resources::DICTIONARY_VERSION.to_string(),
            model_version: annotator.entity_recognizer().model().version().to_string(),
            lexicon: Some(pb::LexiconInfo {
                version: lexicon.version().to_string(),
                entry_count: lexicon.entries().len() as u32,
                surface_count: lexicon.surface_count() as u32,
                entries_by_category: lexicon.counts_by_category().into_iter().collect(),
                entries_by_kind: lexicon
                    .counts_by_kind()
                    .into_iter()
                    .map(|(k, n)| (k.as_str().to_string(), n))
                    .collect(),
                extra_files: lexicon.files().iter().skip(1).cloned().collect(),
            }),
            limits: Some(pb::Limits {
                max_document_bytes: s.limits.max_document_bytes as u64,
                max_batch_size: s.limits.max_batch_size as u32,
                max_message_bytes: s.server.max_message_bytes as u64,
                max_extra_phrases: s.limits.max_extra_phrases as u32,
                workers: s.concurrency.effective_workers() as u32,
                max_queued: s.concurrency.max_queued as u32,
            }),
            entity_types: EntityKind::ALL.iter().map(|k| convert::entity_type(*k) as i32).collect(),
            policy_categories: lexicon.counts_by_category().into_keys().collect(),
            policy_phrase_kinds: PhraseKind::ALL.iter().map(|k| convert::phrase_kind(*k) as i32).collect(),
            offset_encodings: [OffsetEncoding::Utf8, OffsetEncoding::Utf16, OffsetEncoding::CodePoint]
                .iter()
                .map(|e| convert::offset_encoding(*e) as i32)
                .collect(),
        }))
    }

    fn policy_phrase_page(
        &self,
        req: pb::ListPolicyPhrasesRequest,
    ) -> Result<Response<pb::ListPolicyPhrasesResponse>, Status> {
        let annotator = self.annotator()?;
        let bad = |field: &str, why: String| {
            super::status::invalid_argument(vec![tonic_types::FieldViolation::new(field, why)])
        };
        let kind = match pb::PolicyPhraseKind::try_from(req.kind) {
            Ok(pb::PolicyPhraseKind::Unspecified) => None,
            Ok(pb::PolicyPhraseKind::Numbered) => Some(PhraseKind::Numbered),
            Ok(pb::PolicyPhraseKind::Formulation) => Some(PhraseKind::Formulation),
            Ok(pb::PolicyPhraseKind::Campaign) => Some(PhraseKind::Campaign),
            Err(_) => return Err(bad("kind", format!("unknown value {}", req.kind))),
        };
        let page_size = match req.page_size as usize {
            0 => DEFAULT_PAGE_SIZE,
            n if n > MAX_PAGE_SIZE => return Err(bad("page_size", format!("must be at most {MAX_PAGE_SIZE}"))),
            n => n,
        };
        let offset: usize = if req.page_token.is_empty() {
            0
        } else {
            req.page_token.parse().map_err(|_| bad("page_token", "is not a token from a previous response".into()))?
        };
        let matching: Vec<_> = annotator
            .policy()
            .lexicon()
            .entries()
            .iter()
            .filter(|e| req.category.is_empty() || e.category == req.category)
            .filter(|e| kind.is_none_or(|k| e.kind == k))
            .collect();
        let end = (offset + page_size).min(matching.len());
        let entries = matching
            .get(offset..end)
            .unwrap_or_default()
            .iter()
            .map(|e| pb::LexiconEntry {
                id: e.id.clone(),
                canonical: e.canonical.clone(),
                variants: e.variants.clone(),
                kind: convert::phrase_kind(e.kind) as i32,
                category: e.category.clone(),
                items: e.items.clone(),
                note: e.note.clone(),
            })
            .collect();
        Ok(Response::new(pb::ListPolicyPhrasesResponse {
            entries,
            next_page_token: if end < matching.len() { end.to_string() } else { String::new() },
            total_size: matching.len() as u32,
        }))
    }
}

/// One stream item on its way through [`AnnotationApi::stream_chunk`].
struct StreamAnswer {
    index: usize,
    id: String,
    bytes: usize,
    /// None until its document has run.
    result: Option<Result<pb::AnnotateResponse, Status>>,
}

fn stream_result(index: usize, id: String, result: Result<pb::AnnotateResponse, Status>) -> pb::StreamAnnotateResponse {
    let result = match result {
        Ok(response) => pb::stream_annotate_response::Result::Response(response),
        Err(status) => pb::stream_annotate_response::Result::Error(to_rpc_status(&status)),
    };
    pb::StreamAnnotateResponse { index: index as u64, id, result: Some(result) }
}

//! `tifa bench`: a load generator that drives a running server the way
//! clients do — N concurrent clients over Annotate, BatchAnnotate or
//! StreamAnnotate with real articles — and reports throughput, latency
//! percentiles and errors by status code.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, Semaphore};
use tonic::transport::Channel;

use super::pb;
use super::pb::annotation_service_client::AnnotationServiceClient;

/// The five sample articles (the test fixtures), as users send them. The load
/// tool cuts them into documents; the benchmarks use them whole.
pub const SAMPLE_ARTICLES: [&str; 5] = [
    include_str!("../../tests/fixtures/articles/000_6e77a8c39b008b8e.txt"),
    include_str!("../../tests/fixtures/articles/001_997f95b8fd1f40f4.txt"),
    include_str!("../../tests/fixtures/articles/002_2d8b69315731fb98.txt"),
    include_str!("../../tests/fixtures/articles/003_6293a3a1acd0a6f5.txt"),
    include_str!("../../tests/fixtures/articles/004_cf4ae71d46783a76.txt"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Annotate,
    Batch,
    Stream,
}

#[derive(Debug, Clone, clap::Args)]
pub struct LoadOptions {
    /// Server address.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    pub addr: String,
    /// Which RPC to drive.
    #[arg(long, value_enum, default_value = "annotate")]
    pub mode: Mode,
    /// Concurrent clients (each with its own connection).
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Seconds to run.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Characters per document (articles are cut or repeated to this size; 0 = whole articles).
    #[arg(long, default_value_t = 5000)]
    pub doc_chars: usize,
    /// Documents per BatchAnnotate call.
    #[arg(long, default_value_t = 16)]
    pub batch_size: usize,
    /// Documents in flight per stream.
    #[arg(long, default_value_t = 8)]
    pub stream_window: usize,
    /// Target calls per second over all clients (0 = as fast as possible).
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// Ask for gzip-compressed responses (as grpcio clients do).
    #[arg(long)]
    pub gzip: bool,
}

/// What the clients saw.
#[derive(Debug, Default)]
pub struct Report {
    pub calls: u64,
    pub documents: u64,
    pub characters: u64,
    pub latencies: Vec<Duration>,
    pub errors: BTreeMap<String, u64>,
    /// The first message seen for each error code.
    pub error_messages: BTreeMap<String, String>,
    pub elapsed: Duration,
}

impl Report {
    fn merge(&mut self, other: Report) {
        self.calls += other.calls;
        self.documents += other.documents;
        self.characters += other.characters;
        self.latencies.extend(other.latencies);
        for (code, n) in other.errors {
            *self.errors.entry(code).or_default() += n;
        }
        for (code, message) in other.error_messages {
            self.error_messages.entry(code).or_insert(message);
        }
    }

    fn record_error(&mut self, status: &tonic::Status) {
        let code = format!("{:?}", status.code());
        self.error_messages.entry(code.clone()).or_insert_with(|| status.message().to_string());
        *self.errors.entry(code).or_default() += 1;
    }

    fn percentile(sorted: &[Duration], p: f64) -> Duration {
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
        sorted[rank.min(sorted.len() - 1)]
    }

    pub fn print(&mut self, options: &LoadOptions) {
        self.latencies.sort_unstable();
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let l = &self.latencies;
        println!(
            "mode={:?} concurrency={} doc_chars={} batch_size={} rate={} duration={:.1}s",
            options.mode, options.concurrency, options.doc_chars, options.batch_size, options.rate, secs
        );
        println!(
            "calls {} ({:.1}/s)  documents {} ({:.1}/s)  characters {:.3} M/s",
            self.calls,
            self.calls as f64 / secs,
            self.documents,
            self.documents as f64 / secs,
            self.characters as f64 / secs / 1e6
        );
        println!(
            "latency ms  p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}",
            ms(Self::percentile(l, 50.0)),
            ms(Self::percentile(l, 90.0)),
            ms(Self::percentile(l, 99.0)),
            ms(l.last().copied().unwrap_or_default())
        );
        if self.errors.is_empty() {
            println!("errors none");
        } else {
            let list: Vec<String> = self.errors.iter().map(|(c, n)| format!("{c}={n}")).collect();
            println!("errors {}", list.join(" "));
            for (code, message) in &self.error_messages {
                println!("  first {code}: {message}");
            }
        }
    }
}

/// Documents of about `chars` code points cut from the articles.
fn documents(chars: usize) -> Vec<String> {
    if chars == 0 {
        return SAMPLE_ARTICLES.iter().map(|a| a.to_string()).collect();
    }
    let all: Vec<char> = SAMPLE_ARTICLES.concat().chars().collect();
    (0..16)
        .map(|i| {
            let start = (i * all.len() / 16) % all.len();
            all.iter().cycle().skip(start).take(chars).collect()
        })
        .collect()
}

pub async fn run(options: LoadOptions) -> Result<Report, String> {
    let docs = Arc::new(documents(options.doc_chars));
    let deadline = Instant::now() + Duration::from_secs_f64(options.duration);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..options.concurrency.max(1) {
        let channel = Channel::from_shared(options.addr.clone())
            .map_err(|e| e.to_string())?
            .connect()
            .await
            .map_err(|e| format!("{}: {e}", options.addr))?;
        let mut client = AnnotationServiceClient::new(channel).max_decoding_message_size(usize::MAX);
        if options.gzip {
            client = client.accept_compressed(tonic::codec::CompressionEncoding::Gzip);
        }
        let (docs, options) = (Arc::clone(&docs), options.clone());
        tasks.push(tokio::spawn(async move {
            match options.mode {
                Mode::Annotate | Mode::Batch => unary_worker(client, worker, &docs, &options, deadline).await,
                Mode::Stream => stream_worker(client, worker, &docs, &options, deadline).await,
            }
        }));
    }
    let mut report = Report::default();
    for task in tasks {
        report.merge(task.await.map_err(|e| e.to_string())?);
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

fn request(docs: &[String], n: usize) -> pb::AnnotateRequest {
    pb::AnnotateRequest { text: docs[n % docs.len()].clone(), id: n.to_string(), ..Default::default() }
}

async fn unary_worker(
    mut client: AnnotationServiceClient<Channel>,
    worker: usize,
    docs: &[String],
    options: &LoadOptions,
    deadline: Instant,
) -> Report {
    let mut report = Report::default();
    let per_worker_rate = options.rate / options.concurrency.max(1) as f64;
    let mut ticker = (per_worker_rate > 0.0).then(|| {
        // Workers tick out of phase so the total rate is even, not in bursts.
        let period = Duration::from_secs_f64(1.0 / per_worker_rate);
        let phase = period.mul_f64(worker as f64 / options.concurrency.max(1) as f64);
        let mut t = tokio::time::interval_at(tokio::time::Instant::now() + phase, period);
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        t
    });
    let mut n = worker;
    while Instant::now() < deadline {
        if let Some(t) = ticker.as_mut() {
            t.tick().await;
        }
        let sent = Instant::now();
        let (result, docs_sent, chars) = match options.mode {
            Mode::Batch => {
                let requests: Vec<_> = (0..options.batch_size).map(|i| request(docs, n + i)).collect();
                let chars = requests.iter().map(|r| r.text.chars().count() as u64).sum();
                let count = requests.len() as u64;
                let result = client.batch_annotate(pb::BatchAnnotateRequest { requests }).await.map(|r| {
                    let results = r.into_inner().results;
                    let is_error = |r: &&pb::BatchAnnotateResult| {
                        matches!(r.result, Some(pb::batch_annotate_result::Result::Error(_)))
                    };
                    results.iter().filter(is_error).count()
                });
                (result.map(|errors| errors as u64), count, chars)
            }
            _ => {
                let req = request(docs, n);
                let chars = req.text.chars().count() as u64;
                (client.annotate(req).await.map(|_| 0), 1, chars)
            }
        };
        report.latencies.push(sent.elapsed());
        report.calls += 1;
        match result {
            Ok(item_errors) => {
                report.documents += docs_sent - item_errors;
                report.characters += chars;
                if item_errors > 0 {
                    *report.errors.entry("batch_item".into()).or_default() += item_errors;
                }
            }
            Err(status) => {
                report.record_error(&status);
                if status.code() == tonic::Code::Unavailable {
                    // Like a real client: back off before retrying a server that is away.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
        }
        n += options.concurrency;
    }
    report
}

async fn stream_worker(
    mut client: AnnotationServiceClient<Channel>,
    worker: usize,
    docs: &[String],
    options: &LoadOptions,
    deadline: Instant,
) -> Report {
    let window = Arc::new(Semaphore::new(options.stream_window.max(1)));
    let sent_at = Arc::new(Mutex::new(std::collections::VecDeque::new()));
    let (tx, rx) = tokio::sync::mpsc::channel(options.stream_window.max(1));
    let feeder = {
        let (window, sent_at, docs) = (Arc::clone(&window), Arc::clone(&sent_at), docs.to_vec());
        let step = options.concurrency;
        tokio::spawn(async move {
            let mut n = worker;
            while Instant::now() < deadline {
                let Ok(permit) = Arc::clone(&window).acquire_owned().await else { break };
                permit.forget();
                sent_at.lock().await.push_back((Instant::now(), docs[n % docs.len()].chars().count() as u64));
                let req = pb::StreamAnnotateRequest { request: Some(request(&docs, n)) };
                if tx.send(req).await.is_err() {
                    break;
                }
                n += step;
            }
        })
    };
    let mut report = Report::default();
    match client.stream_annotate(tokio_stream::wrappers::ReceiverStream::new(rx)).await {
        Ok(response) => {
            let mut outputs = response.into_inner();
            loop {
                match outputs.message().await {
                    Ok(Some(out)) => {
                        let (sent, chars) = sent_at.lock().await.pop_front().unwrap_or((Instant::now(), 0));
                        window.add_permits(1);
                        report.latencies.push(sent.elapsed());
                        report.calls += 1;
                        match out.result {
                            Some(pb::stream_annotate_response::Result::Response(_)) => {
                                report.documents += 1;
                                report.characters += chars;
                            }
                            _ => *report.errors.entry("stream_item".into()).or_default() += 1,
                        }
                    }
                    Ok(None) => break,
                    Err(status) => {
                        report.record_error(&status);
                        break;
                    }
                }
            }
        }
        Err(status) => report.record_error(&status),
    }
    feeder.abort();
    report
}

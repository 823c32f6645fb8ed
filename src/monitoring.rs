//! Prometheus metrics: the recorder behind the `metrics` facade and a small
//! HTTP endpoint (`GET /metrics`) on its own port, apart from gRPC.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{describe_counter, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

pub const REQUESTS: &str = "tifa_requests_total";
pub const REQUEST_SECONDS: &str = "tifa_request_duration_seconds";
pub const DOCUMENTS: &str = "tifa_documents_annotated_total";
pub const CHARACTERS: &str = "tifa_characters_annotated_total";
pub const IN_FLIGHT: &str = "tifa_requests_in_flight";
pub const SHED: &str = "tifa_requests_shed_total";
pub const INFO: &str = "tifa_build_info";
pub const LEXICON_INFO: &str = "tifa_lexicon_info";
pub const RESIDENT_MEMORY: &str = "process_resident_memory_bytes";
pub const PEAK_RESIDENT_MEMORY: &str = "process_resident_memory_peak_bytes";

/// Latency buckets, seconds: sub-millisecond calls up to the request timeout.
const LATENCY_BUCKETS: [f64; 16] =
    [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0];

/// Installs the global recorder once per process and returns its handle.
pub fn install() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .expect("bucket list is not empty")
                .install_recorder()
                .expect("the only metrics recorder of the process");
            describe();
            handle
        })
        .clone()
}

fn describe() {
    describe_counter!(REQUESTS, "gRPC calls and stream items by method and status code");
    describe_histogram!(REQUEST_SECONDS, metrics::Unit::Seconds, "gRPC call latency by method");
    describe_counter!(DOCUMENTS, "documents annotated");
    describe_counter!(CHARACTERS, "characters (code points) annotated");
    describe_gauge!(IN_FLIGHT, "calls admitted and not finished (running or waiting for a worker)");
    describe_counter!(SHED, "calls refused with RESOURCE_EXHAUSTED because workers and queue were full");
    describe_gauge!(INFO, "always 1; labels carry the engine, jieba and model versions");
    describe_gauge!(LEXICON_INFO, "always 1; labels carry the policy lexicon version in use");
    describe_gauge!(RESIDENT_MEMORY, metrics::Unit::Bytes, "resident set size");
    describe_gauge!(PEAK_RESIDENT_MEMORY, metrics::Unit::Bytes, "peak resident set size");
}

/// Samples process memory every few seconds (it is not event-driven).
pub fn spawn_memory_sampler() {
    tokio::spawn(async {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Some((rss, peak)) = process_memory() {
                gauge!(RESIDENT_MEMORY).set(rss as f64);
                gauge!(PEAK_RESIDENT_MEMORY).set(peak as f64);
            }
        }
    });
}

/// (VmRSS, VmHWM) in bytes from /proc/self/status (Linux).
pub fn process_memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib = |key: &str| {
        status.lines().find(|l| l.starts_with(key))?.split_whitespace().nth(1)?.parse::<u64>().ok().map(|k| k * 1024)
    };
    Some((kib("VmRSS:")?, kib("VmHWM:")?))
}

/// Serves `GET /metrics` in Prometheus text format, one request per
/// connection, until the process ends.
pub async fn serve(listener: TcpListener, handle: PrometheusHandle) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { continue };
        let handle = handle.clone();
        tokio::spawn(async move {
            let mut request = Vec::with_capacity(1024);
            let mut buf = [0u8; 1024];
            // Read the request head (bounded); the body, if any, is ignored.
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
                match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await {
                    Ok(Ok(n)) if n > 0 => request.extend_from_slice(&buf[..n]),
                    _ => return,
                }
            }
            let head = String::from_utf8_lossy(&request);
            let path = head.split_whitespace().nth(1).unwrap_or("");
            let (status, content_type, body) = if head.starts_with("GET ") && path == "/metrics" {
                ("200 OK", "text/plain; version=0.0.4; charset=utf-8", handle.render())
            } else {
                ("404 Not Found", "text/plain; charset=utf-8", "try GET /metrics\n".to_string())
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
        });
    }
}

//! Serving: the AnnotationService plus health and reflection, with limits,
//! compression, deadlines and a bounded graceful shutdown.

use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::codec::CompressionEncoding;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use super::limiter::WorkLimiter;
use super::linger::Lingering;
use super::pb::annotation_service_server::{AnnotationServiceServer, SERVICE_NAME};
use super::service::AnnotationApi;
use crate::resources::AnnotatorSlot;
use crate::settings::Settings;

/// What a running server exposes to the code that started it.
#[derive(Clone)]
pub struct ServerHandle {
    health: HealthReporter,
    limiter: Arc<WorkLimiter>,
}

impl ServerHandle {
    /// Requests admitted and not yet finished (running or waiting for a worker).
    pub fn in_flight(&self) -> usize {
        self.limiter.in_flight()
    }

    /// Reports the service (and the server as a whole) ready or not.
    pub async fn set_serving(&self, serving: bool) {
        let status = if serving { ServingStatus::Serving } else { ServingStatus::NotServing };
        self.health.set_service_status("", status).await;
        self.health.set_service_status(SERVICE_NAME, status).await;
    }
}

/// Serves on `listener` until `shutdown` resolves, then drains: health turns
/// NOT_SERVING, no new connections are accepted, in-flight calls finish, and
/// after `server.drain_timeout_secs` whatever remains is dropped.
///
/// Health starts NOT_SERVING; `on_ready` receives the handle so the caller can
/// flip it once `annotator` holds loaded resources.
pub async fn serve(
    listener: TcpListener,
    annotator: AnnotatorSlot,
    settings: Arc<Settings>,
    on_ready: impl FnOnce(ServerHandle),
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let (health, health_service) = tonic_health::server::health_reporter();
    let limiter = Arc::new(WorkLimiter::new(settings.concurrency.effective_workers(), settings.concurrency.max_queued));
    let handle = ServerHandle { health, limiter: Arc::clone(&limiter) };
    handle.set_serving(false).await;

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(super::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("embedded descriptor sets are valid");
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(super::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()
        .expect("embedded descriptor sets are valid");

    let server_settings = &settings.server;
    let api = AnnotationApi::new(annotator, limiter, Arc::clone(&settings));
    let mut annotation = AnnotationServiceServer::new(api)
        .accept_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Zstd)
        .max_decoding_message_size(server_settings.max_message_bytes)
        .max_encoding_message_size(server_settings.max_message_bytes);
    if server_settings.send_compressed {
        annotation = annotation.send_compressed(CompressionEncoding::Gzip);
    }

    let mut builder = Server::builder()
        .timeout(server_settings.request_timeout())
        .http2_keepalive_interval(secs(server_settings.keepalive_interval_secs))
        .http2_keepalive_timeout(Some(Duration::from_secs(20)));
    if let Some(age) = secs(server_settings.max_connection_age_secs) {
        builder = builder.max_connection_age(age).max_connection_age_grace(server_settings.drain_timeout());
    }
    // Without NODELAY small responses wait on Nagle + delayed ACK (~40 ms).
    let lingering = Lingering::default();
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true)).map_ok({
        let lingering = lingering.clone();
        move |stream| lingering.wrap(stream)
    });
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = builder
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(annotation)
        .serve_with_incoming_shutdown(incoming, async {
            let _ = stop_rx.await;
        });
    tokio::pin!(server);

    on_ready(handle.clone());
    tokio::select! {
        result = &mut server => return result,
        () = shutdown => {}
    }
    handle.set_serving(false).await;
    let _ = stop_tx.send(());
    let drain = server_settings.drain_timeout();
    let started = tokio::time::Instant::now();
    match tokio::time::timeout(drain, server).await {
        Ok(result) => {
            // Closed connections deliver their last responses (see linger).
            lingering.settle(drain.saturating_sub(started.elapsed())).await;
            tracing::info!("drained; stopped");
            result
        }
        Err(_) => {
            tracing::warn!(drain_timeout_secs = drain.as_secs(), "drain timeout reached; dropping remaining calls");
            Ok(())
        }
    }
}

fn secs(n: u64) -> Option<Duration> {
    (n > 0).then(|| Duration::from_secs(n))
}

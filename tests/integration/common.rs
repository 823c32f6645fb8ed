//! Starts a real server in-process on 127.0.0.1:0.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tifa::grpc::pb::annotation_service_client::AnnotationServiceClient;
use tifa::grpc::{ServerHandle, serve};
use tifa::pipeline::Annotator;
use tifa::resources::AnnotatorSlot;
use tifa::settings::Settings;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

pub const ARTICLE_000: &str = include_str!("../fixtures/articles/000_6e77a8c39b008b8e.txt");
pub const ARTICLE_001: &str = include_str!("../fixtures/articles/001_997f95b8fd1f40f4.txt");

/// Loaded once per test binary: jieba's dictionary takes a moment.
pub fn annotator() -> Arc<Annotator> {
    static ANNOTATOR: OnceLock<Arc<Annotator>> = OnceLock::new();
    Arc::clone(ANNOTATOR.get_or_init(|| {
        let settings = Settings::load(None, &HashMap::new()).unwrap();
        Arc::new(tifa::resources::load_annotator(&settings.resources).unwrap())
    }))
}

pub fn settings(overrides: &[(&str, &str)]) -> Settings {
    let env = overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    Settings::load(None, &env).unwrap()
}

pub struct TestServer {
    pub address: String,
    pub handle: ServerHandle,
    pub slot: AnnotatorSlot,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), tonic::transport::Error>>>,
}

impl TestServer {
    /// A ready server (resources loaded, health SERVING).
    pub async fn start(overrides: &[(&str, &str)]) -> Self {
        let server = Self::start_unloaded(overrides).await;
        server.slot.store(Some(annotator()));
        server.handle.set_serving(true).await;
        server
    }

    /// A server whose resources are not loaded yet (health NOT_SERVING).
    pub async fn start_unloaded(overrides: &[(&str, &str)]) -> Self {
        let settings = Arc::new(settings(overrides));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let slot: AnnotatorSlot = Arc::new(ArcSwapOption::empty());
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let (ready_tx, ready_rx) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&slot), settings, |h| drop(ready_tx.send(h)), async {
            let _ = stop_rx.await;
        }));
        let handle = ready_rx.await.unwrap();
        Self { address, handle, slot, stop: Some(stop_tx), task: Some(task) }
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(self.address.clone()).unwrap().connect().await.unwrap()
    }

    pub async fn client(&self) -> AnnotationServiceClient<Channel> {
        AnnotationServiceClient::new(self.channel().await).max_decoding_message_size(256 << 20)
    }

    /// Sends the shutdown signal (as SIGTERM would) and waits for the server to stop.
    pub async fn shutdown(mut self) -> Duration {
        let started = std::time::Instant::now();
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
        started.elapsed()
    }

    /// Sends the shutdown signal without waiting.
    pub fn begin_shutdown(&mut self) -> JoinHandle<Result<(), tonic::transport::Error>> {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap()
    }
}

/// Slices `text` by offsets counted in the given unit.
pub fn slice(text: &str, start: u32, end: u32, encoding: tifa::grpc::pb::OffsetEncoding) -> String {
    use tifa::grpc::pb::OffsetEncoding as E;
    let (start, end) = (start as usize, end as usize);
    match encoding {
        E::Utf8 => text.as_bytes().get(start..end).map(|b| String::from_utf8(b.to_vec()).unwrap()).unwrap(),
        E::Utf16 => {
            let units: Vec<u16> = text.encode_utf16().collect();
            String::from_utf16(&units[start..end]).unwrap()
        }
        E::CodePoint | E::Unspecified => text.chars().skip(start).take(end - start).collect(),
    }
}

/// The fields named by a status's BadRequest detail.
pub fn fields(status: &tonic::Status) -> Vec<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .expect("BadRequest details")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect()
}

//! Operations: health transitions, reflection, graceful shutdown.

use std::time::Duration;

use tifa::grpc::pb;
use tokio_stream::StreamExt;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use crate::common::{ARTICLE_000, TestServer, annotator};

const SERVICE: &str = "tifa.v1.AnnotationService";

async fn check(server: &TestServer, service: &str) -> Result<i32, tonic::Status> {
    let mut health = HealthClient::new(server.channel().await);
    health.check(HealthCheckRequest { service: service.into() }).await.map(|r| r.into_inner().status)
}

#[tokio::test]
async fn health_is_not_serving_until_loaded_then_serving() {
    let server = TestServer::start_unloaded(&[]).await;
    assert_eq!(check(&server, "").await.unwrap(), ServingStatus::NotServing as i32);
    assert_eq!(check(&server, SERVICE).await.unwrap(), ServingStatus::NotServing as i32);
    server.slot.store(Some(annotator()));
    server.handle.set_serving(true).await;
    assert_eq!(check(&server, "").await.unwrap(), ServingStatus::Serving as i32);
    assert_eq!(check(&server, SERVICE).await.unwrap(), ServingStatus::Serving as i32);
    let unknown = check(&server, "no.such.Service").await.unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
}

#[tokio::test]
async fn health_turns_not_serving_when_shutdown_begins() {
    let mut server = TestServer::start(&[("TIFA_SERVER__DRAIN_TIMEOUT_SECS", "1")]).await;
    let mut health = HealthClient::new(server.channel().await);
    let mut watch = health.watch(HealthCheckRequest { service: SERVICE.into() }).await.unwrap().into_inner();
    let first: HealthCheckResponse = watch.next().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);
    let stopped = server.begin_shutdown();
    let next = watch.next().await.unwrap().unwrap();
    assert_eq!(next.status, ServingStatus::NotServing as i32);
    // The open watch stream never ends by itself; the drain timeout bounds it.
    tokio::time::timeout(Duration::from_secs(5), stopped).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn reflection_lists_the_service_in_v1_and_v1alpha() {
    use tonic_reflection::pb::{v1, v1alpha};
    let server = TestServer::start(&[]).await;

    let mut client = v1::server_reflection_client::ServerReflectionClient::new(server.channel().await);
    let request = v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1::server_reflection_request::MessageRequest::ListServices(String::new())),
    };
    let mut responses = client.server_reflection_info(tokio_stream::iter([request])).await.unwrap().into_inner();
    let Some(v1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
        responses.next().await.unwrap().unwrap().message_response
    else {
        panic!("expected a service list")
    };
    let names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    assert!(names.contains(&SERVICE.to_string()), "{names:?}");
    assert!(names.contains(&"grpc.health.v1.Health".to_string()), "{names:?}");

    let mut client = v1alpha::server_reflection_client::ServerReflectionClient::new(server.channel().await);
    let request = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(v1alpha::server_reflection_request::MessageRequest::FileContainingSymbol(SERVICE.into())),
    };
    let mut responses = client.server_reflection_info(tokio_stream::iter([request])).await.unwrap().into_inner();
    let response = responses.next().await.unwrap().unwrap();
    assert!(matches!(
        response.message_response,
        Some(v1alpha::server_reflection_response::MessageResponse::FileDescriptorResponse(ref f))
            if !f.file_descriptor_proto.is_empty()
    ));
}

#[tokio::test]
async fn shutdown_lets_the_in_flight_request_finish_and_refuses_new_ones() {
    let mut server = TestServer::start(&[("TIFA_SERVER__DRAIN_TIMEOUT_SECS", "30")]).await;
    let mut client = server.client().await;
    let big = ARTICLE_000.repeat(60);
    let in_flight = tokio::spawn(async move {
        client.annotate(pb::AnnotateRequest { text: big, ..Default::default() }).await.map(|r| r.into_inner())
    });
    while server.handle.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let address = server.address.clone();
    let stopped = server.begin_shutdown();
    let response = in_flight.await.unwrap().expect("in-flight request completes");
    assert!(!response.tokens.is_empty());
    tokio::time::timeout(Duration::from_secs(10), stopped).await.unwrap().unwrap().unwrap();
    // The listener is gone: a new client cannot connect.
    let refused = tonic::transport::Channel::from_shared(address).unwrap().connect().await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn metrics_endpoint_serves_prometheus_text() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let handle = tifa::monitoring::install();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(tifa::monitoring::serve(listener, handle));

    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    client.annotate(pb::AnnotateRequest { text: "发展新质生产力".into(), ..Default::default() }).await.unwrap();
    client.annotate(pb::AnnotateRequest { text: String::new(), ..Default::default() }).await.unwrap_err();

    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("text/plain; version=0.0.4"));
    assert!(body.contains(r#"tifa_requests_total{method="Annotate",code="OK"}"#), "{body}");
    assert!(body.contains(r#"tifa_requests_total{method="Annotate",code="INVALID_ARGUMENT"}"#));
    assert!(body.contains("tifa_request_duration_seconds_bucket{method=\"Annotate\",le=\"0.001\"}"));
    assert!(body.contains("# TYPE tifa_documents_annotated_total counter"));
    // Every sample line is `name{labels} value` with a numeric value.
    for line in body.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok() || value == "+Inf" || value == "NaN", "bad sample line: {line}");
        let name = line.split(['{', ' ']).next().unwrap();
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'), "bad name: {line}");
    }
}

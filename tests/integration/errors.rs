//! Bad input: the right code, and the name of the field that is wrong.

use std::time::Duration;

use tifa::grpc::pb;
use tonic::Code;

use crate::common::{ARTICLE_000, TestServer, fields};

#[tokio::test]
async fn bad_fields_are_named() {
    let server = TestServer::start(&[("TIFA_LIMITS__MAX_DOCUMENT_BYTES", "1000")]).await;
    let mut client = server.client().await;
    let cases = [
        (pb::AnnotateRequest { text: String::new(), ..Default::default() }, "text"),
        (pb::AnnotateRequest { text: "字".repeat(400), ..Default::default() }, "text"),
        (pb::AnnotateRequest { text: "上海".into(), offset_encoding: 42, ..Default::default() }, "offset_encoding"),
        (
            pb::AnnotateRequest {
                text: "上海".into(),
                segmentation: Some(pb::SegmentationOptions { mode: 9, hmm: None }),
                ..Default::default()
            },
            "segmentation.mode",
        ),
        (
            pb::AnnotateRequest { text: "上海".into(), reference_date: "yesterday".into(), ..Default::default() },
            "reference_date",
        ),
        (
            pb::AnnotateRequest {
                text: "上海".into(),
                extra_phrases: vec![pb::ExtraPhrase { text: "a b".into(), ..Default::default() }],
                ..Default::default()
            },
            "extra_phrases[0].text",
        ),
    ];
    for (request, field) in cases {
        let status = client.annotate(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert_eq!(fields(&status), [field]);
        assert!(status.message().contains(field));
    }
}

#[tokio::test]
async fn oversized_batch_is_rejected_whole() {
    let server = TestServer::start(&[("TIFA_LIMITS__MAX_BATCH_SIZE", "2")]).await;
    let mut client = server.client().await;
    let requests = vec![pb::AnnotateRequest { text: "上海".into(), ..Default::default() }; 3];
    let status = client.batch_annotate(pb::BatchAnnotateRequest { requests }).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(fields(&status), ["requests"]);
}

#[tokio::test]
async fn message_over_the_transport_limit_is_refused() {
    let server =
        TestServer::start(&[("TIFA_SERVER__MAX_MESSAGE_BYTES", "20000"), ("TIFA_LIMITS__MAX_DOCUMENT_BYTES", "10000")])
            .await;
    let mut client = server.client().await;
    let status =
        client.annotate(pb::AnnotateRequest { text: "字".repeat(10_000), ..Default::default() }).await.unwrap_err();
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
}

#[tokio::test]
async fn gzip_requests_are_accepted() {
    let server = TestServer::start(&[]).await;
    let client = server.client().await;
    let mut client = client.send_compressed(tonic::codec::CompressionEncoding::Gzip);
    let r = client.annotate(pb::AnnotateRequest { text: ARTICLE_000.into(), ..Default::default() }).await.unwrap();
    assert!(!r.into_inner().tokens.is_empty());
}

#[tokio::test]
async fn load_beyond_the_queue_is_shed() {
    let server = TestServer::start(&[("TIFA_CONCURRENCY__WORKERS", "1"), ("TIFA_CONCURRENCY__MAX_QUEUED", "0")]).await;
    let big = ARTICLE_000.repeat(60);
    let mut slow = server.client().await;
    let running = tokio::spawn(async move {
        slow.annotate(pb::AnnotateRequest { text: big, ..Default::default() }).await.map(|_| ())
    });
    while server.handle.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let mut client = server.client().await;
    let status = client.annotate(pb::AnnotateRequest { text: "上海".into(), ..Default::default() }).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    running.await.unwrap().unwrap();
    // Capacity comes back once the slow call is done.
    client.annotate(pb::AnnotateRequest { text: "上海".into(), ..Default::default() }).await.unwrap();
}

#[tokio::test]
async fn client_deadlines_are_honoured() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let mut request = tonic::Request::new(pb::AnnotateRequest { text: ARTICLE_000.repeat(60), ..Default::default() });
    request.set_timeout(Duration::from_millis(5));
    let status = client.annotate(request).await.unwrap_err();
    assert!(matches!(status.code(), Code::DeadlineExceeded | Code::Cancelled), "{status:?}");
}

#[tokio::test]
async fn calls_before_resources_load_are_unavailable() {
    let server = TestServer::start_unloaded(&[]).await;
    let mut client = server.client().await;
    let status = client.annotate(pb::AnnotateRequest { text: "上海".into(), ..Default::default() }).await.unwrap_err();
    assert_eq!(status.code(), Code::Unavailable);
    // With no call in flight, shutdown is immediate.
    assert!(server.shutdown().await < Duration::from_secs(5));
}

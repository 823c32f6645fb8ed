//! Round trips: every span slices back to its text, in every encoding.

use tifa::grpc::pb::annotation_service_client::AnnotationServiceClient;
use tifa::grpc::pb::{self, OffsetEncoding};
use tokio_stream::StreamExt;
use tonic::transport::Channel;

use crate::common::{ARTICLE_000, ARTICLE_001, TestServer, slice};

fn request(text: &str, encoding: OffsetEncoding) -> pb::AnnotateRequest {
    pb::AnnotateRequest { text: text.to_string(), offset_encoding: encoding as i32, ..Default::default() }
}

fn assert_spans_slice_back(text: &str, r: &pb::AnnotateResponse, encoding: OffsetEncoding) {
    assert!(!r.tokens.is_empty());
    for t in &r.tokens {
        assert_eq!(slice(text, t.start, t.end, encoding), t.text, "token {t:?}");
    }
    for p in &r.policy_phrases {
        assert_eq!(slice(text, p.start, p.end, encoding), p.text, "phrase {p:?}");
    }
    for e in r.entities.iter().chain(r.entities.iter().flat_map(|e| &e.nested)) {
        assert_eq!(slice(text, e.start, e.end, encoding), e.text, "entity {e:?}");
    }
}

#[tokio::test]
async fn titles_meetings_and_positions_hold_the_names_inside_them() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    // A non-BMP char first, so UTF-16 and code-point offsets differ.
    let text = "𠀀这套《毛泽东、邓小平、江泽民新闻宣传思想研究》已出版。第十六届英联邦运动会将在吉隆坡举行，市委书记张敬涛出席。";
    for encoding in [OffsetEncoding::Utf16, OffsetEncoding::CodePoint] {
        let r = client.annotate(request(text, encoding)).await.unwrap().into_inner();
        assert_spans_slice_back(text, &r, encoding);
        let holding = |ty: pb::EntityType| {
            let e = r.entities.iter().find(|e| e.r#type == ty as i32).unwrap_or_else(|| panic!("{ty:?} found"));
            assert!(e.nested.iter().all(|n| e.start <= n.start && n.end <= e.end && n.nested.is_empty()), "{e:?}");
            e.nested.iter().map(|n| (n.text.as_str(), pb::EntityType::try_from(n.r#type).unwrap())).collect::<Vec<_>>()
        };
        use pb::EntityType::{Document, Event, Location, Organization, Person, Position};
        assert_eq!(holding(Document), [("毛泽东", Person), ("邓小平", Person), ("江泽民", Person)]);
        assert_eq!(holding(Event), [("英联邦", Location)]);
        assert_eq!(holding(Position), [("市委", Organization)]);
        // Top-level entities still never overlap; the names are no top-level entities.
        assert!(r.entities.windows(2).all(|w| w[0].end <= w[1].start));
        assert!(!r.entities.iter().any(|e| e.text == "毛泽东"));
        // Names in a title are whole tokens; the title itself is not one token.
        assert!(r.tokens.iter().any(|t| t.text == "江泽民"));
        assert!(!r.tokens.iter().any(|t| t.text.starts_with('《') && t.text.len() > 3));
    }
}

#[tokio::test]
async fn every_encoding_slices_back_including_emoji_and_non_bmp() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let text = "习近平🙂在上海𠀀考察，要求加快建设国际科技创新中心👍🏽、发展新质生产力。Ünïcödé ok";
    for encoding in [OffsetEncoding::Utf8, OffsetEncoding::Utf16, OffsetEncoding::CodePoint] {
        let r = client.annotate(request(text, encoding)).await.unwrap().into_inner();
        assert_eq!(r.offset_encoding, encoding as i32);
        assert_spans_slice_back(text, &r, encoding);
        let phrase = r.policy_phrases.iter().find(|p| p.canonical == "国际科技创新中心").expect("phrase found");
        assert_eq!(phrase.text, "国际科技创新中心");
        let emoji = r.tokens.iter().find(|t| t.text.contains('🙂')).expect("emoji token");
        let expected_len = match encoding {
            OffsetEncoding::Utf8 => 4,
            OffsetEncoding::Utf16 => 2,
            _ => 1,
        };
        assert_eq!(emoji.end - emoji.start, expected_len, "{encoding:?}");
    }
}

#[tokio::test]
async fn unspecified_encoding_means_code_points_and_is_echoed() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let text = "𠀀上海";
    let r = client.annotate(request(text, OffsetEncoding::Unspecified)).await.unwrap().into_inner();
    assert_eq!(r.offset_encoding, OffsetEncoding::CodePoint as i32);
    assert_eq!(r.text_length, 3);
}

#[tokio::test]
async fn a_real_article_annotates_with_phrases_kept_whole() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let mut req = request(ARTICLE_001, OffsetEncoding::Utf16);
    req.id = "article-001".into();
    let r = client.annotate(req).await.unwrap().into_inner();
    assert_eq!(r.id, "article-001");
    assert_spans_slice_back(ARTICLE_001, &r, OffsetEncoding::Utf16);
    // Tokens never straddle a policy phrase boundary.
    for p in &r.policy_phrases {
        for t in &r.tokens {
            let overlaps = t.start < p.end && p.start < t.end;
            let inside = p.start <= t.start && t.end <= p.end;
            assert!(!overlaps || inside, "token {t:?} cuts phrase {p:?}");
        }
    }
    // 新发展理⏎⏎念 is broken by a page break in this article and still found.
    assert!(r.policy_phrases.iter().any(|p| p.text == "新发展理\n\n念" && p.canonical == "新发展理念"));
    assert!(!r.keywords.is_empty());
}

#[tokio::test]
async fn features_select_annotators() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let mut req = request(ARTICLE_000, OffsetEncoding::CodePoint);
    req.features = Some(pb::Features { policy_phrases: true, ..Default::default() });
    let r = client.annotate(req).await.unwrap().into_inner();
    assert!(r.tokens.is_empty() && r.keywords.is_empty());
    assert!(!r.policy_phrases.is_empty());
}

#[tokio::test]
async fn segmentation_modes_and_hmm_switch() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let text = "中华人民共和国成立了";
    let mut tokens_of = async |mode: pb::SegmentationMode| {
        let mut req = request(text, OffsetEncoding::CodePoint);
        req.segmentation = Some(pb::SegmentationOptions { mode: mode as i32, hmm: Some(false) });
        let r = client.annotate(req).await.unwrap().into_inner();
        r.tokens.into_iter().map(|t| t.text).collect::<Vec<_>>()
    };
    let precise = tokens_of(pb::SegmentationMode::Precise).await;
    let search = tokens_of(pb::SegmentationMode::Search).await;
    let full = tokens_of(pb::SegmentationMode::Full).await;
    assert!(precise.contains(&"中华人民共和国".to_string()));
    assert!(search.len() > precise.len() && search.contains(&"中华".to_string()));
    assert!(full.len() >= search.len() && full.contains(&"人民".to_string()));
}

#[tokio::test]
async fn batch_keeps_order_and_isolates_a_bad_document() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let requests = vec![
        pb::AnnotateRequest { id: "a".into(), text: "发展新质生产力".into(), ..Default::default() },
        pb::AnnotateRequest { id: "b".into(), text: String::new(), ..Default::default() },
        pb::AnnotateRequest { id: "c".into(), text: ARTICLE_000.into(), ..Default::default() },
    ];
    let r = client.batch_annotate(pb::BatchAnnotateRequest { requests }).await.unwrap().into_inner();
    assert_eq!(r.results.len(), 3);
    let id_of = |i: usize| match r.results[i].result.as_ref().unwrap() {
        pb::batch_annotate_result::Result::Response(resp) => Ok(resp.id.clone()),
        pb::batch_annotate_result::Result::Error(status) => Err(status.clone()),
    };
    assert_eq!(id_of(0).unwrap(), "a");
    assert_eq!(id_of(2).unwrap(), "c");
    let error = id_of(1).unwrap_err();
    assert_eq!(error.code, tonic::Code::InvalidArgument as i32);
    use tonic_types::RpcStatusExt;
    let fields: Vec<_> =
        error.get_details_bad_request().unwrap().field_violations.into_iter().map(|v| v.field).collect();
    assert_eq!(fields, ["requests[1].text"]);
}

/// `got` (a batch or stream item) is what Annotate answers for `request` alone.
async fn assert_same_as_single_call(
    client: &mut AnnotationServiceClient<Channel>,
    request: pb::AnnotateRequest,
    got: Result<pb::AnnotateResponse, tonic_types::pb::Status>,
) {
    let single = client.annotate(request.clone()).await.map(|r| r.into_inner());
    match (got, single) {
        (Ok(got), Ok(want)) => assert_eq!(got, want, "{}", request.id),
        (Err(got), Err(want)) => assert_eq!(got.code, want.code() as i32, "{}", request.id),
        (got, want) => panic!("{}: got {got:?}, a single call {want:?}", request.id),
    }
}

/// A batch runs its documents in chunks, stage by stage across each chunk:
/// every result must be what a single Annotate call gives.
#[tokio::test]
async fn batch_results_equal_single_calls() {
    let server = TestServer::start(&[("TIFA_CONCURRENCY__WORKERS", "2")]).await;
    let mut client = server.client().await;
    let search = pb::SegmentationOptions { mode: pb::SegmentationMode::Search as i32, ..Default::default() };
    let mut requests: Vec<pb::AnnotateRequest> = [ARTICLE_000, ARTICLE_001, "", "上海市委书记陈吉宁主持会议。"]
        .iter()
        .enumerate()
        .map(|(i, text)| pb::AnnotateRequest { id: format!("d{i}"), ..request(text, OffsetEncoding::Utf16) })
        .collect();
    requests.push(pb::AnnotateRequest {
        id: "search".into(),
        segmentation: Some(search),
        ..request(&ARTICLE_001.chars().take(800).collect::<String>(), OffsetEncoding::Utf8)
    });
    let batch =
        client.batch_annotate(pb::BatchAnnotateRequest { requests: requests.clone() }).await.unwrap().into_inner();
    assert_eq!(batch.results.len(), requests.len());
    for (request, result) in requests.into_iter().zip(batch.results) {
        let got = match result.result.unwrap() {
            pb::batch_annotate_result::Result::Response(r) => Ok(r),
            pb::batch_annotate_result::Result::Error(e) => Err(e),
        };
        assert_same_as_single_call(&mut client, request, got).await;
    }
}

/// A stream runs the documents it has already received a few per job, stage
/// by stage: every result must be what a single Annotate call gives.
#[tokio::test]
async fn stream_results_equal_single_calls() {
    let server = TestServer::start(&[("TIFA_CONCURRENCY__WORKERS", "2")]).await;
    let mut client = server.client().await;
    let texts = [ARTICLE_000, "", ARTICLE_001, "市长龚正出席。", ARTICLE_001, ARTICLE_000, "发展新质生产力"];
    let requests: Vec<pb::AnnotateRequest> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| pb::AnnotateRequest { id: format!("s{i}"), ..request(text, OffsetEncoding::CodePoint) })
        .collect();
    let inputs = requests.clone().into_iter().map(|r| pb::StreamAnnotateRequest { request: Some(r) });
    let mut outputs = client.stream_annotate(tokio_stream::iter(inputs)).await.unwrap().into_inner();
    let mut answered = 0;
    while let Some(out) = outputs.next().await {
        let out = out.unwrap();
        let request = &requests[out.index as usize];
        assert_eq!(out.id, request.id);
        let got = match out.result.unwrap() {
            pb::stream_annotate_response::Result::Response(r) => Ok(r),
            pb::stream_annotate_response::Result::Error(e) => Err(e),
        };
        assert_same_as_single_call(&mut client, request.clone(), got).await;
        answered += 1;
    }
    assert_eq!(answered, requests.len());
}

#[tokio::test]
async fn a_stream_of_many_documents_answers_each_in_order() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    const N: usize = 400;
    let inputs = (0..N).map(|i| {
        let text = if i == 123 {
            String::new()
        } else {
            format!("第{i}篇：加快建设国际科技创新中心，发展新质生产力。")
        };
        pb::StreamAnnotateRequest {
            request: Some(pb::AnnotateRequest { id: format!("doc-{i}"), text, ..Default::default() }),
        }
    });
    let mut outputs = client.stream_annotate(tokio_stream::iter(inputs)).await.unwrap().into_inner();
    let mut seen = 0;
    while let Some(out) = outputs.next().await {
        let out = out.unwrap();
        assert_eq!(out.index as usize, seen);
        assert_eq!(out.id, format!("doc-{seen}"));
        match out.result.unwrap() {
            pb::stream_annotate_response::Result::Response(r) => {
                assert_ne!(seen, 123);
                assert!(r.policy_phrases.iter().any(|p| p.canonical == "新质生产力"));
            }
            pb::stream_annotate_response::Result::Error(e) => {
                assert_eq!(seen, 123);
                assert_eq!(e.code, tonic::Code::InvalidArgument as i32);
            }
        }
        seen += 1;
    }
    assert_eq!(seen, N);
}

#[tokio::test]
async fn service_info_reports_versions_limits_and_types() {
    let server = TestServer::start(&[("TIFA_LIMITS__MAX_BATCH_SIZE", "7")]).await;
    let mut client = server.client().await;
    let info = client.get_service_info(pb::GetServiceInfoRequest {}).await.unwrap().into_inner();
    assert_eq!(info.engine_version, env!("CARGO_PKG_VERSION"));
    assert!(info.jieba_version.contains("jieba"));
    assert_eq!(info.limits.unwrap().max_batch_size, 7);
    assert!(info.entity_types.contains(&(pb::EntityType::Person as i32)));
    let lexicon = info.lexicon.unwrap();
    assert!(lexicon.entry_count > 0 && lexicon.surface_count >= lexicon.entry_count);
    assert!(!info.policy_categories.is_empty());
}

#[tokio::test]
async fn list_policy_phrases_pages_through_a_category() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let info = client.get_service_info(pb::GetServiceInfoRequest {}).await.unwrap().into_inner();
    let category = info.policy_categories[0].clone();
    let mut token = String::new();
    let mut seen = Vec::new();
    loop {
        let page = client
            .list_policy_phrases(pb::ListPolicyPhrasesRequest {
                category: category.clone(),
                page_size: 2,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert!(page.entries.len() <= 2);
        assert!(page.entries.iter().all(|e| e.category == category));
        seen.extend(page.entries.into_iter().map(|e| e.id));
        if page.next_page_token.is_empty() {
            assert_eq!(seen.len(), page.total_size as usize);
            break;
        }
        token = page.next_page_token;
    }
    assert!(!seen.is_empty());
}

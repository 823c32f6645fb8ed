//! Policy lexicon: request phrases, hot reload, broken files rejected.

use std::time::Duration;

use tifa::grpc::pb;
use tifa::grpc::spawn_lexicon_reloader;

use crate::common::TestServer;

const EXTRA: &str = r#"
[lexicon]
version = "7"

[[phrase]]
id = "ce-shi-ti-fa"
canonical = "九龙治水式协同"
kind = "formulation"
category = "governance"
"#;

async fn phrases(server: &TestServer, text: &str) -> Vec<pb::PolicyPhrase> {
    let mut client = server.client().await;
    let request = pb::AnnotateRequest { text: text.into(), ..Default::default() };
    client.annotate(request).await.unwrap().into_inner().policy_phrases
}

#[tokio::test]
async fn request_phrases_are_matched_and_marked() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let request = pb::AnnotateRequest {
        text: "推进九龙治水式协同，发展新质生产力".into(),
        extra_phrases: vec![pb::ExtraPhrase {
            text: "九龙治水式协同".into(),
            category: "governance".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let found = client.annotate(request).await.unwrap().into_inner().policy_phrases;
    let extra = found.iter().find(|p| p.text == "九龙治水式协同").expect("request phrase found");
    assert_eq!(extra.source, pb::AnnotationSource::Request as i32);
    assert!(found.iter().any(|p| p.canonical == "新质生产力" && p.source == pb::AnnotationSource::Lexicon as i32));
}

#[tokio::test]
async fn lexicon_files_reload_on_change_and_broken_files_are_rejected() {
    let dir = std::env::temp_dir().join(format!("tifa-lexicon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("extra.toml");
    std::fs::write(&file, "[lexicon]\nversion = \"6\"\n").unwrap();
    let server = TestServer::start(&[]).await;
    spawn_lexicon_reloader(server.slot.clone(), vec![file.clone()], Duration::from_millis(50));
    let text = "以九龙治水式协同推进工作";
    assert!(phrases(&server, text).await.is_empty());

    // A changed file is picked up without a restart.
    tokio::time::sleep(Duration::from_millis(20)).await;
    std::fs::write(&file, EXTRA).unwrap();
    let mut found = Vec::new();
    for _ in 0..100 {
        found = phrases(&server, text).await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(found.len(), 1, "reloaded phrase not found");
    assert_eq!(found[0].phrase_id, "ce-shi-ti-fa");

    // A broken file is rejected; the lexicon in use keeps serving.
    std::fs::write(&file, EXTRA.replace("formulation", "nonsense")).unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(phrases(&server, text).await.len(), 1);
    let mut client = server.client().await;
    let info = client.get_service_info(pb::GetServiceInfoRequest {}).await.unwrap().into_inner();
    let lexicon = info.lexicon.unwrap();
    assert!(lexicon.version.ends_with("+extra@7"), "{}", lexicon.version);
    assert_eq!(lexicon.extra_files.len(), 1);
}

#[tokio::test]
async fn list_policy_phrases_filters_by_kind_and_rejects_bad_tokens() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let numbered = client
        .list_policy_phrases(pb::ListPolicyPhrasesRequest {
            kind: pb::PolicyPhraseKind::Numbered as i32,
            page_size: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(numbered.entries.iter().all(|e| e.kind == pb::PolicyPhraseKind::Numbered as i32));
    let si_ge_mian_xiang = numbered.entries.iter().find(|e| e.canonical == "四个面向").expect("四个面向 listed");
    assert_eq!(si_ge_mian_xiang.items.len(), 4);
    let status = client
        .list_policy_phrases(pb::ListPolicyPhrasesRequest { page_token: "bogus".into(), ..Default::default() })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
}

//! Bad and strange input through the real server: each gets a clear status or
//! a valid annotation whose spans slice back to their text, in every unit.
//!
//! Big inputs also check that the work grows linearly: the time for 16·n is
//! compared with the time for n (each the fastest of a few runs) with a ratio
//! of 64, far from linear (16) and from quadratic (256), plus half a second of
//! slack, so a busy machine does not fail it but a quadratic stage does (at
//! these sizes, 100,000 to 300,000 chars, quadratic means seconds to minutes).

use std::time::{Duration, Instant};

use tifa::grpc::pb::{self, OffsetEncoding};
use tifa::pipeline::AnnotateOptions;
use tifa::pipeline::offsets::OffsetEncoding as Unit;
use tonic::Code;

use crate::common::{ARTICLE_000, ARTICLE_001, TestServer, annotator, fields};
use crate::invariants::Units;

const ENCODINGS: [OffsetEncoding; 3] = [OffsetEncoding::Utf8, OffsetEncoding::Utf16, OffsetEncoding::CodePoint];

fn request(text: &str, encoding: OffsetEncoding) -> pb::AnnotateRequest {
    pb::AnnotateRequest { text: text.to_string(), offset_encoding: encoding as i32, ..Default::default() }
}

fn unit(encoding: i32) -> Unit {
    match OffsetEncoding::try_from(encoding).unwrap() {
        OffsetEncoding::Utf8 => Unit::Utf8,
        OffsetEncoding::Utf16 => Unit::Utf16,
        OffsetEncoding::CodePoint | OffsetEncoding::Unspecified => Unit::CodePoint,
    }
}

/// A valid annotation of `text` (precise segmentation): every span non-empty,
/// inside the text, slicing back to its `text` in the response's unit; tokens,
/// entities and phrases each sorted and disjoint; tokens cover every
/// non-whitespace char and never cut a phrase.
fn assert_valid(text: &str, r: &pb::AnnotateResponse) {
    let encoding = unit(r.offset_encoding);
    let units = Units::new(text);
    let length = match encoding {
        Unit::Utf8 => text.len(),
        Unit::Utf16 => text.encode_utf16().count(),
        Unit::CodePoint => text.chars().count(),
    };
    assert_eq!(r.text_length as usize, length, "text_length in {encoding:?}");
    let check = |what: &str, spans: &[(u32, u32, &str)]| {
        let mut last_end = 0;
        for &(start, end, piece) in spans {
            assert!(start < end && end <= r.text_length, "{what} {start}..{end} {piece:?} out of 0..{}", r.text_length);
            let sliced = units.slice(text, encoding, start, end).unwrap_or_else(|e| panic!("{what} {piece:?}: {e}"));
            assert_eq!(sliced, piece, "{what} {start}..{end} in {encoding:?}");
            assert!(start >= last_end, "{what} {start}..{end} {piece:?} overlaps the one before (ends {last_end})");
            last_end = end;
        }
    };
    let tokens: Vec<_> = r.tokens.iter().map(|t| (t.start, t.end, t.text.as_str())).collect();
    let entities: Vec<_> = r.entities.iter().map(|e| (e.start, e.end, e.text.as_str())).collect();
    let phrases: Vec<_> = r.policy_phrases.iter().map(|p| (p.start, p.end, p.text.as_str())).collect();
    check("token", &tokens);
    check("entity", &entities);
    for e in &r.entities {
        let nested: Vec<_> = e.nested.iter().map(|n| (n.start, n.end, n.text.as_str())).collect();
        check("nested entity", &nested);
        assert!(e.nested.iter().all(|n| e.start <= n.start && n.end <= e.end), "names nested in {e:?} stick out");
    }
    check("policy phrase", &phrases);
    // Nothing but whitespace between tokens.
    let mut cursor = 0;
    for &(start, end, _) in tokens.iter().chain([(r.text_length, r.text_length, "")].iter()) {
        let gap = units.slice(text, encoding, cursor, start).unwrap();
        assert!(gap.trim().is_empty(), "{gap:?} at {cursor}..{start} is in no token");
        cursor = end;
    }
    // Tokens are sorted and disjoint: only the last one starting before an
    // edge can cross it.
    for p in &r.policy_phrases {
        for edge in [p.start, p.end] {
            let before = r.tokens.partition_point(|t| t.start < edge);
            let crossing = before.checked_sub(1).map(|i| &r.tokens[i]).filter(|t| t.end > edge);
            assert!(crossing.is_none(), "token {crossing:?} cuts policy phrase {:?} at {edge}", p.text);
        }
    }
}

/// Annotates `text` in every unit and checks each response.
async fn assert_valid_everywhere(server: &TestServer, text: &str) -> pb::AnnotateResponse {
    let mut client = server.client().await;
    let mut last = None;
    for encoding in ENCODINGS {
        let r = client
            .annotate(request(text, encoding))
            .await
            .unwrap_or_else(|s| panic!("{:?}…: {s:?}", text.chars().take(20).collect::<String>()))
            .into_inner();
        assert_eq!(r.offset_encoding, encoding as i32);
        assert_valid(text, &r);
        last = Some(r);
    }
    last.unwrap()
}

#[tokio::test]
async fn empty_text_is_invalid_argument_on_text() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let status = client.annotate(request("", OffsetEncoding::Utf8)).await.unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(fields(&status), ["text"]);
}

#[tokio::test]
async fn whitespace_only_text_is_valid_and_empty() {
    let server = TestServer::start(&[]).await;
    for text in [" ", "\n", "\n\n\t\r\n", "\u{3000}\u{3000}", &" ".repeat(10_000), &"\n".repeat(10_000)] {
        let r = assert_valid_everywhere(&server, text).await;
        assert!(r.tokens.is_empty() && r.entities.is_empty() && r.policy_phrases.is_empty(), "{r:?}");
        assert!(r.keywords.is_empty(), "{:?}", r.keywords);
    }
}

#[tokio::test]
async fn the_document_limit_is_exact() {
    let server = TestServer::start(&[("TIFA_LIMITS__MAX_DOCUMENT_BYTES", "10000")]).await;
    let mut client = server.client().await;
    // 3,333 three-byte chars + one byte = exactly 10,000 bytes.
    let at_limit = format!("{}a", "上海市委书记陈吉宁指出新质生产力".chars().cycle().take(3333).collect::<String>());
    assert_eq!(at_limit.len(), 10_000);
    assert_valid_everywhere(&server, &at_limit).await;
    for over in [format!("{at_limit}b"), format!("{at_limit}上"), "字".repeat(400_000)] {
        let status = client.annotate(request(&over, OffsetEncoding::Utf8)).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{} bytes", over.len());
        assert_eq!(fields(&status), ["text"]);
        assert!(status.message().contains("max_document_bytes"), "{}", status.message());
    }
}

#[tokio::test]
async fn a_bad_document_in_a_batch_fails_alone() {
    let server = TestServer::start(&[("TIFA_LIMITS__MAX_DOCUMENT_BYTES", "1000")]).await;
    let mut client = server.client().await;
    let texts = ["", "上海\0市委", &"字".repeat(400), " ", "\u{301}"];
    let requests = texts.iter().map(|t| request(t, OffsetEncoding::Utf16)).collect();
    let results = client.batch_annotate(pb::BatchAnnotateRequest { requests }).await.unwrap().into_inner().results;
    assert_eq!(results.len(), texts.len());
    for (i, (text, result)) in texts.iter().zip(results).enumerate() {
        match result.result.unwrap() {
            pb::batch_annotate_result::Result::Response(r) => {
                assert!(i != 0 && i != 2, "document {i} should have failed");
                assert_valid(text, &r);
            }
            pb::batch_annotate_result::Result::Error(e) => {
                assert!(i == 0 || i == 2, "document {i} failed: {e:?}");
                assert_eq!(e.code, Code::InvalidArgument as i32);
                assert!(e.message.contains(&format!("requests[{i}].text")), "{}", e.message);
            }
        }
    }
}

#[tokio::test]
async fn nul_and_control_characters() {
    let server = TestServer::start(&[]).await;
    let controls: String = ('\0'..='\u{1F}').chain('\u{7F}'..='\u{9F}').collect();
    for text in [
        "\0",
        &"\0".repeat(1000),
        &controls,
        "上海\0市委书记\u{1}陈吉宁\u{7F}指出，\u{1B}[31m要加快\u{8}发展\u{C}新质\u{0}生产力\u{B}。",
        "\u{200B}新质\u{200B}生产力\u{FEFF}\u{2028}两个大局\u{2029}\u{85}四个面向",
        "\u{FFFD}\u{FFFE}\u{FFFF}\u{E000}\u{10FFFF}上海",
    ] {
        assert_valid_everywhere(&server, text).await;
    }
}

#[tokio::test]
async fn lone_combining_marks() {
    let server = TestServer::start(&[]).await;
    for text in [
        "\u{301}",
        "\u{301}\u{302}\u{303}上海",
        "上\u{301}海市委书记陈\u{20DD}吉宁",
        &"\u{300}".repeat(5000),
        "新质生产力\u{FE0F}\u{200D}\u{3099}",
        "2024\u{301}年7\u{301}月1日",
    ] {
        assert_valid_everywhere(&server, text).await;
    }
}

#[tokio::test]
async fn emoji_and_non_bmp_characters_slice_back_in_utf16() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    for text in [
        "🙂",
        "👨‍👩‍👧‍👦上海👍🏽市委书记🇨🇳陈吉宁❤️指出",
        "𠀀𠀁𠀂新质生产力𪚥𝄞",
        "习近平🙂在上海𠀀考察，2024年7月1日🙂要求加快建设国际科技创新中心",
        &"😀".repeat(20_000),
        &"𠀀".repeat(20_000),
    ] {
        let r = client.annotate(request(text, OffsetEncoding::Utf16)).await.unwrap().into_inner();
        assert_valid(text, &r);
        // Non-BMP chars count two units each.
        assert_eq!(r.text_length as usize, text.encode_utf16().count());
        assert_valid_everywhere(&server, text).await;
    }
}

#[tokio::test]
async fn right_to_left_text() {
    let server = TestServer::start(&[]).await;
    for text in [
        "مرحبا بالعالم، هذا نص عربي.",
        "שלום עולם! זה טקסט בעברית.",
        "上海市委书记陈吉宁会见\u{202B}وفد من مصر\u{202C}和שלום代表团，\u{202E}发展新质生产力\u{202C}。١٢٣٤ ٥٦",
        &"عربي ".repeat(5000),
    ] {
        assert_valid_everywhere(&server, text).await;
    }
}

#[tokio::test]
async fn html_markup() {
    let server = TestServer::start(&[]).await;
    let html = "<!DOCTYPE html><html><head><title>上海</title><style>p{color:red}</style></head>\
        <body><p class=\"lead\">上海市委书记<b>陈吉宁</b>指出，要发展<a href='/x?a=1&amp;b=2'>新质生产力</a>。</p>\
        <script>var s = '<p>两个大局</p>'; alert(\"x\");</script>&nbsp;&lt;四个面向&gt;&#x4E0A;&#28023;<br/>\
        <!-- 注释：国际科技创新中心 --></body></html>";
    // Tags read as line breaks, so the page's short lines may be boilerplate:
    // marked, not skipped, every char is still in a token.
    let mut client = server.client().await;
    let mut last = None;
    for encoding in ENCODINGS {
        let marked = pb::AnnotateRequest {
            boilerplate: pb::BoilerplateMode::Mark as i32,
            features: Some(pb::Features { tokens: true, entities: true, policy_phrases: true, ..Default::default() }),
            ..request(html, encoding)
        };
        let r = client.annotate(marked).await.unwrap().into_inner();
        assert_valid(html, &r);
        last = Some(r);
    }
    let r = last.unwrap();
    // Markup is no text: nothing is read out of the script, the style or the
    // comment; the name in <b> and the phrase in <a> are found.
    let persons: Vec<&str> =
        r.entities.iter().filter(|e| e.r#type == pb::EntityType::Person as i32).map(|e| e.text.as_str()).collect();
    assert_eq!(persons, ["陈吉宁"]);
    let phrases: Vec<&str> = r.policy_phrases.iter().map(|p| p.text.as_str()).collect();
    assert!(phrases.contains(&"新质生产力") && phrases.contains(&"四个面向"), "{phrases:?}");
    assert!(!phrases.contains(&"两个大局") && !phrases.contains(&"国际科技创新中心"), "{phrases:?}");
}

#[tokio::test]
async fn text_with_no_chinese() {
    let server = TestServer::start(&[]).await;
    for text in [
        "The quick brown fox jumps over the lazy dog. 1,234.56 USD on 2024-07-01.",
        "fn main() { println!(\"{}\", 1 + 2); } // code",
        "{\"a\": [1, 2, {\"b\": null}], \"c\": \"d\"}",
        "Ünïcödé façade naïve — “quotes” ‘single’ «guillemets» ½ ² ∑ ∞",
        &"lorem ipsum dolor sit amet ".repeat(2000),
        "123456789012345678901234567890",
    ] {
        let r = assert_valid_everywhere(&server, text).await;
        assert!(!r.tokens.is_empty());
    }
}

/// Smallest of `runs` timings of `f`.
fn fastest(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap()
}

/// The pipeline's time for `text` (16·n) against the time for its first
/// sixteenth (n): linear is 16×, quadratic 256×; fail above 64× + 0.5 s.
fn assert_linear(what: &str, text: &str) {
    let annotator = annotator();
    let options = AnnotateOptions::default();
    let cut = text.char_indices().nth(text.chars().count() / 16).map_or(text.len(), |(b, _)| b);
    let small = &text[..cut];
    let t_small = fastest(3, || drop(annotator.annotate(small, &options)));
    let t_big = fastest(2, || drop(annotator.annotate(text, &options)));
    let limit = t_small * 64 + Duration::from_millis(500);
    eprintln!("{what}: {} bytes {t_big:?}, {} bytes {t_small:?}", text.len(), small.len());
    assert!(
        t_big < limit,
        "{what}: {} bytes took {t_big:?}, {} bytes {t_small:?}: superlinear",
        text.len(),
        small.len()
    );
}

/// 300,000 ideographs (≈ 900 KB, under the default 1 MB limit) on one line,
/// no punctuation, no spaces: the fixture articles' ideographs in a loop.
#[tokio::test]
async fn one_huge_line_without_punctuation() {
    let ideographs: String = [ARTICLE_000, ARTICLE_001]
        .concat()
        .chars()
        .filter(|&c| tifa::pipeline::clean::is_cjk_ideograph(c))
        .cycle()
        .take(300_000)
        .collect();
    assert!(ideographs.len() < 1_000_000);
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    let r = client.annotate(request(&ideographs, OffsetEncoding::Utf16)).await.unwrap().into_inner();
    assert_valid(&ideographs, &r);
    assert!(r.tokens.len() > 100_000, "{} tokens", r.tokens.len());
    assert_linear("one line of ideographs", &ideographs);
}

/// 100,000 repetitions of one char or word: the classic trigger of a scan
/// that restarts at every position (an unclosed 《, a run of digits).
#[tokio::test]
async fn one_thing_repeated_100_000_times() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    for unit in [
        "的",
        "年",
        "书记",
        "a",
        "1",
        "《",
        "“",
        "十",
        "。",
        " ",
        "\n",
        "🙂",
        "新质生产力",
        "中美关系",
        "科技部部长",
        "访华",
    ] {
        let text = unit.repeat(100_000);
        let mut text = text.as_str();
        if text.len() > 1_000_000 {
            // 新质生产力 × 100,000 is 1.5 MB: as much as the default limit takes.
            let cut = (0..=1_000_000).rev().find(|&b| text.is_char_boundary(b)).unwrap();
            text = &text[..cut];
        }
        let r = client
            .annotate(request(text, OffsetEncoding::CodePoint))
            .await
            .unwrap_or_else(|s| panic!("{unit:?} × 100,000: {s:?}"))
            .into_inner();
        assert_valid(text, &r);
        assert_linear(&format!("{unit:?} × 100,000"), text);
    }
}

/// A request phrase that matches inside one long token everywhere ("a" in
/// 100,000 a's, one jieba token): 100,000 protected spans in one segment.
/// Imposing them recursively overflowed the worker's stack and aborted the
/// whole server, and copied the tail at every level (quadratic).
#[tokio::test]
async fn a_request_phrase_matching_everywhere_inside_one_token() {
    let server = TestServer::start(&[]).await;
    let mut client = server.client().await;
    for (unit, phrase) in [("a", "a"), ("ab", "b"), ("1a", "1"), ("的", "的")] {
        let text = unit.repeat(100_000);
        let mut req = request(&text, OffsetEncoding::Utf16);
        req.extra_phrases = vec![pb::ExtraPhrase { text: phrase.into(), ..Default::default() }];
        let r = client
            .annotate(req)
            .await
            .unwrap_or_else(|s| panic!("{unit:?} × 100,000 with phrase {phrase:?}: {s:?}"))
            .into_inner();
        assert_valid(&text, &r);
        assert_eq!(r.policy_phrases.len(), 100_000, "{unit:?}");
    }
}

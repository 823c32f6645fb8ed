//! Property tests: whatever Unicode comes in, every span the pipeline returns
//! is inside the original text, on char boundaries, ordered as documented, and
//! slices back to the same substring in every offset unit.
//!
//! Inputs mix arbitrary strings, Chinese-heavy text salted with the accidents
//! of real pages (line breaks, stray spaces, ASCII and full-width punctuation,
//! emoji, combining marks, NUL and control chars, right-to-left text), and
//! slices of the fixture articles with random mutations.

use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;
use tifa::pipeline::clean::CleanText;
use tifa::pipeline::policy::ExtraPhrase;
use tifa::pipeline::segment::{SegmentationMode, SegmentationOptions};
use tifa::pipeline::types::{CivilDate, PhraseKind};
use tifa::pipeline::{AnnotateOptions, BoilerplateMode, Features};

use crate::common::annotator;
use crate::invariants::{Expect, check_annotation, check_clean, probe_spans};

const CASES: u32 = 256;
const MAX_CHARS: usize = 2000;

const ARTICLES: [&str; 5] = [
    include_str!("../fixtures/articles/000_6e77a8c39b008b8e.txt"),
    include_str!("../fixtures/articles/001_997f95b8fd1f40f4.txt"),
    include_str!("../fixtures/articles/002_2d8b69315731fb98.txt"),
    include_str!("../fixtures/articles/003_6293a3a1acd0a6f5.txt"),
    include_str!("../fixtures/articles/004_cf4ae71d46783a76.txt"),
];

/// Words the annotators react to: policy phrases, names, positions, dates,
/// amounts, titles, meetings, discovery shapes, traditional script, and the
/// datelines, bylines and menu items the structure stage classifies.
const WORDS: &[&str] = &[
    "加快發展新質生產力",
    "國際科技創新中心",
    "本报讯",
    "来源：文汇报",
    "责任编辑：张三",
    "本报记者 顾一琼 祝越",
    "2025-07-27 21:56:43 看看新闻Knews",
    "扫描二维码下载APP",
    "时讯22小时前",
    "2025/07/27",
    "首页",
    "新质生产力",
    "两个大局",
    "四个面向",
    "五个中心",
    "国际科技创新中心",
    "习近平新时代中国特色社会主义思想",
    "稳就业、稳企业",
    "稳就业,稳企业",
    "十五五",
    "1+N+1",
    "“三个一批”",
    "“净风行动”",
    "习近平",
    "陈吉宁",
    "龚正",
    "市委书记",
    "市委副书记、市长",
    "总书记",
    "上海市",
    "浦东新区",
    "国务院",
    "2024年7月1日",
    "7月7日",
    "昨天",
    "上午10时30分",
    "３．５％",
    "3.5%",
    "1,000亿元",
    "百分之五",
    "二〇二五年",
    "十四届全国人大三次会议",
    "进博会",
    "《关于加快发展新质生产力的意见》",
    "《",
    "》",
    "“",
    "”",
    "的",
    "年",
    "书记",
];

const BREAKS: &[&str] = &["\n", "\n\n", "\r\n", " ", "  ", "\u{3000}", "\t", "\u{2028}", "\u{85}", "\u{A0}"];
const PUNCT: &[&str] = &[
    ",", ".", ";", ":", "!", "?", "(", ")", "\"", "'", "-", "/", "%", "+", "，", "。", "、", "；", "：", "！", "？",
    "（", "）", "【", "】", "…", "—", "·", "．", "％", "＋", "〇",
];
const DIGITS: &[&str] = &["0", "1", "12", "2025", "3.14", "１", "２０２５", "一", "两", "十", "百", "千", "万", "亿"];
const EMOJI: &[&str] = &["🙂", "👍🏽", "👨‍👩‍👧‍👦", "🇨🇳", "❤️", "🀄", "𠀀", "𪚥", "𝄞", "\u{1F600}\u{FE0F}"];
const COMBINING: &[&str] =
    &["\u{301}", "\u{300}\u{301}\u{302}", "e\u{301}", "\u{20DD}", "\u{FE0F}", "\u{200D}", "\u{3099}"];
const CONTROL: &[&str] = &[
    "\0",
    "\u{1}",
    "\u{7}",
    "\u{8}",
    "\u{B}",
    "\u{C}",
    "\u{1B}",
    "\u{7F}",
    "\u{9F}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{FFFD}",
    "\u{FFFF}",
    "\u{E000}",
    "\u{10FFFF}",
];
const RTL: &[&str] = &["مرحبا بالعالم", "שלום עולם", "\u{202E}", "\u{202B}", "\u{200F}", "١٢٣", "عربي"];

fn cjk_run() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::char::range('\u{4E00}', '\u{9FFF}'), 1..8).prop_map(|v| v.into_iter().collect())
}

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = String> {
    select(list).prop_map(str::to_string)
}

/// One piece of realistic-to-hostile text.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => cjk_run(),
        6 => pick(WORDS),
        3 => pick(BREAKS),
        3 => pick(PUNCT),
        2 => pick(DIGITS),
        1 => "[a-zA-Z]{1,8}",
        1 => pick(EMOJI),
        1 => pick(COMBINING),
        1 => pick(CONTROL),
        1 => pick(RTL),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn truncate_chars(mut s: String, max: usize) -> String {
    if let Some((b, _)) = s.char_indices().nth(max) {
        s.truncate(b);
    }
    s
}

fn chinese_heavy() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..250).prop_map(|v| truncate_chars(v.concat(), MAX_CHARS))
}

fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<char>(), 0..400).prop_map(|v| v.into_iter().collect()),
        prop::collection::vec(any::<u8>(), 0..600).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Insert(Index, String),
    Delete(Index, usize),
    Replace(Index, String),
    Duplicate(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), piece()).prop_map(|(at, s)| Mutation::Insert(at, s)),
        2 => (any::<Index>(), 1..20usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        2 => (any::<Index>(), piece()).prop_map(|(at, s)| Mutation::Replace(at, s)),
        1 => (any::<Index>(), 1..40usize).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

fn mutate(chars: &mut Vec<char>, m: &Mutation) {
    let at = |i: &Index, len: usize| i.index(len + 1);
    match m {
        Mutation::Insert(i, s) => {
            let p = at(i, chars.len());
            chars.splice(p..p, s.chars());
        }
        Mutation::Delete(i, n) => {
            let p = at(i, chars.len());
            let end = (p + n).min(chars.len());
            chars.drain(p..end);
        }
        Mutation::Replace(i, s) => {
            let p = at(i, chars.len());
            let end = (p + 1).min(chars.len());
            chars.splice(p..end, s.chars());
        }
        Mutation::Duplicate(i, n) => {
            let p = at(i, chars.len());
            let end = (p + n).min(chars.len());
            let copy: Vec<char> = chars[p..end].to_vec();
            chars.splice(p..p, copy);
        }
    }
}

/// A slice of a fixture article (char-aligned), then a few random edits.
fn article_slice() -> impl Strategy<Value = String> {
    (0..ARTICLES.len(), any::<Index>(), 1..MAX_CHARS, prop::collection::vec(mutation(), 0..8)).prop_map(
        |(article, start, len, mutations)| {
            let chars: Vec<char> = ARTICLES[article].chars().collect();
            let start = start.index(chars.len());
            let mut slice = chars[start..(start + len).min(chars.len())].to_vec();
            for m in &mutations {
                mutate(&mut slice, m);
            }
            truncate_chars(slice.into_iter().collect(), MAX_CHARS)
        },
    )
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![1 => arbitrary_text(), 2 => chinese_heavy(), 2 => article_slice()]
}

/// Options as a request could set them; extra phrases are cut from the text.
#[derive(Debug, Clone)]
struct Choice {
    mode: SegmentationMode,
    hmm: bool,
    features: Features,
    reference_date: Option<CivilDate>,
    boilerplate: BoilerplateMode,
    extra: Vec<(Index, usize)>,
}

fn choice() -> impl Strategy<Value = Choice> {
    let mode = prop_oneof![
        6 => Just(SegmentationMode::Precise),
        1 => Just(SegmentationMode::Search),
        1 => Just(SegmentationMode::Full),
    ];
    let features = prop_oneof![
        3 => Just(Features::ALL),
        1 => (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(tokens, entities, policy_phrases, keywords, structure)| Features {
                tokens,
                entities,
                policy_phrases,
                keywords,
                structure,
            }
        ),
    ];
    let date = prop::option::of((1990..2040i32, 1..=12u32, 1..=28u32).prop_map(|(year, month, day)| CivilDate {
        year,
        month,
        day,
    }));
    let boilerplate = prop_oneof![Just(BoilerplateMode::Skip), Just(BoilerplateMode::Mark)];
    let extra = prop::collection::vec((any::<Index>(), 1..10usize), 0..3);
    (mode, any::<bool>(), features, date, boilerplate, extra).prop_map(
        |(mode, hmm, features, reference_date, boilerplate, extra)| Choice {
            mode,
            hmm,
            features,
            reference_date,
            boilerplate,
            extra,
        },
    )
}

/// Request phrases the way validation lets them through: non-empty, no
/// whitespace, at most 64 chars.
fn options(text: &str, choice: &Choice) -> AnnotateOptions {
    let chars: Vec<char> = text.chars().collect();
    let extra_phrases = choice
        .extra
        .iter()
        .filter(|_| !chars.is_empty())
        .map(|(at, len)| {
            let start = at.index(chars.len());
            chars[start..(start + len).min(chars.len())].iter().collect::<String>()
        })
        .filter(|p| !p.trim().is_empty() && !p.chars().any(char::is_whitespace))
        .map(|text| ExtraPhrase {
            canonical: text.clone(),
            text,
            category: "request".into(),
            kind: PhraseKind::Formulation,
        })
        .collect();
    AnnotateOptions {
        features: choice.features,
        segmentation: SegmentationOptions { mode: choice.mode, hmm: choice.hmm },
        extra_phrases,
        reference_date: choice.reference_date,
        boilerplate: choice.boilerplate,
    }
}

fn check(text: &str, choice: &Choice) -> Result<(), TestCaseError> {
    let options = options(text, choice);
    let annotation = annotator().annotate(text, &options);
    let features = choice.features;
    let precise = choice.mode == SegmentationMode::Precise;
    let expect = Expect {
        precise_tokens: precise && features.tokens,
        entities_whole: precise && features.tokens && features.entities && features.policy_phrases,
        boilerplate_skipped: choice.boilerplate == BoilerplateMode::Skip,
    };
    check_annotation(text, &annotation, expect).map_err(TestCaseError::fail)?;
    // Without the feature, nothing of its kind comes back.
    prop_assert!(features.tokens || annotation.tokens.is_empty());
    prop_assert!(features.entities || annotation.entities.is_empty());
    prop_assert!(features.policy_phrases || annotation.policy_phrases.is_empty());
    prop_assert!(features.keywords || annotation.keywords.is_empty());
    prop_assert!(features.structure || annotation.structure.is_none());
    Ok(())
}

/// `PROPTEST_CASES=100000 cargo test --release --test integration properties` searches deeper.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(CASES);
    ProptestConfig { cases, max_shrink_iters: 2048, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn spans_hold_for_arbitrary_strings(text in arbitrary_text(), choice in choice()) {
        check(&text, &choice)?;
    }

    #[test]
    fn spans_hold_for_chinese_heavy_text(text in chinese_heavy(), choice in choice()) {
        check(&text, &choice)?;
    }

    #[test]
    fn spans_hold_for_mutated_articles(text in article_slice(), choice in choice()) {
        check(&text, &choice)?;
    }

    #[test]
    fn clean_view_maps_back_one_by_one_and_in_bulk(
        text in any_text(),
        picks in prop::collection::vec((any::<Index>(), any::<Index>()), 0..64),
        step in 1..16usize,
    ) {
        let clean = CleanText::new(&text);
        let cleaned = clean.as_str();
        let bounds: Vec<usize> = cleaned.char_indices().map(|(b, _)| b).chain([cleaned.len()]).collect();
        // Random spans in random order (search mode maps out of order), then
        // the same sorted by start, then a dense probe set.
        let mut spans: Vec<_> = picks
            .iter()
            .map(|(a, b)| {
                let (a, b) = (bounds[a.index(bounds.len())], bounds[b.index(bounds.len())]);
                a.min(b)..a.max(b)
            })
            .collect();
        check_clean(&text, &clean, &spans).map_err(TestCaseError::fail)?;
        spans.sort_by_key(|s| (s.start, s.end));
        check_clean(&text, &clean, &spans).map_err(TestCaseError::fail)?;
        check_clean(&text, &clean, &probe_spans(cleaned, step)).map_err(TestCaseError::fail)?;
    }
}

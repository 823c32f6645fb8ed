//! Whole-document tests: the fixture articles, odd input, and cost.

use std::time::Instant;

use regex::Regex;

use super::find;
use crate::pipeline::clean::CleanText;
use crate::pipeline::types::{CivilDate, Entity, EntityKind, Source};

const ARTICLES: [(&str, &str); 5] = [
    ("000", include_str!("../../../../tests/fixtures/articles/000_6e77a8c39b008b8e.txt")),
    ("001", include_str!("../../../../tests/fixtures/articles/001_997f95b8fd1f40f4.txt")),
    ("002", include_str!("../../../../tests/fixtures/articles/002_2d8b69315731fb98.txt")),
    ("003", include_str!("../../../../tests/fixtures/articles/003_6293a3a1acd0a6f5.txt")),
    ("004", include_str!("../../../../tests/fixtures/articles/004_cf4ae71d46783a76.txt")),
];

/// The cleaned view `find` gets in the pipeline.
fn cleaned(name: &str) -> String {
    let raw = ARTICLES.iter().find(|(n, _)| *n == name).expect("fixture").1;
    CleanText::new(raw).as_str().to_string()
}

/// What every result must satisfy, whatever the input.
fn assert_well_formed(text: &str, entities: &[Entity]) {
    let mut last_end = 0;
    for e in entities {
        assert!(e.span.start < e.span.end && e.span.end <= text.len(), "{e:?}");
        assert!(text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end), "{e:?}");
        assert!(e.span.start >= last_end, "overlap or unsorted at {e:?}");
        assert!(e.confidence > 0.0 && e.confidence <= 1.0, "{e:?}");
        assert!(matches!(e.source, Source::Rule | Source::Lexicon), "{e:?}");
        assert!(!matches!(e.kind, EntityKind::Person | EntityKind::Location), "{e:?}");
        if matches!(e.kind, EntityKind::Number | EntityKind::Money | EntityKind::Percent) {
            assert!(e.numeric.as_ref().is_some_and(|n| n.value.is_finite()), "{e:?}");
        }
        last_end = e.span.end;
    }
}

fn surface<'t>(text: &'t str, e: &Entity) -> &'t str {
    &text[e.span.clone()]
}

/// The entity of `kind` whose text is `needle` (the first one).
fn entity<'e>(text: &str, entities: &'e [Entity], kind: EntityKind, needle: &str) -> &'e Entity {
    entities
        .iter()
        .find(|e| e.kind == kind && surface(text, e) == needle)
        .unwrap_or_else(|| panic!("no {kind:?} {needle}"))
}

#[test]
fn every_title_and_every_date_in_the_fixtures_is_found() {
    let titles = Regex::new(r"《[^《》\n]*》").unwrap();
    let dates = Regex::new(
        r"\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|今年\d{1,2}月|昨天|今天|\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2}",
    )
    .unwrap();
    let mut counted = (0, 0);
    for (name, _) in ARTICLES {
        let text = cleaned(name);
        let entities = find(&text, None);
        assert_well_formed(&text, &entities);
        for m in titles.find_iter(&text) {
            counted.0 += 1;
            let e = entities.iter().find(|e| e.span == m.range());
            assert!(e.is_some_and(|e| e.kind == EntityKind::Document), "{name}: title {} not found", m.as_str());
            let inner = &m.as_str()['《'.len_utf8()..m.as_str().len() - '》'.len_utf8()];
            assert_eq!(e.unwrap().normalized.as_deref(), Some(inner));
        }
        for m in dates.find_iter(&text) {
            counted.1 += 1;
            let covered = entities.iter().any(|e| {
                matches!(e.kind, EntityKind::Date | EntityKind::Document)
                    && e.span.start <= m.start()
                    && m.end() <= e.span.end
            });
            assert!(covered, "{name}: date {} at {} not found", m.as_str(), m.start());
        }
    }
    // The scan itself must have seen them: 10 titles, and a few dozen dates.
    assert_eq!(counted.0, 10);
    assert!(counted.1 >= 30, "{counted:?}");
}

#[test]
fn relative_dates_resolve_against_each_articles_own_date() {
    let check = |name: &str, needle: &str, want: &str| {
        let text = cleaned(name);
        let entities = find(&text, None);
        let e = entity(&text, &entities, EntityKind::Date, needle);
        assert_eq!(e.normalized.as_deref(), Some(want), "{name} {needle}");
    };
    // 000: the title's 2025年7月7日.
    check("000", "今年4月", "2025-04");
    check("000", "7月7日", "2025-07-07");
    // 001: 2023年12月18日 (the article appeared the day after, so 昨天 is one day early).
    check("001", "昨天", "2023-12-17");
    check("001", "2024年", "2024");
    // 002: the dateline 2025-07-27 21:56:43.
    check("002", "今天", "2025-07-27");
    check("002", "2026/03/11", "2026-03-11");
    // 003 has no dateline: its first complete date is 2019年7月22日.
    check("003", "7月1日下午4时", "2019-07-01T16:00");
    check("003", "13日", "2019-07-13");
    check("003", "明年1月中旬", "2020-01");
    // 004: 发布时间：2025-04-30.
    check("004", "昨天", "2025-04-29");

    // A reference given by the caller wins over the text's own date.
    let text = cleaned("002");
    let given = CivilDate { year: 2025, month: 7, day: 28 };
    let entities = find(&text, Some(given));
    assert_eq!(entity(&text, &entities, EntityKind::Date, "今天").normalized.as_deref(), Some("2025-07-28"));
}

#[test]
fn a_title_holds_the_dates_written_inside_it() {
    let text = "《星期日电讯报》报道，《2025年政府工作报告》提出，新华社北京12日电";
    let entities = find(text, None);
    let shown: Vec<(&str, EntityKind)> = entities.iter().map(|e| (surface(text, e), e.kind)).collect();
    assert_eq!(
        shown,
        [
            ("星期日电讯报", EntityKind::Organization),
            ("《2025年政府工作报告》", EntityKind::Document),
            ("12日", EntityKind::Date)
        ]
    );
}

#[test]
fn fixture_entities_of_every_kind() {
    let text = cleaned("002");
    let entities = find(&text, None);
    let kinds_of = |needle: &str| -> Vec<EntityKind> {
        entities.iter().filter(|e| surface(&text, e) == needle).map(|e| e.kind).collect()
    };
    assert_eq!(kinds_of("2025-07-27"), [EntityKind::Date]);
    assert_eq!(entity(&text, &entities, EntityKind::Time, "21:56:43").normalized.as_deref(), Some("21:56:43"));
    assert_eq!(entity(&text, &entities, EntityKind::Date, "2025年").normalized.as_deref(), Some("2025"));
    assert_eq!(kinds_of("部市共建上海国际科技创新中心工作推进会").len(), 2);
    assert!(kinds_of("部市共建上海国际科技创新中心工作推进会").iter().all(|k| *k == EntityKind::Event));
    assert_eq!(kinds_of("十二届市委七次全会"), [EntityKind::Event]);
    // A named body before a title is an entity of its own; the title is the
    // position (全国人大代表 is one listed title).
    assert_eq!(kinds_of("全国人大代表"), [EntityKind::Position]);
    for (body, kind, title) in [
        ("上海市委", EntityKind::Organization, "书记"),
        ("科技部", EntityKind::Organization, "部长"),
        ("上海市委", EntityKind::Organization, "副书记"),
        ("国家发展改革委", EntityKind::Organization, "副主任"),
        ("中国工程院", EntityKind::Organization, "副院长"),
    ] {
        let at = text.find(&format!("{body}{title}")).unwrap();
        let b = entities.iter().find(|e| e.span.start == at).unwrap_or_else(|| panic!("{body}{title}"));
        assert_eq!((surface(&text, b), b.kind), (body, kind));
        let t = entities.iter().find(|e| e.span.start == b.span.end).unwrap();
        assert_eq!((surface(&text, t), t.kind), (title, EntityKind::Position));
    }
    // 上海市委副书记、市长|龚正: two positions, the second right before the name.
    let mayor = text.find("市长龚正").unwrap();
    assert!(entities.iter().any(|e| e.kind == EntityKind::Position && e.span == (mayor..mayor + "市长".len())));
    let barrels = entity(&text, &entities, EntityKind::Number, "8000万桶").numeric.clone().unwrap();
    assert_eq!((barrels.value, barrels.unit.as_str()), (8e7, "桶"));

    let text = cleaned("003");
    let entities = find(&text, None);
    let money = entity(&text, &entities, EntityKind::Money, "4.95万亿元").numeric.clone().unwrap();
    assert_eq!((money.value, money.unit.as_str()), (4.95e12, "CNY"));
    // 7月1日下午4时 is one DATE; 昨天下午 too.
    let when = entity(&text, &entities, EntityKind::Date, "7月1日下午4时");
    assert_eq!(when.normalized.as_deref(), Some("2019-07-01T16:00"));
    entity(&text, &entities, EntityKind::Date, "昨天下午");
    entity(&text, &entities, EntityKind::Event, "科技创新型企业座谈会");
    entity(&text, &entities, EntityKind::Event, "庆祝中国共产党成立100周年大会");
    entity(&text, &entities, EntityKind::Document, "《永不消逝的电波》");
    entity(&text, &entities, EntityKind::Number, "313家");

    let text = cleaned("000");
    let entities = find(&text, None);
    entity(&text, &entities, EntityKind::Event, "中国共产党上海市第十二届委员会第七次全体会议");
    entity(&text, &entities, EntityKind::Event, "中共十二届上海市委七次全会");
    entity(&text, &entities, EntityKind::Event, "二十届二中、三中全会");
    entity(&text, &entities, EntityKind::Position, "市委书记");
    // Formulas and ordinals are no numbers.
    for e in &entities {
        let s = surface(&text, e);
        assert!(
            !matches!(e.kind, EntityKind::Number)
                || !["两个", "四个", "五个", "十五五", "七次", "十二届"].iter().any(|f| s.contains(f)),
            "{s}"
        );
    }
}

#[test]
fn web_junk_in_the_scraped_page_gives_nothing_of_consequence() {
    let text = cleaned("002");
    let entities = find(&text, None);
    let videos = text.find("推荐视频").unwrap();
    for e in entities.iter().filter(|e| e.span.start > videos) {
        let s = surface(&text, e);
        // Video lengths (01:06) and ages (22小时前) are neither times nor numbers.
        assert_ne!(e.kind, EntityKind::Time, "{s}");
        assert!(!s.contains(':') && !s.contains("前"), "{s}");
    }
    for line in text
        .lines()
        .filter(|l| ["ICP", "电话", "许可证", "公网安备", "Copyright", "网视备"].iter().any(|w| l.contains(w)))
    {
        let start = line.as_ptr() as usize - text.as_ptr() as usize;
        let end = start + line.len();
        // Licence and phone numbers are no numbers; the operator's company
        // name is a real organization (the pipeline drops it as boilerplate).
        let inside: Vec<&str> = entities
            .iter()
            .filter(|e| e.span.start >= start && e.span.end <= end && e.kind != EntityKind::Organization)
            .map(|e| surface(&text, e))
            .collect();
        assert!(inside.is_empty(), "{line}: {inside:?}");
    }
    // The menu at the top is not an entity either.
    let menu_end = text.find("部市共建").unwrap();
    assert!(entities.iter().all(|e| e.span.start >= menu_end), "{:?}", &entities[..1]);
}

#[test]
fn odd_input_never_panics_and_stays_well_formed() {
    let mut inputs: Vec<String> = vec![
        String::new(),
        "plain ASCII text 123 456, no Chinese at all: 12:30 2025-07-27".into(),
        "🙂🙂 2025年🙂7月🙂7日 《🙂》 \u{0}\u{1}\u{7f}\u{200b}会议\r\n\t".into(),
        "<html><body><p class=\"x\">2025年7月7日</p><a href=\"/2025/07/27/a.html\">市委书记</a></body></html>".into(),
        "《《《《《《《《《《《《》》》》》》》》》》》》".into(),
        "》》》》《".into(),
        "年月日时分秒号点半".into(),
        "百分之百分之百分之".into(),
        "¥$€£".into(),
        "9999年99月99日 99:99:99 2025-13-45 0000/00/00".into(),
        "一二三四五六七八九十百千万亿零〇两点".repeat(50),
        "1,2,3,4,5.6.7.8".repeat(100),
    ];
    for unit in [
        "年", "一", "十", "万", "《", "》", "会议", "书记", "市委", "长", "1", ".", ":", "-", "、", "今年", "昨天",
        "大",
    ] {
        inputs.push(unit.repeat(100_000));
    }
    // A 1 MB line without punctuation, full of things the rules look for.
    let chunk = "中国共产党上海市第十二届委员会第七次全体会议二〇二五年七月七日上海市委书记陈吉宁出席总市值4.95万亿元增长12.5个百分点";
    inputs.push(chunk.repeat(1_000_000 / chunk.len() + 1));
    inputs.push("1".repeat(1_000_000));
    inputs.push("的".repeat(400_000));
    for input in &inputs {
        let entities = find(input, None);
        assert_well_formed(input, &entities);
        assert_eq!(entities, find(input, None), "not deterministic");
    }
}

#[test]
fn random_strings_of_tricky_pieces_never_panic() {
    // Pieces every rule reacts to, glued at random (a fixed LCG: deterministic).
    let pieces = [
        "0",
        "1",
        "2",
        "9",
        "12",
        "2025",
        ".",
        ",",
        ":",
        "-",
        "/",
        "%",
        "¥",
        "$",
        "年",
        "月",
        "日",
        "号",
        "时",
        "点",
        "分",
        "秒",
        "半",
        "前",
        "后",
        "一",
        "二",
        "两",
        "十",
        "百",
        "千",
        "万",
        "亿",
        "零",
        "〇",
        "点",
        "多",
        "余",
        "个",
        "元",
        "美元",
        "百分之",
        "个百分点",
        "《",
        "》",
        "〈",
        "〉",
        "“",
        "”",
        "、",
        "，",
        "。",
        "\n",
        " ",
        "会议",
        "全会",
        "大会",
        "座谈会",
        "进博会",
        "党的",
        "中共",
        "大",
        "届",
        "次",
        "第",
        "中",
        "书记",
        "市长",
        "部长",
        "委员",
        "市委",
        "部",
        "委",
        "局",
        "驻",
        "长",
        "今年",
        "去年",
        "昨天",
        "本月",
        "上午",
        "下午",
        "上世纪",
        "周",
        "星期",
        "礼拜",
        "本周",
        "天",
        "电",
        "内",
        "成",
        "分之",
        "年代",
        "世纪",
        "的",
        "和",
        "召开",
        "🙂",
        "a",
        "Z",
        "\u{0}",
        "\u{feff}",
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |n: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % n
    };
    for _ in 0..20_000 {
        let len = next(40);
        let text: String = (0..len).map(|_| pieces[next(pieces.len())]).collect();
        let entities = find(&text, None);
        assert_well_formed(&text, &entities);
        let reference = CivilDate { year: 1 + next(3000) as i32, month: 1 + next(12) as u32, day: 1 + next(28) as u32 };
        assert_well_formed(&text, &find(&text, Some(reference)));
    }
}

#[test]
fn any_prefix_of_an_article_is_read_without_panicking() {
    for (name, _) in ARTICLES {
        let text = cleaned(name);
        let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(53).collect();
        for cut in cuts {
            let piece = &text[cut..];
            let end = piece.char_indices().nth(120).map_or(piece.len(), |(i, _)| i);
            let piece = &piece[..end];
            assert_well_formed(piece, &find(piece, None));
        }
    }
}

/// This thread's CPU time (Linux `schedstat`, ns), so that a busy machine does
/// not skew the measure; wall time elsewhere.
fn cpu_now() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat").ok()?.split_whitespace().next()?.parse().ok()
}

/// Seconds spent in `f`: CPU time where the OS tells it, else wall time.
fn measure(f: impl FnOnce()) -> f64 {
    let (cpu, wall) = (cpu_now(), Instant::now());
    f();
    match (cpu, cpu_now()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => wall.elapsed().as_secs_f64(),
    }
}

/// `cargo test --release --lib ner::rules::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore]
fn throughput() {
    let texts: Vec<String> = ARTICLES.iter().map(|(n, _)| cleaned(n)).collect();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    let bytes: usize = texts.iter().map(String::len).sum();
    for t in &texts {
        std::hint::black_box(find(t, None));
    }
    let rounds = 50;
    let mut entities = 0;
    // Best of five: the machine is shared.
    let secs = (0..5)
        .map(|_| {
            entities = 0;
            measure(|| {
                for _ in 0..rounds {
                    for t in &texts {
                        entities += std::hint::black_box(find(t, None)).len();
                    }
                }
            })
        })
        .fold(f64::INFINITY, f64::min);
    println!(
        "rules::find: {} chars ({} bytes) x{rounds} in {:.1} ms CPU: {:.1} M chars/s, {:.1} MB/s, {} entities/round",
        chars,
        bytes,
        secs * 1e3,
        (chars * rounds) as f64 / secs / 1e6,
        (bytes * rounds) as f64 / secs / 1e6,
        entities / rounds
    );
    type Stage<'a> = (&'a str, &'a dyn Fn(&str) -> usize);
    let stages: [Stage; 5] = [
        ("dates", &|t| super::dates::scan(t).len()),
        ("titles", &|t| super::titles::find(t).len()),
        ("numbers", &|t| super::numbers::find(t).len()),
        ("events", &|t| super::events::find(t, &super::boundary::Walls::default()).len()),
        ("positions", &|t| super::positions::find(t, &super::boundary::Walls::default()).len()),
    ];
    for (label, stage) in stages {
        let secs = measure(|| {
            for _ in 0..rounds * 4 {
                for t in &texts {
                    std::hint::black_box(stage(t));
                }
            }
        });
        println!("  {label}: {:.1} M chars/s", (chars * rounds * 4) as f64 / secs / 1e6);
    }
}

/// The cost of odd input: `cargo test --release --lib ner::rules::tests::odd_input_cost -- --ignored --nocapture`
#[test]
#[ignore]
fn odd_input_cost() {
    for unit in ["一", "年", "会议", "1", "《", "书记", "市委", "上海市委书记", "2025年7月7日"] {
        let big = unit.repeat(1_000_000 / unit.len());
        let secs = measure(|| {
            std::hint::black_box(find(&big, None));
        });
        println!("{unit} x{}: {:.1} ms", 1_000_000 / unit.len(), secs * 1e3);
    }
}

/// Prints what the rules find in each fixture, for review:
/// `cargo test --release --lib ner::rules::tests::dump -- --ignored --nocapture`
#[test]
#[ignore]
fn dump() {
    for (name, _) in ARTICLES {
        let text = cleaned(name);
        println!("=== {name}");
        for e in find(&text, None) {
            let value = match (&e.normalized, &e.numeric) {
                (Some(n), _) => n.clone(),
                (None, Some(n)) => format!("{} {}", n.value, n.unit),
                _ => String::new(),
            };
            println!("{:?}\t{}\t{}", e.kind, surface(&text, &e), value);
        }
    }
}

//! POSITION: job titles (书记, 市长, 部长, 董事长 …) with the organization
//! written attached before them (上海市委|书记, 科技部|部长, 上海报业集团党委|书记).
//!
//! An organization is only taken when the text right before the title ends
//! like one (委, 部, 局, 大学, 集团 … in `org-suffixes`): 习近平|总书记 and
//! 龚正|市长 keep the name out. From there [`boundary`] finds where the
//! organization starts. Titles listed with 、 are separate entities
//! (市委副书记、市长龚正): the linker in `ner` joins them for the person.

use std::sync::LazyLock;

use super::boundary::{self, Mode, Walls};
use super::lexicon::{self, SuffixLexicon};
use super::lists;
use super::text::{CharSet, is_han, prev_char, rest};
use crate::pipeline::types::{Entity, EntityKind, Source, Span};

/// Longest organization read before a title, in chars
/// (智能机器人与先进制造创新学院 is 14).
const MAX_ORG_CHARS: usize = 20;
/// How far back 驻 may stand (中国驻菲律宾大使).
const MAX_POSTED_CHARS: usize = 8;

struct Positions {
    titles: SuffixLexicon,
    /// Longest first.
    org_suffixes: Vec<&'static str>,
    /// Their last chars, to skip the list fast.
    org_last: CharSet,
    not_after_zhang: Vec<&'static str>,
    not_after: Vec<(&'static str, &'static str)>,
    not_before_huizhang: Vec<&'static str>,
    generic_bodies: Vec<&'static str>,
    place_suffixes: Vec<&'static str>,
    own_bodies: Vec<&'static str>,
}

static POSITIONS: LazyLock<Positions> = LazyLock::new(|| {
    let all = lists::sections(lists::POSITIONS);
    let mut title_words: Vec<String> = Vec::new();
    for t in lists::words(&all, "titles") {
        let variants = if t.starts_with('副') || t.starts_with("常务") {
            vec![t.to_string()]
        } else {
            vec![t.to_string(), format!("副{t}"), format!("常务副{t}")]
        };
        for v in variants {
            if !title_words.contains(&v) {
                title_words.push(v);
            }
        }
    }
    let titles = SuffixLexicon::new(title_words);

    let mut org_suffixes = lists::words(&all, "org-suffixes");
    org_suffixes.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let not_after =
        all.get("not-after").into_iter().flatten().filter_map(|e| Some((e.word, *e.fields.first()?))).collect();
    let org_last = CharSet::new(org_suffixes.iter().filter_map(|s| s.chars().next_back()));
    Positions {
        titles,
        org_last,
        org_suffixes,
        not_after_zhang: lists::words(&all, "not-after-长"),
        not_after,
        not_before_huizhang: lists::words(&all, "not-before-会长"),
        generic_bodies: lists::words(&all, "generic-bodies"),
        place_suffixes: lists::words(&all, "place-suffixes"),
        own_bodies: lists::words(&all, "own-bodies"),
    }
});

pub(super) fn find(text: &str, walls: &Walls) -> Vec<Entity> {
    let p = &*POSITIONS;
    let candidates: Vec<(Span, usize)> = p
        .titles
        .ends(text)
        .into_iter()
        .filter(|(head, id)| !walls.overlaps(head) && !is_other_word(text, head, p.titles.word(*id)))
        .collect();
    let mut out: Vec<Entity> = Vec::new();
    for (head, id) in lexicon::latest_ending(candidates) {
        let title = p.titles.word(id);
        let floor = out.last().map_or(0, |e| e.span.end);
        let start = organization_start(text, head.start, floor, title, walls).max(floor);
        let (body, title_start) = split_body(text, start, head.start, title);
        if let Some((span, kind)) = body {
            out.push(rule_entity(span, kind, BODY_CONFIDENCE));
        }
        let confidence = if title_start == head.start { 0.8 } else { 0.85 };
        out.push(rule_entity(title_start..head.end, EntityKind::Position, confidence));
    }
    out
}

/// A body read by a rule: the model's own reading of the same words wins.
const BODY_CONFIDENCE: f32 = 0.7;

fn rule_entity(span: Span, kind: EntityKind, confidence: f32) -> Entity {
    Entity::new(span, kind, confidence, Source::Rule)
}

/// Splits what was read before a title (`start..title_start`) into a named
/// body of its own and the position: 科技部|部长, 上海市委|副书记,
/// 上海报业集团党委|书记, 黑龙江省|省长 (a place). A generic body stays in
/// the position (市委书记, 公司董事长), and so does a posting (中国驻菲律宾大使).
/// Returns the body with its kind, and where the position starts.
fn split_body(text: &str, start: usize, title_start: usize, title: &str) -> (Option<(Span, EntityKind)>, usize) {
    let p = &*POSITIONS;
    let read = &text[start..title_start];
    if read.is_empty() || p.generic_bodies.contains(&read) || read.contains('驻') {
        return (None, start);
    }
    // 党委书记 after a named organization: 党委 belongs to the organization.
    let own = p.own_bodies.iter().find(|b| title.starts_with(**b) && title.len() > b.len());
    let body_end = title_start + own.map_or(0, |b| b.len());
    let body = &text[start..body_end];
    let kind = if own.is_none() && p.place_suffixes.iter().any(|s| body.ends_with(s)) {
        EntityKind::Location
    } else {
        EntityKind::Organization
    };
    (Some((start..body_end, kind)), body_end)
}

/// 城市|长远, 委员|会, 社|会长: the title's characters belong to other words.
fn is_other_word(text: &str, head: &Span, title: &str) -> bool {
    let p = &*POSITIONS;
    let tail = rest(text, head.end);
    if title.ends_with('长') && p.not_after_zhang.iter().any(|w| tail.starts_with(w)) {
        return true;
    }
    if p.not_after.iter().any(|(t, f)| title.ends_with(t) && tail.starts_with(f)) {
        return true;
    }
    title == "会长"
        && prev_char(text, head.start).is_some_and(|c| p.not_before_huizhang.iter().any(|w| w.starts_with(c)))
}

/// Where the position starts: at the organization written before the title,
/// if there is one.
fn organization_start(text: &str, title_start: usize, floor: usize, title: &str, walls: &Walls) -> usize {
    let p = &*POSITIONS;
    // 党委书记, 党组书记 carry their own organization word: whatever name is
    // written before them is the organization (市经济和信息化工作|党委书记).
    if p.org_suffixes.iter().any(|s| s.chars().count() >= 2 && title.starts_with(*s)) {
        return match boundary::name_start(text, title_start, floor, Mode::Position, walls, MAX_ORG_CHARS) {
            Some(start) => start,
            None => title_start,
        };
    }
    // The organization suffix that ends at `at` (the char set rules most chars out first).
    let ends_org = |at: usize| -> Option<&'static str> {
        prev_char(text, at).filter(|c| p.org_last.contains(*c))?;
        p.org_suffixes.iter().find(|s| text[..at].ends_with(**s)).copied()
    };
    let mut anchor = title_start;
    if ends_org(title_start).is_none()
        && let Some(posted) = posted_start(text, title_start)
    {
        // 中国驻菲律宾|大使: 驻 and the place belong to the title.
        anchor = posted;
    }
    let Some(suffix) = ends_org(anchor) else {
        return anchor;
    };
    match boundary::name_start(text, anchor, floor, Mode::Position, walls, MAX_ORG_CHARS) {
        Some(start) if start < anchor => start,
        // Ran too long: keep a suffix that names an organization by itself (市委, 国务院).
        None if suffix.chars().count() >= 2 => anchor - suffix.len(),
        _ => anchor,
    }
}

/// The 驻 in 驻菲律宾大使, at most a few Chinese characters before the title.
fn posted_start(text: &str, title_start: usize) -> Option<usize> {
    let mut at = title_start;
    for _ in 0..MAX_POSTED_CHARS {
        let c = prev_char(text, at)?;
        if !is_han(c) {
            return None;
        }
        at -= c.len_utf8();
        if c == '驻' {
            return (at + c.len_utf8() < title_start).then_some(at);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positions found, each with the body split off before it, if any
    /// (`上海市委|副书记`).
    fn run(text: &str) -> Vec<String> {
        let found = find(text, &Walls::default());
        let mut out: Vec<String> = Vec::new();
        for (i, e) in found.iter().enumerate() {
            if e.kind != EntityKind::Position {
                continue;
            }
            let body = i.checked_sub(1).map(|b| &found[b]).filter(|b| b.kind != EntityKind::Position);
            out.push(match body {
                Some(b) => format!("{}|{}", &text[b.span.clone()], &text[e.span.clone()]),
                None => text[e.span.clone()].to_string(),
            });
        }
        out
    }

    #[test]
    fn titles_with_their_organizations() {
        for (text, want) in [
            ("。市委书记陈吉宁就《意见》作了说明", &["市委书记"][..]),
            ("上海市委副书记、市长龚正主持会议。", &["上海市委|副书记", "市长"][..]),
            ("上海市委书记陈吉宁，科技部部长阴和俊出席会议", &["上海市委|书记", "科技部|部长"][..]),
            ("全会由市委常委主持。", &["市委常委"]),
            ("市委委员、上海报业集团党委书记、社长李芸表示", &["市委委员", "上海报业集团党委|书记", "社长"][..]),
            ("市委委员、市经济和信息化工作党委书记程鹏表示", &["市委委员", "市经济和信息化工作党委|书记"][..]),
            ("市委委员、市文化和旅游局党组书记、局长方世忠提出", &["市委委员", "市文化和旅游局党组|书记", "局长"][..]),
            (
                "国家发展改革委副主任相里斌、科技部副部长林新、工业和信息化部副部长单忠德",
                &["国家发展改革委|副主任", "科技部|副部长", "工业和信息化部|副部长"][..],
            ),
            (
                "中国人民银行副行长陆磊、国务院国资委副主任李镇、国家金融监管总局副局长周亮",
                &["中国人民银行|副行长", "国务院国资委|副主任", "国家金融监管总局|副局长"][..],
            ),
            ("上海交通大学校长、中国科学院院士丁奎岭说", &["上海交通大学|校长", "中国科学院|院士"][..]),
            (
                "复旦大学副校长、智能机器人与先进制造创新学院院长姜育刚说",
                &["复旦大学|副校长", "智能机器人与先进制造创新学院|院长"][..],
            ),
            ("上海人工智能研究院党支部书记、副院长刘燕京表示", &["上海人工智能研究院党支部|书记", "副院长"][..]),
            ("虹桥国际中央商务区管委会党组书记孔福安表示", &["虹桥国际中央商务区管委会党组|书记"][..]),
            (
                "张江科建办党组书记、主任，张江管理局局长肖健表示",
                &["张江科建办党组|书记", "主任", "张江管理局|局长"][..],
            ),
            ("。常务副院长丁晓东的一席话", &["常务副院长"]),
            ("各级党委书记要", &["党委书记"]),
            ("。市政协主席胡文容", &["市政协主席"]),
            ("。公司董事长、总经理张三", &["公司董事长", "总经理"]),
            ("。市人大常委会党组书记", &["市人大常委会党组书记"]),
            ("。全国人大常委会委员长", &["全国人大常委会|委员长"][..]),
            ("。市委常委、常务副市长", &["市委常委", "常务副市长"]),
            ("。院长", &["院长"]),
            ("中共中央总书记、国家主席、中央军委主席习近平", &["中共中央|总书记", "国家主席", "中央军委|主席"][..]),
            ("国务院总理李强", &["国务院|总理"][..]),
            ("市人大常委会主任", &["市人大常委会主任"]),
            ("中国驻菲律宾大使：敢来伤害我", &["中国驻菲律宾大使"]),
            ("全国人大代表杨小华：建议", &["全国人大代表"]),
            ("## 本报记者 顾一琼", &["本报记者"]),
            ("。上交所理事长黄红元说", &["上交所|理事长"][..]),
            ("出席这次全会的有市党委委员76人", &["市党委委员"]),
        ] {
            assert_eq!(run(text), want, "{text}");
        }
    }

    #[test]
    fn a_name_before_a_title_stays_out() {
        assert_eq!(run("习近平总书记亲临上海"), ["总书记"]);
        assert_eq!(run("龚正市长指出"), ["市长"]);
    }

    #[test]
    fn other_words_are_not_titles() {
        for text in [
            "中国共产党上海市第十二届委员会",
            "陈吉宁同志受市委常委会委托",
            "事关上海长远发展",
            "全局长远",
            "银行长期",
            "上海市长宁区",
            "推动长三角一体化",
            "社会长治久安",
            "会议长达三小时",
            "上市委员会办公室",
            "主任务",
            "赋予的重大使命",
            "市政委员会",
            "市第十二次党代表大会",
        ] {
            assert!(run(text).is_empty(), "{text}: {:?}", run(text));
        }
    }
}

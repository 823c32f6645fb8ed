//! EVENT: meetings, plenums and conferences. A head from the list (全体会议,
//! 全会, 座谈会, 论坛, 进博会 …) ends the name; [`boundary`] finds where it
//! starts (中共上海市第十二届委员会第七次|全体会议). Party congresses written as
//! 党的二十大 / 十九大 / 中共一大 have no head word and get their own pattern.
//!
//! A date is never part of an event (2025年|部市共建…推进会 gives a DATE and an
//! EVENT); ordinals are (第七次全体会议, 十二届市委七次全会). A generic head with
//! nothing before it (会议, 全会 alone) is a plain noun, not an event.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::boundary::{self, Mode, Walls};
use super::lexicon::{self, SuffixLexicon};
use super::lists;
use super::numerals::{is_cn_numeral, parse_cn_integer};
use super::text::{is_han, next_char, prev_char, rest};
use crate::pipeline::types::{Entity, EntityKind, Source, Span};

/// The longest name read left of a head, in chars (中国共产党上海市第十二届委员会第七次 is 20).
const MAX_NAME_CHARS: usize = 32;

struct Events {
    heads: SuffixLexicon,
    names: Vec<&'static str>,
    institutions: Vec<&'static str>,
    must_follow: HashMap<&'static str, &'static str>,
    not_after: Vec<&'static str>,
    not_after_hui: Vec<&'static str>,
}

static EVENTS: LazyLock<Events> = LazyLock::new(|| {
    let all = lists::sections(lists::EVENTS);
    let head_words = lists::words(&all, "heads");
    let heads = SuffixLexicon::new(head_words.iter().map(|w| w.to_string()));
    let must_follow =
        all.get("must-follow").into_iter().flatten().filter_map(|e| Some((e.word, *e.fields.first()?))).collect();
    Events {
        heads,
        names: lists::words(&all, "names"),
        institutions: lists::words(&all, "institutions"),
        must_follow,
        not_after: lists::words(&all, "not-after"),
        not_after_hui: lists::words(&all, "not-after-会"),
    }
});

pub(super) fn find(text: &str, walls: &Walls) -> Vec<Entity> {
    let ev = &*EVENTS;
    let candidates: Vec<(Span, usize)> =
        ev.heads.ends(text).into_iter().filter(|(head, id)| is_head(text, head, ev.heads.word(*id), walls)).collect();
    let mut out: Vec<Entity> = Vec::new();
    // The end of the previous head: a name never runs into it (会议会议, 进博会|虹桥论坛).
    let mut floor = 0;
    // The previous head's name, an event's or an institution's (全国人民代表大会),
    // and whether it is an institution's.
    let mut previous: Option<(Span, bool)> = None;
    // The head is the END of a name: of 安全会议 it is 会议, not the 全会 that starts earlier.
    for (head, id) in lexicon::latest_ending(candidates) {
        let word = ev.heads.word(id);
        let start =
            boundary::name_start(text, head.start, floor, Mode::Event, walls, MAX_NAME_CHARS).unwrap_or(head.start);
        let start = strip_leading_year(text, extend_plenums(text, start, word), head.start).max(floor);
        // 开座谈会 is "holds a meeting": what stands before 开 holds it (北大开座谈会).
        let start = if prev_char(text, head.start) == Some('开') { head.start } else { start };
        // A numbered session right after its congress or committee, or a
        // bare head right after a body named like a meeting, is one event
        // with it: 第十四届全国人民代表大会|第三次会议, 博鳌亚洲论坛|年会 (not
        // 市十二次党代会|代表大会代表: a meeting's name and another word).
        let start = match previous.take() {
            Some((p, institution))
                if p.end == start
                    && (starts_with_ordinal(&text[start..head.start]) || (institution && start == head.start)) =>
            {
                if out.last().is_some_and(|e| e.span == p) {
                    out.pop();
                }
                p.start
            }
            _ => start,
        };
        floor = head.end;
        let institution = ev.institutions.contains(&&text[start..head.end]);
        previous = (start < head.start).then_some((start..head.end, institution));
        let named = ev.names.contains(&word);
        // One char cut from a longer word by a stop char (维也|纳会议) is no name.
        let torn = text[start..head.start].chars().count() == 1 && prev_char(text, start).is_some_and(is_han);
        if (start == head.start && !named) || torn || institution {
            continue;
        }
        let (confidence, source) = if start == head.start { (0.9, Source::Lexicon) } else { (0.85, Source::Rule) };
        out.push(event(start..head.end, confidence, source));
    }
    for span in congresses(text) {
        if !walls.overlaps(&span) && !out.iter().any(|e| e.span.start < span.end && span.start < e.span.end) {
            out.push(event(span, 0.9, Source::Rule));
        }
    }
    out.sort_by_key(|e| e.span.start);
    out
}

/// A head that really ends a meeting name here: not inside a taken span, not
/// the start of another word (人民大会堂, 会计), after what it needs (三中|全会).
fn is_head(text: &str, head: &Span, word: &str, walls: &Walls) -> bool {
    let ev = &*EVENTS;
    if walls.overlaps(head) {
        return false;
    }
    let tail = rest(text, head.end);
    if ev.not_after.iter().any(|w| tail.starts_with(w))
        || (word.ends_with('会') && ev.not_after_hui.iter().any(|w| tail.starts_with(w)))
    {
        return false;
    }
    match ev.must_follow.get(word) {
        Some(allowed) => prev_char(text, head.start).is_some_and(|p| allowed.contains(p)),
        None => true,
    }
}

/// 二十届二中、三中全会: plenums listed with 、 share one name.
fn extend_plenums(text: &str, start: usize, head: &str) -> usize {
    if head != "全会" {
        return start;
    }
    let mut start = start;
    loop {
        let Some(before) = text[..start].strip_suffix('、') else { return start };
        let Some(numeral) = before.strip_suffix('中') else { return start };
        let digits = numeral.chars().rev().take(4).take_while(|c| is_cn_numeral(*c)).count();
        if digits == 0 || digits > 3 {
            return start;
        }
        let numeral_start = numeral.char_indices().rev().nth(digits - 1).map_or(0, |(i, _)| i);
        let Some(prefix) = boundary::name_start(text, numeral_start, 0, Mode::Event, &Walls::default(), MAX_NAME_CHARS)
        else {
            return numeral_start;
        };
        start = prefix;
    }
}

/// 第三次…, 三次…, 第十四届…: a name that begins with its number.
fn starts_with_ordinal(name: &str) -> bool {
    let numbered = name.strip_prefix('第').unwrap_or(name);
    let digits = numbered.chars().take_while(|c| is_cn_numeral(*c) || c.is_ascii_digit()).count();
    let after = numbered.chars().nth(digits);
    digits > 0 && (numbered.len() < name.len() || matches!(after, Some('次' | '届')))
}

/// 2025部市共建…: a year in digits written before the name is a date, not part of it.
fn strip_leading_year(text: &str, start: usize, head_start: usize) -> usize {
    let digits = text[start..head_start].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 4 && text[start + 4..head_start].chars().next().is_none_or(|c| c != '届') {
        let after = start + 4;
        return if text[after..].starts_with('年') { after + '年'.len_utf8() } else { after };
    }
    start
}

/// 党的二十大, 中共一大, 十九大, 二十大 (a congress number from 十五 to 二十九
/// stands alone; a smaller one needs 党的/中共: 三大产业, 十大行动 are not).
fn congresses(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('大') {
        let before = &text[..at];
        let digits = before.chars().rev().take(4).take_while(|c| is_cn_numeral(*c)).count();
        if digits == 0 || digits > 3 {
            continue;
        }
        let num_start = before.char_indices().rev().nth(digits - 1).map_or(0, |(i, _)| i);
        let numeral = &before[num_start..];
        let Some(n) = parse_cn_integer(numeral) else { continue };
        let end = at + '大'.len_utf8();
        if next_char(text, end).is_some_and(|c| "会类产先工行领任板项件门楼学街道厦区片城型批".contains(c))
            || ["纪念馆", "会址", "旧址"].iter().any(|w| rest(text, end).starts_with(w))
        {
            continue;
        }
        let prefixed = ["党的", "中共"].iter().find(|p| before[..num_start].ends_with(**p));
        let start = match prefixed {
            Some(p) => num_start - p.len(),
            None if (15.0..=29.0).contains(&n) => num_start,
            None => continue,
        };
        out.push(start..end);
    }
    out
}

fn event(span: Span, confidence: f32, source: Source) -> Entity {
    Entity::new(span, EntityKind::Event, confidence, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<String> {
        find(text, &Walls::default()).into_iter().map(|e| text[e.span].to_string()).collect()
    }

    #[test]
    fn meetings_from_the_fixtures() {
        for (text, want) in [
            ("# 中共十二届上海市委七次全会召开", "中共十二届上海市委七次全会"),
            (
                "**本报讯** 中国共产党上海市第十二届委员会第七次全体会议7月7日在世博中心举行",
                "中国共产党上海市第十二届委员会第七次全体会议",
            ),
            (
                "部市共建上海国际科技创新中心工作推进会举行，陈吉宁阴和俊出席并讲话",
                "部市共建上海国际科技创新中心工作推进会",
            ),
            ("按照十二届市委七次全会部署，为国担当", "十二届市委七次全会"),
            ("李强主持科技创新型企业座谈会，要求打通", "科技创新型企业座谈会"),
            (
                "习近平总书记亲临上海，主持召开深入推进长三角一体化发展座谈会，考察指导",
                "深入推进长三角一体化发展座谈会",
            ),
            ("按照中央经济工作会议部署和要求", "中央经济工作会议"),
            ("上海举行庆祝中国共产党成立100周年大会，市委书记", "庆祝中国共产党成立100周年大会"),
            ("次日召开的市委季度工作会议上，", "市委季度工作会议"),
            ("李强主持市委中心组学习会，专题学习", "市委中心组学习会"),
            ("同在中共一大纪念馆，中国共产党伟大建党精神学习座谈会举行。", "中国共产党伟大建党精神学习座谈会"),
            ("7月2日，上海市委常委会会议指出", "上海市委常委会会议"),
            ("中国国际进口博览会", "中国国际进口博览会"),
            ("世界人工智能大会在沪开幕", "世界人工智能大会"),
            ("。全国两会期间", "全国两会"),
            ("第七届进博会", "第七届进博会"),
            ("进博会", "进博会"),
            ("部分党的二十大上海代表", "党的二十大"),
            ("列席的二十大上海代表", "二十大"),
            ("。十四届全国人大二次会议开幕", "十四届全国人大二次会议"),
            ("坚持办好进博会", "进博会"),
            ("学习贯彻党的二十届三中全会精神", "党的二十届三中全会"),
            ("市委常委会会议指出", "市委常委会会议"),
            ("举行2025浦江创新论坛开幕式", "浦江创新论坛"),
            ("。第七届中国国际进口博览会开幕", "第七届中国国际进口博览会"),
            ("出席全国组织工作会议", "全国组织工作会议"),
            ("召开“十五五”规划编制工作会议", "“十五五”规划编制工作会议"),
            // People's Daily dev: datelines, verbs and transliterated places before a meeting.
            ("本报上海5月2日电第四届上海国际武术博览会今天在上海虹口体育馆拉开帷幕", "第四届上海国际武术博览会"),
            ("集训队目前正在上海和成都集训备战亚运会。", "亚运会"),
            ("表达了出征亚运会不辱使命的决心", "亚运会"),
            ("今年12月，维也纳会议应就这些问题进行深入讨论", "维也纳会议"),
            ("他们在信中还要求加的夫会议制定出工作日程", "加的夫会议"),
            // A numbered session right after its congress or committee.
            ("上海市第十六届人民代表大会第三次会议开幕", "上海市第十六届人民代表大会第三次会议"),
            ("。第十四届全国人民代表大会第三次会议", "第十四届全国人民代表大会第三次会议"),
            ("。中国人民政治协商会议第十四届全国委员会第三次会议", "中国人民政治协商会议第十四届全国委员会第三次会议"),
            ("。博鳌亚洲论坛年会开幕", "博鳌亚洲论坛年会"),
        ] {
            assert_eq!(run(text), [want], "{text}");
        }
    }

    #[test]
    fn plenums_listed_together_and_dates_before_a_name() {
        assert_eq!(run("深入贯彻党的二十大和二十届二中、三中全会精神"), ["党的二十大", "二十届二中、三中全会"]);
        let text = "2025年部市共建上海国际科技创新中心工作推进会今天在沪举行";
        let walls = Walls::new(std::iter::once(0..7));
        let found: Vec<_> = find(text, &walls).into_iter().map(|e| text[e.span].to_string()).collect();
        assert_eq!(found, ["部市共建上海国际科技创新中心工作推进会"]);
        assert_eq!(run("2025世界人工智能大会"), ["世界人工智能大会"]);
        let text = "今年全国两会期间";
        let found: Vec<_> =
            find(text, &Walls::new(std::iter::once(0..6))).into_iter().map(|e| text[e.span].to_string()).collect();
        assert_eq!(found, ["全国两会"]);
    }

    #[test]
    fn meetings_side_by_side_stay_apart() {
        assert_eq!(run("进博会虹桥论坛"), ["进博会", "虹桥论坛"]);
        // A foundation's forum is the foundation (an organization, the model's).
        assert!(run("。世界经济论坛报告显示").is_empty());
        // A meeting's name and another word that begins with a head.
        assert_eq!(run("、市十二次党代会代表大会代表列席"), ["市十二次党代会"]);
        assert_eq!(run("世界人工智能大会青年论坛"), ["世界人工智能大会", "青年论坛"]);
        assert_eq!(run("中央经济工作会议、第三次全国国土调查会议"), ["中央经济工作会议", "第三次全国国土调查会议"]);
    }

    #[test]
    fn generic_heads_and_other_words_are_not_events() {
        for text in [
            "全会由市委常委主持",
            "出席这次全会的有",
            "会议通报了上海国际科技创新中心建设进展情况",
            "市领导吴清、诸葛宇杰出席座谈会。",
            "上海市委常委会举行会议。",
            "健全会计制度",
            "在人民大会堂",
            "推动与“大交通”“大商务”“大会展”等功能融合",
            "美国国会议员",
            "三大先导产业",
            "推进十大重点行动",
            "七一重要讲话",
            "同在中共一大纪念馆",
            "全会同意市委常委会工作报告",
            "坚持和完善人民代表大会制度",
            "全国人民代表大会常务委员会",
            "。全国人民代表大会",
            "。中国人民政治协商会议全国委员会",
            "进博会组委会",
            "江泽民同志在北大开座谈会时",
            "蔡方柏大使和欧洲委员会议长弗舍尔女士",
            "她又以自己发明的成果轰动大会，荣膺金奖",
        ] {
            assert!(run(text).is_empty(), "{text}: {:?}", run(text));
        }
    }
}

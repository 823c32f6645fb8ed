//! Company names a character model tends to cut short: with a place in
//! brackets (平头哥(上海)半导体技术有限公司, cut at the bracket), and full
//! legal names in the lists of companies and their heads that news reports
//! print (…、联影医疗技术集团有限公司薛敏、达闼机器人有限公司黄晓庆等, cut
//! inside the long name).

use std::sync::LazyLock;

use regex::Regex;

use crate::pipeline::types::{Entity, EntityKind, Source, Span};

static COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"[\p{Han}A-Za-z0-9]{2,12}[（(]\p{Han}{2,6}[）)][\p{Han}A-Za-z0-9]{0,16}?",
        r"(?:股份有限公司|有限责任公司|集团有限公司|有限公司|集团|公司)"
    ))
    .expect("valid regex")
});

/// A full legal name: what stands before 有限公司 runs back to a list
/// separator, punctuation or a [`LEFT_STOP_WORDS`] word, at most 20 chars (a
/// longer run before the suffix has no boundary in reach: no name).
static LEGAL_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[\p{Han}A-Za-z0-9]{2,20}(?:有限责任公司|有限公司)").expect("valid regex"));

/// Characters that end the words before a name (a verb's particle, a
/// conjunction): the name starts after the last of them.
const LEFT_STOPS: &str = "的了在和与及、是到对向由将把被从同跟";

/// Verbs and connectives that often stand right before a company name.
const LEFT_STOP_WORDS: [&str; 21] = [
    "参观", "调研", "走访", "考察", "来到", "包括", "其中", "以及", "来自", "位于", "入驻", "举办", "表示", "指出",
    "最后", "目前", "如今", "随后", "同时", "此外", "另外",
];

const CONFIDENCE: f32 = 0.85;

/// Every match ends in 公司 or 集团: the regex only runs on the stretches
/// before them, not over the whole text (it has no literal to skip ahead by).
const SUFFIX_ENDS: [&str; 2] = ["公司", "集团"];
/// The most bytes a match reaches back from the start of its last two chars:
/// 12 + 1 + 6 + 1 + 16 chars and 股份有限, at most 3 bytes each.
const REACH_BACK: usize = 40 * 3;

pub fn find(text: &str) -> Vec<Entity> {
    let mut out = Vec::new();
    for window in windows(text) {
        let base = window.start;
        let piece = &text[window];
        out.extend(COMPANY.find_iter(piece).filter_map(|m| {
            let head = &piece[m.start()..m.end()];
            let bracket = head.find(['(', '（'])?;
            let left = &head[..bracket];
            let after_char =
                left.char_indices().rev().find(|(_, c)| LEFT_STOPS.contains(*c)).map_or(0, |(i, c)| i + c.len_utf8());
            let after_word =
                LEFT_STOP_WORDS.iter().filter_map(|w| left.rfind(w).map(|i| i + w.len())).max().unwrap_or(0);
            let cut = after_char.max(after_word);
            // The name before the bracket needs two characters of its own.
            (head[cut..bracket].chars().count() >= 2).then(|| company(base + m.start() + cut..base + m.end()))
        }));
        out.extend(LEGAL_NAME.find_iter(piece).filter_map(|m| {
            let head = &piece[m.start()..m.end()];
            let suffix = head.rfind("有限").unwrap_or(0);
            // The name starts after a clause word (最后, 其中) or right at
            // the run's start, which must follow punctuation: a run that
            // starts mid-text may be the tail of a longer one (the start is
            // out of reach), after a closing bracket it is the tail of a
            // bracketed name (above). A particle inside (的, 了, 在) means
            // the run is a clause, not a name: left to the model.
            let cut = LEFT_STOP_WORDS.iter().filter_map(|w| head[..suffix].rfind(w).map(|i| i + w.len())).max();
            let before = piece[..m.start()].chars().next_back();
            let bounded = cut.is_some() || before.is_none_or(|c| !is_name_char(c) && !matches!(c, ')' | '）'));
            let name = &head[cut.unwrap_or(0)..suffix];
            let clean = !name.chars().any(|c| LEFT_STOPS.contains(c));
            (bounded && clean && name.chars().count() >= 2)
                .then(|| company(base + m.start() + cut.unwrap_or(0)..base + m.end()))
        }));
    }
    out.sort_by_key(|e| e.span.start);
    out
}

/// The chars the name patterns take.
fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || crate::pipeline::ner::model::features::is_han(c)
}

/// Disjoint, sorted stretches of `text` that hold every possible match: from
/// `REACH_BACK` bytes before each 公司/集团 to its end, overlaps merged. A
/// match lies inside one stretch, so searching them finds what searching the
/// whole text would.
fn windows(text: &str) -> Vec<Span> {
    let mut ends: Vec<usize> =
        SUFFIX_ENDS.iter().flat_map(|s| text.match_indices(s).map(|(i, m)| i + m.len())).collect();
    ends.sort_unstable();
    let mut out: Vec<Span> = Vec::new();
    for end in ends {
        let mut start = end.saturating_sub(SUFFIX_ENDS[0].len() + REACH_BACK);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        match out.last_mut() {
            Some(last) if last.end >= start => last.end = last.end.max(end),
            _ => out.push(start..end),
        }
    }
    out
}

fn company(span: Span) -> Entity {
    Entity::new(span, EntityKind::Organization, CONFIDENCE, Source::Rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|e| &text[e.span]).collect()
    }

    #[test]
    fn finds_companies_with_a_place_in_brackets() {
        assert_eq!(names("参观了平头哥(上海)半导体技术有限公司。"), ["平头哥(上海)半导体技术有限公司"]);
        assert_eq!(names("参观平头哥(上海)半导体技术有限公司。"), ["平头哥(上海)半导体技术有限公司"]);
        assert_eq!(names("与华为技术（深圳）有限公司合作"), ["华为技术（深圳）有限公司"]);
        assert!(names("上海(浦东)新区发展").is_empty());
    }

    #[test]
    fn finds_full_legal_names_in_lists_of_companies_and_heads() {
        let text =
            "上海艾力斯医药科技股份有限公司杜锦豪、联影医疗技术集团有限公司薛敏、达闼机器人有限公司黄晓庆等企业负责人";
        assert_eq!(names(text), ["上海艾力斯医药科技股份有限公司", "联影医疗技术集团有限公司", "达闼机器人有限公司"]);
        assert_eq!(names("。最后上海联影医疗科技有限公司夺冠"), ["上海联影医疗科技有限公司"]);
        // A particle inside: a clause, not a name (left to the model).
        assert!(names("他在上海联影医疗科技有限公司工作").is_empty());
        assert!(names("，部门的上海联影医疗科技有限公司").is_empty());
        // No boundary within reach: no guess at where the name starts.
        assert!(names("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥有限公司").is_empty());
        assert!(names("该有限公司").is_empty());
    }

    #[test]
    fn finds_the_same_names_as_a_search_of_the_whole_text() {
        let filler = "这是一段很长的说明文字，".repeat(30);
        let text = format!(
            "{filler}参观平头哥(上海)半导体技术有限公司和华为技术（深圳）有限公司。{filler}中国建设（集团）股份有限公司"
        );
        let whole: Vec<Span> = COMPANY.find_iter(&text).map(|m| m.range()).collect();
        assert_eq!(whole.len(), 3, "three raw matches");
        let found: Vec<&str> = names(&text);
        assert_eq!(
            found,
            ["平头哥(上海)半导体技术有限公司", "华为技术（深圳）有限公司", "中国建设（集团）股份有限公司"]
        );
    }
}

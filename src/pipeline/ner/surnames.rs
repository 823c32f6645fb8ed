//! A surname alone that names a person: 吴先生, 刘某, 侯老, 老张, 江总书记.
//! The news corpora label the surname a PERSON; the model rarely finds it,
//! since most one-char tokens are no names.

use super::rules::text::CharSet;
use crate::pipeline::segment::Segment;
use crate::pipeline::types::{Entity, EntityKind, Source, Span};

/// Honorifics after a one-char surname that make it a way to name a person
/// (吴先生, 李老师, 王某, 刘家); job titles (汤局长, 毛主席) are the POSITION
/// rule's.
pub(super) const HONORIFICS: [&str; 14] =
    ["先生", "女士", "小姐", "老师", "师傅", "同志", "老", "总", "某", "氏", "家", "博士", "医生", "大夫"];

/// The most common surnames (public statistics), less those that are far
/// more often a preposition or verb before a title (向老师, 于老, 任市长).
const COMMON_SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤";

static SURNAMES: std::sync::LazyLock<CharSet> = std::sync::LazyLock::new(|| CharSet::new(COMMON_SURNAMES.chars()));

const CONFIDENCE: f32 = 0.8;

pub(super) fn is_common_surname(c: char) -> bool {
    SURNAMES.contains(c)
}

/// Whether the one char at `span` of `text` names a person as written:
/// after 老/小 (老张), or before an honorific (吴先生) or a POSITION of
/// `rules` (sorted by start: 汤|局长).
pub(super) fn names_a_person(text: &str, span: &Span, rules: &[Entity]) -> bool {
    let before = &text[..span.start];
    let after = &text[span.end..];
    before.ends_with(['老', '小'])
        || HONORIFICS.iter().any(|w| after.starts_with(w))
        || title_through(rules, span.end, span.end)
}

/// Whether a POSITION of `rules` (sorted by start) starts at `start` and
/// reaches at least to `end` (江|总书记 as one jieba token).
fn title_through(rules: &[Entity], start: usize, end: usize) -> bool {
    let k = rules.partition_point(|r| r.span.start < start);
    rules[k..].iter().take_while(|r| r.span.start == start).any(|r| r.kind == EntityKind::Position && r.span.end >= end)
}

/// After 小 these make a common word (小钱, 小方, 小白, 小石).
const NOT_AFTER_XIAO: &str = "钱方白石孔龙马";

/// PERSON entities for the common surnames that name a person: a one-char
/// jieba token ([`names_a_person`]: 刘|某, 江|总书记), or the surname in a
/// token 老X or 小X (老张, 小王), or in a token of the surname and an
/// honorific or a title (侯老, 刘某, 程先生, 江总书记). `segments` are
/// jieba's tokens, `rules` the rule entities (sorted by start).
pub fn find(text: &str, segments: &[Segment], rules: &[Entity]) -> Vec<Entity> {
    let mut out = Vec::new();
    for token in segments {
        let Some(word) = text.get(token.span.clone()) else { continue };
        let mut chars = word.chars();
        let surname = match (chars.next(), chars.next(), chars.next()) {
            (Some(c), None, _) if is_common_surname(c) && names_a_person(text, &token.span, rules) => {
                Some(token.span.clone())
            }
            (Some(p @ ('老' | '小')), Some(c), None)
                if is_common_surname(c) && !(p == '小' && NOT_AFTER_XIAO.contains(c)) =>
            {
                let start = token.span.start + p.len_utf8();
                Some(start..start + c.len_utf8())
            }
            (Some(c), Some(_), _)
                if is_common_surname(c)
                    && (HONORIFICS.contains(&&word[c.len_utf8()..])
                        || title_through(rules, token.span.start + c.len_utf8(), token.span.end)) =>
            {
                Some(token.span.start..token.span.start + c.len_utf8())
            }
            _ => None,
        };
        if let Some(span) = surname {
            out.push(Entity::new(span, EntityKind::Person, CONFIDENCE, Source::Rule));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::tests::tokens;

    fn persons(text: &str) -> Vec<String> {
        let rules = crate::pipeline::ner::rules::find(text, None);
        find(text, &tokens(text), &rules).into_iter().map(|e| text[e.span].to_string()).collect()
    }

    #[test]
    fn a_surname_with_an_honorific_or_a_title_names_a_person() {
        assert_eq!(persons("药政科科长刘某说"), ["刘"]);
        assert_eq!(persons("程先生就被某军阀欺辱"), ["程"]);
        assert_eq!(persons("江总书记精辟地指出"), ["江"]);
        assert_eq!(persons("古稀之年的侯老退居二线"), ["侯"]);
        assert_eq!(persons("14岁时，老史通读了"), ["史"]);
    }

    #[test]
    fn surnames_in_other_words_and_prepositions_are_left_alone() {
        for text in ["向老师请教", "他出任市长", "赚点小钱", "张家口市", "黄河两岸", "在江边散步"]
        {
            assert!(persons(text).is_empty(), "{text}: {:?}", persons(text));
        }
    }
}

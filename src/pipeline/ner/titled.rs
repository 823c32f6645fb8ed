//! A person named right after a title: 董事长郁知非今天宣布, 副局长马长鸿迅速拿起;
//! or right after a company in a list of guests (…有限公司徐立、). News names
//! a title's holder in full right after it, yet the model misses
//! some of these where jieba cut the name oddly (郁知|非, 马长|鸿). The words
//! after a title up to the next function word are the name, if they are two
//! to four Han chars from a common surname on (or a transliteration) and no
//! other entity claims them.

use super::claimed::Claimed;
use super::name_shape::looks_like_a_name;
use super::rules::text::is_han;
use super::surnames::is_common_surname;
use crate::pipeline::pos_tags::is_closed_class;
use crate::pipeline::segment::{Segment, tokens_from};
use crate::pipeline::types::{Entity, EntityKind, Source};

/// Most tokens a name after a title is cut into (高野|纪元).
const MAX_NAME_TOKENS: usize = 4;

/// The share of these persons that was right on PD dev, MSRA and the
/// held-out split (scored with models that never saw them): 6 of 7.
const CONFIDENCE: f32 = 0.85;

/// jieba's tags of the words that end a name after a title: the closed
/// classes, verbs, and adverbial adjectives (迅速). A word of Han chars that
/// jieba could not tag (x) is no punctuation: it may be the name (刘环彤).
fn ends_a_name(text: &str, token: &Segment) -> bool {
    let pos = token.pos;
    if pos == "x" && text[token.span.clone()].chars().all(is_han) {
        return false;
    }
    is_closed_class(pos) || pos.starts_with('v') || pos == "ad"
}

/// Chars of a full name jieba keeps as one word it does not know as a name
/// (严义埙/n, 刘环彤/x): a surname and two given-name chars.
const ONE_WORD_NAME_CHARS: usize = 3;

/// A name jieba keeps as one word: tagged as a person, or of a full name's
/// three chars whatever its tag.
fn may_be_one_word_name(text: &str, token: &Segment) -> bool {
    matches!(token.pos, "nr" | "nrfg" | "nrt") || text[token.span.clone()].chars().count() == ONE_WORD_NAME_CHARS
}

/// PERSON entities for the names right after the titles (POSITION
/// entities) of `found`, which holds every candidate entity (any order).
/// `segments` are jieba's tokens of `text`, in order.
pub fn find(text: &str, segments: &[Segment], found: &[Entity]) -> Vec<Entity> {
    let mut title_ends: Vec<usize> =
        found.iter().filter(|e| e.kind == EntityKind::Position || is_company(text, e)).map(|e| e.span.end).collect();
    if title_ends.is_empty() {
        return Vec::new();
    }
    title_ends.sort_unstable();
    let claimed = Claimed::new(found.iter().map(|e| &e.span));
    let mut out = Vec::new();
    for &at in &title_ends {
        let Some(from) = tokens_from(segments, at) else { continue };
        // The name's tokens, up to the word that ends it.
        let len = from.iter().take(MAX_NAME_TOKENS).take_while(|t| !ends_a_name(text, t)).count();
        let Some(after) = from.get(len).filter(|t| ends_a_name(text, t)) else {
            continue; // none, or the words run on: no name of a known length
        };
        let tokens = &from[..len];
        // One word that jieba knows as something else: 会议 in 局长会议.
        if tokens.is_empty() || (tokens.len() == 1 && !may_be_one_word_name(text, &tokens[0])) {
            continue;
        }
        let span = at..after.span.start;
        if titled_name(&text[span.clone()]) && !claimed.overlaps(&span) {
            out.push(Entity::new(span, EntityKind::Person, CONFIDENCE, Source::Rule));
        }
    }
    out
}

/// A company, whose head news names right after it in lists of guests
/// (…、上海商汤智能科技有限公司徐立、达闼机器人有限公司黄晓庆).
fn is_company(text: &str, entity: &Entity) -> bool {
    let name = &text[entity.span.clone()];
    entity.kind == EntityKind::Organization && (name.ends_with("公司") || name.ends_with("集团"))
}

/// A name of [`looks_like_a_name`] that, if it is of Han chars, begins with
/// a common surname: jieba's HMM tags 参观时 and 巧遇 as names too.
fn titled_name(word: &str) -> bool {
    looks_like_a_name(word) && (word.contains('·') || word.chars().next().is_some_and(is_common_surname))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::tests::{entity, tokens};

    /// The persons the rule adds after the title `title` in `text`.
    fn after_title(text: &str, title: &str) -> Vec<String> {
        let found = [entity(text, title, EntityKind::Position)];
        find(text, &tokens(text), &found).into_iter().map(|e| text[e.span].to_string()).collect()
    }

    #[test]
    fn the_words_after_a_title_up_to_a_function_word_are_the_holder() {
        assert_eq!(after_title("稽查分局主持工作的副局长马长鸿迅速拿起话筒", "副局长"), ["马长鸿"]);
        assert_eq!(after_title("外务省北美局长高野纪元说", "局长"), ["高野纪元"]);
        // A full name jieba keeps as one word it does not know as a name.
        assert_eq!(after_title("中科院副院长严义埙、科利华集团总裁", "副院长"), ["严义埙"]);
    }

    #[test]
    fn other_words_after_a_title_are_left_alone() {
        // No surname: jieba's HMM made 参观时 a name.
        assert!(after_title("记者参观时看到", "记者").is_empty());
        // A word of its own, a function word, or words that run on.
        assert!(after_title("出席了局长会议", "局长").is_empty());
        assert!(after_title("局长和副局长", "局长").is_empty());
        assert!(after_title("他当了局长", "局长").is_empty());
    }

    #[test]
    fn the_name_after_a_company_in_a_list_is_its_head() {
        let text = "华测导航技术股份有限公司赵延平、上海商汤智能科技有限公司徐立、达闼机器人有限公司";
        let company = |name| entity(text, name, EntityKind::Organization);
        let found = [company("上海商汤智能科技有限公司"), company("达闼机器人有限公司")];
        let persons: Vec<&str> = find(text, &tokens(text), &found).into_iter().map(|e| &text[e.span]).collect();
        assert_eq!(persons, ["徐立"]);
        // Not after other bodies: 市委 is followed by its own words.
        let text = "市委张江科学城建设";
        assert!(find(text, &tokens(text), &[entity(text, "市委", EntityKind::Organization)]).is_empty());
    }

    #[test]
    fn a_name_another_entity_holds_stays_that_entitys() {
        let text = "副局长马长鸿迅速拿起话筒";
        let found = [entity(text, "副局长", EntityKind::Position), entity(text, "马长鸿", EntityKind::Person)];
        assert!(find(text, &tokens(text), &found).is_empty());
    }
}

//! One-char names of persons inside set words: 马 and 列 in 马列主义 (Marx
//! and Lenin), 汤 and 尤 in 汤尤杯, 汤杯 and 尤杯 (the badminton cups named
//! after George Thomas and Betty Uber), 梁 and 祝 in 梁祝 (梁山伯 and
//! 祝英台). The news corpora label each char a PERSON, as for any other
//! short form of a name; the model reads the pair as one name (汤尤) and
//! drops lone chars as misread surnames.

use crate::pipeline::segment::Segment;
use crate::pipeline::types::{Entity, EntityKind, Source};

/// How jieba tokens with eponyms begin (马列主义, 汤尤杯), and how many of
/// their first chars are persons. 马恩 is left out: 马恩河 is the Marne.
/// (`find` tests a token's first char against 马, 汤, 尤 and 梁 before these.)
const PREFIXES: [(&str, usize); 5] = [("马列", 2), ("汤尤", 2), ("汤杯", 1), ("尤杯", 1), ("梁祝", 2)];

const CONFIDENCE: f32 = 0.9;

/// PERSON entities for the eponym chars of `segments` (jieba's tokens of
/// `text`, in order), sorted by start.
pub fn find(text: &str, segments: &[Segment]) -> Vec<Entity> {
    let mut out = Vec::new();
    for token in segments {
        let Some(word) = text.get(token.span.clone()).filter(|w| w.starts_with(['马', '汤', '尤', '梁'])) else {
            continue;
        };
        let Some(&(_, persons)) = PREFIXES.iter().find(|(p, _)| word.starts_with(p)) else { continue };
        for (at, c) in word.char_indices().take(persons) {
            let start = token.span.start + at;
            out.push(Entity::new(start..start + c.len_utf8(), EntityKind::Person, CONFIDENCE, Source::Rule));
        }
    }
    out
}

/// A model name inside an eponym word (汤尤 read as one person) gives way
/// to the chars [`find`] returned (`eponyms`, sorted by start).
pub fn superseded(entity: &Entity, eponyms: &[Entity]) -> bool {
    let k = eponyms.partition_point(|p| p.span.end <= entity.span.start);
    eponyms.get(k).is_some_and(|p| p.span.start <= entity.span.start)
        && eponyms[k..]
            .iter()
            .take_while(|p| p.span.start < entity.span.end)
            .last()
            .is_some_and(|p| p.span.end >= entity.span.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::tests::tokens;

    fn persons(text: &str) -> Vec<String> {
        find(text, &tokens(text)).into_iter().map(|e| text[e.span].to_string()).collect()
    }

    #[test]
    fn persons_in_set_words() {
        assert_eq!(persons("学习马列主义"), ["马", "列"]);
        assert_eq!(persons("小提琴协奏曲《梁祝》"), ["梁", "祝"]);
        assert_eq!(persons("在汤尤杯赛上获得汤杯和尤杯"), ["汤", "尤", "汤", "尤"]);
        assert!(persons("司马列传").is_empty());
        assert!(persons("一碗汤").is_empty());
    }

    #[test]
    fn a_model_name_over_the_pair_gives_way() {
        let text = "汤尤杯赛";
        let found = find(text, &[Segment { span: 0..6, pos: "nz" }]);
        let model = |span| Entity::new(span, EntityKind::Person, 0.9, Source::Model);
        assert!(superseded(&model(0..6), &found));
        assert!(!superseded(&model(0..9), &found), "reaches past the pair");
    }
}

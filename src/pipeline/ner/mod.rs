//! Named entities: a statistical model for people, places and organizations,
//! rules for dates, numbers, amounts, titles, meetings and positions. This
//! module merges them into one non-overlapping list and links each person to
//! the position written right before the name.

pub mod model;
pub mod rules;

use model::NerModel;

use super::segment::Segment;
use super::types::{CivilDate, Entity, EntityKind};

pub struct EntityRecognizer {
    model: NerModel,
}

impl EntityRecognizer {
    pub fn new(model: NerModel) -> Self {
        Self { model }
    }

    pub fn model(&self) -> &NerModel {
        &self.model
    }

    /// Entities of `text` (a cleaned view), spans into `text`, sorted and
    /// non-overlapping. `segments` are jieba's tokens of the same text.
    pub fn recognize(&self, text: &str, segments: &[Segment], reference: Option<CivilDate>) -> Vec<Entity> {
        let mut found = rules::find(text, reference);
        found.extend(self.model.predict(text, segments));
        let mut entities = resolve_overlaps(found);
        link_positions(text, &mut entities);
        entities
    }
}

/// Rule entities with a hard shape (a 《title》, a date) outrank the model;
/// otherwise the longer span wins, then the higher confidence.
fn priority(e: &Entity) -> (u8, usize, u32) {
    let hard = matches!(e.kind, EntityKind::Document | EntityKind::Date | EntityKind::Time | EntityKind::Event);
    (hard as u8, e.span.len(), (e.confidence * 1000.0) as u32)
}

pub(crate) fn resolve_overlaps(mut found: Vec<Entity>) -> Vec<Entity> {
    found.sort_by(|a, b| priority(b).cmp(&priority(a)).then(a.span.start.cmp(&b.span.start)));
    let mut kept: Vec<Entity> = Vec::with_capacity(found.len());
    for e in found {
        if e.span.is_empty() {
            continue;
        }
        let idx = kept.partition_point(|k| k.span.start < e.span.start);
        let clashes_before = idx > 0 && kept[idx - 1].span.end > e.span.start;
        let clashes_after = kept.get(idx).is_some_and(|k| k.span.start < e.span.end);
        if !clashes_before && !clashes_after {
            kept.insert(idx, e);
        }
    }
    kept
}

/// 市委书记陈吉宁 → 陈吉宁 holds 市委书记; 市委副书记、市长龚正 → 市委副书记、市长.
fn link_positions(text: &str, entities: &mut [Entity]) {
    for i in 1..entities.len() {
        if entities[i].kind != EntityKind::Person || entities[i - 1].kind != EntityKind::Position {
            continue;
        }
        if entities[i - 1].span.end != entities[i].span.start {
            continue;
        }
        let mut first = i - 1;
        while first > 0
            && entities[first - 1].kind == EntityKind::Position
            && text[entities[first - 1].span.end..entities[first].span.start] == *"、"
        {
            first -= 1;
        }
        let position = &text[entities[first].span.start..entities[i - 1].span.end];
        entities[i].position = Some(position.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::types::Source;

    fn entity(text: &str, needle: &str, kind: EntityKind) -> Entity {
        let start = text.find(needle).unwrap();
        Entity {
            span: start..start + needle.len(),
            kind,
            confidence: 0.9,
            normalized: None,
            numeric: None,
            position: None,
            source: Source::Rule,
        }
    }

    #[test]
    fn a_person_carries_the_chain_of_positions_before_it() {
        let text = "上海市委副书记、市长龚正主持会议";
        let mut entities = vec![
            entity(text, "上海市委副书记", EntityKind::Position),
            entity(text, "市长", EntityKind::Position),
            entity(text, "龚正", EntityKind::Person),
        ];
        link_positions(text, &mut entities);
        assert_eq!(entities[2].position.as_deref(), Some("上海市委副书记、市长"));
    }

    #[test]
    fn overlaps_keep_hard_shapes_then_longer_spans() {
        let text = "《上海市科技创新条例》和上海市科委";
        let kept = resolve_overlaps(vec![
            entity(text, "上海市", EntityKind::Location),
            entity(text, "《上海市科技创新条例》", EntityKind::Document),
            entity(text, "上海市科委", EntityKind::Organization),
        ]);
        let kinds: Vec<_> = kept.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntityKind::Document, EntityKind::Organization]);
    }
}

//! Named entities: a statistical model for people, places and organizations,
//! rules for dates, numbers, amounts, titles, meetings and positions. This
//! module merges them into one non-overlapping list and links each person to
//! the position written right before the name.

pub mod abbreviations;
mod claimed;
mod coordination;
mod corrections;
pub mod eponyms;
pub mod model;
mod name_shape;
pub mod rules;
mod seats;
mod surnames;
mod titled;

use std::collections::BTreeMap;

use model::NerModel;

use super::policy::PhraseItems;
use super::segment::Segment;
use super::types::{CivilDate, Entity, EntityKind, Source, Span};

/// What the pipeline knows of a text before it looks for entities; every
/// list sorted, spans into the text.
#[derive(Clone, Copy)]
pub struct TextContext<'a> {
    /// jieba's tokens, each policy phrase one token.
    pub segments: &'a [Segment],
    /// jieba's own tokens, phrases cut as jieba cuts them: what the model
    /// was trained on (a phrase as one long token is nothing it ever saw).
    pub jieba_tokens: &'a [Segment],
    /// The tokens a domain dictionary lists as names (临港新片区 ns).
    pub listed: &'a [Segment],
    /// The policy phrases found in it.
    pub phrases: &'a [Span],
    /// What the lexicon's numbered formulas stand for: no name unless a
    /// known one (see `corrections::drop_phrase_items`).
    pub phrase_items: &'a PhraseItems,
    /// The names in its byline.
    pub bylines: &'a [Span],
    /// Boilerplate left out of the result: the model does not read it.
    pub skipped: &'a [Span],
    /// Resolves relative dates (else the text's own dateline).
    pub reference: Option<CivilDate>,
}

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
    /// non-overlapping.
    pub fn recognize(&self, text: &str, context: &TextContext) -> Vec<Entity> {
        let TextContext { segments, jieba_tokens, listed, phrases, phrase_items, bylines, skipped, reference } =
            *context;
        let mut found = rules::find(text, reference);
        found.extend(bylines.iter().map(|span| byline_person(span.clone())));
        found.extend(listed.iter().filter_map(listed_name));
        found.sort_by_key(|e| e.span.start);
        let surnames = surnames::find(text, segments, &found);
        let places = abbreviations::find(text, segments);
        let eponyms = eponyms::find(text, segments);
        let mut names = self.model.predict_outside(text, jieba_tokens, skipped);
        names.retain(|e| !abbreviations::superseded(text, e, &places) && !eponyms::superseded(e, &eponyms));
        corrections::correct(text, &mut names, &found, phrases, phrase_items, self.model.gazetteer());
        seats::join(text, &mut names, jieba_tokens, self.model.gazetteer());
        settle_bodies(text, &mut found, &mut names);
        found.extend(names);
        found.extend(places);
        found.extend(eponyms);
        found.extend(surnames);
        let titled = titled::find(text, jieba_tokens, &found);
        found.extend(titled);
        let peers = coordination::find(text, segments, &found);
        found.extend(peers);
        let mut entities = resolve_overlaps(&found);
        nest_names(&mut entities, &found);
        link_positions(text, &mut entities);
        entities
    }
}

/// A name in a byline (本报记者 顾一琼 祝越 王嘉旻): a person, whatever the
/// model reads in a rare given name (王嘉|旻).
fn byline_person(span: Span) -> Entity {
    Entity::new(span, EntityKind::Person, 0.95, Source::Rule)
}

/// A token a domain dictionary lists as a name, of the type its tag says.
/// The lists are curated (tifa's domain.dict, an operator's dictionaries),
/// so the name outranks a shorter model reading (临港新|片区).
fn listed_name(token: &Segment) -> Option<Entity> {
    let kind = match token.pos {
        "nr" | "nrfg" | "nrt" => EntityKind::Person,
        "ns" => EntityKind::Location,
        "nt" => EntityKind::Organization,
        _ => return None,
    };
    Some(Entity::new(token.span.clone(), kind, 0.9, Source::Lexicon))
}

/// Words that link a name to the body written after it (王兆国及国务院港澳办).
const JOINERS: [&str; 4] = ["及", "和", "与", "、"];

/// Longest rest of a body that a title takes over when the model's name ends
/// inside the body (管委会|党组书记).
const MAX_BODY_REST_CHARS: usize = 3;

/// A body the position rule read before a title (科技部|部长, a rule ORG or
/// LOC right before a rule POSITION) against the model's names over the same
/// words. The model's place or organization wins; where it ends inside the
/// body (虹桥国际中央商务区管委会|党组书记), the title takes the rest. A model
/// person at the body's start misread the body (张江科|建办党组书记) and goes,
/// unless a joiner follows it: then the body ran back over a name the joiner
/// links to it (部长王兆国及|国务院港澳办副主任), and starts after the joiner.
/// A person further in means the body was a clause, not a body
/// (评论家黄宗江致信|全国政协委员): the body goes, the person stays. `rules`
/// and `names` are sorted by start.
fn settle_bodies(text: &str, rules: &mut Vec<Entity>, names: &mut Vec<Entity>) {
    let title_starts: Vec<usize> =
        rules.iter().filter(|e| e.kind == EntityKind::Position).map(|e| e.span.start).collect();
    let is_body = |e: &Entity| {
        matches!(e.kind, EntityKind::Organization | EntityKind::Location)
            && e.source == Source::Rule
            && title_starts.binary_search(&e.span.end).is_ok()
    };
    let mut misread = vec![false; names.len()];
    // Title start → where the title now starts.
    let mut moved: rustc_hash::FxHashMap<usize, usize> = Default::default();
    rules.retain_mut(|body| {
        if !is_body(body) {
            return true;
        }
        let first = names.partition_point(|n| n.span.end <= body.span.start);
        let persons = names[first..]
            .iter()
            .take_while(|n| n.span.start < body.span.end)
            .filter(|n| n.kind == EntityKind::Person && n.span.start >= body.span.start);
        let mut after_start = false;
        for n in persons {
            let after = text.get(n.span.end..body.span.end).unwrap_or_default();
            if let Some(j) = JOINERS.iter().find(|j| after.starts_with(**j) && after.len() > j.len()) {
                body.span.start = n.span.end + j.len();
                return true;
            }
            after_start |= n.span.start > body.span.start;
        }
        // A person inside the body, not at its start: the rule read a clause
        // as the body (评论家黄宗江致信|全国政协委员); there is none.
        !after_start
    });
    rules.retain(|body| {
        if !is_body(body) {
            return true;
        }
        let first = names.partition_point(|n| n.span.end <= body.span.start);
        let mut keep = true;
        for (k, name) in names.iter().enumerate().skip(first).take_while(|(_, n)| n.span.start < body.span.end) {
            if name.kind == EntityKind::Person {
                misread[k] = true;
                continue;
            }
            keep = false;
            let rest = text.get(name.span.end..body.span.end).map_or(usize::MAX, |r| r.chars().count());
            if (1..=MAX_BODY_REST_CHARS).contains(&rest) {
                moved.insert(body.span.end, name.span.end);
            }
        }
        keep
    });
    for title in rules.iter_mut().filter(|e| e.kind == EntityKind::Position) {
        if let Some(&start) = moved.get(&title.span.start) {
            title.span.start = start;
        }
    }
    let mut k = 0;
    names.retain(|_| {
        k += 1;
        !misread[k - 1]
    });
}

/// Rule entities with a hard shape (a 《title》, a date, a meeting) outrank
/// the model; otherwise the longer span wins, then the higher confidence.
fn priority(e: &Entity) -> (u8, usize, u32) {
    let hard = matches!(e.kind, EntityKind::Document | EntityKind::Date | EntityKind::Time | EntityKind::Event);
    (hard as u8, e.span.len(), (e.confidence * 1000.0) as u32)
}

/// The model's names, for asking whether one strictly contains a rule span
/// (a name with a date or meeting inside it: 进博会组委会, 中共一大纪念馆; the
/// name wins there) in O(log n) per span.
struct ModelNames {
    starts: Vec<usize>,
    /// Over the names up to each one (by start): the furthest end, and the
    /// earliest start among the names that reach it.
    reach: Vec<(usize, usize)>,
}

impl ModelNames {
    fn new(found: &[Entity]) -> Self {
        let mut spans: Vec<&Span> = found.iter().filter(|e| e.source == Source::Model).map(|e| &e.span).collect();
        spans.sort_by_key(|s| s.start);
        let mut reach = Vec::with_capacity(spans.len());
        let mut best = (0, usize::MAX);
        for s in &spans {
            if s.end > best.0 {
                best = (s.end, s.start);
            }
            reach.push(best);
        }
        Self { starts: spans.iter().map(|s| s.start).collect(), reach }
    }

    fn strictly_contain(&self, e: &Entity) -> bool {
        let k = self.starts.partition_point(|&start| start <= e.span.start);
        let Some(&(end, start)) = k.checked_sub(1).and_then(|k| self.reach.get(k)) else { return false };
        e.source != Source::Model && (end > e.span.end || (end == e.span.end && start < e.span.start))
    }
}

/// Keeps a non-overlapping subset, best first, in O(n log n).
pub(crate) fn resolve_overlaps(found: &[Entity]) -> Vec<Entity> {
    let names = ModelNames::new(found);
    let mut candidates: Vec<&Entity> =
        found.iter().filter(|e| !e.span.is_empty() && !names.strictly_contain(e)).collect();
    candidates.sort_by(|a, b| priority(b).cmp(&priority(a)).then(a.span.start.cmp(&b.span.start)));
    // Kept spans by start; each new span checks only its two neighbours.
    let mut kept: BTreeMap<usize, &Entity> = BTreeMap::new();
    for e in candidates {
        let clashes_before = kept.range(..=e.span.start).next_back().is_some_and(|(_, k)| k.span.end > e.span.start);
        let clashes_after = kept.range(e.span.start..).next().is_some_and(|(_, k)| k.span.start < e.span.end);
        if !clashes_before && !clashes_after {
            kept.insert(e.span.start, e);
        }
    }
    kept.into_values().cloned().collect()
}

/// Titles, meetings and positions hold the names written inside them: the
/// whole 《title》, meeting or position is the entity, and 毛泽东 in
/// 《毛泽东选集》, 英联邦 in 第十六届英联邦运动会 or 市委 in 市委书记 is still
/// found, as a nested name.
fn holds_names(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::Document | EntityKind::Event | EntityKind::Position)
}

/// Gives each holder of `entities` (sorted, non-overlapping) the names of
/// `found` (every candidate, kept or not) that lie inside it, resolved among
/// themselves. Linear after the sort: holders do not overlap, so each name is
/// looked at once or twice, and only those inside a holder are copied.
fn nest_names(entities: &mut [Entity], found: &[Entity]) {
    let mut names: Vec<&Entity> = found.iter().filter(|e| is_name(e.kind)).collect();
    names.sort_by_key(|e| e.span.start);
    for holder in entities.iter_mut().filter(|e| holds_names(e.kind)) {
        let first = names.partition_point(|n| n.span.start < holder.span.start);
        let inside: Vec<Entity> = names[first..]
            .iter()
            .take_while(|n| n.span.start < holder.span.end)
            .filter(|n| n.span.end <= holder.span.end && n.span != holder.span)
            .map(|n| (*n).clone())
            .collect();
        holder.nested = resolve_overlaps(&inside);
    }
}

/// 市委书记陈吉宁 → 陈吉宁 holds 市委书记; 市委副书记、市长龚正 → 市委副书记、市长;
/// 科技部|部长|阴和俊 → 科技部部长 (the body written before a title is part of
/// what the person holds); 习近平总书记 (title after the name, nothing
/// before) → 总书记.
fn link_positions(text: &str, entities: &mut [Entity]) {
    let adjacent = |a: &Entity, b: &Entity| a.span.end == b.span.start;
    for i in 0..entities.len() {
        if entities[i].kind != EntityKind::Person {
            continue;
        }
        let before = i
            .checked_sub(1)
            .filter(|&p| entities[p].kind == EntityKind::Position && adjacent(&entities[p], &entities[i]));
        if let Some(last) = before {
            let mut first = last;
            loop {
                // The body of this title: 科技部|部长.
                if first > 0 && is_body(entities[first - 1].kind) && adjacent(&entities[first - 1], &entities[first]) {
                    first -= 1;
                }
                // The title before it, after 、: 市委副书记、市长.
                let chained = first > 0
                    && entities[first - 1].kind == EntityKind::Position
                    && text[entities[first - 1].span.end..entities[first].span.start] == *"、";
                if !chained {
                    break;
                }
                first -= 1;
            }
            entities[i].position = Some(text[entities[first].span.start..entities[last].span.end].to_string());
        } else if let Some(after) = entities.get(i + 1)
            && after.kind == EntityKind::Position
            && after.span.start == entities[i].span.end
        {
            entities[i].position = Some(text[after.span.clone()].to_string());
        }
    }
}

fn is_body(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::Organization | EntityKind::Location)
}

fn is_name(kind: EntityKind) -> bool {
    kind == EntityKind::Person || is_body(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::segment::{SegmentationOptions, Segmenter};

    /// jieba's tokens of `text` as the annotator's segmenter reads them
    /// (jieba-rs and tifa's domain words, loaded once for all tests).
    pub(super) fn tokens(text: &str) -> Vec<Segment> {
        static SEGMENTER: std::sync::LazyLock<Segmenter> =
            std::sync::LazyLock::new(|| crate::cli::train::data::segmenter().unwrap());
        SEGMENTER.segment(text, &[], SegmentationOptions::default())
    }

    /// A rule entity for `needle` (its first occurrence in `text`).
    pub(super) fn entity(text: &str, needle: &str, kind: EntityKind) -> Entity {
        let start = text.find(needle).unwrap();
        Entity::new(start..start + needle.len(), kind, 0.9, Source::Rule)
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

        let text = "习近平总书记指出";
        let mut entities =
            vec![entity(text, "习近平", EntityKind::Person), entity(text, "总书记", EntityKind::Position)];
        link_positions(text, &mut entities);
        assert_eq!(entities[0].position.as_deref(), Some("总书记"));

        let text = "上海交通大学校长、中国科学院院士丁奎岭说";
        let mut entities = vec![
            entity(text, "上海交通大学", EntityKind::Organization),
            entity(text, "校长", EntityKind::Position),
            entity(text, "中国科学院", EntityKind::Organization),
            entity(text, "院士", EntityKind::Position),
            entity(text, "丁奎岭", EntityKind::Person),
        ];
        link_positions(text, &mut entities);
        assert_eq!(entities[4].position.as_deref(), Some("上海交通大学校长、中国科学院院士"));
    }

    #[test]
    fn a_rule_span_inside_a_model_name_is_found_as_by_a_scan_of_every_name() {
        // Spans from a fixed pseudo-random sequence, overlapping and nested.
        let mut seed = 20261121u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % n) as usize
        };
        let mut found = Vec::new();
        for _ in 0..400 {
            let start = next(300);
            let mut e = entity("x", "x", EntityKind::Date);
            e.span = start..start + 1 + next(8);
            if next(2) == 0 {
                e.source = Source::Model;
            }
            found.push(e);
        }
        let names = ModelNames::new(&found);
        let model: Vec<&Entity> = found.iter().filter(|e| e.source == Source::Model).collect();
        for e in &found {
            let scan = e.source != Source::Model
                && model.iter().any(|n| n.span.start <= e.span.start && e.span.end <= n.span.end && n.span != e.span);
            assert_eq!(names.strictly_contain(e), scan, "{:?}", e.span);
        }
    }

    #[test]
    fn overlaps_keep_hard_shapes_then_longer_spans() {
        let text = "《上海市科技创新条例》和上海市科委";
        let kept = resolve_overlaps(&[
            entity(text, "上海市", EntityKind::Location),
            entity(text, "《上海市科技创新条例》", EntityKind::Document),
            entity(text, "上海市科委", EntityKind::Organization),
        ]);
        let kinds: Vec<_> = kept.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntityKind::Document, EntityKind::Organization]);
    }

    #[test]
    fn titles_meetings_and_positions_hold_the_names_inside_them() {
        let text = "《毛泽东选集》第十六届英联邦运动会在上海举行，市委书记张敬涛出席";
        let mut kept = vec![
            entity(text, "《毛泽东选集》", EntityKind::Document),
            entity(text, "第十六届英联邦运动会", EntityKind::Event),
            model(text, "上海", EntityKind::Location),
            entity(text, "市委书记", EntityKind::Position),
            model(text, "张敬涛", EntityKind::Person),
        ];
        let names = vec![
            model(text, "张敬涛", EntityKind::Person),
            model(text, "毛泽东", EntityKind::Person),
            // Overlapping readings inside one holder: the longer wins.
            model(text, "英联邦", EntityKind::Location),
            model(text, "联邦", EntityKind::Organization),
            model(text, "上海", EntityKind::Location),
            model(text, "市委", EntityKind::Organization),
            // Crosses the meeting's end: not inside, not nested.
            model(text, "运动会在", EntityKind::Organization),
        ];
        nest_names(&mut kept, &names);
        let nested: Vec<_> = kept.iter().map(|e| shown(text, &e.nested)).collect();
        let one = |s: &str, k| vec![(s.to_string(), k)];
        assert_eq!(
            nested,
            [
                one("毛泽东", EntityKind::Person),
                one("英联邦", EntityKind::Location),
                vec![],
                one("市委", EntityKind::Organization),
                vec![],
            ]
        );
    }

    /// A model entity for `needle`.
    pub(super) fn model(text: &str, needle: &str, kind: EntityKind) -> Entity {
        Entity { source: Source::Model, ..entity(text, needle, kind) }
    }

    pub(super) fn shown(text: &str, entities: &[Entity]) -> Vec<(String, EntityKind)> {
        entities.iter().map(|e| (text[e.span.clone()].to_string(), e.kind)).collect()
    }

    /// The texts of `entities`, without their kinds.
    pub(super) fn shown_texts(text: &str, entities: &[Entity]) -> Vec<String> {
        entities.iter().map(|e| text[e.span.clone()].to_string()).collect()
    }

    #[test]
    fn bodies_give_way_to_model_names_and_win_over_model_persons() {
        // The model's organization ends inside the body: the title takes the rest.
        let text = "虹桥国际中央商务区管委会党组书记孔福安表示";
        let mut rules = vec![
            entity(text, "虹桥国际中央商务区管委会党组", EntityKind::Organization),
            entity(text, "书记", EntityKind::Position),
        ];
        let mut names = vec![
            model(text, "虹桥国际中央商务区管委会", EntityKind::Organization),
            model(text, "孔福安", EntityKind::Person),
        ];
        settle_bodies(text, &mut rules, &mut names);
        assert_eq!(shown(text, &rules), [("党组书记".to_string(), EntityKind::Position)]);
        assert_eq!(names.len(), 2);

        // A model person inside a body misread it.
        let text = "张江科建办党组书记肖健";
        let mut rules =
            vec![entity(text, "张江科建办党组", EntityKind::Organization), entity(text, "书记", EntityKind::Position)];
        let mut names = vec![model(text, "张江科", EntityKind::Person), model(text, "肖健", EntityKind::Person)];
        settle_bodies(text, &mut rules, &mut names);
        assert_eq!(rules.len(), 2);
        assert_eq!(shown(text, &names), [("肖健".to_string(), EntityKind::Person)]);

        // A person joined to the body by 及: the body starts after 及, the person stays.
        let text = "部长王兆国及国务院港澳办副主任刘名启";
        let mut rules = vec![
            entity(text, "部长", EntityKind::Position),
            entity(text, "王兆国及国务院港澳办", EntityKind::Organization),
            entity(text, "副主任", EntityKind::Position),
        ];
        let mut names = vec![
            model(text, "王兆国", EntityKind::Person),
            model(text, "国务院港澳办", EntityKind::Organization),
            model(text, "刘名启", EntityKind::Person),
        ];
        settle_bodies(text, &mut rules, &mut names);
        assert_eq!(
            shown(text, &rules),
            [("部长".to_string(), EntityKind::Position), ("副主任".to_string(), EntityKind::Position)]
        );
        assert_eq!(names.len(), 3, "王兆国 stays");

        // A person inside the body, not at its start: no body, the person stays.
        let text = "著名艺术评论家黄宗江致信全国政协委员";
        let mut rules = vec![
            entity(text, "著名艺术评论家黄宗江致信", EntityKind::Organization),
            entity(text, "全国政协委员", EntityKind::Position),
        ];
        let mut names =
            vec![model(text, "黄宗江", EntityKind::Person), model(text, "全国政协", EntityKind::Organization)];
        settle_bodies(text, &mut rules, &mut names);
        assert_eq!(shown(text, &rules), [("全国政协委员".to_string(), EntityKind::Position)]);
        assert_eq!(names.len(), 2, "黄宗江 stays");

        // A rule organization that is no body (a company) is left alone.
        let text = "平头哥(上海)半导体技术有限公司戚肖宁";
        let mut rules = vec![entity(text, "平头哥(上海)半导体技术有限公司", EntityKind::Organization)];
        let mut names = vec![model(text, "半导体技术有限公司", EntityKind::Organization)];
        settle_bodies(text, &mut rules, &mut names);
        assert_eq!(rules.len(), 1);
    }
}

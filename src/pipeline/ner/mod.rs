//! Named entities: a statistical model for people, places and organizations,
//! rules for dates, numbers, amounts, titles, meetings and positions. This
//! module merges them into one non-overlapping list and links each person to
//! the position written right before the name.

pub mod abbreviations;
pub mod model;
pub mod rules;

use std::collections::BTreeMap;

use model::NerModel;

use super::segment::Segment;
use super::types::{CivilDate, Entity, EntityKind, Source};

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
        let places = abbreviations::find(text, segments);
        let mut names = self.model.predict(text, segments);
        names.retain(|e| !abbreviations::superseded(text, e, &places));
        mend_one_char_persons(text, &mut names);
        venues_are_places(text, &mut names);
        roads_are_places(text, &mut names);
        settle_bodies(text, &mut found, &mut names);
        found.extend(names);
        found.extend(places);
        let mut entities = resolve_overlaps(found);
        link_positions(text, &mut entities);
        entities
    }
}

/// Halls and centres: in 在…举行 they are where it happens (世博中心).
/// Universities, hotels and embassies stay organizations there, as the
/// news corpora label them (在白宫举行, 在钓鱼台国宾馆举行).
const VENUE_SUFFIXES: [&str; 9] = ["中心", "会堂", "礼堂", "广场", "大厦", "剧院", "展览馆", "体育馆", "体育场"];
const HELD_AFTER: [&str; 6] = ["举行", "召开", "举办", "开幕", "闭幕", "隆重"];

/// The model reads venues as organizations (世博中心 as a 中心): a hall or
/// centre in 在…举行 is a LOCATION.
fn venues_are_places(text: &str, names: &mut [Entity]) {
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Organization) {
        let (Some(name), Some(before), Some(after)) =
            (text.get(e.span.clone()), text.get(..e.span.start), text.get(e.span.end..))
        else {
            continue;
        };
        if VENUE_SUFFIXES.iter().any(|s| name.ends_with(s))
            && before.ends_with('在')
            && HELD_AFTER.iter().any(|w| after.starts_with(w))
        {
            e.kind = EntityKind::Location;
        }
    }
}

/// Road names the model takes for people (杨高南路): no Chinese name ends so.
const ROAD_SUFFIXES: [&str; 4] = ["路", "大道", "大街", "公路"];

fn roads_are_places(text: &str, names: &mut [Entity]) {
    for e in names.iter_mut().filter(|e| e.kind == EntityKind::Person) {
        let Some(name) = text.get(e.span.clone()) else { continue };
        if name.chars().count() >= 3 && ROAD_SUFFIXES.iter().any(|s| name.ends_with(s)) {
            e.kind = EntityKind::Location;
        }
    }
}

/// Words after a one-char surname that make it a way to name a person:
/// 吴先生, 李老师, 汤局长, 王某, 毛主席.
const AFTER_SURNAME: &str = "先生 女士 小姐 老师 师傅 同志 老 总 某 氏 家 主席 总理 部长 局长 厅长 处长 书记 市长 省长 县长 区长 外长 经理 教授 博士 院士 医生 大夫 委员";

/// A one-char PERSON from the model is a surname. With a short name of
/// another type right after it, the model split a full name (刘|燕京 →
/// 刘燕京); after 老/小 or before 先生, 局长… it names a person as written
/// (老张, 吴先生); anywhere else it is a misreading and goes.
fn mend_one_char_persons(text: &str, names: &mut Vec<Entity>) {
    let one_char = |e: &Entity| text.get(e.span.clone()).is_some_and(|t| t.chars().count() == 1);
    let mut out: Vec<Entity> = Vec::with_capacity(names.len());
    let mut i = 0;
    while i < names.len() {
        let e = &names[i];
        if e.kind != EntityKind::Person || !one_char(e) {
            out.push(e.clone());
            i += 1;
            continue;
        }
        let next = names.get(i + 1).filter(|n| {
            n.span.start == e.span.end
                && text
                    .get(n.span.clone())
                    .is_some_and(|t| (1..=2).contains(&t.chars().count()) && t.chars().all(model::features::is_han))
        });
        if let Some(given) = next {
            out.push(Entity { span: e.span.start..given.span.end, ..e.clone() });
            i += 2;
            continue;
        }
        let after = &text[e.span.end..];
        let before = &text[..e.span.start];
        if before.ends_with(['老', '小']) || AFTER_SURNAME.split(' ').any(|w| after.starts_with(w)) {
            out.push(e.clone());
        }
        i += 1;
    }
    *names = out;
}

/// Longest rest of a body that a title takes over when the model's name ends
/// inside the body (管委会|党组书记).
const MAX_BODY_REST_CHARS: usize = 3;

/// A body the position rule read before a title (科技部|部长, a rule ORG or
/// LOC right before a rule POSITION) against the model's names over the same
/// words. The model's place or organization wins; where it ends inside the
/// body (虹桥国际中央商务区管委会|党组书记), the title takes the rest. A model
/// person there misread the body (张江科|建办党组书记) and goes. `rules` and
/// `names` are sorted by start.
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

/// A model name that strictly contains a rule span is a name with a date or
/// meeting inside it (进博会组委会, 中共一大纪念馆): the name wins there.
fn inside_a_name(e: &Entity, names: &[&Entity]) -> bool {
    e.source != Source::Model
        && names.iter().any(|n| n.span.start <= e.span.start && e.span.end <= n.span.end && n.span != e.span)
}

/// Keeps a non-overlapping subset, best first, in O(n log n).
pub(crate) fn resolve_overlaps(found: Vec<Entity>) -> Vec<Entity> {
    let names: Vec<&Entity> = found.iter().filter(|e| e.source == Source::Model).collect();
    let mut candidates: Vec<&Entity> =
        found.iter().filter(|e| !e.span.is_empty() && !inside_a_name(e, &names)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

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

    fn model(text: &str, needle: &str, kind: EntityKind) -> Entity {
        Entity { source: Source::Model, ..entity(text, needle, kind) }
    }

    fn shown(text: &str, entities: &[Entity]) -> Vec<(String, EntityKind)> {
        entities.iter().map(|e| (text[e.span.clone()].to_string(), e.kind)).collect()
    }

    #[test]
    fn one_char_persons_join_a_split_name_or_need_a_title() {
        let text = "副院长刘燕京表示";
        let mut names = vec![model(text, "刘", EntityKind::Person), model(text, "燕京", EntityKind::Location)];
        mend_one_char_persons(text, &mut names);
        assert_eq!(shown(text, &names), [("刘燕京".to_string(), EntityKind::Person)]);

        for (text, kept) in [("吴先生说", true), ("老张来了", true), ("汤局长指出", true), ("司法改革", false)]
        {
            let first = text.chars().next().unwrap().to_string();
            let one = if text.starts_with('老') { "张".to_string() } else { first };
            let mut names = vec![model(text, &one, EntityKind::Person)];
            mend_one_char_persons(text, &mut names);
            assert_eq!(names.len() == 1, kept, "{text}");
        }
    }

    #[test]
    fn a_road_is_no_person() {
        let text = "位于杨高南路的广场";
        let mut names = vec![model(text, "杨高南路", EntityKind::Person)];
        roads_are_places(text, &mut names);
        assert_eq!(names[0].kind, EntityKind::Location);
    }

    #[test]
    fn a_hall_where_a_meeting_is_held_is_a_place() {
        let text = "全会在世博中心举行";
        let mut names = vec![model(text, "世博中心", EntityKind::Organization)];
        venues_are_places(text, &mut names);
        roads_are_places(text, &mut names);
        assert_eq!(names[0].kind, EntityKind::Location);
        let text = "在白宫举行的记者招待会";
        let mut names = vec![model(text, "白宫", EntityKind::Organization)];
        venues_are_places(text, &mut names);
        roads_are_places(text, &mut names);
        assert_eq!(names[0].kind, EntityKind::Organization);
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

        // A rule organization that is no body (a company) is left alone.
        let text = "平头哥(上海)半导体技术有限公司戚肖宁";
        let mut rules = vec![entity(text, "平头哥(上海)半导体技术有限公司", EntityKind::Organization)];
        let mut names = vec![model(text, "半导体技术有限公司", EntityKind::Organization)];
        settle_bodies(text, &mut rules, &mut names);
        assert_eq!(rules.len(), 1);
    }
}

//! Names listed with 、 are peers. In 范志毅、吴承瑛、申思、朱琪、区楚良 the
//! model finds four persons and misses the fifth, whose rare chars jieba cut
//! as a common word (区楚良/z; 阎|敦实 in 陆江、阎敦实、余志华). An item of
//! such a list that its neighbours make a person, and that no other entity
//! claims, is a person too.

use super::rules::text::is_han;
use crate::pipeline::segment::Segment;
use crate::pipeline::types::{Entity, EntityKind, Source, Span};

/// Shortest and longest item taken for a name: a two-char name to a
/// four-char one (欧阳中石); longer runs of Han chars are phrases.
const NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=4;

/// Longest transliterated item (塞萨尔·桑巴约), separators included.
const MAX_TRANSLITERATION_CHARS: usize = 10;

/// Below the model's usual persons: the list, not the name, says it.
const CONFIDENCE: f32 = 0.6;

/// One item of a 、 list: its span, and whether the span is exactly the
/// item (the first item's start and the last one's end are only known when
/// punctuation bounds the list there).
struct Item {
    span: Span,
    exact: bool,
}

/// PERSON entities for the unclaimed items of each 、 list in `text` whose
/// other items are mostly persons among `found` (every candidate entity,
/// any type, any order). `segments` are jieba's tokens: they cut the verb
/// or preposition off an item at the list's edge (由|李菊、…、林菱|出征).
pub fn find(text: &str, segments: &[Segment], found: &[Entity]) -> Vec<Entity> {
    let mut lists = lists(text);
    for list in &mut lists {
        trim_edges(list, segments);
    }
    if lists.is_empty() {
        return Vec::new();
    }
    let claimed = Claimed::new(found.iter().map(|e| &e.span));
    let mut persons: Vec<&Span> = found.iter().filter(|e| e.kind == EntityKind::Person).map(|e| &e.span).collect();
    persons.sort_by_key(|s| s.start);
    let mut out = Vec::new();
    for list in lists {
        let named = list.iter().filter(|item| holds_a_person(&item.span, &persons)).count();
        // Two persons, and at least half the items: a list of people.
        if named < 2 || named * 2 < list.len() {
            continue;
        }
        let is_person = |k: usize| list.get(k).is_some_and(|item| is_a_person(&item.span, &persons));
        for (k, item) in list.iter().enumerate() {
            // Next to a person (柯灵等积极争取和平、反对独裁: the persons
            // ended with the item before).
            let peer = is_person(k + 1) || k.checked_sub(1).is_some_and(is_person);
            if peer && item.exact && looks_like_a_name(&text[item.span.clone()]) && !claimed.overlaps(&item.span) {
                out.push(Entity::new(item.span.clone(), EntityKind::Person, CONFIDENCE, Source::Rule));
            }
        }
    }
    out
}

/// Every 、 list of `text` with at least three items: a run of Han chars
/// (and ·) between other chars, cut at 、.
fn lists(text: &str) -> Vec<Vec<Item>> {
    let mut out = Vec::new();
    let mut items: Vec<Item> = Vec::new();
    let mut run_start = 0;
    let mut item_start = 0;
    let chars = text.char_indices().chain(std::iter::once((text.len(), '\n')));
    for (at, c) in chars {
        if c == '、' {
            items.push(Item { span: item_start..at, exact: !items.is_empty() || item_start == run_start });
            item_start = at + c.len_utf8();
        } else if !(is_han(c) || c == '·') {
            if items.len() >= 2 {
                items.push(Item { span: item_start..at, exact: true });
                out.push(std::mem::take(&mut items));
            }
            items.clear();
            run_start = at + c.len_utf8();
            item_start = run_start;
        }
    }
    out
}

/// jieba's tags of words that are no part of a name: verbs, prepositions,
/// conjunctions, adverbs, particles.
fn is_function_word(pos: &str) -> bool {
    matches!(pos.as_bytes().first(), Some(b'v' | b'p' | b'c' | b'd' | b'u'))
}

/// Cuts the function words jieba finds before the first item's name and
/// after the last one's (由|李菊, 林菱|出征); what a function word starts is
/// a whole item. An edge item jieba's tokens do not fit is left as it is.
fn trim_edges(list: &mut [Item], segments: &[Segment]) {
    let inside = |span: &Span| {
        let k = segments.partition_point(|t| t.span.start < span.start);
        let tokens = &segments[k..];
        let n = tokens.iter().take_while(|t| t.span.end <= span.end).count();
        &tokens[..n]
    };
    if let Some(first) = list.first_mut() {
        let tokens = inside(&first.span);
        if let Some(name) = tokens.iter().rposition(|t| is_function_word(t.pos)).and_then(|k| tokens.get(k + 1)) {
            first.span.start = name.span.start;
            first.exact = true;
        }
    }
    if let Some(last) = list.last_mut() {
        let tokens = inside(&last.span);
        if let Some(tail) = tokens.iter().position(|t| is_function_word(t.pos)) {
            last.span.end = tokens[tail].span.start;
        }
    }
}

/// Whether a person of `persons` (sorted by start) lies in `item` from its
/// start or up to its end: the item itself, 任命|张皓若 as a first item,
/// 傅立民|为稽察特派员 as a last one.
fn holds_a_person(item: &Span, persons: &[&Span]) -> bool {
    let k = persons.partition_point(|s| s.start < item.start);
    persons[k..]
        .iter()
        .take_while(|s| s.start < item.end)
        .any(|s| s.end <= item.end && (s.start == item.start || s.end == item.end))
}

/// Whether `item` is exactly a person of `persons` (sorted by start).
fn is_a_person(item: &Span, persons: &[&Span]) -> bool {
    let k = persons.partition_point(|s| s.start < item.start);
    persons[k..].iter().take_while(|s| s.start == item.start).any(|s| s.end == item.end)
}

/// Two to four Han chars, or a transliteration joined by · (迪达, 区楚良,
/// 塞萨尔·桑巴约).
fn looks_like_a_name(item: &str) -> bool {
    let chars = item.chars().count();
    if item.contains('·') {
        return chars <= MAX_TRANSLITERATION_CHARS && !item.starts_with('·') && !item.ends_with('·');
    }
    NAME_CHARS.contains(&chars) && item.chars().all(is_han)
}

/// Spans that other entities claim, for asking whether any overlaps a span
/// in O(log n).
struct Claimed {
    starts: Vec<usize>,
    /// The furthest end among the spans up to each one (by start).
    reach: Vec<usize>,
}

impl Claimed {
    fn new<'a>(spans: impl Iterator<Item = &'a Span>) -> Self {
        let mut spans: Vec<&Span> = spans.filter(|s| !s.is_empty()).collect();
        spans.sort_by_key(|s| s.start);
        let reach = spans
            .iter()
            .scan(0, |furthest, s| {
                *furthest = s.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        Self { starts: spans.iter().map(|s| s.start).collect(), reach }
    }

    fn overlaps(&self, span: &Span) -> bool {
        let k = self.starts.partition_point(|&start| start < span.end);
        k > 0 && self.reach[k - 1] > span.start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::tests::{entity, tokens};

    /// The persons the rule adds to `text` whose other persons are `known`.
    fn peers(text: &str, known: &[&str]) -> Vec<String> {
        let found: Vec<Entity> = known.iter().map(|name| entity(text, name, EntityKind::Person)).collect();
        find(text, &tokens(text), &found).into_iter().map(|e| text[e.span].to_string()).collect()
    }

    #[test]
    fn an_unclaimed_item_between_persons_is_a_person() {
        assert_eq!(
            peers("任命张皓若、陆江、阎敦实、余志华、周道炯为特派员", &["张皓若", "陆江", "余志华", "周道炯"]),
            ["阎敦实"]
        );
        assert_eq!(
            peers("名单：范志毅、吴承瑛、申思、朱琪、区楚良，大连队", &["范志毅", "吴承瑛", "申思", "朱琪"]),
            ["区楚良"]
        );
    }

    #[test]
    fn function_words_at_the_edges_are_no_part_of_a_name() {
        assert_eq!(peers("女队由李菊、王楠、杨影、孙晋、林菱出征。", &["李菊", "王楠", "杨影", "孙晋"]), ["林菱"]);
    }

    #[test]
    fn lists_of_other_things_are_left_alone() {
        // One person is no list of people.
        assert!(peers("张三、开会、吃饭、睡觉", &["张三"]).is_empty());
        // The persons end with 柯灵等: 反对独裁 is no peer of theirs.
        assert!(
            peers("马叙伦、郑振铎、柯灵等积极争取和平、反对独裁、要求民主", &["马叙伦", "郑振铎", "柯灵"]).is_empty()
        );
        // An item another entity claims stays that entity's.
        let text = "李鹏、朱镕基、国务院、王五";
        let mut found: Vec<Entity> = ["李鹏", "朱镕基"].iter().map(|n| entity(text, n, EntityKind::Person)).collect();
        found.push(entity(text, "国务院", EntityKind::Organization));
        let added: Vec<&str> = find(text, &tokens(text), &found).iter().map(|e| &text[e.span.clone()]).collect();
        assert!(!added.contains(&"国务院"), "{added:?}");
        // Too long for a name.
        assert!(peers("李鹏、朱镕基、中华人民共和国", &["李鹏", "朱镕基"]).is_empty());
    }
}

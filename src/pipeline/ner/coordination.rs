//! Names listed with 、 are peers. In 范志毅、吴承瑛、申思、朱琪、区楚良 the
//! model finds four persons and misses the fifth, whose rare chars jieba cut
//! as a common word (区楚良/z; 阎|敦实 in 陆江、阎敦实、余志华; 彭|清源 in
//! 贾亦斌、彭清源、徐起超). An item next to a person, that no other entity
//! claims, is a person too when the list is mostly persons or the item
//! begins with a common surname.

use super::claimed::Claimed;
use super::name_shape::looks_like_a_name;
use super::rules::text::is_han;
use super::surnames::is_common_surname;
use crate::pipeline::segment::Segment;
use crate::pipeline::types::{Entity, EntityKind, Source, Span};

/// Longest item that a common surname alone makes a name (彭清源).
const MAX_SURNAMED_CHARS: usize = 3;

/// The mark between the items of a list, searched for once per text.
static LIST_MARK: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("、"));

/// The share of these persons that was right on PD dev and MSRA (both
/// scored with models that never saw them): 16 of 18.
const CONFIDENCE: f32 = 0.85;

/// PERSON entities for the unclaimed items of the 、 lists in `text` that
/// stand next to a person of `found` (every candidate entity, any type, any
/// order), where the list is mostly persons or the item begins with a common
/// surname. `segments` are jieba's tokens: they cut the verb or preposition
/// off an item at the list's edge (由|李菊、…、林菱|出征).
pub fn find(text: &str, segments: &[Segment], found: &[Entity]) -> Vec<Entity> {
    let mut lists = lists(text);
    for list in &mut lists {
        trim_edges(list, segments);
    }
    if lists.is_empty() {
        return Vec::new();
    }
    // Only the entities that reach into a list matter (lists are sorted).
    let reaches_a_list = |span: &Span| {
        let k = lists.partition_point(|list| list.last().is_some_and(|item| item.end <= span.start));
        lists.get(k).and_then(|list| list.first()).is_some_and(|item| item.start < span.end)
    };
    let near: Vec<&Entity> = found.iter().filter(|e| reaches_a_list(&e.span)).collect();
    let claimed = Claimed::new(near.iter().map(|e| &e.span));
    let mut persons: Vec<&Span> = near.iter().filter(|e| e.kind == EntityKind::Person).map(|e| &e.span).collect();
    persons.sort_by_key(|s| s.start);
    let mut out = Vec::new();
    for list in lists {
        let named = list.iter().filter(|item| holds_a_person(item, &persons)).count();
        // Two persons, and at least half the items: a list of people.
        let of_people = named >= 2 && named * 2 >= list.len();
        let last = list.len() - 1;
        // The list's edges may hold more than the name (任命|张皓若).
        let mut person: Vec<bool> = (0..list.len())
            .map(|k| {
                let span = &list[k];
                if k == 0 || k == last { holds_a_person(span, &persons) } else { is_a_person(span, &persons) }
            })
            .collect();
        // Both ways, so that a run of items grows from the person it follows
        // or leads to (贾亦斌、彭清源、徐起超); next to a person only
        // (柯灵等积极争取和平、反对独裁: the persons ended before it).
        let forward = 0..list.len();
        for k in forward.clone().chain(forward.rev()) {
            let peer = person.get(k + 1) == Some(&true) || k.checked_sub(1).is_some_and(|p| person[p]);
            let item = &list[k];
            let word = &text[item.clone()];
            if person[k] || !peer || !looks_like_a_name(word) || claimed.overlaps(item) {
                continue;
            }
            if of_people || is_surnamed(word) {
                person[k] = true;
                out.push(Entity::new(item.clone(), EntityKind::Person, CONFIDENCE, Source::Rule));
            }
        }
    }
    out.sort_by_key(|e| e.span.start);
    out
}

/// Two or three Han chars, the first a common surname (彭清源).
fn is_surnamed(word: &str) -> bool {
    word.chars().count() <= MAX_SURNAMED_CHARS && word.chars().next().is_some_and(is_common_surname)
}

/// Every 、 list of `text`: a run of Han chars (and ·) between other chars,
/// cut at 、; an item loses a closing 等 ("and others": 王五等、李四).
fn lists(text: &str) -> Vec<Vec<Span>> {
    let in_run = |c: char| is_han(c) || c == '·' || c == '、';
    let mut out = Vec::new();
    // Only the runs around a 、 are read: most text is in none.
    let mut read_to = 0;
    for at in LIST_MARK.find_iter(text.as_bytes()) {
        if at < read_to {
            continue;
        }
        let run_start = text[..at].char_indices().rev().take_while(|&(_, c)| in_run(c)).last().map_or(at, |(i, _)| i);
        let run_end = text[at..].char_indices().find(|&(_, c)| !in_run(c)).map_or(text.len(), |(i, _)| at + i);
        read_to = run_end;
        let mut items = Vec::new();
        let mut item_start = run_start;
        for i in LIST_MARK.find_iter(&text.as_bytes()[run_start..run_end]) {
            let end = run_start + i;
            items.push(item_start..without_etc(text, item_start, end));
            item_start = end + '、'.len_utf8();
        }
        items.push(item_start..without_etc(text, item_start, run_end));
        out.push(items);
    }
    out
}

/// The end of the item from `start` to `end` less a closing 等 after two
/// chars or more.
fn without_etc(text: &str, start: usize, end: usize) -> usize {
    let item = &text[start..end];
    match item.strip_suffix('等') {
        Some(name) if name.chars().nth(1).is_some() => start + name.len(),
        _ => end,
    }
}

/// jieba's tags of words that cut an edge item: verbs, prepositions,
/// conjunctions, adverbs, particles. Not the other closed classes: jieba
/// tags the last char of 沈求我 a pronoun.
fn is_function_word(pos: &str) -> bool {
    matches!(pos.as_bytes().first(), Some(b'v' | b'p' | b'c' | b'd' | b'u'))
}

/// Cuts the function words jieba finds before the first item's name and
/// after the last one's (由|李菊, 林菱|出征); what a function word starts is
/// a whole item. An edge item jieba's tokens do not fit is left as it is.
fn trim_edges(list: &mut [Span], segments: &[Segment]) {
    let inside = |span: &Span| {
        let k = segments.partition_point(|t| t.span.start < span.start);
        let tokens = &segments[k..];
        let n = tokens.iter().take_while(|t| t.span.end <= span.end).count();
        &tokens[..n]
    };
    if let Some(first) = list.first_mut() {
        let tokens = inside(first);
        if let Some(name) = tokens.iter().rposition(|t| is_function_word(t.pos)).and_then(|k| tokens.get(k + 1)) {
            first.start = name.span.start;
        }
    }
    if let Some(last) = list.last_mut() {
        let tokens = inside(last);
        if let Some(tail) = tokens.iter().position(|t| is_function_word(t.pos)) {
            last.end = tokens[tail].span.start;
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
    fn a_common_surname_next_to_a_person_is_enough() {
        assert_eq!(
            peers("名誉副主席贾亦斌、彭清源、徐起超、沈求我，副主席", &["贾亦斌"]),
            ["彭清源", "徐起超", "沈求我"]
        );
        assert_eq!(peers("会见了王兆国、李明等人", &["王兆国"]), ["李明"]);
        // 等 ("and others") is no part of a name.
        assert_eq!(peers("张三、王五等、李四", &["张三", "李四"]), ["王五"]);
        // Not a surname, or too long.
        assert!(peers("王兆国、北京市代表团", &["王兆国"]).is_empty());
        assert!(peers("王兆国、爱心", &["王兆国"]).is_empty());
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

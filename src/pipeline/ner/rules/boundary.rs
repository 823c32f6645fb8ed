//! Where a name written before a head starts: 中共上海市第十二届委员会第七次|全体会议,
//! 上海市委|书记. The name runs left from the head over Chinese characters
//! and digits until punctuation, a stop word (召开, 主持, 由, 在 …), an entity
//! that is already taken (a date, a title), or a length limit.
//!
//! Without a parser this is a heuristic: the stop words catch the usual news
//! shapes (市委书记李强主持召开|科技创新型企业座谈会, 全会由|市委常委主持), and
//! the `keep` list saves names that hold a stop character (自由贸易, 同济大学).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::lists;
use super::text::{CharSet, is_han, prev_char};
use crate::pipeline::types::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Meeting names stop at 和/与/及 (二十大和|二十届二中全会).
    Event,
    /// Organizations may hold them (工业和信息化部, 文化和旅游局).
    Position,
}

/// A stop word and the keep words that hold it: (keep word, byte offset of
/// the stop word inside it).
type Stop = (&'static str, Vec<(&'static str, usize)>);

struct Boundaries {
    /// Stop words by their last char, longest first.
    stops: HashMap<char, Vec<Stop>>,
    /// The last chars of the stop words: most chars end none, and this says so fast.
    last_chars: CharSet,
    joiners: Vec<&'static str>,
}

static BOUNDARIES: LazyLock<Boundaries> = LazyLock::new(|| {
    let all = lists::sections(lists::BOUNDARIES);
    let keep = lists::words(&all, "keep");
    let mut stops: HashMap<char, Vec<Stop>> = HashMap::new();
    for word in lists::words(&all, "stop-words") {
        let Some(last) = word.chars().next_back() else { continue };
        let holders = keep.iter().flat_map(|k| k.match_indices(word).map(move |(offset, _)| (*k, offset))).collect();
        stops.entry(last).or_default().push((word, holders));
    }
    for list in stops.values_mut() {
        list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }
    let last_chars = CharSet::new(stops.keys().copied());
    Boundaries { stops, last_chars, joiners: lists::words(&all, "name-joiners") }
});

/// Spans already taken (titles, dates, events), sorted and non-overlapping:
/// a name never runs into them.
#[derive(Debug, Default, Clone)]
pub(super) struct Walls {
    spans: Vec<Span>,
}

impl Walls {
    pub(super) fn new(spans: impl IntoIterator<Item = Span>) -> Self {
        let mut spans: Vec<Span> = spans.into_iter().collect();
        spans.sort_by_key(|s| (s.start, s.end));
        Self { spans }
    }

    pub(super) fn ends_at(&self, at: usize) -> bool {
        let i = self.spans.partition_point(|s| s.end < at);
        self.spans.get(i).is_some_and(|s| s.end == at)
    }

    pub(super) fn overlaps(&self, span: &Span) -> bool {
        let i = self.spans.partition_point(|s| s.end <= span.start);
        self.spans.get(i).is_some_and(|s| s.start < span.end)
    }
}

/// True if a stop word ends at `at` (and no keep word holds it there).
fn stop_ends_at(text: &str, at: usize, c: char, mode: Mode) -> bool {
    let b = &*BOUNDARIES;
    if !b.last_chars.contains(c) {
        return false;
    }
    let Some(candidates) = b.stops.get(&c) else { return false };
    let before = &text[..at];
    candidates.iter().any(|(word, holders)| {
        if !before.ends_with(word) || (mode == Mode::Position && b.joiners.contains(word)) {
            return false;
        }
        let word_start = at - word.len();
        let held = holders.iter().any(|(keep, offset)| {
            word_start.checked_sub(*offset).and_then(|s| text.get(s..)).is_some_and(|t| t.starts_with(keep))
        });
        !held
    })
}

/// The start of the name that ends at `head_start`, walking at most
/// `max_chars` chars left and never before `floor` (the end of the previous
/// head: a name holds no other); None if no boundary came within that many.
pub(super) fn name_start(
    text: &str,
    head_start: usize,
    floor: usize,
    mode: Mode,
    walls: &Walls,
    max_chars: usize,
) -> Option<usize> {
    let mut at = head_start;
    let mut taken = 0;
    loop {
        if at <= floor || walls.ends_at(at) {
            return Some(at);
        }
        let Some(c) = prev_char(text, at) else { return Some(at) };
        if c == '”' && mode == Mode::Event {
            // “十五五”规划编制工作会议: a quoted piece belongs to the name.
            match quoted_start(text, at, max_chars - taken.min(max_chars)) {
                Some((start, chars)) => {
                    at = start;
                    taken += chars;
                    continue;
                }
                None => return Some(at),
            }
        }
        let name_char = is_han(c) || c.is_ascii_alphanumeric();
        if !name_char || stop_ends_at(text, at, c, mode) {
            return Some(at);
        }
        if taken >= max_chars {
            return None;
        }
        at -= c.len_utf8();
        taken += 1;
    }
}

/// The opening “ of the quote that closes right before `at`, with only name
/// chars inside.
fn quoted_start(text: &str, at: usize, budget: usize) -> Option<(usize, usize)> {
    let mut pos = at - '”'.len_utf8();
    let mut chars = 1;
    while chars <= budget {
        let c = prev_char(text, pos)?;
        pos -= c.len_utf8();
        chars += 1;
        if c == '“' {
            return (chars > 2).then_some((pos, chars));
        }
        if !(is_han(c) || c.is_ascii_alphanumeric()) {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str, head: &str, mode: Mode) -> Option<String> {
        let at = text.find(head).unwrap();
        name_start(text, at, 0, mode, &Walls::default(), 32).map(|s| text[s..at].to_string())
    }

    #[test]
    fn stops_at_punctuation_verbs_and_particles() {
        assert_eq!(name("市委书记李强主持召开科技创新型企业座谈会", "座谈会", Mode::Event).unwrap(), "科技创新型企业");
        assert_eq!(name("按照十二届市委七次全会部署", "全会", Mode::Event).unwrap(), "十二届市委七次");
        assert_eq!(name("全会由市委常委主持", "常委", Mode::Position).unwrap(), "市委");
        assert_eq!(name("。上海市委书记", "书记", Mode::Position).unwrap(), "上海市委");
        assert_eq!(name("深入贯彻党的二十大和二十届二中全会精神", "全会", Mode::Event).unwrap(), "二十届二中");
        assert_eq!(name("深入贯彻党的二十大", "二十大", Mode::Event).unwrap(), "党的");
    }

    #[test]
    fn joiners_and_kept_words() {
        assert_eq!(name("、工业和信息化部副部长", "副部长", Mode::Position).unwrap(), "工业和信息化部");
        assert_eq!(name("、同济大学党委书记", "书记", Mode::Position).unwrap(), "同济大学党委");
        assert_eq!(name("举办自由贸易试验区论坛", "论坛", Mode::Event).unwrap(), "自由贸易试验区");
        assert_eq!(name("部署“十五五”规划编制工作会议", "工作会议", Mode::Event).unwrap(), "“十五五”规划编制");
    }

    #[test]
    fn walls_and_limits() {
        let text = "2025年部市共建上海国际科技创新中心工作推进会";
        let head = text.find("推进会").unwrap();
        let walls = Walls::new(std::iter::once(0..7));
        assert_eq!(
            &text[name_start(text, head, 0, Mode::Event, &walls, 32).unwrap()..head],
            "部市共建上海国际科技创新中心工作"
        );
        assert!(walls.overlaps(&(5..9)) && !walls.overlaps(&(7..9)) && walls.ends_at(7));
        let long = "字".repeat(40) + "会议";
        assert_eq!(name_start(&long, long.len() - 6, 0, Mode::Event, &Walls::default(), 32), None);
        assert_eq!(
            name_start(&long, long.len() - 6, long.len() - 12, Mode::Event, &Walls::default(), 32),
            Some(long.len() - 12)
        );
    }
}

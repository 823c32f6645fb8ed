//! Finding words of a list by their last two chars. Titles and meeting heads
//! are read from their end (the name before them comes after, see
//! `boundary`), and a char-set test on each char of the text is several
//! times faster than an Aho-Corasick pass over Chinese text, where every
//! UTF-8 lead byte looks like a possible match start.

use super::text::CharSet;
use crate::pipeline::types::Span;

pub(super) struct SuffixLexicon {
    words: Vec<String>,
    /// Last chars of the words.
    last: CharSet,
    /// Second-to-last chars: most chars that end a word (会, 长) do not
    /// follow one of these, and skip the binary search.
    penult: CharSet,
    /// (second-to-last char, last char) → word indices, longest word first; sorted by key.
    by_tail: Vec<((char, char), Vec<usize>)>,
}

impl SuffixLexicon {
    /// Words of two chars or more (shorter ones are dropped).
    pub(super) fn new(words: impl IntoIterator<Item = String>) -> Self {
        let mut list: Vec<String> = Vec::new();
        for w in words {
            if w.chars().count() >= 2 && !list.contains(&w) {
                list.push(w);
            }
        }
        let mut by_tail: Vec<((char, char), Vec<usize>)> = Vec::new();
        for (i, w) in list.iter().enumerate() {
            let mut rev = w.chars().rev();
            let (Some(last), Some(before)) = (rev.next(), rev.next()) else { continue };
            match by_tail.iter_mut().find(|(k, _)| *k == (before, last)) {
                Some((_, ids)) => ids.push(i),
                None => by_tail.push(((before, last), vec![i])),
            }
        }
        for (_, ids) in &mut by_tail {
            ids.sort_by_key(|&i| std::cmp::Reverse(list[i].len()));
        }
        by_tail.sort_by_key(|(k, _)| *k);
        let last = CharSet::new(by_tail.iter().map(|((_, l), _)| *l));
        let penult = CharSet::new(by_tail.iter().map(|((p, _), _)| *p));
        SuffixLexicon { words: list, last, penult, by_tail }
    }

    pub(super) fn word(&self, id: usize) -> &str {
        &self.words[id]
    }

    /// For every position where a word ends, the longest word ending there:
    /// (span, word id), by end. Matches may overlap.
    pub(super) fn ends(&self, text: &str) -> Vec<(Span, usize)> {
        let mut out = Vec::new();
        let mut before: Option<char> = None;
        for (i, c) in text.char_indices() {
            let prev = before.replace(c);
            if !self.last.contains(c) {
                continue;
            }
            let Some(prev) = prev.filter(|&p| self.penult.contains(p)) else { continue };
            let Ok(k) = self.by_tail.binary_search_by_key(&(prev, c), |(k, _)| *k) else { continue };
            let end = i + c.len_utf8();
            let head = &text[..end];
            if let Some(&id) = self.by_tail[k].1.iter().find(|&&id| head.ends_with(self.words[id].as_str())) {
                out.push((end - self.words[id].len()..end, id));
            }
        }
        out
    }
}

/// Non-overlapping matches, a later-ending one winning an overlap (of 安全会议
/// the head is 会议, of 委员长 the title is 委员长, not 委员). `found` is by end.
pub(super) fn latest_ending(found: Vec<(Span, usize)>) -> Vec<(Span, usize)> {
    let mut kept: Vec<(Span, usize)> = Vec::new();
    let mut min_start = usize::MAX;
    for (span, id) in found.into_iter().rev() {
        if span.end <= min_start {
            min_start = span.start;
            kept.push((span, id));
        }
    }
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_longest_word_at_each_end() {
        let lex =
            SuffixLexicon::new(["会议", "全体会议", "全会", "书记", "副书记", "委员", "委员长", "x"].map(String::from));
        let text = "第七次全体会议和安全会议，委员长、市委副书记🙂";
        let words = |found: Vec<(Span, usize)>| -> Vec<String> {
            found.into_iter().map(|(s, id)| format!("{}={}", &text[s], lex.word(id))).collect()
        };
        let all = lex.ends(text);
        assert_eq!(
            words(all.clone()),
            ["全体会议=全体会议", "全会=全会", "会议=会议", "委员=委员", "委员长=委员长", "副书记=副书记"]
        );
        assert_eq!(words(latest_ending(all)), ["全体会议=全体会议", "会议=会议", "委员长=委员长", "副书记=副书记"]);
        assert!(lex.ends("").is_empty() && lex.ends("议").is_empty());
    }
}

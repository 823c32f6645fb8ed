//! Leftmost-longest search for many patterns, started only where a pattern
//! can start.
//!
//! An unanchored automaton walks every byte of the text through its states,
//! and most chars of news text begin *some* phrase, so starting it only at
//! first chars saves nothing; even the first two chars of some phrase start
//! about one position in eight of a policy article. The first three chars
//! (two for two-char patterns) start about one in twenty-five: a bit per
//! hashed lead (8 KiB, stays in L1) rules out the other positions, and the
//! automaton runs anchored at the few that pass. The result is the same as
//! one unanchored leftmost-longest pass.

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};

use crate::pipeline::types::Span;

const LEAD_BITS: u32 = 16;

pub struct PatternScan {
    automaton: AhoCorasick,
    /// Bit per hashed lead of a pattern: its first three chars, or both
    /// chars of a two-char pattern.
    leads: Box<[u64]>,
    /// One-char patterns, sorted: they pass the filter whatever follows.
    single_chars: Vec<char>,
}

/// The bit of a two- or three-char lead (`c` is None for two).
fn lead_slot(a: char, b: char, c: Option<char>) -> usize {
    let c = c.map_or(0x11_0000, u32::from);
    let h = (a as u32).wrapping_mul(0x9E37_79B1)
        ^ (b as u32).wrapping_mul(0x85EB_CA6B).rotate_left(11)
        ^ c.wrapping_mul(0xC2B2_AE35).rotate_left(22);
    (h.wrapping_mul(0x2C1B_3C6D) >> (32 - LEAD_BITS)) as usize
}

impl PatternScan {
    /// `patterns` must not be empty strings (they never match anyway).
    pub fn new(patterns: &[String]) -> Self {
        let mut leads = vec![0u64; (1 << LEAD_BITS) / 64].into_boxed_slice();
        let mut single_chars = Vec::new();
        for pattern in patterns {
            let mut chars = pattern.chars();
            match (chars.next(), chars.next(), chars.next()) {
                (Some(a), Some(b), c) => {
                    let slot = lead_slot(a, b, c);
                    leads[slot / 64] |= 1 << (slot % 64);
                }
                (Some(a), None, _) => single_chars.push(a),
                _ => {}
            }
        }
        single_chars.sort_unstable();
        single_chars.dedup();
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            // The compact NFA: a DFA of the whole lexicon is a few MB and, in
            // the whole pipeline, slower for the cache it takes from the NER model.
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(patterns)
            .expect("lexicon surfaces are plain strings within aho-corasick's size limits");
        Self { automaton, leads, single_chars }
    }

    #[inline]
    fn listed(&self, slot: usize) -> bool {
        self.leads[slot / 64] >> (slot % 64) & 1 == 1
    }

    /// Might a pattern start with `a`, then `b` and `c`?
    #[inline]
    fn may_start(&self, a: char, b: Option<char>, c: Option<char>) -> bool {
        let lead = b.is_some_and(|b| self.listed(lead_slot(a, b, None)) || self.listed(lead_slot(a, b, c)));
        lead || (!self.single_chars.is_empty() && self.single_chars.binary_search(&a).is_ok())
    }

    /// Leftmost-longest, non-overlapping matches: (pattern index, span).
    pub fn find_iter<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (usize, Span)> + 'a {
        let mut rest = text.char_indices();
        // The char at the current position and the two after it.
        let mut window = [rest.next(), rest.next(), rest.next()];
        std::iter::from_fn(move || {
            while let Some((i, a)) = window[0] {
                let [b, c] = [window[1], window[2]].map(|x| x.map(|(_, c)| c));
                let found = if self.may_start(a, b, c) {
                    self.automaton.find(Input::new(text).range(i..).anchored(Anchored::Yes))
                } else {
                    None
                };
                let resume = found.map_or(i + 1, |m| m.end());
                while window[0].is_some_and(|(j, _)| j < resume) {
                    window = [window[1], window[2], rest.next()];
                }
                if let Some(m) = found {
                    return Some((m.pattern().as_usize(), m.range()));
                }
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::clean::{CleanText, fold_str};
    use crate::pipeline::policy::lexicon::Lexicon;

    const ARTICLES: [&str; 5] = [
        include_str!("../../../tests/fixtures/articles/000_6e77a8c39b008b8e.txt"),
        include_str!("../../../tests/fixtures/articles/001_997f95b8fd1f40f4.txt"),
        include_str!("../../../tests/fixtures/articles/002_2d8b69315731fb98.txt"),
        include_str!("../../../tests/fixtures/articles/003_6293a3a1acd0a6f5.txt"),
        include_str!("../../../tests/fixtures/articles/004_cf4ae71d46783a76.txt"),
    ];

    /// What one unanchored leftmost-longest pass finds.
    fn unanchored(patterns: &[String], text: &str) -> Vec<(usize, Span)> {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .unwrap()
            .find_iter(text)
            .map(|m| (m.pattern().as_usize(), m.range()))
            .collect()
    }

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn finds_what_an_unanchored_pass_finds_on_the_articles() {
        let mut lexicon = Lexicon::default();
        lexicon.add_file("lexicon.toml", crate::resources::EMBEDDED_LEXICON).unwrap();
        let patterns: Vec<String> = lexicon.entries().iter().flat_map(|e| e.surfaces()).map(fold_str).collect();
        let scan = PatternScan::new(&patterns);
        let mut total = 0;
        for article in ARTICLES {
            let view = CleanText::new(article);
            let expected = unanchored(&patterns, view.as_str());
            total += expected.len();
            assert_eq!(scan.find_iter(view.as_str()).collect::<Vec<_>>(), expected);
        }
        assert!(total > 50, "the articles hold many lexicon phrases ({total})");
    }

    #[test]
    fn overlaps_prefixes_and_one_char_patterns() {
        let patterns = strings(&["ab", "abcd", "bcd", "c", "de", "d"]);
        let scan = PatternScan::new(&patterns);
        for text in ["abcde", "xabcdex", "bcde", "c", "dd", "abab", "", "a", "acd"] {
            assert_eq!(scan.find_iter(text).collect::<Vec<_>>(), unanchored(&patterns, text), "{text}");
        }
        let cjk = strings(&["科技", "科技自立自强", "自立", "强"]);
        let scan = PatternScan::new(&cjk);
        let text = "科技自立自强国科技自立强强";
        assert_eq!(scan.find_iter(text).collect::<Vec<_>>(), unanchored(&cjk, text));
    }
}

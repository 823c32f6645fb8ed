//! Part-of-speech tags as `&'static str`: a token carries its tag without an
//! allocation of its own (a 5,000-char article has ~3,000 tokens).
//!
//! jieba's tag set is small and fixed; a dictionary may still bring a tag of
//! its own, which is kept once for the life of the process (dictionaries are
//! loaded a handful of times, so this stays tiny).

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

/// `known(tag)`: the static copy of `tag` if it is one of `$tags`.
macro_rules! known_tags {
    ($($tag:literal)*) => {
        fn known(tag: &str) -> Option<&'static str> {
            match tag {
                $($tag => Some($tag),)*
                _ => None,
            }
        }
    };
}

// jieba's (ICTCLAS-style) tags: those of its dictionary, of its part-of-
// speech HMM for unknown words (bg, en, in, jn, ln, qe, qg, w, yg) and of its
// ASCII guess (eng); "?" for text no segment covered.
known_tags! {
    "?" "a" "ad" "ag" "an" "b" "bg" "c" "d" "df" "dg" "e" "en" "eng" "f" "g" "h" "i" "in" "j" "jn" "k" "l" "ln"
    "m" "mg" "mq" "n" "ng" "nr" "nrfg" "nrt" "ns" "nt" "nz" "o" "p" "q" "qe" "qg" "r" "rg" "rr" "rz" "s" "t" "tg"
    "u" "ud" "ug" "uj" "ul" "uv" "uz" "v" "vd" "vg" "vi" "vn" "vq" "w" "x" "y" "yg" "z" "zg"
}

/// The `&'static str` equal to `tag`.
pub fn intern(tag: &str) -> &'static str {
    if let Some(known) = known(tag) {
        return known;
    }
    static OTHERS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut others = OTHERS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&kept) = others.get(tag) {
        return kept;
    }
    let kept: &'static str = Box::leak(tag.to_owned().into_boxed_str());
    others.insert(kept);
    kept
}

/// jieba's closed word classes, the words that are no part of a name:
/// prepositions, particles, conjunctions, adverbs, pronouns, numerals,
/// times, directions, measure words, and punctuation or other symbols (x).
pub fn is_closed_class(tag: &str) -> bool {
    matches!(tag.as_bytes().first(), Some(b'p' | b'u' | b'c' | b'd' | b'r' | b'm' | b't' | b'f' | b'q' | b'x'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_new_tags_come_back_equal_and_shared() {
        assert_eq!(intern("nr"), "nr");
        assert_eq!(intern(&String::from("eng")), "eng");
        let a = intern("tifa-custom");
        let b = intern(&format!("tifa-{}", "custom"));
        assert_eq!(a, "tifa-custom");
        assert!(std::ptr::eq(a, b), "a new tag is kept once");
    }

    /// Every tag jieba gives the sample articles is a known one: none of
    /// them takes the locked path for tags of unknown dictionaries.
    #[test]
    fn jieba_tags_of_the_articles_are_all_known() {
        let jieba = jieba_rs::Jieba::new();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/articles");
        let mut tags = HashSet::new();
        for file in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
            tags.extend(jieba.tag(&text, true).into_iter().map(|t| t.tag.to_string()));
        }
        assert!(tags.len() > 30, "the articles use many tags: {tags:?}");
        let unknown: Vec<&String> = tags.iter().filter(|t| known(t).is_none()).collect();
        assert!(unknown.is_empty(), "tags missing from the known list: {unknown:?}");
    }
}

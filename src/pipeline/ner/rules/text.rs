//! Small character helpers shared by the recognizers. All positions are byte
//! offsets into the text and always sit on a char boundary.

use crate::pipeline::clean::is_cjk_ideograph;

/// A Chinese character, including 〇 (which Unicode files as a symbol).
pub(crate) fn is_han(c: char) -> bool {
    c == '〇' || is_cjk_ideograph(c)
}

pub(super) fn prev_char(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().next_back()
}

pub(super) fn next_char(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.chars().next()
}

/// The text from `at` on (empty if `at` is out of range).
pub(super) fn rest(text: &str, at: usize) -> &str {
    text.get(at..).unwrap_or("")
}

/// `word` written at `at`: its end.
pub(super) fn word_at(text: &str, at: usize, word: &str) -> Option<usize> {
    rest(text, at).starts_with(word).then_some(at + word.len())
}

/// The end of a run of ASCII digits starting at `at`.
pub(super) fn ascii_digits_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = at;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    end
}

/// True if `at` is not inside a word written in Latin letters or digits
/// (`C60`, `ICP10207042`, `4466-313`): the char before is no letter, digit,
/// or joining mark.
pub(super) fn free_on_left(text: &str, at: usize) -> bool {
    match prev_char(text, at) {
        None => true,
        Some(c) => {
            !(c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '@' | '.' | ':' | '[' | '#' | '+' | '=' | '&'))
        }
    }
}

/// The mirror of [`free_on_left`] for the char at `at`.
pub(super) fn free_on_right(text: &str, at: usize) -> bool {
    let tail = rest(text, at).as_bytes();
    match tail.first() {
        None => true,
        Some(b) if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b']' | b'#' | b'+' | b'=' | b'&') => false,
        // A joining mark counts only when more of the identifier follows (12318-1, a.b).
        Some(b'-' | b'/' | b'.' | b':') => !tail.get(1).is_some_and(|b| b.is_ascii_alphanumeric()),
        Some(_) => true,
    }
}

/// True if the line holding `start..end` holds nothing else but spaces.
pub(super) fn alone_on_line(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().rev().find(|c| !matches!(c, ' ' | '\t' | '\u{3000}'));
    let after = rest(text, end).chars().find(|c| !matches!(c, ' ' | '\t' | '\u{3000}'));
    matches!(before, None | Some('\n' | '\r')) && matches!(after, None | Some('\n' | '\r'))
}

/// A set of chars with an O(1) test: a bitmap over the Basic Multilingual
/// Plane (8 KiB), a list beyond it. The scans test every char of the text
/// against one, so this is their hot path.
pub(crate) struct CharSet {
    bmp: Box<[u64; 1024]>,
    astral: Vec<char>,
}

impl CharSet {
    pub(crate) fn new(chars: impl IntoIterator<Item = char>) -> Self {
        let mut set = CharSet { bmp: Box::new([0; 1024]), astral: Vec::new() };
        for c in chars {
            let i = c as usize;
            if i < 0x1_0000 {
                set.bmp[i >> 6] |= 1 << (i & 63);
            } else if !set.astral.contains(&c) {
                set.astral.push(c);
            }
        }
        set
    }

    #[inline]
    pub(crate) fn contains(&self, c: char) -> bool {
        let i = c as usize;
        if i < 0x1_0000 { self.bmp[i >> 6] >> (i & 63) & 1 == 1 } else { self.astral.contains(&c) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_sets() {
        let set = CharSet::new("年月日7🙂".chars());
        assert!(set.contains('年') && set.contains('7') && set.contains('🙂'));
        assert!(!set.contains('时') && !set.contains('8') && !set.contains('😀') && !set.contains('\0'));
    }

    #[test]
    fn reads_neighbours_and_words() {
        let t = "在2025年";
        assert_eq!(prev_char(t, 3), Some('在'));
        assert_eq!(next_char(t, 3), Some('2'));
        assert_eq!(prev_char(t, 0), None);
        assert_eq!(next_char(t, t.len()), None);
        assert_eq!(ascii_digits_end(t, 3), 7);
        assert_eq!(word_at(t, 7, "年"), Some(10));
        assert!(is_han('〇') && is_han('年') && !is_han('2'));
    }

    #[test]
    fn tells_identifiers_from_free_numbers() {
        let t = "C60 4466-313号 约30国 1.5";
        let at = |n: &str| t.find(n).unwrap();
        assert!(!free_on_left(t, at("60")));
        assert!(!free_on_right(t, at("-313")));
        assert!(!free_on_left(t, at("313")));
        assert!(free_on_left(t, at("30国")) && free_on_right(t, at("国")));
        assert!(free_on_right(t, t.len()));
    }

    #[test]
    fn finds_lines_that_hold_only_one_thing() {
        let t = "推荐视频\n\n01:06\n联合调查组 01:07 通报";
        let a = t.find("01:06").unwrap();
        assert!(alone_on_line(t, a, a + 5));
        let b = t.find("01:07").unwrap();
        assert!(!alone_on_line(t, b, b + 5));
    }
}

//! Features of the PER/LOC/ORG model: what the model sees of each character.
//!
//! Every feature is a template id plus a few values, hashed into one row of
//! the weight table (the hashing trick: no feature dictionary is stored).
//! Training and prediction call the same code, so they always agree.

use std::ops::Range;

use super::gazetteer::{Coverage, Gazetteer, LISTS};
use crate::pipeline::segment::Segment;

/// Features per character (see [`Extractor::features`]).
pub const FEATURES: usize = 36;

/// Full-width ASCII (digits, Latin letters, punctuation) folded to half width,
/// the ideographic space to a space. MSRA and People's Daily write full width,
/// real input mostly half width: the model must not care.
pub fn fold(c: char) -> char {
    match c {
        // To 0x21..=0x7E: a u8, so no check for an invalid char.
        '\u{FF01}'..='\u{FF5E}' => char::from((c as u32 - 0xFEE0) as u8),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// The character as a feature value: folded, every ASCII digit one value.
fn char_value(c: char) -> u64 {
    folded_value(fold(c))
}

/// [`char_value`] of a char already folded.
fn folded_value(c: char) -> u64 {
    if c.is_ascii_digit() { '0' as u64 } else { c as u64 }
}

/// Coarse shape of a character, already folded.
fn class(c: char) -> u8 {
    match c {
        '0'..='9' => 1,
        'a'..='z' => 2,
        'A'..='Z' => 3,
        '零' | '〇' | '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '千' | '万'
        | '亿' | '两' => 4,
        '·' | '•' | '・' | '.' => 5,
        // Han before the (table-driven) whitespace test: most chars are Han.
        c if is_han(c) => 0,
        // Chinese punctuation before the (table-driven) Unicode tests.
        c if is_cjk_punctuation(c) => 8,
        c if c.is_whitespace() => 6,
        c if c.is_alphanumeric() => 7,
        _ => 8,
    }
}

/// Dashes, quotes, ellipses, 、。 and CJK brackets: neither whitespace nor
/// alphanumeric (a test checks every one).
fn is_cjk_punctuation(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2027}' | '\u{3001}'..='\u{3004}' | '\u{3008}'..='\u{3020}')
}

pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// Padding value outside the sentence.
const PAD: u64 = 0x11_0000;

/// A feature's hash: two multiply-xorshift rounds; the row is its top bits.
#[inline]
const fn key(template: u64, a: u64, b: u64) -> u64 {
    let h = (a ^ template.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    (h ^ (h >> 29) ^ b.wrapping_mul(0x2545_F491_4F6C_DD1D)).wrapping_mul(0xc4ce_b9fe_1a85_ec53)
}

/// `key(21 + l, g, 0)`, the feature of coverage byte `g` of list `l`, for
/// every byte, worked out at compile time: one load per list and char
/// instead of two multiply rounds.
static COVER_KEYS: [[u64; 256]; LISTS] = {
    let mut keys = [[0; 256]; LISTS];
    let mut l = 0;
    while l < LISTS {
        let mut g = 0;
        while g < 256 {
            keys[l][g] = key(21 + l as u64, g as u64, 0);
            g += 1;
        }
        l += 1;
    }
    keys
};

/// FNV-1a over the values ([`char_value`]) of a token's characters: a word
/// or a POS tag as one value.
fn hash_values(values: impl Iterator<Item = u64>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for v in values {
        h ^= v;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// What the model knows of one jieba token.
#[derive(Debug, Clone, Copy)]
struct TokenInfo {
    word: u64,
    pos: u64,
    /// Length in characters, capped.
    len: u64,
    /// Its last char.
    last: u64,
    /// Punctuation or a function word: it ends a run of name-like tokens.
    breaks: bool,
    /// The run of tokens between breakers around this one: its first and
    /// last token (indices).
    run: (u32, u32),
    /// jieba tags it a Chinese person name (nr, nrfg).
    person: bool,
}

const NO_TOKEN: TokenInfo =
    TokenInfo { word: PAD, pos: PAD, len: 0, last: PAD, breaks: true, run: (0, 0), person: false };

/// Longest stretch decoded at once (see [`Extractor::units`]).
pub const MAX_UNIT_CHARS: usize = 2048;

/// Tags that end a run of tokens a name could span: punctuation, particles,
/// prepositions, conjunctions, adverbs, pronouns, localizers.
fn breaks(pos: &str) -> bool {
    matches!(
        pos,
        "x" | "w" | "uj" | "ul" | "uz" | "ug" | "uv" | "ud" | "u" | "p" | "c" | "d" | "r" | "y" | "e" | "o" | "f" | "?"
    ) || pos.is_empty()
}

/// Per-character view of a text and its tokens, built once per text.
pub struct Extractor {
    chars: Vec<char>,
    /// Byte offset of each char, plus one entry for the end of the text.
    offsets: Vec<usize>,
    tokens: Vec<TokenInfo>,
    /// Token of each char and the char's place in it: 0 begin, 1 middle, 2 end, 3 single.
    token_of: Vec<(u32, u8)>,
    /// Gazetteer coverage of each char.
    cover: Vec<Coverage>,
    /// Per char, with PADDING entries before the first and after the last
    /// (so features read neighbours without bounds checks): the char as a
    /// feature value, its shape class, its name-likeness class.
    values: Vec<u64>,
    shapes: Vec<u8>,
    classes: Vec<u16>,
    bits: u32,
}

/// Padding entries each side of the per-char arrays: the widest window is ±2.
const PADDING: usize = 2;

/// `PADDING` copies of `pad`, `f` of each char, `PADDING` copies of `pad`.
fn padded<T: Copy>(chars: &[char], pad: T, f: impl Fn(char) -> T) -> Vec<T> {
    let mut out = Vec::with_capacity(chars.len() + 2 * PADDING);
    out.extend([pad; PADDING]);
    out.extend(chars.iter().map(|&c| f(c)));
    out.extend([pad; PADDING]);
    out
}

impl Extractor {
    /// `segments` should cover `text` contiguously, in order; anything else
    /// (a gap, an overlap, a span off a char boundary) is tolerated: a
    /// segment that goes back is skipped, uncovered chars become one-char
    /// tokens of their own. Tokens are numbered in text order.
    pub fn new(text: &str, segments: &[Segment], gazetteer: &Gazetteer, bits: u32) -> Self {
        // Vectors sized up front (every token has a char): regrowing them
        // copies them.
        let count = text.chars().count();
        let mut chars = Vec::with_capacity(count);
        let mut offsets = Vec::with_capacity(count + 1);
        for (i, c) in text.char_indices() {
            chars.push(c);
            offsets.push(i);
        }
        offsets.push(text.len());
        let n = chars.len();
        // Each char's value, shape and name-likeness class, with PADDING
        // entries each side.
        let values = padded(&chars, PAD, char_value);
        let shapes = padded(&chars, 15, |c| class(fold(c)));
        let classes = padded(&chars, 0xFFFF, |c| gazetteer.char_class(c));
        let char_values = &values[PADDING..PADDING + n];
        let mut tokens = Vec::with_capacity(n);
        let mut token_of = vec![(0u32, 3u8); n];
        let mut ci = 0usize; // next char not yet given a token
        for seg in segments {
            let Range { start, end } = seg.span;
            if start >= end || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
                continue;
            }
            if ci > 0 && offsets[ci - 1] >= start {
                continue; // overlaps what earlier segments covered
            }
            // Segments come in order: a forward walk finds their chars.
            let mut first = ci;
            while offsets[first] < start {
                first += 1;
            }
            // Chars no segment covered: one-char tokens with an unknown tag.
            for i in ci..first {
                Self::push_token(char_values, &mut tokens, &mut token_of, i..i + 1, "?");
            }
            let mut last = first; // one past
            while offsets[last] < end {
                last += 1;
            }
            Self::push_token(char_values, &mut tokens, &mut token_of, first..last, seg.pos);
            ci = last;
        }
        for i in ci..n {
            Self::push_token(char_values, &mut tokens, &mut token_of, i..i + 1, "?");
        }
        // Runs between breakers, at most RUN tokens each way.
        const RUN: u32 = 4;
        for t in 0..tokens.len() {
            if t > 0 && !tokens[t].breaks && !tokens[t - 1].breaks && tokens[t - 1].run.0 + RUN > t as u32 {
                tokens[t].run.0 = tokens[t - 1].run.0;
            }
        }
        for t in (0..tokens.len()).rev() {
            if t + 1 < tokens.len()
                && !tokens[t].breaks
                && !tokens[t + 1].breaks
                && tokens[t + 1].run.1 < t as u32 + RUN
            {
                tokens[t].run.1 = tokens[t + 1].run.1;
            }
        }
        let cover = gazetteer.cover(&chars);
        Self { chars, offsets, tokens, token_of, cover, values, shapes, classes, bits }
    }

    /// `values`: [`char_value`] of each char.
    fn push_token(values: &[u64], tokens: &mut Vec<TokenInfo>, token_of: &mut [(u32, u8)], r: Range<usize>, pos: &str) {
        let id = tokens.len() as u32;
        let len = r.len();
        let word = if len <= 8 { hash_values(values[r.clone()].iter().copied()) } else { 1 };
        let last = values[r.end - 1];
        tokens.push(TokenInfo {
            word,
            pos: hash_values(pos.chars().map(char_value)),
            len: len.min(5) as u64,
            last,
            breaks: breaks(pos),
            run: (id, id),
            person: matches!(pos, "nr" | "nrfg"),
        });
        for (k, i) in r.clone().enumerate() {
            let place = if len == 1 {
                3
            } else if k == 0 {
                0
            } else if k + 1 == len {
                2
            } else {
                1
            };
            token_of[i] = (id, place);
        }
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    pub fn chars(&self) -> &[char] {
        &self.chars
    }

    /// The stretches the model decodes one at a time (sorted, disjoint,
    /// covering every char but the breaks between them): the text cut after
    /// line breaks and sentence ends, where no name runs on, and at most
    /// [`MAX_UNIT_CHARS`] long, so a huge document never needs one huge
    /// table of scores. Every char is decoded: gating the decoder to the
    /// tokens around name-like words saved ~8 % of the pipeline's time and
    /// cost 0.2–0.4 F1.
    pub fn units(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, &c) in self.chars.iter().enumerate() {
            let end_here = matches!(c, '\n' | '。' | '！' | '？' | '；') || i + 1 - start >= MAX_UNIT_CHARS;
            if end_here {
                out.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < self.chars.len() {
            out.push(start..self.chars.len());
        }
        out
    }

    /// If chars `r` are exactly two or more whole tokens that jieba tags as
    /// Chinese person names (nr, nrfg), each of 3 chars (陈吉宁阴和俊 in a
    /// headline), their char ranges.
    pub fn person_tokens(&self, r: Range<usize>) -> Option<Vec<Range<usize>>> {
        if r.is_empty() || r.end > self.chars.len() {
            return None;
        }
        let mut out = Vec::new();
        let mut i = r.start;
        while i < r.end {
            let (tid, place) = self.token_of[i];
            let t = self.tokens.get(tid as usize)?;
            if !(place == 0 && t.person && t.len == 3) {
                return None;
            }
            let end = i + t.len as usize;
            if end > r.end || self.token_of.get(end - 1).map(|x| x.0) != Some(tid) {
                return None;
            }
            out.push(i..end);
            i = end;
        }
        (out.len() >= 2).then_some(out)
    }

    /// Byte range of chars `r`.
    pub fn byte_span(&self, r: Range<usize>) -> Range<usize> {
        self.offsets[r.start]..self.offsets[r.end]
    }

    /// The chars of byte range `r` (a byte inside a char counts as that char).
    pub fn char_span(&self, r: &Range<usize>) -> Range<usize> {
        let at = |b: usize| self.offsets.partition_point(|&o| o < b);
        at(r.start)..at(r.end)
    }

    fn token(&self, id: i64) -> TokenInfo {
        if id < 0 || id as usize >= self.tokens.len() { NO_TOKEN } else { self.tokens[id as usize] }
    }

    /// The weight-table rows of char `i`'s features, written to `out`.
    pub fn features(&self, i: usize, out: &mut [u32; FEATURES]) {
        let shift = 64 - self.bits;
        // Char i and its neighbours sit at i..i + 2·PADDING + 1 of the padded arrays.
        let [c_2, c_1, c0, c1, c2] = self.values[i..i + 5] else { unreachable!("five values") };
        let (tid, place) = self.token_of[i];
        let place = place as u64;
        let t = self.token(tid as i64);
        let prev = self.token(tid as i64 - 1);
        let next = self.token(tid as i64 + 1);
        let g = &self.cover[i];
        let [k_1, k0, k1] = self.classes[i + 1..i + 4] else { unreachable!("three classes") };
        let (k_1, k0, k1) = (k_1 as u64, k0 as u64, k1 as u64);
        let (run_first, run_last) = t.run;
        let run_end = self.token(run_last as i64);
        let run_start = self.token(run_first as i64);
        let ahead = (run_last as u64).saturating_sub(tid as u64).min(3);
        let behind = (tid as u64).saturating_sub(run_first as u64).min(3);
        const _: () = assert!(LISTS == 6);
        let [s_1, s0, s1] = self.shapes[i + 1..i + 4] else { unreachable!("three shapes") };
        let shape = s_1 as u64 | (s0 as u64) << 4 | (s1 as u64) << 8;
        let keys: [u64; FEATURES] = [
            key(0, 0, 0),
            key(1, c_2, 0),
            key(2, c_1, 0),
            key(3, c0, 0),
            key(4, c1, 0),
            key(5, c2, 0),
            key(6, c_1, c0),
            key(7, c0, c1),
            key(8, c_2, c_1),
            key(9, c1, c2),
            key(10, c_1, c1),
            key(11, shape, 0),
            key(12, t.pos, place | t.len << 4),
            key(13, prev.pos ^ t.pos.rotate_left(17), place),
            key(14, t.pos ^ next.pos.rotate_left(17), place),
            key(15, t.word, place),
            key(16, prev.word, place),
            key(17, next.word, place),
            key(18, c0, t.pos ^ place),
            key(19, prev.pos, next.pos ^ place << 60),
            key(20, c_1 ^ c0.rotate_left(21) ^ c1.rotate_left(42), 0),
            COVER_KEYS[0][g[0] as usize],
            COVER_KEYS[1][g[1] as usize],
            COVER_KEYS[2][g[2] as usize],
            COVER_KEYS[3][g[3] as usize],
            COVER_KEYS[4][g[4] as usize],
            COVER_KEYS[5][g[5] as usize],
            key(27, g[0] as u64 | (g[1] as u64) << 8 | (g[2] as u64) << 16, place),
            key(28, run_end.word, ahead | place << 8),
            key(29, run_end.last, ahead | place << 8),
            key(30, run_start.word, behind | place << 8),
            key(31, c0 ^ c1.rotate_left(21) ^ c2.rotate_left(42), 0),
            key(32, c_2 ^ c_1.rotate_left(21) ^ c0.rotate_left(42), 0),
            key(33, k0, 0),
            key(34, k_1, k0),
            key(35, k0, k1),
        ];
        for (o, k) in out.iter_mut().zip(keys) {
            *o = (k >> shift) as u32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_punctuation_is_neither_whitespace_nor_alphanumeric() {
        let all = ('\u{2000}'..='\u{3100}').filter(|&c| is_cjk_punctuation(c));
        assert_eq!(all.clone().count(), 24 + 4 + 25);
        for c in all {
            assert!(!c.is_whitespace() && !c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn full_width_ascii_folds_to_half_width() {
        assert_eq!(fold('\u{FF01}'), '!');
        assert_eq!(fold('Ａ'), 'A');
        assert_eq!(fold('\u{FF5E}'), '~');
        assert_eq!(fold('\u{FF5F}'), '\u{FF5F}');
        assert_eq!(fold('\u{3000}'), ' ');
        assert_eq!(fold('中'), '中');
    }
}

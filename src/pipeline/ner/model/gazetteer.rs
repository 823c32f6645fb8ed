//! Name lists the model reads as features: for each char, the longest listed
//! name of each list that covers it, and where in that name the char sits.
//!
//! Six lists: PER/LOC/ORG names known to be entities (curated lists and the
//! training corpora's entities), and PER/LOC/ORG words of jieba's dictionary
//! (nr·nrt·nrfg / ns / nt), which are noisier. The model learns how far to
//! trust each. Matching is a hash lookup of each growing prefix, cut short by
//! a bigram filter and a "some name continues" flag: linear in the text.

use super::features::fold;
use super::prefetch::prefetch;

/// Lists: 0..3 known PER/LOC/ORG names, 3..6 jieba's PER/LOC/ORG words.
pub const LISTS: usize = 6;
/// The bits of jieba's lists in [`Gazetteer::lists_of`].
pub const JIEBA_LISTS: u8 = 0b111_000;
/// The bit of the known persons' list in [`Gazetteer::lists_of`].
pub const KNOWN_PERSONS: u8 = 0b000_001;
/// The bits of the known PER/LOC/ORG lists in [`Gazetteer::lists_of`].
pub const KNOWN_LISTS: u8 = JIEBA_LISTS >> 3;
/// Names are 2 to `MAX_CHARS` chars long.
pub const MAX_CHARS: usize = 16;
const CONTINUES: u8 = 1 << 7;
/// The prefix-hash part of a slot.
const KEY: u32 = !0xFF;
const FILTER_BITS: u32 = 20;

/// Per char and list: 0 (no name), or `place | len << 2` with place 1 begin,
/// 2 middle, 3 end, and the name's length capped at 6.
pub type Coverage = [u8; LISTS];

pub struct Gazetteer {
    /// Open-addressing table of name prefixes: 24 bits of the prefix hash
    /// (other bits than the slot number's) in the high bits, its flags
    /// (lists it ends a name of, CONTINUES) in the low 8; 0 is an empty slot
    /// (flags are never 0). 4 bytes a slot keeps the table small (2 MiB for
    /// the shipped model's ~190 k prefixes), which leaves cache to jieba and
    /// the model.
    slots: Vec<u32>,
    filter: Vec<u64>,
    entries: usize,
    /// Name-likeness class of each CJK ideograph U+4E00..=U+9FFF (see [`char_class_code`]).
    classes: Vec<u16>,
}

const CJK_FIRST: u32 = 0x4E00;
const CJK_COUNT: usize = 0x9FFF - 0x4E00 + 1;

/// How name-like a char is, from counts over a dictionary's words: eight
/// 2-bit levels — first char of person names (surnames), later char of
/// person names, char of transliterated foreign names, last char of place
/// names, other char of place names, last char of organization names,
/// first char of organization names, other char of organization names —
/// each the share of the char's dictionary words of that sort.
pub fn char_class_code(counts: &[u32; 8], all: u32) -> u16 {
    let mut code = 0u16;
    for (k, &c) in counts.iter().enumerate() {
        let share = c as f64 / (all as f64 + 5.0);
        let level = if c < 2 || share < 0.02 {
            0
        } else if share < 0.1 {
            1
        } else if share < 0.4 {
            2
        } else {
            3
        };
        code |= level << (2 * k);
    }
    code
}

#[inline]
fn step(h: u64, c: char) -> u64 {
    let c = fold(c) as u64;
    let mut x = (h ^ c).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x.wrapping_mul(0xBF58_476D_1CE4_E5B9) | 1 // never 0: 0 marks an empty slot
}

const SEED: u64 = 0x51_7cc1_b727_220a;

/// The part of a prefix hash kept in its slot: its top 24 bits (the slot
/// number comes from bits 20 up, so the two rarely agree by chance).
#[inline]
fn key(h: u64) -> u32 {
    ((h >> 40) as u32) << 8
}

#[inline]
fn bigram(a: char, b: char) -> usize {
    let h = (fold(a) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (fold(b) as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    (h >> (64 - FILTER_BITS)) as usize
}

impl Gazetteer {
    /// Builds from `(name, list)` pairs; names of fewer than 2 or more than
    /// `MAX_CHARS` chars are skipped.
    pub fn new<'a>(names: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
        let names: Vec<(Vec<char>, usize)> = names
            .into_iter()
            .filter(|(_, l)| *l < LISTS)
            .map(|(n, l)| (n.trim().chars().collect::<Vec<char>>(), l))
            .filter(|(c, _)| (2..=MAX_CHARS).contains(&c.len()))
            .collect();
        // At most half full, so a probe for an absent prefix soon meets an
        // empty slot: twice the number of distinct prefixes, rounded up.
        let mut prefixes: Vec<u64> = names
            .iter()
            .flat_map(|(chars, _)| {
                chars.iter().scan(SEED, |h, &c| {
                    *h = step(*h, c);
                    Some(*h)
                })
            })
            .collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        let slots = (prefixes.len() * 2).next_power_of_two().max(16);
        let mut g = Gazetteer {
            slots: vec![0; slots],
            filter: vec![0; (1usize << FILTER_BITS) / 64],
            entries: 0,
            classes: vec![0; CJK_COUNT],
        };
        for (chars, list) in &names {
            let b = bigram(chars[0], chars[1]);
            g.filter[b / 64] |= 1 << (b % 64);
            let mut h = SEED;
            for (i, &c) in chars.iter().enumerate() {
                h = step(h, c);
                let slot = g.slot(h);
                let flag = if i + 1 == chars.len() { 1 << list } else { CONTINUES };
                if i + 1 == chars.len() && g.slots[slot] as u8 & flag == 0 {
                    g.entries += 1;
                }
                g.slots[slot] |= key(h) | flag as u32;
            }
        }
        g
    }

    /// Sets char classes from `C<TAB>char<TAB>code` lines (others are ignored).
    pub fn set_char_classes(&mut self, lines: &str) {
        for line in lines.lines() {
            let mut parts = line.split('\t');
            if parts.next() != Some("C") {
                continue;
            }
            let (Some(c), Some(code)) = (parts.next().and_then(|c| c.chars().next()), parts.next()) else { continue };
            let Ok(code) = code.parse::<u16>() else { continue };
            if let Some(slot) = (c as u32).checked_sub(CJK_FIRST).and_then(|i| self.classes.get_mut(i as usize)) {
                *slot = code;
            }
        }
    }

    /// The class of a char (0 outside U+4E00..=U+9FFF or unknown).
    #[inline]
    pub fn char_class(&self, c: char) -> u16 {
        (c as u32).checked_sub(CJK_FIRST).and_then(|i| self.classes.get(i as usize)).copied().unwrap_or(0)
    }

    /// Names listed (counting a name once per list).
    pub fn len(&self) -> usize {
        self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// The lists `name` is on, one bit per list (bit `l` for list `l`).
    pub fn lists_of(&self, name: &str) -> u8 {
        let mut h = SEED;
        let mut chars = 0;
        for c in name.chars() {
            h = step(h, c);
            chars += 1;
        }
        if (2..=MAX_CHARS).contains(&chars) { self.get(h) & !CONTINUES } else { 0 }
    }

    /// The first slot a prefix hash probes.
    #[inline]
    fn home(&self, h: u64) -> usize {
        (h >> 20) as usize & (self.slots.len() - 1)
    }

    #[inline]
    fn slot(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut s = self.home(h);
        while self.slots[s] != 0 && self.slots[s] & KEY != key(h) {
            s = (s + 1) & mask;
        }
        s
    }

    #[inline]
    fn get(&self, h: u64) -> u8 {
        let s = self.slot(h);
        let e = self.slots[s];
        if e != 0 && e & KEY == key(h) { e as u8 } else { 0 }
    }

    /// Coverage of each char of `chars`.
    pub fn cover(&self, chars: &[char]) -> Vec<Coverage> {
        let n = chars.len();
        let mut out = vec![[0u8; LISTS]; n];
        let mut best = vec![[0u8; LISTS]; n]; // length of the longest name so far
        // Where a name may start (its first two chars pass the bigram
        // filter), with the hash of those two chars; the table slots of a
        // start a few ahead are prefetched while this one is looked up.
        let mut starts: Vec<(usize, u64)> = Vec::with_capacity(n);
        for (i, pair) in chars.windows(2).enumerate() {
            let b = bigram(pair[0], pair[1]);
            if self.filter[b / 64] & (1 << (b % 64)) != 0 {
                starts.push((i, step(step(SEED, pair[0]), pair[1])));
            }
        }
        const AHEAD: usize = 4;
        for (k, &(i, h2)) in starts.iter().enumerate() {
            if let Some(&(ahead, h)) = starts.get(k + AHEAD) {
                // Most starts that pass the filter go on to a third char.
                prefetch(&self.slots[self.home(h)]);
                if let Some(&c) = chars.get(ahead + 2) {
                    prefetch(&self.slots[self.home(step(h, c))]);
                }
            }
            let mut h = h2;
            for j in i + 1..n.min(i + MAX_CHARS) {
                if j > i + 1 {
                    h = step(h, chars[j]);
                }
                let f = self.get(h);
                let len = j + 1 - i;
                for list in 0..LISTS {
                    if f & (1 << list) != 0 {
                        for (k, cell) in best[i..=j].iter_mut().enumerate() {
                            if (cell[list] as usize) < len {
                                cell[list] = len as u8;
                                let place = if k == 0 {
                                    1
                                } else if k + 1 == len {
                                    3
                                } else {
                                    2
                                };
                                out[i + k][list] = place | (len.min(6) as u8) << 2;
                            }
                        }
                    }
                }
                if f & CONTINUES == 0 {
                    break;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight two-char names share no prefix: 16 prefixes. A table sized by
    /// that count alone would be full, and a probe for an absent prefix
    /// would never stop.
    #[test]
    fn table_keeps_empty_slots_and_finds_names() {
        let names = ["上海", "北京", "天津", "重庆", "广州", "深圳", "杭州", "南京"];
        let g = Gazetteer::new(names.iter().map(|n| (*n, 1)));
        assert_eq!(g.len(), 8);
        assert!(g.slots.iter().filter(|&&s| s == 0).count() * 2 >= g.slots.len(), "at most half full");
        let text: Vec<char> = "我从上海到成都再去南京".chars().collect();
        let cover = g.cover(&text);
        let listed: String = text.iter().zip(&cover).filter(|(_, c)| c[1] != 0).map(|(ch, _)| ch).collect();
        assert_eq!(listed, "上海南京");
        assert_eq!(cover[2][1], 1 | 2 << 2, "上 begins a 2-char name");
        assert_eq!(cover[3][1], 3 | 2 << 2, "海 ends it");
    }
}

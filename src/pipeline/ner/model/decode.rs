//! Viterbi decoding over the BIOES tags, and tags → entity spans.

use std::ops::{Add, Range};

use super::tags::{LANES, O, TAGS, TagSet, allowed, begin, continues, end, inside, kind_of, may_end, opens, single};

/// The best tag sequence under `emissions[i][tag]` and `transitions[prev][next]`
/// (row `TAGS`: sentence start), never breaking the BIOES rule (nor ending
/// inside a name). `mask[i]`, if
/// given, is a bit set of the tags char `i` may take (constrained decoding
/// for training on partly labelled text). Linear in the length.
pub fn viterbi<S>(
    emissions: &[[S; LANES]],
    transitions: &[[S; TAGS]; TAGS + 1],
    mask: Option<&[TagSet]>,
    neg: S,
) -> Vec<u8>
where
    S: Copy + PartialOrd + Add<Output = S>,
{
    let n = emissions.len();
    if n == 0 {
        return Vec::new();
    }
    let ok = |i: usize, t: usize| mask.is_none_or(|m| m.get(i).is_none_or(|&b| b & (1 << t) != 0));
    let mut back = vec![[0u8; TAGS]; n];
    let mut score = [neg; TAGS];
    for t in 0..TAGS {
        if allowed(None, t as u8) && ok(0, t) {
            score[t] = transitions[TAGS][t] + emissions[0][t];
        }
    }
    for i in 1..n {
        let mut next = [neg; TAGS];
        for t in 0..TAGS {
            if !ok(i, t) {
                continue;
            }
            let mut best = neg;
            let mut arg = 0u8;
            let mut found = false;
            for p in 0..TAGS {
                if !allowed(Some(p as u8), t as u8) || score[p] <= neg {
                    continue;
                }
                let s = score[p] + transitions[p][t];
                if !found || s > best {
                    best = s;
                    arg = p as u8;
                    found = true;
                }
            }
            if found {
                next[t] = best + emissions[i][t];
                back[i][t] = arg;
            }
        }
        score = next;
    }
    let mut last = O as usize;
    for t in 1..TAGS {
        if may_end(t as u8) && score[t] > score[last] {
            last = t;
        }
    }
    let mut tags = vec![O; n];
    let mut t = last as u8;
    for i in (0..n).rev() {
        tags[i] = t;
        t = back[i][t as usize];
    }
    tags
}

/// [`viterbi`] for the shipped model: integer scores, no mask, the BIOES
/// rule in the loop's shape (tags are O, then B-X, I-X, E-X, S-X per kind).
/// `back` is scratch for the back-pointers, kept by the caller across calls.
///
/// Scores are i64 times 16 with `15 - p` in the low 4 bits of a candidate
/// from tag `p`: one `max` finds the best score and, on a tie, the lowest
/// `p` (as the generic decoder does). |transition| and |emission| are
/// clamped to LIMIT, so a step moves the scores by at most 2·LIMIT: i64
/// never overflows and the scores need no renormalizing.
pub fn viterbi_i32(
    emissions: &[[i32; LANES]],
    transitions: &[[i32; TAGS]; TAGS + 1],
    back: &mut Vec<[u8; TAGS]>,
    out: &mut Vec<u8>,
) {
    const NEG: i32 = i32::MIN / 4;
    const LIMIT: i32 = 1 << 24;
    /// Tags after which a name may start (O, E-X, S-X) and the tags that start
    /// one or stay outside (O, B-X, S-X).
    const CLOSED: [u8; 7] = [O, end(0), single(0), end(1), single(1), end(2), single(2)];
    const FREE: [u8; 7] = [O, begin(0), single(0), begin(1), single(1), begin(2), single(2)];
    let (closed, free) = (CLOSED.map(usize::from), FREE.map(usize::from));
    let n = emissions.len();
    out.clear();
    back.clear();
    if n == 0 {
        return;
    }
    // trans[p][t] · 16 | (15 - p); forbidden moves are never read.
    let mut trans = [[0i64; TAGS]; TAGS];
    for p in 0..TAGS {
        for t in 0..TAGS {
            trans[p][t] = (i64::from(transitions[p][t].clamp(-LIMIT, LIMIT)) << 4) | (15 - p as i64);
        }
    }
    let emission = |i: usize, t: usize| i64::from(emissions[i][t].clamp(-LIMIT, LIMIT)) << 4;
    // The first char: from the sentence start, where I-X and E-X are forbidden.
    let mut score = [0i64; TAGS];
    for (t, s) in score.iter_mut().enumerate() {
        let start = if allowed(None, t as u8) { transitions[TAGS][t].clamp(-LIMIT, LIMIT) } else { NEG };
        *s = i64::from((start + emissions[0][t].clamp(-LIMIT, LIMIT)).max(NEG)) << 4;
    }
    // back[i][t]: 15 - the best tag before tag t at char i.
    back.push([0; TAGS]);
    for i in 1..n {
        let mut next = [i64::from(NEG) << 4; TAGS];
        let mut b = [0u8; TAGS];
        // O, B-X and S-X follow O, E-X or S-X: seven candidates.
        for t in free {
            let best = closed[1..]
                .iter()
                .fold(score[O as usize] + trans[O as usize][t], |best, &p| best.max(score[p] + trans[p][t]));
            next[t] = (best & !15) + emission(i, t);
            b[t] = (best & 15) as u8;
        }
        // I-X and E-X only go on from B-X or I-X: two candidates.
        for kind in 0..3 {
            let (from_begin, from_inside) = (begin(kind) as usize, inside(kind) as usize);
            for t in [from_inside, end(kind) as usize] {
                let best = (score[from_begin] + trans[from_begin][t]).max(score[from_inside] + trans[from_inside][t]);
                next[t] = (best & !15) + emission(i, t);
                b[t] = (best & 15) as u8;
            }
        }
        back.push(b);
        score = next;
    }
    let mut last = O as usize;
    for t in closed {
        if score[t] > score[last] {
            last = t;
        }
    }
    out.resize(n, O);
    let mut t = last as u8;
    for i in (0..n).rev() {
        out[i] = t;
        t = 15 - back[i][t as usize];
    }
}

/// Entity spans (char ranges) and kinds (0 PER, 1 LOC, 2 ORG) of a tag sequence.
/// A stray `I-X` or `E-X` (not after `B-X`/`I-X`) starts an entity; a name
/// left open ends where the next one starts or at the end.
pub fn spans(tags: &[u8]) -> Vec<(Range<usize>, u8)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, u8)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let kind = kind_of(t);
        let goes_on = continues(t) && open.is_some_and(|(_, k)| Some(k) == kind);
        if !goes_on {
            if let Some((s, k)) = open.take() {
                out.push((s..i, k));
            }
            if let Some(k) = kind {
                open = Some((i, k));
            }
        }
        if !opens(t)
            && let Some((s, k)) = open.take()
        {
            out.push((s..i + 1, k));
        }
    }
    if let Some((s, k)) = open {
        out.push((s..tags.len(), k));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency for one test).
    fn noise(seed: &mut u64) -> i32 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((*seed >> 33) % 2001) as i32 - 1000
    }

    #[test]
    fn spans_read_names_of_every_length_and_stray_tags() {
        use crate::pipeline::ner::model::tags::{begin, end, inside, single};
        let tags = [O, single(1), begin(0), inside(0), end(0), begin(2), end(2), single(2), O];
        assert_eq!(spans(&tags), vec![(1..2, 1), (2..5, 0), (5..7, 2), (7..8, 2)]);
        // A name left open ends where the next starts; a stray E-X is a name.
        assert_eq!(
            spans(&[begin(0), single(1), end(2), O, begin(1)]),
            vec![(0..1, 0), (1..2, 1), (2..3, 2), (4..5, 1)]
        );
    }

    #[test]
    fn integer_decoder_agrees_with_the_generic_one() {
        const _: () = assert!(TAGS == 13 && O == 0);
        let mut seed = 7;
        for len in [1, 2, 3, 17, 200] {
            for _ in 0..50 {
                let mut transitions = [[0i32; TAGS]; TAGS + 1];
                transitions.iter_mut().flatten().for_each(|v| *v = noise(&mut seed));
                let emissions: Vec<[i32; LANES]> =
                    (0..len).map(|_| std::array::from_fn(|_| noise(&mut seed) * 3)).collect();
                let (mut fast, mut back) = (Vec::new(), Vec::new());
                viterbi_i32(&emissions, &transitions, &mut back, &mut fast);
                assert_eq!(fast, viterbi(&emissions, &transitions, None, i32::MIN / 4), "length {len}");
            }
        }
    }
}

//! Viterbi decoding over the BIO tags, and tags → entity spans.

use std::ops::{Add, Range};

use super::features::{LANES, O, TAGS, allowed, is_inside, kind_of};

/// The best tag sequence under `emissions[i][tag]` and `transitions[prev][next]`
/// (row `TAGS`: sentence start), never breaking the BIO rule. `mask[i]`, if
/// given, is a bit set of the tags char `i` may take (constrained decoding
/// for training on partly labelled text). Linear in the length.
pub fn viterbi<S>(emissions: &[[S; LANES]], transitions: &[[S; TAGS]; TAGS + 1], mask: Option<&[u8]>, neg: S) -> Vec<u8>
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
    let mut last = 0usize;
    for t in 1..TAGS {
        if score[t] > score[last] {
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

/// [`viterbi`] for the shipped model: integer scores, no mask, the BIO rule
/// in the loop's shape (tags are O, then B-X, I-X per kind). `back` is
/// scratch for the back-pointers, kept by the caller across calls.
///
/// Scores are i64 times 8 with `7 - p` in the low 3 bits of a candidate
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
    let n = emissions.len();
    out.clear();
    back.clear();
    if n == 0 {
        return;
    }
    // trans[p][t] · 8 | (7 - p); forbidden moves (into I-X) are never read.
    let mut trans = [[0i64; TAGS]; TAGS];
    for p in 0..TAGS {
        for t in 0..TAGS {
            trans[p][t] = (i64::from(transitions[p][t].clamp(-LIMIT, LIMIT)) << 3) | (7 - p as i64);
        }
    }
    let emission = |i: usize, t: usize| i64::from(emissions[i][t].clamp(-LIMIT, LIMIT)) << 3;
    // The first char: from the sentence start, where I-X is forbidden.
    let mut score = [0i64; TAGS];
    for (t, s) in score.iter_mut().enumerate() {
        let start = if allowed(None, t as u8) { transitions[TAGS][t].clamp(-LIMIT, LIMIT) } else { NEG };
        *s = i64::from((start + emissions[0][t].clamp(-LIMIT, LIMIT)).max(NEG)) << 3;
    }
    // back[i][t]: 7 - the best tag before tag t at char i.
    back.push([0; TAGS]);
    for i in 1..n {
        let mut next = [0i64; TAGS];
        let mut b = [0u8; TAGS];
        // O and B-X may follow any tag.
        for t in [O as usize, 1, 3, 5] {
            let best = (1..TAGS).fold(score[0] + trans[0][t], |best, p| best.max(score[p] + trans[p][t]));
            next[t] = (best & !7) + emission(i, t);
            b[t] = (best & 7) as u8;
        }
        // I-X only continues B-X or I-X: two candidates, not seven.
        for t in [2, 4, 6] {
            let best = (score[t - 1] + trans[t - 1][t]).max(score[t] + trans[t][t]);
            next[t] = (best & !7) + emission(i, t);
            b[t] = (best & 7) as u8;
        }
        back.push(b);
        score = next;
    }
    let mut last = 0usize;
    for t in 1..TAGS {
        if score[t] > score[last] {
            last = t;
        }
    }
    out.resize(n, O);
    let mut t = last as u8;
    for i in (0..n).rev() {
        out[i] = t;
        t = 7 - back[i][t as usize];
    }
}

/// Entity spans (char ranges) and kinds (0 PER, 1 LOC, 2 ORG) of a tag sequence.
/// A stray `I-X` (not after `B-X`/`I-X`) starts an entity.
pub fn spans(tags: &[u8]) -> Vec<(Range<usize>, u8)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, u8)> = None;
    for (i, &t) in tags.iter().enumerate() {
        let kind = kind_of(t);
        let continues = is_inside(t) && open.is_some_and(|(_, k)| Some(k) == kind);
        if continues {
            continue;
        }
        if let Some((s, k)) = open.take() {
            out.push((s..i, k));
        }
        if let Some(k) = kind {
            open = Some((i, k));
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
    fn integer_decoder_agrees_with_the_generic_one() {
        const _: () = assert!(TAGS == 7 && O == 0);
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

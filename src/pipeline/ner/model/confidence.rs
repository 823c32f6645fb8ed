//! How likely a name the model found is right: the CRF's probability that
//! its chars carry exactly its tags (S-X, or B-X I-X … E-X), summed over
//! every tag sequence of its sentence that agrees (forward-backward, once
//! per sentence that has a name).
//!
//! The forward sums reach the char before a name and the backward sums the
//! char after it; through the name itself, the sequences that agree and all
//! sequences are carried side by side, so the sentence's total cancels and
//! each pass only runs as far as the names need. Sums are rescaled to 1 at
//! every char (the ratio is unchanged), so nothing underflows.

use std::ops::Range;

use super::tags::{LANES, TAGS, allowed, may_end, name_tags};

/// The least probability given: a sum that underflows is not zero.
const MIN_PROBABILITY: f32 = 1e-3;

/// One value per tag, padded to [`LANES`] (the pad lane stays 0) so the
/// sums run as vectors.
type Row = [f32; LANES];

/// The model's log-potentials are divided by this before they are summed:
/// the averaged weights are a little too sure of themselves. Chosen on People's
/// Daily dev with a model trained without it (`eval ner --corpus
/// peoples_daily.dev.bio`): expected calibration error 0.0274 at 1, 0.0231 /
/// 0.0226 / 0.0226 / 0.0292 at 1.1 / 1.15 / 1.2 / 1.3. Then, untouched by
/// the choice: held out 0.0284 → 0.0196, MSRA never trained on 0.0275 → 0.0170.
const TEMPERATURE: f32 = 1.15;

/// `exp` of the model's transition weights (0 where the BIOES rule forbids the
/// move), worked out once per model, and the scale of the weights.
#[derive(Debug, Clone)]
pub struct Transitions {
    /// `[prev][next]`; row `TAGS` is the sentence start.
    weights: [Row; TAGS + 1],
    /// `[next][prev]`, for the backward sums.
    transposed: [Row; TAGS],
    /// Quantized units per unit of log-potential, times [`TEMPERATURE`].
    scale: f32,
    /// 1 for the tags a sentence may end on, else 0.
    ends: Row,
}

impl Transitions {
    /// From the quantized transitions and the scale of the model's weights.
    pub fn new(transitions: &[[i32; TAGS]; TAGS + 1], scale: f32) -> Self {
        let scale = scale * TEMPERATURE;
        let mut weights = [[0.0; LANES]; TAGS + 1];
        for (p, row) in weights.iter_mut().enumerate() {
            let prev = (p < TAGS).then_some(p as u8);
            for (t, w) in row.iter_mut().enumerate().take(TAGS) {
                if allowed(prev, t as u8) {
                    *w = (transitions[p][t] as f32 / scale).exp();
                }
            }
        }
        let transposed = std::array::from_fn(|t| std::array::from_fn(|p| if p < TAGS { weights[p][t] } else { 0.0 }));
        let ends = std::array::from_fn(|t| if t < TAGS && may_end(t as u8) { 1.0 } else { 0.0 });
        Self { weights, transposed, scale, ends }
    }

    /// The rows of moves from a tag (the start row left out).
    fn moves(&self) -> &[Row; TAGS] {
        self.weights[..TAGS].try_into().expect("TAGS rows")
    }
}

/// e^x for x ≤ 0, to a few parts in a million: 2^(x·log2 e) as a power of two
/// (the float's exponent bits) times 2^f, |f| ≤ 1/2, by its Taylor series.
/// Only float adds and multiplies and integer bit ops, so the potentials of
/// a char compute as one vector; the library `exp` was a third of the cost.
#[inline]
fn exp_non_positive(x: f32) -> f32 {
    // Adding 1.5·2^23 rounds to an integer, left in the low mantissa bits.
    const ROUND: f32 = 12_582_912.0;
    let t = (x * std::f32::consts::LOG2_E).max(-125.0);
    let shifted = t + ROUND;
    let whole = shifted - ROUND;
    let f = (t - whole) * std::f32::consts::LN_2;
    let poly = 1.0 + f * (1.0 + f * (0.5 + f * (1.0 / 6.0 + f * (1.0 / 24.0 + f * (1.0 / 120.0 + f / 720.0)))));
    let power = shifted.to_bits().wrapping_sub(ROUND.to_bits()).wrapping_add(127) << 23;
    f32::from_bits(power) * poly
}

/// `Σ_k weight[k] · rows[k]`, lane by lane.
#[inline]
fn mix(weight: &Row, rows: &[Row; TAGS]) -> Row {
    let mut out = [0.0; LANES];
    for (k, row) in rows.iter().enumerate() {
        for l in 0..LANES {
            out[l] += weight[k] * row[l];
        }
    }
    out
}

/// Forward and backward sums of one sentence (scratch kept across sentences).
#[derive(Debug, Default)]
pub struct Marginals {
    /// `exp` of each char's tag scores, less the char's best.
    potential: Vec<Row>,
    /// Forward sums up to the last name's start, each scaled to sum to 1.
    forward: Vec<Row>,
    /// Backward sums from the first name's end (entries before it unused),
    /// each scaled to sum to 1.
    backward: Vec<Row>,
}

/// `row` scaled to sum to 1 (left as it is if it sums to nothing), and the
/// factor it was multiplied by.
fn normalized(row: Row) -> (Row, f32) {
    let total: f32 = row.iter().sum();
    let factor = if total > 0.0 && total.is_finite() { 1.0 / total } else { 1.0 };
    (row.map(|v| v * factor), factor)
}

impl Marginals {
    /// The sums a sentence whose tag scores are `emissions` needs for the
    /// probabilities of its `names` (char ranges): forward only up to the
    /// last name, backward only down to the first.
    pub fn compute<'a>(
        &mut self,
        emissions: &[[i32; LANES]],
        transitions: &Transitions,
        names: impl Iterator<Item = &'a Range<usize>> + Clone,
    ) {
        let n = emissions.len();
        let per_unit = 1.0 / transitions.scale;
        self.potential.clear();
        self.potential.extend(emissions.iter().map(|e| {
            let top = e[..TAGS].iter().copied().max().unwrap_or(0);
            // Every lane (the pad lane's value is thrown away), as a vector.
            let mut psi = [0f32; LANES];
            for (p, &v) in psi.iter_mut().zip(e) {
                *p = exp_non_positive((v - top) as f32 * per_unit);
            }
            psi[TAGS..].fill(0.0);
            psi
        }));
        let forward_to = names.clone().map(|r| r.start).max().unwrap_or(0).min(n);
        self.forward.clear();
        for i in 0..forward_to {
            let into = match self.forward.last() {
                None => transitions.weights[TAGS],
                Some(prev) => mix(prev, transitions.moves()),
            };
            let psi = &self.potential[i];
            self.forward.push(normalized(std::array::from_fn(|l| into[l] * psi[l])).0);
        }
        let backward_from = names.map(|r| r.end).min().unwrap_or(n).min(n);
        self.backward.clear();
        self.backward.resize(n, [1.0; LANES]);
        if let Some(last) = self.backward.last_mut() {
            *last = transitions.ends;
        }
        for i in (backward_from..n.saturating_sub(1)).rev() {
            let (psi, after) = (&self.potential[i + 1], &self.backward[i + 1]);
            let ahead: Row = std::array::from_fn(|l| psi[l] * after[l]);
            self.backward[i] = normalized(mix(&ahead, &transitions.transposed)).0;
        }
    }

    /// The probability that the chars `name` (one of the names given to
    /// [`Marginals::compute`]) are exactly one name of `kind` (0 PER, 1 LOC,
    /// 2 ORG): the weight of the sequences that agree over the weight of
    /// all, both carried from the char before the name to the char after it.
    pub fn name_probability(&self, transitions: &Transitions, name: Range<usize>, kind: u8) -> f32 {
        let n = self.potential.len();
        if name.is_empty() || name.end > n || name.start > self.forward.len() {
            return MIN_PROBABILITY;
        }
        let w = &transitions.weights;
        let mut tags = name_tags(kind, name.len()).map(usize::from);
        let first = tags.next().unwrap_or(0);
        // Into the name's first char: all sequences (`all`), and those that
        // take the name's first tag there (`agree`); both scaled by the same factors.
        let into = match name.start {
            0 => w[TAGS],
            s => mix(&self.forward[s - 1], transitions.moves()),
        };
        let psi = &self.potential[name.start];
        let (mut all, factor) = normalized(std::array::from_fn(|l| into[l] * psi[l]));
        let mut agree = into[first] * psi[first] * factor;
        // On through the name's other tags.
        let mut last = first;
        for (at, tag) in (name.start + 1..name.end).zip(tags) {
            let psi = &self.potential[at];
            let moved = mix(&all, transitions.moves());
            let (next, factor) = normalized(std::array::from_fn(|l| moved[l] * psi[l]));
            agree *= w[last][tag] * psi[tag] * factor;
            all = next;
            last = tag;
        }
        // Out of the name: the name's last tag (E-X or S-X) only moves to
        // tags that do not go on with it; at the sentence's end, the
        // sequences of all that may end there.
        let p = if name.end < n {
            let (psi, after) = (&self.potential[name.end], &self.backward[name.end]);
            let moved = mix(&all, transitions.moves());
            let total: f32 = (0..TAGS).map(|t| moved[t] * psi[t] * after[t]).sum();
            let kept: f32 = (0..TAGS).map(|t| w[last][t] * psi[t] * after[t]).sum();
            agree * kept / total
        } else {
            let total: f32 = (0..TAGS).map(|t| all[t] * transitions.ends[t]).sum();
            agree / total
        };
        if p.is_finite() { p.clamp(MIN_PROBABILITY, 1.0) } else { MIN_PROBABILITY }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::model::tags::{O, begin, end, inside};

    /// Every tag sequence of length `n` that keeps the BIOES rule.
    fn sequences(n: usize) -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = vec![vec![]];
        for _ in 0..n {
            let mut next = Vec::new();
            for s in &out {
                for t in 0..TAGS as u8 {
                    if allowed(s.last().copied(), t) {
                        let mut s = s.clone();
                        s.push(t);
                        next.push(s);
                    }
                }
            }
            out = next;
        }
        out.retain(|s| s.last().is_none_or(|&t| may_end(t)));
        out
    }

    fn score(seq: &[u8], em: &[[i32; LANES]], tr: &[[i32; TAGS]; TAGS + 1], scale: f64) -> f64 {
        let mut s = tr[TAGS][seq[0] as usize] + em[0][seq[0] as usize];
        for k in 1..seq.len() {
            s += tr[seq[k - 1] as usize][seq[k] as usize] + em[k][seq[k] as usize];
        }
        (f64::from(s) / scale).exp()
    }

    /// Deterministic pseudo-random weights in ±range.
    fn weights(seed: u64, range: i32) -> impl FnMut() -> i32 {
        let mut x = seed;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % (2 * range as u64 + 1)) as i32 - range
        }
    }

    #[test]
    fn the_fast_exp_is_exp() {
        for k in 0..=160_000 {
            let x = -(k as f32) / 2000.0;
            let (got, want) = (exp_non_positive(x), x.exp());
            assert!((got - want).abs() <= 5e-6 * want + 1e-38, "{x}: {got} vs {want}");
        }
        // Below e^-86 (no weight of a real sentence) it stops at 2^-125.
        assert!(exp_non_positive(-1e9) < 1e-37);
    }

    #[test]
    fn matches_brute_force_enumeration() {
        // Log-potentials of ±3 and of ±20 (scale 1000).
        for (seed, range) in [(7, 3000), (11, 20_000)] {
            matches_brute_force_with(seed, range);
        }
    }

    fn matches_brute_force_with(seed: u64, range: i32) {
        let n = 5;
        let mut next = weights(seed, range);
        let em: Vec<[i32; LANES]> = (0..n).map(|_| std::array::from_fn(|_| next())).collect();
        let tr: [[i32; TAGS]; TAGS + 1] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let scale = 1000.0;
        let transitions = Transitions::new(&tr, scale as f32);
        let all = sequences(n);
        let z: f64 = all.iter().map(|s| score(s, &em, &tr, scale * f64::from(TEMPERATURE))).sum();
        for kind in 0..3u8 {
            for start in 0..n {
                for end in start + 1..=n {
                    let agrees = |s: &&Vec<u8>| s[start..end].iter().copied().eq(name_tags(kind, end - start));
                    let want: f64 = all
                        .iter()
                        .filter(agrees)
                        .map(|s| score(s, &em, &tr, scale * f64::from(TEMPERATURE)))
                        .sum::<f64>()
                        / z;
                    let want = want.max(f64::from(MIN_PROBABILITY));
                    // The name alone, and among names at both ends of the sentence.
                    for names in [std::slice::from_ref(&(start..end)), &[0..1, start..end, n - 1..n]] {
                        let mut marginals = Marginals::default();
                        marginals.compute(&em, &transitions, names.iter());
                        let got = marginals.name_probability(&transitions, start..end, kind);
                        assert!((f64::from(got) - want).abs() < 1e-5, "{kind} {start}..{end}: {got} vs {want}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_name_the_scores_insist_on_is_near_certain_and_one_they_refuse_near_impossible() {
        let n = 40;
        let strong = 20_000;
        let mut em = vec![[0i32; LANES]; n];
        for (k, e) in em.iter_mut().enumerate() {
            e[O as usize] = if (20..23).contains(&k) { -strong } else { strong };
        }
        em[20][begin(0) as usize] = strong;
        em[21][inside(0) as usize] = strong;
        em[22][end(0) as usize] = strong;
        let transitions = Transitions::new(&[[0; TAGS]; TAGS + 1], 1000.0);
        let mut marginals = Marginals::default();
        marginals.compute(&em, &transitions, [20..22, 20..23, 30..41].iter());
        let p = |name: Range<usize>, kind| marginals.name_probability(&transitions, name, kind);
        assert!(p(20..23, 0) > 0.999);
        assert!(p(20..22, 0) <= 0.001);
        assert!(p(20..23, 1) <= 0.001);
        assert!(p(20..41, 0) > 0.0, "never zero");
    }
}

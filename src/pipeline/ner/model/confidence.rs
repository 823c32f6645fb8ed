//! How likely a name the model found is right: the CRF's probability that
//! its chars carry exactly B-X I-X … I-X and the char after it does not go
//! on with the name, summed over every tag sequence of its sentence that
//! agrees (forward-backward, once per sentence that has a name).
//!
//! Forward sums are divided at each char by their total `scale[i]`, and
//! backward sums by the same totals (Rabiner's scaling): then a name's
//! probability is its own sequences' weight through its chars, in the same
//! scaled units, divided by the totals of its chars and of the one after it.

use std::ops::Range;

use super::features::{LANES, TAGS, allowed, begin, inside};

/// The least probability given: a sum that underflows is not zero.
const MIN_PROBABILITY: f32 = 1e-3;

/// One value per tag, padded to [`LANES`] (the pad lane stays 0) so the
/// sums run as vectors.
type Row = [f32; LANES];

/// `exp` of the model's transition weights (0 where the BIO rule forbids the
/// move), worked out once per model.
#[derive(Debug, Clone)]
pub struct Transitions {
    /// `[prev][next]`; row `TAGS` is the sentence start.
    weights: [Row; TAGS + 1],
    /// `[next][prev]`, for the backward sums.
    transposed: [Row; TAGS],
    /// Quantized units per unit of log-potential.
    scale: f32,
}

impl Transitions {
    /// From the quantized transitions and the scale of the model's weights.
    pub fn new(transitions: &[[i32; TAGS]; TAGS + 1], scale: f32) -> Self {
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
        Self { weights, transposed, scale }
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
    forward: Vec<Row>,
    backward: Vec<Row>,
    scale: Vec<f32>,
}

impl Marginals {
    /// The sums of a sentence whose tag scores are `emissions`.
    pub fn compute(&mut self, emissions: &[[i32; LANES]], transitions: &Transitions) {
        let n = emissions.len();
        let w = &transitions.weights;
        let moves: &[Row; TAGS] = w[..TAGS].try_into().expect("TAGS rows");
        let per_unit = 1.0 / transitions.scale;
        self.potential.clear();
        self.potential.extend(emissions.iter().map(|e| {
            let top = e[..TAGS].iter().copied().max().unwrap_or(0) as f32;
            // All lanes at once (a vector), then the pad lane cleared.
            let mut psi: Row = std::array::from_fn(|l| exp_non_positive((e[l] as f32 - top).min(0.0) * per_unit));
            psi[TAGS..].fill(0.0);
            psi
        }));
        self.forward.clear();
        self.scale.clear();
        for i in 0..n {
            let psi = &self.potential[i];
            let into = match self.forward.last() {
                None => w[TAGS],
                Some(prev) => mix(prev, moves),
            };
            let mut next: Row = std::array::from_fn(|l| into[l] * psi[l]);
            let total: f32 = next.iter().sum();
            let total = if total > 0.0 && total.is_finite() { total } else { f32::MIN_POSITIVE };
            let inverse = 1.0 / total;
            next.iter_mut().for_each(|v| *v *= inverse);
            self.forward.push(next);
            self.scale.push(total);
        }
        self.backward.clear();
        self.backward.resize(n, [1.0; LANES]);
        for i in (0..n.saturating_sub(1)).rev() {
            let (psi, after, inverse) = (&self.potential[i + 1], &self.backward[i + 1], 1.0 / self.scale[i + 1]);
            let ahead: Row = std::array::from_fn(|l| psi[l] * after[l] * inverse);
            self.backward[i] = mix(&ahead, &transitions.transposed);
        }
    }

    /// The probability that the chars `name` are exactly one name of `kind`
    /// (0 PER, 1 LOC, 2 ORG), from the sums last computed.
    pub fn name_probability(&self, transitions: &Transitions, name: Range<usize>, kind: u8) -> f32 {
        let n = self.forward.len();
        if name.is_empty() || name.end > n {
            return MIN_PROBABILITY;
        }
        let w = &transitions.weights;
        let (b, i) = (begin(kind) as usize, inside(kind) as usize);
        // Into B-X at the name's first char.
        let into = match name.start {
            0 => w[TAGS][b],
            s => (0..TAGS).map(|p| self.forward[s - 1][p] * w[p][b]).sum(),
        };
        let mut p = into * self.potential[name.start][b] / self.scale[name.start];
        // On through I-X.
        let mut last = b;
        for at in name.start + 1..name.end {
            p *= w[last][i] * self.potential[at][i] / self.scale[at];
            last = i;
        }
        // Out of the name: the next char takes any tag but I-X.
        if name.end < n {
            let (psi, after) = (&self.potential[name.end], &self.backward[name.end]);
            let out: f32 = (0..TAGS).filter(|&t| t != i).map(|t| w[last][t] * psi[t] * after[t]).sum();
            p *= out / self.scale[name.end];
        }
        if p.is_finite() { p.clamp(MIN_PROBABILITY, 1.0) } else { MIN_PROBABILITY }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::ner::model::features::O;

    /// Every BIO-valid tag sequence of length `n`.
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
        let n = 5;
        let mut next = weights(7, 3000);
        let em: Vec<[i32; LANES]> = (0..n).map(|_| std::array::from_fn(|_| next())).collect();
        let tr: [[i32; TAGS]; TAGS + 1] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        let scale = 1000.0;
        let transitions = Transitions::new(&tr, scale as f32);
        let all = sequences(n);
        let z: f64 = all.iter().map(|s| score(s, &em, &tr, scale)).sum();
        for kind in 0..3u8 {
            for start in 0..n {
                for end in start + 1..=n {
                    let agrees = |s: &&Vec<u8>| {
                        s[start] == begin(kind)
                            && s[start + 1..end].iter().all(|&t| t == inside(kind))
                            && (end == n || s[end] != inside(kind))
                    };
                    let want: f64 = all.iter().filter(agrees).map(|s| score(s, &em, &tr, scale)).sum::<f64>() / z;
                    let mut marginals = Marginals::default();
                    marginals.compute(&em, &transitions);
                    let got = marginals.name_probability(&transitions, start..end, kind);
                    let want = want.max(f64::from(MIN_PROBABILITY));
                    assert!((f64::from(got) - want).abs() < 1e-5, "{kind} {start}..{end}: {got} vs {want}");
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
        em[22][inside(0) as usize] = strong;
        let transitions = Transitions::new(&[[0; TAGS]; TAGS + 1], 1000.0);
        let mut marginals = Marginals::default();
        marginals.compute(&em, &transitions);
        let p = |name: Range<usize>, kind| marginals.name_probability(&transitions, name, kind);
        assert!(p(20..23, 0) > 0.999);
        assert!(p(20..22, 0) <= 0.001);
        assert!(p(20..23, 1) <= 0.001);
        assert!(p(20..41, 0) > 0.0, "never zero");
    }
}

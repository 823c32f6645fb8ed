//! The weights a learner trains: one table shared by all corpora plus one
//! copy per domain ("frustratingly easy" domain adaptation: a corpus's own
//! conventions go to its copy), each with a running sum for averaging. The
//! shipped model is the average of the shared weights plus the news domain's.

use crate::pipeline::ner::model::features::FEATURES;
use crate::pipeline::ner::model::tags::{LANES, TAGS, TagSet};

pub type Transitions = [[f32; TAGS]; TAGS + 1];

/// A training sentence as the learners see it.
pub struct Sample<'a> {
    /// Feature rows per char.
    pub rows: &'a [[u32; FEATURES]],
    /// Gold tag per char (for a partly labelled sentence: one sequence its labels allow).
    pub tags: &'a [u8],
    /// For a partly labelled sentence: the tags each char may take (bit set).
    pub mask: Option<&'a [TagSet]>,
    /// 0 news (People's Daily, MSRA), 1 CLUENER.
    pub domain: usize,
}

pub struct Weights {
    /// `[shared, domain 0, domain 1, …]`.
    w: Vec<Vec<[f32; LANES]>>,
    /// Sums of `step × delta`: the average is `w − u / step`.
    u: Vec<Vec<[f32; LANES]>>,
    tw: Vec<Transitions>,
    tu: Vec<Transitions>,
    /// Updates so far, plus one.
    step: f32,
}

/// Scores of each char's tags: the sum of its feature rows.
pub fn emissions(w: &[[f32; LANES]], rows: &[[u32; FEATURES]]) -> Vec<[f32; LANES]> {
    rows.iter()
        .map(|fs| {
            let mut acc = [0f32; LANES];
            for &r in fs {
                for (a, v) in acc.iter_mut().zip(&w[r as usize]) {
                    *a += v;
                }
            }
            acc
        })
        .collect()
}

impl Weights {
    pub fn new(bits: u32, domains: usize) -> Self {
        let n = 1 + domains;
        Self {
            w: vec![vec![[0.0; LANES]; 1 << bits]; n],
            u: vec![vec![[0.0; LANES]; 1 << bits]; n],
            tw: vec![[[0.0; TAGS]; TAGS + 1]; n],
            tu: vec![[[0.0; TAGS]; TAGS + 1]; n],
            step: 1.0,
        }
    }

    /// The tables a sample of `domain` trains: the shared one and its own.
    pub fn tables(domain: usize) -> [usize; 2] {
        [0, 1 + domain]
    }

    /// Current emission and transition scores for a sample (shared + its domain).
    pub fn scores(&self, s: &Sample) -> (Vec<[f32; LANES]>, Transitions) {
        let [shared, own] = Self::tables(s.domain);
        let mut em = emissions(&self.w[shared], s.rows);
        for (e, x) in em.iter_mut().zip(emissions(&self.w[own], s.rows)) {
            for k in 0..LANES {
                e[k] += x[k];
            }
        }
        let mut trans = self.tw[shared];
        for (row, x) in trans.iter_mut().zip(&self.tw[own]) {
            for k in 0..TAGS {
                row[k] += x[k];
            }
        }
        (em, trans)
    }

    pub fn add(&mut self, table: usize, row: usize, tag: usize, delta: f32) {
        self.w[table][row][tag] += delta;
        self.u[table][row][tag] += self.step * delta;
    }

    pub fn add_transition(&mut self, table: usize, prev: usize, tag: usize, delta: f32) {
        self.tw[table][prev][tag] += delta;
        self.tu[table][prev][tag] += self.step * delta;
    }

    /// One sample done.
    pub fn tick(&mut self) {
        self.step += 1.0;
    }

    /// The averaged weights of the news domain (shared + domain 0).
    pub fn averaged(&self) -> (Vec<[f32; LANES]>, Transitions) {
        let c = self.step;
        let mut out = vec![[0f32; LANES]; self.w[0].len()];
        let mut t = [[0f32; TAGS]; TAGS + 1];
        for table in Self::tables(0) {
            for (o, (wr, ur)) in out.iter_mut().zip(self.w[table].iter().zip(&self.u[table])) {
                for k in 0..LANES {
                    o[k] += wr[k] - ur[k] / c;
                }
            }
            for (to, (tw, tu)) in t.iter_mut().zip(self.tw[table].iter().zip(&self.tu[table])) {
                for k in 0..TAGS {
                    to[k] += tw[k] - tu[k] / c;
                }
            }
        }
        (out, t)
    }
}

/// A toy task for the learners' tests: chars 0, 1, 2 always take tags
/// B-PER, E-PER, O, and each char's feature rows name only the char.
#[cfg(test)]
pub(super) mod toy {
    use super::FEATURES;
    use crate::pipeline::ner::model::decode::viterbi;
    use crate::pipeline::ner::model::tags::{O, begin, end};

    pub const TAG_OF: [u8; 3] = [begin(0), end(0), O];

    pub fn rows(chars: &[usize]) -> Vec<[u32; FEATURES]> {
        chars.iter().map(|&c| std::array::from_fn(|k| (c * FEATURES + k) as u32 % 1024)).collect()
    }

    pub fn sentences() -> Vec<(Vec<[u32; FEATURES]>, Vec<u8>)> {
        [&[0usize, 1, 2, 2][..], &[2, 0, 1, 2], &[0, 1, 2, 0, 1]]
            .iter()
            .map(|cs| (rows(cs), cs.iter().map(|&c| TAG_OF[c]).collect()))
            .collect()
    }

    /// Tags the averaged weights give a new sentence.
    pub fn decode(weights: &super::Weights, chars: &[usize]) -> Vec<u8> {
        let (w, t) = weights.averaged();
        viterbi(&super::emissions(&w, &rows(chars)), &t, None, f32::MIN / 4.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_weighs_each_update_by_how_long_it_stood() {
        let mut w = Weights::new(2, 1);
        w.add(0, 1, 3, 1.0);
        w.tick();
        w.tick();
        w.add(1, 1, 3, 2.0);
        w.tick();
        w.tick();
        let (avg, _) = w.averaged();
        // Averaged over the step count (5): 1 stood for 4 steps, 2 for 2.
        assert!((avg[1][3] - (1.0 * 4.0 + 2.0 * 2.0) / 5.0).abs() < 1e-6, "{}", avg[1][3]);
        assert_eq!(avg[0], [0.0; LANES]);
    }

    #[test]
    fn a_sample_scores_with_the_shared_table_plus_its_own_domain() {
        let mut w = Weights::new(2, 2);
        w.add(0, 2, 1, 1.0);
        w.add(1, 2, 1, 10.0);
        w.add(2, 2, 1, 100.0);
        let rows = [[2u32; FEATURES]];
        let s = |domain| Sample { rows: &rows, tags: &[0], mask: None, domain };
        assert_eq!(w.scores(&s(0)).0[0][1], FEATURES as f32 * 11.0);
        assert_eq!(w.scores(&s(1)).0[0][1], FEATURES as f32 * 101.0);
    }
}

//! The averaged structured perceptron (the learner up to model 2026.11.2):
//! cost-augmented Viterbi, and on a mistake the gold sequence's features go
//! up and the predicted one's down. A partly labelled sentence learns from the
//! best sequence its labels allow (latent-variable perceptron).

use super::weights::{Sample, Weights};
use crate::pipeline::ner::model::decode::viterbi;
use crate::pipeline::ner::model::tags::TAGS;

/// Cost-augmented training margin (cross-validated: 50–200 alike, 0 worse).
const MARGIN: f32 = 100.0;

pub struct Perceptron {
    pub weights: Weights,
}

impl Perceptron {
    pub fn learn(&mut self, s: &Sample) {
        let (mut em, trans) = self.weights.scores(s);
        let gold = match s.mask {
            Some(mask) => viterbi(&em, &trans, Some(mask), f32::MIN / 4.0),
            None => s.tags.to_vec(),
        };
        // A wrong tag gets a head start, so the gold sequence must win by a margin.
        for (e, &g) in em.iter_mut().zip(&gold) {
            for (t, v) in e.iter_mut().enumerate().take(TAGS) {
                if t != g as usize {
                    *v += MARGIN;
                }
            }
        }
        let predicted = viterbi(&em, &trans, None, f32::MIN / 4.0);
        if predicted != gold {
            for table in Weights::tables(s.domain) {
                for i in 0..gold.len() {
                    let (g, q) = (gold[i] as usize, predicted[i] as usize);
                    if g != q {
                        for &r in &s.rows[i] {
                            self.weights.add(table, r as usize, g, 1.0);
                            self.weights.add(table, r as usize, q, -1.0);
                        }
                    }
                    let gp = if i == 0 { TAGS } else { gold[i - 1] as usize };
                    let qp = if i == 0 { TAGS } else { predicted[i - 1] as usize };
                    if (gp, g) != (qp, q) {
                        self.weights.add_transition(table, gp, g, 1.0);
                        self.weights.add_transition(table, qp, q, -1.0);
                    }
                }
            }
        }
        self.weights.tick();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::train::weights::toy;

    #[test]
    fn learns_a_task_its_features_decide() {
        let mut p = Perceptron { weights: Weights::new(10, 1) };
        let before = toy::decode(&p.weights, &[2, 0, 1, 2]);
        for _ in 0..5 {
            for (rows, tags) in toy::sentences() {
                p.learn(&Sample { rows: &rows, tags: &tags, mask: None, domain: 0 });
            }
        }
        let chars = [2, 0, 1, 2, 0, 1];
        assert_ne!(before, toy::decode(&p.weights, &[2, 0, 1, 2]));
        assert_eq!(toy::decode(&p.weights, &chars), chars.map(|c| toy::TAG_OF[c]));
    }
}

//! Precision / recall / F1 bookkeeping shared by the evaluation commands.

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub gold: usize,
    pub predicted: usize,
    /// Predictions that match a gold item.
    pub correct_predicted: usize,
    /// Gold items some prediction matches.
    pub correct_gold: usize,
}

impl Counts {
    pub fn add_predicted(&mut self, correct: bool) {
        self.predicted += 1;
        self.correct_predicted += correct as usize;
    }

    pub fn add_gold(&mut self, found: bool) {
        self.gold += 1;
        self.correct_gold += found as usize;
    }

    pub fn precision(&self) -> f64 {
        ratio(self.correct_predicted, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.correct_gold, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    /// One row: label, gold, predicted, correct, P, R, F1.
    pub fn print(&self, label: &str) {
        println!(
            "{label:<14} {:>6} {:>6} {:>6} {:>9.4} {:>7.4} {:>7.4}",
            self.gold,
            self.predicted,
            self.correct_predicted,
            self.precision(),
            self.recall(),
            self.f1()
        );
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

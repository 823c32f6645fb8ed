//! Is a confidence a probability? For each predicted name: its confidence
//! and whether it is right; in ten bins of confidence, the share right
//! against the mean confidence, and the expected calibration error (ECE:
//! the gap of each bin, weighted by its share of the names).

#[derive(Debug, Default, Clone, Copy)]
struct Bin {
    count: usize,
    right: usize,
    confidence_sum: f64,
}

#[derive(Debug, Default, Clone)]
pub struct Calibration {
    bins: [Bin; 10],
}

impl Calibration {
    pub fn add(&mut self, confidence: f32, right: bool) {
        let c = f64::from(confidence).clamp(0.0, 1.0);
        let bin = &mut self.bins[((c * 10.0) as usize).min(9)];
        bin.count += 1;
        bin.right += right as usize;
        bin.confidence_sum += c;
    }

    pub fn count(&self) -> usize {
        self.bins.iter().map(|b| b.count).sum()
    }

    /// Σ over bins of (share of names) × |share right − mean confidence|.
    pub fn expected_error(&self) -> f64 {
        let all = self.count().max(1) as f64;
        self.bins
            .iter()
            .filter(|b| b.count > 0)
            .map(|b| b.count as f64 / all * (b.right as f64 / b.count as f64 - b.confidence_sum / b.count as f64).abs())
            .sum()
    }

    /// The reliability table: per non-empty bin, names, mean confidence, share right.
    pub fn table(&self) -> String {
        let mut out = format!("{:<11} {:>6} {:>10} {:>11}\n", "confidence", "names", "mean conf.", "share right");
        for (i, b) in self.bins.iter().enumerate().filter(|(_, b)| b.count > 0) {
            out.push_str(&format!(
                "{:<11} {:>6} {:>10.3} {:>11.3}\n",
                format!("{:.1}–{:.1}", i as f64 / 10.0, (i + 1) as f64 / 10.0),
                b.count,
                b.confidence_sum / b.count as f64,
                b.right as f64 / b.count as f64
            ));
        }
        out.push_str(&format!(
            "expected calibration error: {:.4} over {} names\n",
            self.expected_error(),
            self.count()
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_is_each_bins_gap_weighted_by_its_share() {
        let mut c = Calibration::default();
        for i in 0..10 {
            c.add(0.75, i < 7);
            c.add(0.25, i < 2);
        }
        // 0.75 bin: 7 of 10 right (gap 0.05); 0.25 bin: 2 of 10 (gap 0.05).
        assert!((c.expected_error() - 0.05).abs() < 1e-9, "{}", c.expected_error());
        assert_eq!(c.count(), 20);
    }

    #[test]
    fn an_overconfident_score_shows_its_gap() {
        let mut c = Calibration::default();
        for i in 0..100 {
            c.add(1.0, i < 60);
        }
        assert!((c.expected_error() - 0.4).abs() < 1e-9);
        assert!(c.table().contains("0.9–1.0"));
    }
}

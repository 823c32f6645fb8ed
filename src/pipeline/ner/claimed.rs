//! Spans that entities already claim, for the rules that add a name only
//! where nothing else was found.

use crate::pipeline::types::Span;

/// Spans that other entities claim, for asking whether any overlaps a span
/// in O(log n).
pub(super) struct Claimed {
    starts: Vec<usize>,
    /// The furthest end among the spans up to each one (by start).
    reach: Vec<usize>,
}

impl Claimed {
    pub(super) fn new<'a>(spans: impl Iterator<Item = &'a Span>) -> Self {
        let mut spans: Vec<&Span> = spans.filter(|s| !s.is_empty()).collect();
        spans.sort_by_key(|s| s.start);
        let reach = spans
            .iter()
            .scan(0, |furthest, s| {
                *furthest = s.end.max(*furthest);
                Some(*furthest)
            })
            .collect();
        Self { starts: spans.iter().map(|s| s.start).collect(), reach }
    }

    pub(super) fn overlaps(&self, span: &Span) -> bool {
        let k = self.starts.partition_point(|&start| start < span.end);
        k > 0 && self.reach[k - 1] > span.start
    }
}

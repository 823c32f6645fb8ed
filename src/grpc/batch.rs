//! Several documents in one worker job: BatchAnnotate gives each worker one
//! contiguous chunk of its documents, StreamAnnotate a few documents it has
//! received; a job annotates them stage by stage
//! ([`crate::pipeline::Annotator::annotate_batch`]), and a document that
//! panics fails alone.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Splits `items` into at most `workers` contiguous chunks of near-equal
/// length, in order.
pub fn chunks<T>(mut items: Vec<T>, workers: usize) -> Vec<Vec<T>> {
    let len = items.len().div_ceil(workers.max(1)).max(1);
    let mut out = Vec::new();
    while !items.is_empty() {
        let rest = items.split_off(len.min(items.len()));
        out.push(std::mem::replace(&mut items, rest));
    }
    out
}

/// `all(items)`, one result per item; if it panics, `one(item)` for each
/// item alone, so that only the items that panic again fail (`None`).
pub fn isolate_panics<T, R>(items: &[T], all: impl Fn(&[T]) -> Vec<R>, one: impl Fn(&T) -> R) -> Vec<Option<R>> {
    match catch_unwind(AssertUnwindSafe(|| all(items))) {
        Ok(results) if results.len() == items.len() => results.into_iter().map(Some).collect(),
        _ => items.iter().map(|item| catch_unwind(AssertUnwindSafe(|| one(item))).ok()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_keep_order_and_balance() {
        let lens = |v: Vec<Vec<u32>>| v.iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(chunks((0..16).collect(), 2), vec![(0..8).collect::<Vec<u32>>(), (8..16).collect()]);
        assert_eq!(lens(chunks((0..5).collect(), 2)), [3, 2]);
        assert_eq!(lens(chunks((0..3).collect(), 8)), [1, 1, 1]);
        assert_eq!(lens(chunks((0..4).collect(), 0)), [4]);
        assert!(chunks(Vec::<u32>::new(), 4).is_empty());
    }

    #[test]
    fn a_panicking_item_fails_alone() {
        let double = |x: &i32| {
            assert!(*x != 3, "three breaks the stage");
            x * 2
        };
        let all = |xs: &[i32]| xs.iter().map(double).collect::<Vec<_>>();
        assert_eq!(isolate_panics(&[1, 2], all, double), [Some(2), Some(4)]);
        assert_eq!(isolate_panics(&[1, 3, 4], all, double), [Some(2), None, Some(8)]);
    }
}

//! A cache prefetch hint: the model's tables are bigger than L2, and their
//! lookups are the model's main cost. Asking for the next rows while the
//! current ones are summed lets the memory loads overlap (+20 % for the
//! whole pipeline, BENCHMARKS.md). The only `unsafe` in the crate.

/// Asks the CPU to bring the cache line holding `value` into L1. A hint: no
/// effect on results, and none at all off x86_64.
#[inline(always)]
#[allow(unsafe_code)]
pub fn prefetch<T>(value: &T) {
    // SAFETY: `value` is a valid reference, and a prefetch never faults nor
    // changes memory; SSE (which has it) is part of every x86_64 CPU.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((value as *const T).cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

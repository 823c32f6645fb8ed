#!/usr/bin/env bash
# Fuzzing: runs every cargo-fuzz target in fuzz/ for a bounded time and fails
# on a crash (panic or broken invariant), an input slower than FUZZ_TIMEOUT or
# running out of memory. Works from a clean checkout with the stable
# toolchain: cargo-fuzz is installed from crates.io when missing, and
# RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags libFuzzer builds need.
#
#   FUZZ_SECONDS=60       fuzzing time per target (the build comes on top)
#   FUZZ_TARGETS="a b"    targets to run (default: all of `cargo fuzz list`)
#   FUZZ_SANITIZER=none   none | address (tifa forbids unsafe code; none runs ~2x faster)
#   FUZZ_TIMEOUT=10       seconds one input may take before it counts as a hang
#   FUZZ_MAX_LEN=4096     largest input, bytes
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
sanitizer=${FUZZ_SANITIZER:-none}
timeout=${FUZZ_TIMEOUT:-10}
max_len=${FUZZ_MAX_LEN:-4096}
cargo_fuzz_version=0.13.2

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz $cargo_fuzz_version"
  cargo install cargo-fuzz --locked --version "$cargo_fuzz_version"
fi
if ! command -v c++ >/dev/null 2>&1; then
  echo "libFuzzer (built by libfuzzer-sys) needs a C++ compiler: apt-get install g++" >&2
  exit 1
fi
export RUSTC_BOOTSTRAP=1

targets=${FUZZ_TARGETS:-$(cargo fuzz list)}
for target in $targets; do
  # The corpus grows in fuzz/corpus (git-ignored); seeds and inputs that once
  # crashed are read from the committed fuzz/seeds and fuzz/regressions.
  corpora=("fuzz/corpus/$target")
  mkdir -p "${corpora[0]}"
  for dir in "fuzz/seeds/$target" "fuzz/regressions/$target"; do
    if [ -d "$dir" ]; then corpora+=("$dir"); fi
  done
  echo "== fuzz $target for ${seconds}s (sanitizer: $sanitizer)"
  if ! cargo fuzz run --sanitizer "$sanitizer" "$target" "${corpora[@]}" -- \
      -max_total_time="$seconds" -timeout="$timeout" -max_len="$max_len" \
      -rss_limit_mb=2048 -print_final_stats=1; then
    echo "fuzz target $target failed: the input is in fuzz/artifacts/$target/." >&2
    echo "Reproduce: RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer $sanitizer $target fuzz/artifacts/$target/<file>" >&2
    echo "Once fixed, copy it to fuzz/regressions/$target/ (cargo test replays it)." >&2
    exit 1
  fi
done
echo "fuzz: all targets ran ${seconds}s without a crash"

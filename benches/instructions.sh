#!/usr/bin/env bash
# Instructions per character of text for each stage of the pipeline, counted
# by valgrind's callgrind: repeatable to ~0.5 %, where wall time on a shared
# machine moves by ±15 % from run to run. Counts only Annotator::annotate, in
# the steady state (a run of 11 passes over the five articles minus a run of
# 1 pass, so one-time start-up work such as jieba's lazily loaded tagger
# cancels out). Instructions are not time: the pipeline waits on memory for
# much of its time, so a change that saves instructions still needs a
# wall-time A/B (BENCHMARKS.md) before it counts as faster.
# Usage: benches/instructions.sh [STAGE] [LIMIT]   (STAGE of examples/cpu_profile.rs, default all;
# `jieba` counts bare jieba-rs `tag` instead of Annotator::annotate)
set -euo pipefail
cd "$(dirname "$0")/.."
STAGE=${1:-all}
LIMIT=${2:-25}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 1; }
cargo build --release --quiet --example cpu_profile
BIN="${CARGO_TARGET_DIR:-target}/release/examples/cpu_profile"   # the build just made, wherever cargo put it
OUT=$(mktemp -d)
COUNTED='tifa::pipeline::Annotator::annotate'
[ "$STAGE" = jieba ] && COUNTED='jieba_rs::Jieba::tag'
for n in 1 11; do
  valgrind --tool=callgrind --toggle-collect="$COUNTED" \
    --callgrind-out-file="$OUT/cg.$n" "$BIN" "$STAGE" "$n" >/dev/null 2>&1
done
python3 - "$OUT" "$LIMIT" "$COUNTED" <<'PY'
import collections, re, subprocess, sys
out, limit = sys.argv[1], int(sys.argv[2])
import pathlib
# The articles cpu_profile repeats (src/grpc/loadgen.rs), ten passes.
CHARS = 10 * sum(len(p.open(encoding='utf-8', newline='').read()) for p in pathlib.Path('tests/fixtures/articles').glob('*.txt'))

def counts(n, inclusive):
    """Self cost per function, or (inclusive) the cost of the calls into each
    function summed over its callers: callgrind's own inclusive column counts
    a function twice when it recurses or has inlined copies."""
    args = ['callgrind_annotate', '--auto=no', '--threshold=100', f'{out}/cg.{n}']
    if inclusive:
        args.insert(1, '--tree=calling')
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    found = collections.Counter()
    for line in text.splitlines():
        m = re.match(r'\s*([\d,]+) \([ \d.]+%\)\s+(?:\* +)?(> +)?(\S.*)$', line)
        if not m or bool(m.group(2)) != inclusive:
            continue
        name = re.sub(r' \[.*\]$', '', re.sub(r'^\S*?\.(rs|c|h|S):', '', m.group(3)))
        name = re.sub(r' \(\d[\d,]*x\)$', '', name)
        if re.match(r'(std::|core::ops|cpu_profile::|\?\?\?|\(below main\)|__libc_start)', name):
            continue  # the program's frame around annotate
        found[name] += int(m.group(1).replace(',', ''))
    return found

totals = counts(11, False)['PROGRAM TOTALS'] - counts(1, False)['PROGRAM TOTALS']
print(f'{sys.argv[3]}: {totals / CHARS:.0f} instructions per char')
for inclusive, title in ((True, 'with what it calls'), (False, 'its own code only')):
    one, eleven = counts(1, inclusive), counts(11, inclusive)
    per_char = sorted(((eleven[k] - one.get(k, 0)) / CHARS, k) for k in eleven if k != 'PROGRAM TOTALS')[::-1]
    print(f'== instructions per char, {title}')
    for v, k in per_char[:limit]:
        print(f'{v:8.0f}  {k[:120]}')
PY
rm -rf "$OUT"

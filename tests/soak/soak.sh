#!/usr/bin/env bash
# Soak: drive the release binary with the load tool for SOAK_SECS (default 600)
# over loopback and sample its resident memory every SAMPLE_SECS; fail if
# memory keeps growing (last sample more than 20% above the one after warm-up).
# Usage: tests/soak/soak.sh [path/to/tifa]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-target/release/tifa}
SECS=${SOAK_SECS:-600}
SAMPLE=${SAMPLE_SECS:-30}
PORT=${TIFA_SOAK_PORT:-50593}
LOG=$(mktemp)
TIFA_SERVER__LISTEN=127.0.0.1:$PORT TIFA_METRICS__LISTEN= TIFA_LOG__LEVEL=warn "$BIN" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
sleep 1
# Mixed traffic: single calls, batches and a stream at once.
"$BIN" bench --addr "http://127.0.0.1:$PORT" --mode annotate --concurrency 2 --duration "$SECS" --doc-chars 5000 >/tmp/soak-annotate.txt &
"$BIN" bench --addr "http://127.0.0.1:$PORT" --mode batch --concurrency 1 --duration "$SECS" --doc-chars 5000 >/tmp/soak-batch.txt &
"$BIN" bench --addr "http://127.0.0.1:$PORT" --mode stream --concurrency 1 --duration "$SECS" --doc-chars 50000 >/tmp/soak-stream.txt &
rss() { awk '/VmRSS/ {print $2}' /proc/$PID/status; }
echo "elapsed_s rss_kib"
samples=()
for ((t = 0; t <= SECS; t += SAMPLE)); do
  r=$(rss); samples+=("$r"); echo "$t $r"
  [ $t -lt $SECS ] && sleep "$SAMPLE"
done
wait %2 %3 %4 2>/dev/null || true
echo "--- load"; cat /tmp/soak-annotate.txt /tmp/soak-batch.txt /tmp/soak-stream.txt
peak=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
warm=${samples[2]:-${samples[-1]}}
last=${samples[-1]}
echo "rss after warm-up ${warm} KiB, at the end ${last} KiB, peak ${peak} KiB"
if [ "$last" -gt $((warm * 12 / 10)) ]; then echo "soak FAILED: memory grew"; exit 1; fi
echo "soak: OK (flat memory)"

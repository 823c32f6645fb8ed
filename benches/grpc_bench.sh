#!/usr/bin/env bash
# gRPC figures for BENCHMARKS.md: start-up, throughput and latency at several
# concurrency levels and document sizes, per-core batch throughput, p99 at
# half of the maximum rate, peak RSS. Needs a release build.
# Usage: benches/grpc_bench.sh [path/to/tifa]   (DURATION=8 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${CARGO_TARGET_DIR:-target}/release/tifa}
D=${DURATION:-8}
PORT=50594
ADDR=http://127.0.0.1:$PORT

start() {  # start [env...]: server in the background, waits for SERVING
  env TIFA_SERVER__LISTEN=127.0.0.1:$PORT TIFA_METRICS__LISTEN=127.0.0.1:$((PORT + 1)) TIFA_LOG__LEVEL=info "$@" \
    taskset -c "${SERVER_CPUS:-0,1}" "$BIN" >/tmp/grpc-bench-server.log 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do grep -q "serving" /tmp/grpc-bench-server.log && return; sleep 0.05; done
  echo "server did not start" >&2; exit 1
}
stop() { kill -TERM "$SERVER"; wait "$SERVER" || true; }
load() { taskset -c "${LOAD_CPUS:-0,1}" "$BIN" bench --addr "$ADDR" --duration "$D" "$@"; }
peak_rss() { curl -s 127.0.0.1:$((PORT + 1))/metrics | awk '/^process_resident_memory_peak_bytes/ {printf "%.0f MiB\n", $2 / 1048576}'; }

echo "## start-up to SERVING (server log, 5 runs)"
for _ in 1 2 3 4 5; do start; grep -o 'startup_ms=[0-9]*' /tmp/grpc-bench-server.log; stop; done

echo "## one core: server on CPU 0 with 1 worker, load tool on CPU 1"
SERVER_CPUS=0 start TIFA_CONCURRENCY__WORKERS=1
LOAD_CPUS=1 load --mode batch --concurrency 2 --batch-size 16 --doc-chars 5000
LOAD_CPUS=1 load --mode annotate --concurrency 2 --doc-chars 5000
stop

echo "## both cores shared by server (2 workers) and load tool"
start
for size in 1000 5000 50000; do
  for c in 1 2 4 8; do
    load --mode annotate --concurrency $c --doc-chars $size
  done
done
load --mode batch --concurrency 2 --batch-size 16 --doc-chars 5000
load --mode stream --concurrency 2 --doc-chars 5000
echo "peak RSS after the runs above: $(peak_rss)"
stop

echo "## p99 of single 5k Annotate calls at half of the maximum rate (one core as above)"
SERVER_CPUS=0 start TIFA_CONCURRENCY__WORKERS=1
max=$(LOAD_CPUS=1 load --mode annotate --concurrency 4 --doc-chars 5000 | tee /dev/stderr | awk '/^calls/ {gsub(/[(\/s)]/, "", $3); print $3}')
half=$(python3 -c "print(round($max / 2, 1))")
echo "max ${max} calls/s; now at ${half} calls/s"
LOAD_CPUS=1 load --mode annotate --concurrency 4 --doc-chars 5000 --rate "$half"
stop

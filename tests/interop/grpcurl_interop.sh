#!/usr/bin/env bash
# Interoperability: a client not written in Rust (grpcurl, Go) calls the release
# binary using server reflection only — no .proto file.
# Usage: tests/interop/grpcurl_interop.sh [path/to/tifa]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-target/release/tifa}
PORT=${TIFA_INTEROP_PORT:-50591}
ADDR=127.0.0.1:$PORT
ARTICLE=tests/fixtures/articles/000_6e77a8c39b008b8e.txt
LOG=$(mktemp)
fail() { echo "interop FAILED: $*" >&2; echo "--- server log" >&2; cat "$LOG" >&2; exit 1; }

METRICS=127.0.0.1:$((PORT + 1))
TIFA_SERVER__LISTEN=$ADDR TIFA_METRICS__LISTEN=$METRICS "$BIN" >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT

for _ in $(seq 1 100); do
  if grpcurl -plaintext "$ADDR" grpc.health.v1.Health/Check 2>/dev/null | grep -q SERVING; then break; fi
  sleep 0.1
done
grpcurl -plaintext "$ADDR" grpc.health.v1.Health/Check | grep -q '"SERVING"' || fail "health never turned SERVING"

grpcurl -plaintext "$ADDR" list | grep -qx tifa.v1.AnnotationService || fail "reflection does not list the service"
grpcurl -plaintext "$ADDR" describe tifa.v1.AnnotateRequest | grep -q offset_encoding || fail "describe"

# Annotate the article; the request JSON is built by python to escape the text.
python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1]).read(), "offset_encoding": "OFFSET_ENCODING_UTF16", "id": "000"}))' "$ARTICLE" \
  | grpcurl -plaintext -d @ "$ADDR" tifa.v1.AnnotationService/Annotate > /tmp/tifa-interop.json || fail "Annotate"
python3 - "$ARTICLE" /tmp/tifa-interop.json <<'PY' || fail "Annotate response"
import json, sys
text = open(sys.argv[1]).read()
r = json.load(open(sys.argv[2]))
assert r["id"] == "000" and r["offsetEncoding"] == "OFFSET_ENCODING_UTF16"
units = text.encode("utf-16-le")
def sl(s, e): return units[2 * s:2 * e].decode("utf-16-le")
assert r["tokens"], "no tokens"
for t in r["tokens"]:
    assert sl(t.get("start", 0), t["end"]) == t["text"], t
phrases = r.get("policyPhrases", [])
assert any(p["canonical"] == "国际科技创新中心" for p in phrases), "policy phrase missing"
for p in phrases:
    assert sl(p.get("start", 0), p["end"]) == p["text"], p
print(f"interop: {len(r['tokens'])} tokens, {len(phrases)} policy phrases, spans slice back in UTF-16")
PY

# A bad request gets INVALID_ARGUMENT naming the field.
out=$(grpcurl -plaintext -d '{"text": ""}' "$ADDR" tifa.v1.AnnotationService/Annotate 2>&1 || true)
echo "$out" | grep -q InvalidArgument || fail "empty text: $out"
echo "$out" | grep -q 'text' || fail "empty text does not name the field: $out"

grpcurl -plaintext -d '{}' "$ADDR" tifa.v1.AnnotationService/GetServiceInfo | grep -q engineVersion || fail "GetServiceInfo"

# Metrics: valid Prometheus text exposition (parsed by the reference client library).
python3 - "$METRICS" <<'PY' || fail "metrics"
import sys, urllib.request
from prometheus_client.parser import text_string_to_metric_families
body = urllib.request.urlopen(f"http://{sys.argv[1]}/metrics", timeout=5).read().decode()
families = {f.name: f for f in text_string_to_metric_families(body)}
requests = families["tifa_requests"]
codes = {(s.labels["method"], s.labels["code"]) for s in requests.samples}
assert ("Annotate", "OK") in codes and ("Annotate", "INVALID_ARGUMENT") in codes, codes
assert "tifa_request_duration_seconds" in families and "tifa_build_info" in families
print(f"interop: /metrics parses: {len(families)} metric families")
PY

# SIGTERM: the process drains and exits 0.
kill -TERM $PID
for _ in $(seq 1 100); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
kill -0 $PID 2>/dev/null && fail "still running 10 s after SIGTERM"
wait $PID || fail "exit status $? after SIGTERM"
trap - EXIT
echo "interop: OK"

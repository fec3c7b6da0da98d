#!/usr/bin/env bash
# Whole-server monitoring benchmark: HTTP ingest throughput (JSON batches and OsmAnd), position →
# incident latency on the operator's WebSocket at a paced rate, /healthz as a same-run baseline,
# and server memory per monitored device.
#
#   EQ_BIN=build/equidad bench/monitoring/ingest.sh
#   ORDERS=2000 DURATION=10 CONNS=16 BATCH=50 RATE=5000 LAT_BATCH=10 SOS=0.01 THREADS=4 bench/monitoring/ingest.sh
#   BENCH_PERF=1 bench/monitoring/ingest.sh     # also `perf record -g` of the server during the batch phase
#
# Builds nothing (uses $EQ_BIN). Starts `equidad serve --demo --threads 4 --no-access-log` on a fresh
# SQLite file in a temporary folder, on a free 127.0.0.1 port; bench/monitoring/load.mjs logs in as the
# operator (TOTP from the demo secret), registers ORDERS orders × (1 zone + 3 devices) through the API
# and runs the phases (see load.mjs). Prints a JSON report on stdout; everything it starts is stopped
# on exit and the folder removed.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${EQ_BIN:-$REPO/build/equidad}
ORDERS=${ORDERS:-2000}
DURATION=${DURATION:-10}
CONNS=${CONNS:-16}
BATCH=${BATCH:-50}
RATE=${RATE:-5000}
LAT_BATCH=${LAT_BATCH:-10}
SOS=${SOS:-0.01}
THREADS=${THREADS:-4}
PHASES=${PHASES:-register,healthz,batch,osmand,latency}

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "server binary not found: $BIN (build it, or set EQ_BIN)"
command -v node >/dev/null || die "node not found"

TMP=$(mktemp -d /tmp/equidad-monbench.XXXXXX)
SERVER_PID=""
PERF_PID=""
cleanup() {
  [ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null && wait "$PERF_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

mkdir -p "$TMP/web" "$TMP/db"
"$BIN" serve --db "sqlite:$TMP/db/bench.db" --port 0 --threads "$THREADS" --no-access-log --demo --web "$TMP/web" \
  >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!
for _ in $(seq 1 600); do
  grep -q 'Equidad escuchando en' "$TMP/server.err" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.err" >&2; die "server exited"; }
  sleep 0.1
done
BASE=$(grep -o 'Equidad escuchando en http://[^/ ]*' "$TMP/server.err" | head -1 | sed 's/.* //')
[ -n "$BASE" ] || die "server did not start: $(cat "$TMP/server.err")"
echo "bench: server $BASE (pid $SERVER_PID), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

if [ "${BENCH_PERF:-0}" = 1 ]; then
  # Sampled during the batch phase only: start it when load.mjs says so.
  PERF_OUT=${BENCH_PERF_OUT:-/tmp/equidad-monbench-perf.txt}
  ( while ! grep -q '^.* batch$' "$TMP/load.err" 2>/dev/null; do sleep 0.2; done
    exec perf record -g -F 499 -p "$SERVER_PID" -o "$TMP/perf.data" -- sleep "$DURATION" ) >/dev/null 2>&1 &
  PERF_PID=$!
fi

node "$REPO/bench/monitoring/load.mjs" --base "$BASE" --pid "$SERVER_PID" --orders "$ORDERS" --duration "$DURATION" \
  --conns "$CONNS" --batch "$BATCH" --rate "$RATE" --lat-batch "$LAT_BATCH" --sos "$SOS" --phases "$PHASES" 2> >(tee "$TMP/load.err" >&2)

if [ -n "$PERF_PID" ]; then
  wait "$PERF_PID" 2>/dev/null || true
  PERF_PID=""
  perf report -i "$TMP/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null | head -80 >"$PERF_OUT" || true
  echo "bench: perf report in $PERF_OUT" >&2
fi

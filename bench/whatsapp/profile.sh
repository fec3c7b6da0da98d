#!/usr/bin/env bash
# perf profile of the server under the webhook load (SQLite, a tenth of the target by default):
#   bench/whatsapp/profile.sh [BINARY=build/equidad] [OUT=perf.data] [MSG_PER_S=100] [STATUS_PER_S=300] [SECONDS=10]
#   perf report -i perf.data --no-children -g none --sort dso --stdio      # then --sort symbol
# The server is sampled at 499 Hz with call chains (perf record -g); RelWithDebInfo has no frame
# pointers, so the chains are shallow: read the flat profile.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/equidad}
OUT=${2:-perf.data}
dir=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; rm -rf "$dir"; }
trap cleanup EXIT
EQ_CHANNELS_HOURS=24/7 EQ_WHATSAPP_APP_SECRET=bench-app-secret "$BIN" serve --demo --db "sqlite:$dir/wa.db" --port 0 --no-access-log \
  --keys "$dir/equidad.key" --web "$dir" 2>"$dir/err" &
pid=$!
for _ in $(seq 1 240); do grep -q "escuchando en" "$dir/err" && break; sleep 0.5; done
port=$(grep -o "escuchando en http://[^/]*" "$dir/err" | sed 's/.*://')
[ -n "$port" ] || { cat "$dir/err" >&2; exit 1; }
sleep "${BENCH_SETTLE:-10}"  # the demo's background preload
perf record -F 499 -g -p "$pid" -o "$OUT" -- sleep $(( ${5:-10} + 12 )) 2>/dev/null &
perf_pid=$!
BENCH_SERVER_PID=$pid node bench/whatsapp/load.mjs "http://127.0.0.1:$port" bench-app-secret "${3:-100}" "${4:-300}" "${5:-10}" 2000
wait "$perf_pid" || true

#!/usr/bin/env bash
# The WhatsApp webhook at Meta's upper throughput tier (issue 14, "Performance and reliability"):
# 1.000 inbound messages + 3.000 statuses a second, every POST signed with the app secret; target
# 200 with p99 <= 250 ms. Starts the server (SQLite in a temporary folder by default, demo data, the
# queue open 24/7, no access log), runs bench/whatsapp/load.mjs against it, then the same rate of
# GET /healthz as a same-run baseline, and prints a markdown report. Usage:
#   bench/whatsapp/run.sh [MSG_PER_S=1000] [STATUS_PER_S=3000] [SECONDS=20] [USERS=2000]
#   EQ_BENCH_DB=postgresql://… bench/whatsapp/run.sh          # against PostgreSQL (an empty database)
#   EQ_BIN=… BENCH_THREADS=4 bench/whatsapp/run.sh            # another binary, server worker threads
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${EQ_BIN:-build/equidad}
[ -x "$BIN" ] || { echo "server binary not found: $BIN (build it, or set EQ_BIN)" >&2; exit 1; }
dir=$(mktemp -d)
DB=${EQ_BENCH_DB:-sqlite:$dir/wa.db}
threads=()
[ -n "${BENCH_THREADS:-}" ] && threads=(--threads "$BENCH_THREADS")
EQ_CHANNELS_HOURS=24/7 EQ_WHATSAPP_APP_SECRET=bench-app-secret "$BIN" serve --demo --db "$DB" --port 0 --no-access-log \
  --keys "$dir/equidad.key" --web "$dir" "${threads[@]}" 2>"$dir/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do grep -q "escuchando en" "$dir/err" && break; sleep 0.5; done
port=$(grep -o "escuchando en http://[^/]*" "$dir/err" | sed 's/.*://')
[ -n "$port" ] || { cat "$dir/err" >&2; exit 1; }
sleep ${BENCH_SETTLE:-10}  # the demo's background preload
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD 2>/dev/null || true) $BIN on ${DB%%:*}, $(nproc) CPUs"
BENCH_SERVER_PID=$pid node bench/whatsapp/load.mjs "http://127.0.0.1:$port" bench-app-secret "${1:-1000}" "${2:-3000}" "${3:-20}" "${4:-2000}"
grep -E "slow transaction|could not begin" "$dir/err" | head -5 | sed 's/^/# server: /' || true

#!/usr/bin/env bash
# The WhatsApp webhook at Meta's upper throughput tier (issue 14, "Performance and reliability"):
# 1.000 inbound messages + 3.000 statuses a second, every POST signed with the app secret; target
# 200 with p99 <= 250 ms. For each binary: starts a server (SQLite in a temporary folder by default,
# demo data, the queue open 24/7, no access log), runs bench/whatsapp/load.mjs against it, then the
# same rate of GET /healthz as a same-run baseline, and prints a markdown report with the server's
# CPU per request (load-independent: the figure to compare on a shared machine). Usage:
#   bench/whatsapp/run.sh [MSG_PER_S=1000] [STATUS_PER_S=3000] [SECONDS=20] [USERS=2000]
#   EQ_BENCH_DB=postgresql://… bench/whatsapp/run.sh          # against PostgreSQL (an empty database;
#                                                              # with EQ_BIN_B it is used by both runs, one after the other)
#   EQ_BENCH_PG=1 bench/whatsapp/run.sh                        # PostgreSQL: a fresh database per run from scripts/pg.sh
#   EQ_BIN_B=/tmp/main/build/equidad bench/whatsapp/run.sh     # same-run A/B: this binary, then another (e.g. main's)
#   EQ_BIN=… BENCH_THREADS=4 bench/whatsapp/run.sh            # another binary, server worker threads
#   BENCH_POOL=8 EQ_BENCH_PG=1 bench/whatsapp/run.sh           # database sessions (PostgreSQL: lanes = min(4, pool − 2))
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${EQ_BIN:-build/equidad}
bins=("$BIN")
[ -n "${EQ_BIN_B:-}" ] && bins+=("$EQ_BIN_B")
for b in "${bins[@]}"; do [ -x "$b" ] || { echo "server binary not found: $b (build it, or set EQ_BIN / EQ_BIN_B)" >&2; exit 1; }; done
threads=()
[ -n "${BENCH_THREADS:-}" ] && threads=(--threads "$BENCH_THREADS")
[ -n "${BENCH_POOL:-}" ] && threads+=(--pool "$BENCH_POOL")
pid=
dir=
cleanup() { [ -n "$pid" ] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }; [ -n "$dir" ] && rm -rf "$dir"; pid=; dir=; }
trap cleanup EXIT
n=0
for b in "${bins[@]}"; do
  n=$((n + 1))
  dir=$(mktemp -d)
  if [ -n "${EQ_BENCH_DB:-}" ]; then DB=$EQ_BENCH_DB
  elif [ -n "${EQ_BENCH_PG:-}" ]; then DB=$(bash scripts/pg.sh "equidad_bench_wa_$$_$n" | tail -1)
  else DB=sqlite:$dir/wa.db; fi
  EQ_CHANNELS_HOURS=24/7 EQ_WHATSAPP_APP_SECRET=bench-app-secret "$b" serve --demo --db "$DB" --port 0 --no-access-log \
    --keys "$dir/equidad.key" --web "$dir" "${threads[@]}" 2>"$dir/err" &
  pid=$!
  for _ in $(seq 1 240); do grep -q "escuchando en" "$dir/err" && break; sleep 0.5; done
  port=$(grep -o "escuchando en http://[^/]*" "$dir/err" | sed 's/.*://')
  [ -n "$port" ] || { cat "$dir/err" >&2; exit 1; }
  sleep "${BENCH_SETTLE:-10}"  # the demo's background preload
  echo
  echo "## run $n: $b ($(git -C "$(dirname "$b")" rev-parse --short HEAD 2>/dev/null || echo '?')) on ${DB%%:*}, $(date -u +%FT%TZ), $(nproc) CPUs"
  # The backlog (accepted, not processed yet): the server logs it once a second while there is one
  # (a binary that answers only after processing logs nothing: its backlog is its answers' wait).
  BENCH_PG_DB=$([[ $DB == postgresql* ]] && echo "${DB##*/}" || true) \
  BENCH_SERVER_LOG=$dir/err BENCH_SERVER_PID=$pid node bench/whatsapp/load.mjs "http://127.0.0.1:$port" bench-app-secret "${1:-1000}" "${2:-3000}" "${3:-20}" "${4:-2000}"
  grep -E "slow transaction|could not begin" "$dir/err" | head -5 | sed 's/^/# server: /' || true
  cleanup
done

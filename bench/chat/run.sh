#!/usr/bin/env bash
# The silent chat under load, in one command: N women and enough operators (each with CHATS seats)
# over real WebSockets and the REAL operator queue. For each run it starts a throw-away server
# (SQLite in a temporary directory, demo data without the channel history, the queue open 24/7),
# creates and signs in the operators in THAT database only (bench/chat/operators.mjs, through the
# admin API; TOTP enrolled with the secret the server hands out), runs bench/chat/load.cc and
# prints its report with the load average before and after. With BASELINE=1 (default) a small
# same-run baseline (100 women, 25 operators) runs first on its own server.
#
#   bench/chat/run.sh [SESSIONS=2000] [SECONDS=30] [INTERVAL_MS=10000] [REPLIES_PER_S=50] [CHATS=4]
#   BASELINE=0 bench/chat/run.sh 200 10      # a quick run without the baseline
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${EQ_BIN:-build/equidad}
LOAD=${EQ_CHAT_LOAD:-build/chat_load}
[ -x "$LOAD" ] || g++ -O2 -std=c++20 bench/chat/load.cc -o "$LOAD" -lpthread

one_run() {  # sessions seconds interval_ms replies_per_s chats
  local sessions=$1 seconds=$2 interval=$3 replies=$4 chats=$5
  # One operator more than the seats strictly need: the demo's own waiting chat takes a seat.
  local operators=$(((sessions + chats - 1) / chats + 1))
  local dir pid port
  dir=$(mktemp -d)
  EQ_CHANNELS_HOURS=24/7 EQ_DEMO_CHANNEL_HISTORY=0 "$BIN" serve --demo --db "sqlite:$dir/chat.db" --port 0 --no-access-log --web "$dir" 2>"$dir/err" &
  pid=$!
  # shellcheck disable=SC2064
  trap "kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf '$dir'" EXIT
  for _ in $(seq 1 240); do grep -q "escuchando en" "$dir/err" && break; sleep 0.5; done
  port=$(grep -o "escuchando en http://[^/]*" "$dir/err" | sed 's/.*://')
  echo "== $sessions women, $operators operators × $chats chats, ${seconds} s, a message every ${interval} ms, $replies answers/s"
  EQ_BASE="http://127.0.0.1:$port" node bench/chat/operators.mjs "$operators" >"$dir/operators.tsv"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$LOAD" "$port" "$dir/operators.tsv" "$sessions" "$seconds" "$interval" "$replies" "$chats"
  echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  trap - EXIT
}

if [ "${BASELINE:-1}" = 1 ]; then one_run 100 "${2:-30}" "${3:-10000}" 5 4; fi
one_run "${1:-2000}" "${2:-30}" "${3:-10000}" "${4:-50}" "${5:-4}"

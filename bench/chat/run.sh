#!/usr/bin/env bash
# The silent chat under load: 2.000 women and 500 operators' panes over real WebSockets.
# Starts the server (SQLite, demo data, the real operator queue at 24/7 hours), signs in the demo
# operator, runs bench/chat/load.cc and prints its report. Usage:
#   bench/chat/run.sh [SESSIONS=2000] [SECONDS=30] [INTERVAL_MS=10000] [REPLIES_PER_S=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${EQ_BIN:-build/equidad}
LOAD=build/chat_load
[ -x "$LOAD" ] || g++ -O2 -std=c++20 bench/chat/load.cc -o "$LOAD" -lpthread
dir=$(mktemp -d)
EQ_CHANNELS_HOURS=24/7 "$BIN" serve --demo --db "sqlite:$dir/chat.db" --port 0 --no-access-log --web "$dir" 2>"$dir/err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do grep -q "escuchando en" "$dir/err" && break; sleep 0.5; done
port=$(grep -o "escuchando en http://[^/]*" "$dir/err" | sed 's/.*://')
read -r cookie csrf ua < <(EQ_BASE="http://127.0.0.1:$port" node --input-type=module -e "
import { login } from './tests/integration/auth_helpers.mjs';
const c = await login({ baseUrl: process.env.EQ_BASE }, 'operador@equidad.demo', { address: '127.0.0.1' });
console.log(c.cookie, c.csrf, encodeURIComponent(c.ua));")
"$LOAD" "$port" "$cookie" "$csrf" "$(node -e "console.log(decodeURIComponent(process.argv[1]))" "$ua")" "${1:-2000}" "${2:-30}" "${3:-10000}" "${4:-50}"

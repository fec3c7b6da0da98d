#!/usr/bin/env bash
# HTTP throughput of the Equidad server against nginx serving a static file, on this machine.
#
#   bench/http/run.sh            # uses build/equidad
#   EQ_BIN=build-it/equidad BENCH_DURATION=10s bench/http/run.sh
#
# Installs nothing: needs wrk and nginx (Debian packages wrk, nginx-light) and curl. Starts the
# server (SQLite in a temporary folder, demo data when `serve --demo` or `equidad demo` exists, no access log,
# 2 threads) and an nginx on a loopback port serving a copy of the server's own
# /api/v1/territory/regions answer as a static JSON file (same bytes over the wire), then runs
#   wrk -t2 -c32 -d10s --latency
# against nginx static, the server's /healthz, and /api/v1/territory/regions (reads the database).
# Prints a markdown report (command, date, machine, table with ratios vs nginx) on stdout.
# BENCH_PERF=1 also samples the server with `perf record --call-graph dwarf` during the JSON run
# and writes the inclusive-time report to $BENCH_PERF_OUT (default /tmp/equidad-bench-perf.txt).
# (That run is then slower: compare its figures with a run without BENCH_PERF.)
# Everything it starts is stopped on exit; all traffic stays on 127.0.0.1.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${EQ_BIN:-$REPO/build/equidad}
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
SERVER_THREADS=${BENCH_SERVER_THREADS:-2}

die() { echo "bench: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"
NGINX=$(command -v nginx || true)
[ -z "$NGINX" ] && [ -x /usr/sbin/nginx ] && NGINX=/usr/sbin/nginx
[ -n "$NGINX" ] || die "nginx not found (apt-get install nginx-light)"
command -v curl >/dev/null || die "curl not found (apt-get install curl)"
[ -x "$BIN" ] || die "server binary not found: $BIN (build it, or set EQ_BIN)"

TMP=$(mktemp -d /tmp/equidad-bench.XXXXXX)
chmod 755 "$TMP"  # nginx workers may run as another user
SERVER_PID=""
NGINX_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
  local p
  for p in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  die "no free port found"
}

# --- the server --------------------------------------------------------------------------------
DB="sqlite:$TMP/db/bench.db"
mkdir -p "$TMP/web"  # an empty web folder: only the API is served
DEMO="no"
DEMO_ARGS=()
if "$BIN" serve --help 2>&1 | grep -q -- '--demo'; then
  DEMO_ARGS=(--demo) DEMO="yes"  # loaded by the serving process itself
elif "$BIN" --help 2>&1 | grep -qE '^\s+demo\b'; then
  "$BIN" demo --db "$DB" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "equidad demo failed"; }
  DEMO="yes"
fi
"$BIN" serve --db "$DB" --port 0 --threads "$SERVER_THREADS" --no-access-log --web "$TMP/web" "${DEMO_ARGS[@]}" 2>"$TMP/server.log" &
SERVER_PID=$!
SERVER_PORT=""
for _ in $(seq 1 300); do
  SERVER_PORT=$(sed -n 's|.*Equidad escuchando en http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$TMP/server.log" | head -n 1)
  [ -n "$SERVER_PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; die "server exited"; }
  sleep 0.1
done
[ -n "$SERVER_PORT" ] || { cat "$TMP/server.log" >&2; die "server did not start"; }
SERVER="http://127.0.0.1:$SERVER_PORT"

# --- nginx, serving the same JSON as a static file -----------------------------------------------
mkdir -p "$TMP/www" "$TMP/nginx-temp"
curl -fsS "$SERVER/api/v1/territory/regions" -o "$TMP/www/regions.json" || die "could not fetch regions from the server"
chmod 644 "$TMP/www/regions.json"
NGINX_PORT=$(free_port)
cat >"$TMP/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $TMP/nginx.pid;
error_log $TMP/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/json json; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $TMP/nginx-temp/body;
  proxy_temp_path $TMP/nginx-temp/proxy;
  fastcgi_temp_path $TMP/nginx-temp/fastcgi;
  uwsgi_temp_path $TMP/nginx-temp/uwsgi;
  scgi_temp_path $TMP/nginx-temp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $TMP/www;
  }
}
EOF
"$NGINX" -p "$TMP" -e "$TMP/nginx-error.log" -c "$TMP/nginx.conf" &
NGINX_PID=$!
NGINX_URL="http://127.0.0.1:$NGINX_PORT/regions.json"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$NGINX_URL" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$NGINX_URL" || { cat "$TMP/nginx-error.log" >&2; die "nginx did not start"; }
curl -fsS -o /dev/null "$SERVER/healthz" || die "server /healthz failed"

# --- runs ----------------------------------------------------------------------------------------
# to_ms VALUE: wrk prints latencies as 812.00us, 1.23ms or 1.05s.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.2f", n }'
}

declare -A RPS P99 NOTES
run() {  # run NAME URL
  local name=$1 url=$2 out
  out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  echo "$out" >"$TMP/wrk-$name.txt"
  RPS[$name]=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  P99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  local notes=""
  notes+=$(awk '/Non-2xx or 3xx responses/ {printf "%s non-2xx; ", $NF}' <<<"$out")
  notes+=$(awk '/Socket errors/ {sub(/^ *Socket errors: */, ""); printf "socket errors: %s; ", $0}' <<<"$out")
  NOTES[$name]=${notes%; }
  [ -n "${RPS[$name]}" ] || { echo "$out" >&2; die "could not parse wrk output for $name"; }
}
run nginx "$NGINX_URL"
run healthz "$SERVER/healthz"
PERF_PID=""
if [ "${BENCH_PERF:-0}" = 1 ]; then
  command -v perf >/dev/null || die "BENCH_PERF=1 needs perf (apt-get install linux-perf)"
  (sleep 2; perf record -q -F 299 --call-graph dwarf,16384 -p "$SERVER_PID" -o "$TMP/perf.data" -- sleep 4 >/dev/null 2>&1) &
  PERF_PID=$!
fi
run regions "$SERVER/api/v1/territory/regions"
if [ -n "$PERF_PID" ]; then
  wait "$PERF_PID" || true
  PERF_OUT=${BENCH_PERF_OUT:-/tmp/equidad-bench-perf.txt}
  perf report -i "$TMP/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | cut -c1-200 >"$PERF_OUT" || true
  echo "bench: profile of the JSON run written to $PERF_OUT" >&2
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# --- report --------------------------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
BYTES=$(wc -c <"$TMP/www/regions.json")
echo "### $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- command: \`EQ_BIN=${EQ_BIN:-build/equidad} bench/http/run.sh\` (wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency)"
echo "- machine: $(nproc) cores, ${CPU:-unknown CPU}, $(uname -sr); wrk, nginx and the server share these cores"
echo "- server: $("$BIN" version 2>/dev/null || echo equidad), --threads $SERVER_THREADS, SQLite, demo data: $DEMO, no access log"
echo "- nginx: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), worker_processes 2, access_log off, static copy of the regions answer ($BYTES bytes)"
echo
echo "| target | URL | requests/s | p99 latency (ms) | requests/s vs nginx | notes |"
echo "| --- | --- | ---: | ---: | ---: | --- |"
row() { echo "| $1 | \`$2\` | ${RPS[$3]} | ${P99[$3]} | $(ratio "${RPS[$3]}" "${RPS[nginx]}") | ${NOTES[$3]} |"; }
row "nginx static file" "/regions.json" nginx
row "equidad /healthz" "/healthz" healthz
row "equidad JSON (database)" "/api/v1/territory/regions" regions
echo
R=$(ratio "${RPS[regions]}" "${RPS[nginx]}")
if awk -v r="$R" 'BEGIN { exit !(r >= 0.5) }'; then
  echo "Target (JSON endpoint ≥ 0.5 × nginx static requests/s): **met** ($R×)."
else
  echo "Target (JSON endpoint ≥ 0.5 × nginx static requests/s): **not met** ($R×)."
fi

#!/usr/bin/env bash
# Finding a place over real HTTP (issue 17): POST /api/v1/care/search p50/p99 on SQLite and/or
# PostgreSQL, with the data set of bench/care_find_bench.cc (the demo network — 44 shelters × 3 unit
# types, 111 centres, 3 CAVAS — plus 5 years of daily capacity snapshots and of placements per
# shelter, loaded with the same SQL), and a same-run baseline (GET /healthz, timed the same way).
#
#   bench/care/http.sh [sqlite|postgresql|both] [iterations]      # default: both 1000
#   EQ_BIN=build/equidad bench/care/http.sh sqlite 2000
#
# Needs node, sqlite3 and psql (Debian packages), and for PostgreSQL scripts/pg.sh (Debian's
# PostgreSQL 15 on loopback, database equidad_bench_care_http, recreated each run). Prints one
# markdown table row per database; everything it starts is stopped on exit.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${EQ_BIN:-$REPO/build/equidad}
WHICH=${1:-both}
N=${2:-1000}
[ -x "$BIN" ] || { echo "bench: server binary not found: $BIN" >&2; exit 1; }
TMP=$(mktemp -d /tmp/equidad-care-http.XXXXXX)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$TMP/web"

start() {  # start URL [--demo]; sets BASE (the server picks a free port and says it on stderr)
  : >"$TMP/server.log"
  EQ_DEMO_CHANNEL_HISTORY=0 "$BIN" serve --db "$1" --keys "$TMP/keys" --port 0 --no-access-log --web "$TMP/web" ${2:-} \
    >"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  BASE=""
  for _ in $(seq 1 1200); do
    BASE=$(grep -o 'Equidad escuchando en http://[^ /]*' "$TMP/server.log" | head -n 1 | sed 's/Equidad escuchando en //' || true)
    [ -n "$BASE" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/server.log" >&2; exit 1; }
    sleep 0.25
  done
  echo "bench: the server did not start" >&2; exit 1
}
stop() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

# 5 years of daily snapshots (3 unit types) and 73 placements a year per shelter, ending yesterday;
# the demo's own recent snapshots are kept (ON CONFLICT). Same statements as care_find_bench.cc.
history_sql() {
  local now_ms=$(( $(date +%s) * 1000 )) day=86400000 hour=3600000
  local today=$(( (now_ms - 4 * hour) / day ))
  cat <<SQL
INSERT INTO care_snapshots(day, place_id, unit_type, places, occupied, blocked)
WITH RECURSIVE d(x) AS (SELECT $((today - 365 * 5)) UNION ALL SELECT x + 1 FROM d WHERE x < $((today - 1)))
SELECT x, p.id, u.t, 6, x % 7, 0 FROM d, care_places p,
  (SELECT 'mujer_sola' AS t UNION ALL SELECT 'mujer_con_hijos' UNION ALL SELECT 'accesible') u
WHERE p.kind = 'casa' ON CONFLICT DO NOTHING;
INSERT INTO care_placements(place_id, unit_type, from_institution_id, from_user_id, woman_age, children_ages,
  aggressor_comuna_id, exclude_neighbours, state, offered_at, answer_due_at, answered_at, entered_at, exited_at, exit_destination)
WITH RECURSIVE d(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM d WHERE x < 365)
SELECT p.id, 'mujer_con_hijos', 1, 1, 30, '[3]', '13101', 1, 'egresada',
  $now_ms - (CAST(x AS BIGINT) + 40) * 5 * $day, $now_ms - (CAST(x AS BIGINT) + 40) * 5 * $day + 4 * $hour,
  $now_ms - (CAST(x AS BIGINT) + 40) * 5 * $day, $now_ms - (CAST(x AS BIGINT) + 40) * 5 * $day,
  $now_ms - (CAST(x AS BIGINT) + 8) * 5 * $day, 'red_familiar'
FROM d, care_places p WHERE p.kind = 'casa';
ANALYZE care_places; ANALYZE care_units; ANALYZE care_placements; ANALYZE care_snapshots;
SQL
}

run() {  # run sqlite|postgresql
  local url sql_cli count_cli
  if [ "$1" = sqlite ]; then
    url="sqlite:$TMP/care.db"
    sql_cli=(sqlite3 -bail "$TMP/care.db")
    count_cli=(sqlite3 -noheader -list "$TMP/care.db")
  else
    url=$(bash "$REPO/scripts/pg.sh" equidad_bench_care_http)
    sql_cli=(psql -q -v ON_ERROR_STOP=1 "$url")
    count_cli=(psql -A -t "$url")
  fi
  start "$url" --demo   # migrations and the demo network, then stopped
  stop
  history_sql | "${sql_cli[@]}" >/dev/null
  local counts
  counts=$(echo "SELECT (SELECT COUNT(*) FROM care_snapshots) || ' / ' || (SELECT COUNT(*) FROM care_placements);" | "${count_cli[@]}")
  start "$url"
  local out
  out=$(node "$REPO/bench/care/http_load.mjs" "$BASE" "$N")
  stop
  node -e '
    const o = JSON.parse(process.argv[1]);
    const f = (v) => String(v).replace(".", ",");
    console.log(`| ${process.argv[2]} | ${process.argv[3]} | ${o.iterations} | ${o.houses_found} | ${f(o.search_p50_ms)} | ${f(o.search_p99_ms)} | ${f(o.baseline_p50_ms)} | ${f(o.baseline_p99_ms)} | ${f(o.load_avg_start)}–${f(o.load_avg_end)} |`);
  ' "$out" "$1" "$counts"
}

echo "| database | snapshots / placements | requests | houses found | search p50 ms | search p99 ms | /healthz p50 ms | /healthz p99 ms | load avg |"
echo "|---|---|---|---|---|---|---|---|---|"
case "$WHICH" in
  sqlite|postgresql) run "$WHICH" ;;
  both) run sqlite; run postgresql ;;
  *) echo "usage: $0 [sqlite|postgresql|both] [iterations]" >&2; exit 2 ;;
esac

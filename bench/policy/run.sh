#!/usr/bin/env bash
# Policy roll-up benchmark (issue 4): 1.6 M validated reports on SQLite and PostgreSQL, with the PMG
# data and its review workflow (issue 15: 10 PMG years × 300 services, 8,700 filings).
#   BUILD=build bench/policy/run.sh [sqlite|postgresql|both]
#   BENCH_PG_URL=postgresql://equidad:equidad@127.0.0.1:5432/equidad_bench_policy … # reuse a loaded PG database
# Builds bench/policy/rollup_bench.cc against $BUILD/libequidad_lib.a (same flags as the server),
# loads the data set once per backend (kept in var/bench-policy.db / database equidad_bench_policy),
# prints in-process timings, then starts `equidad serve` on it and times the public endpoints over
# HTTP with curl (median of 20, after 3 warm-up requests).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WHICH=${1:-both}
OUT=$BUILD/rollup_bench
if [[ ! -x $OUT || bench/policy/rollup_bench.cc -nt $OUT || $BUILD/libequidad_lib.a -nt $OUT ]]; then
  CXXFLAGS="-std=c++20 -O2 -DNDEBUG -Isrc -I/usr/include/soci -I/usr/include/postgresql -DBOOST_BEAST_USE_STD_STRING_VIEW"
  LINK=$(sed -e 's/^[^ ]* //' -e 's/ -o equidad / -o rollup_bench /' -e 's#CMakeFiles/equidad.dir/[^ ]*main.cc.o#rollup_bench.o#' \
    "$BUILD/CMakeFiles/equidad.dir/link.txt")
  (cd "$BUILD" && c++ $CXXFLAGS -I"$OLDPWD/src" -c "$OLDPWD/bench/policy/rollup_bench.cc" -o rollup_bench.o && c++ $LINK)
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

http_times() { # $1 = db url
  local port=18$((RANDOM % 900 + 100)) pid
  "$BUILD/equidad" serve --db "$1" --port "$port" --no-access-log --threads 2 >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  local leaf axis last
  local pmg
  # The last plan (the PMG instruments, issue 15, come after the 200 plans) and the last PMG year.
  read -r last pmg < <(curl -s "http://127.0.0.1:$port/api/v1/policy/public/instruments" |
    python3 -c 'import json,sys; it=json.load(sys.stdin)["items"]; print([i for i in it if i["kind"]!="pmg"][-1]["id"], [i for i in it if i["kind"]=="pmg"][-1]["id"])')
  read -r axis leaf < <(curl -s "http://127.0.0.1:$port/api/v1/policy/public/instruments/$last" |
    python3 -c 'import json,sys; it=json.load(sys.stdin)["items"]; a=[i for i in it if not i["parent_id"]][0]; l=[i for i in it if i["is_leaf"]][0]; print(a["id"], l["id"])')
  echo "HTTP (curl time_total, median of 20 after 3 warm-up, ms):"
  # /healthz first: the same-run HTTP baseline (no database work), for ratios on a loaded machine.
  for path in /healthz /api/v1/policy/public/instruments "/api/v1/policy/public/rollup?by=instrument" \
    "/api/v1/policy/public/rollup?by=institution" "/api/v1/policy/public/rollup?by=region" \
    "/api/v1/policy/public/instruments/$last" "/api/v1/policy/public/items/$axis" "/api/v1/policy/public/items/$leaf" \
    "/api/v1/policy/public/instruments/$pmg/pmg-workflow"; do
    for _ in 1 2 3; do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done
    t=$(for _ in $(seq 20); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$path"; done | median)
    printf '  %-50s %8.2f\n' "$path" "$(echo "$t * 1000" | bc -l)"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

run() { # $1 = label, $2 = url
  echo "== $1 =="
  if ! "$OUT" time "$2" >/dev/null 2>&1; then
    "$BUILD/equidad" migrate --db "$2" >/dev/null
    /usr/bin/time -f 'load wall %e s, max RSS %M kB' "$OUT" load "$2"
  fi
  "$OUT" time "$2"
  http_times "$2"
}

mkdir -p var
if [[ $WHICH == sqlite || $WHICH == both ]]; then run SQLite "sqlite:var/bench-policy.db"; fi
# BENCH_PG_URL reuses a loaded database (scripts/pg.sh drops and recreates equidad_bench_policy).
if [[ $WHICH == postgresql || $WHICH == both ]]; then run PostgreSQL "${BENCH_PG_URL:-$(bash scripts/pg.sh equidad_bench_policy | tail -1)}"; fi

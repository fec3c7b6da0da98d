#!/usr/bin/env bash
# Gender indicators benchmark (issue 19): 10 years × 5,000 companies on SQLite and PostgreSQL.
#   BUILD=build bench/indicators/run.sh [sqlite|postgresql|both]
# Builds bench/indicators/report_bench.cc against $BUILD/libequidad_lib.a, loads the data set once
# per backend (var/bench-indicators.db / database equidad_bench_indicators), prints in-process
# timings, then starts `equidad serve` on it and times the public pages over HTTP with curl
# (p50 / p99 of 200 requests after 5 warm-up ones).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
WHICH=${1:-both}
OUT=$BUILD/indicators_report_bench
if [[ ! -x $OUT || bench/indicators/report_bench.cc -nt $OUT || $BUILD/libequidad_lib.a -nt $OUT ]]; then
  CXXFLAGS="-std=c++20 -O2 -DNDEBUG -Isrc -I/usr/include/soci -I/usr/include/postgresql -DBOOST_BEAST_USE_STD_STRING_VIEW"
  LINK=$(sed -e 's/^[^ ]* //' -e 's/ -o equidad / -o indicators_report_bench /' \
    -e 's#CMakeFiles/equidad.dir/[^ ]*main.cc.o#indicators_report_bench.o#' "$BUILD/CMakeFiles/equidad.dir/link.txt")
  (cd "$BUILD" && c++ $CXXFLAGS -I"$OLDPWD/src" -c "$OLDPWD/bench/indicators/report_bench.cc" -o indicators_report_bench.o && c++ $LINK)
fi

pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int(NR*p); if (i<1) i=1; print a[i]*1000}'; }

http_times() { # $1 = db url
  local port=18$((RANDOM % 900 + 100)) pid
  "$BUILD/equidad" serve --db "$1" --port "$port" --no-access-log --threads 2 >/dev/null 2>&1 & pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
  echo "HTTP (curl time_total, ms, p50 / p99 of 200 after 5 warm-up):"
  for path in /api/v1/indicators/public/report /api/v1/indicators/public/catalogue; do
    for _ in 1 2 3 4 5; do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done
    local times
    times=$(for _ in $(seq 200); do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$path"; done)
    printf '  %-45s %8.2f / %8.2f\n' "$path" "$(pct 0.5 <<<"$times")" "$(pct 0.99 <<<"$times")"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

bench_db() { # $1 = label, $2 = url; `time` exits 3 on a database without the data set
  echo "== $1 =="
  local rc=0
  "$OUT" time "$2" || rc=$?
  [[ $rc == 0 ]] && { http_times "$2"; return; }
  "$BUILD/equidad" migrate --db "$2" >/dev/null && "$OUT" load "$2" && "$OUT" time "$2" && http_times "$2"
}

mkdir -p var
if [[ $WHICH == sqlite || $WHICH == both ]]; then bench_db SQLite "sqlite:var/bench-indicators.db"; fi
if [[ $WHICH == postgresql || $WHICH == both ]]; then bench_db PostgreSQL "${BENCH_PG_URL:-$(bash scripts/pg.sh equidad_bench_indicators | tail -1)}"; fi

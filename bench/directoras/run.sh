#!/usr/bin/env bash
# Faceted search of the Registro de Directoras over 100.000 profiles, on SQLite and on PostgreSQL,
# in one command (issue 18: p99 ≤ 20 ms with facet counts). Each database gets a throw-away server
# whose demo generates the profiles through the module's own generator; see search.mjs.
#
#   bench/directoras/run.sh [PROFILES=100000] [ROUNDS=30]
#   DBS=sqlite bench/directoras/run.sh 20000 10       # one database, fewer profiles
#   BASE_BIN=/tmp/equidad-main bench/directoras/run.sh  # same-run comparison: per database, the
#                                                       # baseline binary first, then EQ_BIN
#   EQ_BENCH_PERF=/tmp/dir.perf …                       # perf record of the server while it searches
# PostgreSQL: the harness creates its database through scripts/pg.sh (a local server).
set -euo pipefail
cd "$(dirname "$0")/../.."
export EQ_BIN=${EQ_BIN:-$PWD/build/equidad}
echo "== $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for db in ${DBS:-sqlite postgresql}; do
  if [ -n "${BASE_BIN:-}" ]; then
    echo "-- baseline: $BASE_BIN"
    EQ_BIN=$BASE_BIN EQ_TEST_DB=$db node bench/directoras/search.mjs "${1:-100000}" "${2:-30}"
    echo "-- this build: $EQ_BIN"
  fi
  EQ_TEST_DB=$db node bench/directoras/search.mjs "${1:-100000}" "${2:-30}"
done

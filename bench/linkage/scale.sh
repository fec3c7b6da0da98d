#!/usr/bin/env bash
# Issue 21 item 4 in one command: a same-run 1 M baseline, then 10 000 000 records (4 000 000
# persons) linked under /usr/bin/time (wall, peak RSS, pairwise quality, review share), then the
# incremental index at 10 000 000 persons (memory, match() p50/p99). The load average is printed
# before and after each step, because the figures mean little on a machine shared with builds.
# Targets: 10 M linked in <= 120 s with <= 8 GiB peak, precision >= 0,995 and recall >= 0,99;
# index at 10 M persons with p99 match <= 1 ms.
# Usage: bench/linkage/scale.sh [path/to/equidad]   (needs ~3 GiB free in /tmp and ~9 GiB RAM: the
#   10 M link peaks at 5,3 GiB, the 10 M index bench at 8,6 GiB; bench/RESULTS.md, 2026-12-07 15:31)
# Environment: SKIP_BASELINE=1, SKIP_10M=1, SKIP_INDEX=1, INDEX_PERSONS (10000000), QUERIES (20000),
#   SHAPE=extranjera (the foreign generator for the two link steps; quality must hold on both).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-${EQ_BIN:-build/equidad}}
load() { echo "- load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S) UTC"; }

if [ "${SKIP_BASELINE:-0}" != 1 ]; then
  echo "# baseline: 1 000 000 records of 400 000 persons"
  load
  RECORDS=1000000 PERSONS=400000 SKIP_INDEX=1 "$HERE/run.sh" "$BIN"
  load
fi
if [ "${SKIP_10M:-0}" != 1 ]; then
  echo "# 10 000 000 records of 4 000 000 persons"
  load
  RECORDS=10000000 PERSONS=4000000 SKIP_INDEX=1 "$HERE/run.sh" "$BIN"
  load
fi
if [ "${SKIP_INDEX:-0}" != 1 ]; then
  echo "# incremental index: ${INDEX_PERSONS:-10000000} persons"
  load
  "$BIN" synth --persons "${INDEX_PERSONS:-10000000}" --error-rate 0.15 --seed 1 --bench-incremental \
    --queries "${QUERIES:-20000}" --threads 2 | sed 's/^/- /'
  load
fi

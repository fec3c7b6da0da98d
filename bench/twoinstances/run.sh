#!/usr/bin/env bash
# Two `equidad serve` instances on one PostgreSQL vs one (issue 20, "Performance"), in one command:
# durable ingest and p99 position → console latency at RATE positions/s (default 5000) for SECONDS
# (default 20), one instance then two (same run, same machine), and the take-over time after
# SIGKILL of the owner. Prints JSON, a markdown table and the ratios.
#
#   bench/twoinstances/run.sh                    # RATE=5000 SECONDS=20 BATCH=50
#   RATE=2000 SECONDS=10 bench/twoinstances/run.sh
#   PIN=request bench/twoinstances/run.sh        # alternate instances per request (reorders a device)
#   RUNS=10 SECONDS=8 bench/twoinstances/run.sh  # ten of each, alternated: the p99s' median and max
#   INSTANCES=1 RUNS=6 SECONDS=8 bench/twoinstances/run.sh   # one configuration only, six times
#   COPY=wal_log bench/twoinstances/run.sh       # copy the demo as PostgreSQL 15 does by default
#   CHECKPOINT=1 bench/twoinstances/run.sh       # also CHECKPOINT (as postgres) right before each run
#
# Each run starts on a copy of one demo database (made once per invocation, copied with STRATEGY
# FILE_COPY: a checkpoint before and after the copy, so every run starts right after one), and its
# load starts once the servers are idle (start-up work waited out, at most 20 s). Per run,
# what else happened is printed too: the checkpointer's and background writer's counters and the WAL
# written (the whole cluster), the machine's busy / iowait / steal time and the CPU seconds of the
# servers, of their PostgreSQL backends, of the bench and of everything else. Per run, the servers'
# own stage histograms (received → committed → published → queued → written, src/http/stages.h,
# read from the reserved /api/v1/system/metrics) are printed beside the client's latencies.
#
# Reports acknowledged and durable (counted in PostgreSQL) positions/s, p50/p99 position → console
# per path (direct to the owner / queued through the other instance), console messages missing and
# why (stale positions, a console cut off by the server); positions the server rejected (not
# acknowledged) by reason; every acknowledged position looked up in PostgreSQL (missing / twice);
# answer latency and the route's server-side histogram. THREADS=n: the servers' --threads.
# Records: bench/RESULTS.md.
#
# Needs node and Debian's PostgreSQL 15 (scripts/pg.sh makes a fresh database per run).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export EQ_BIN=${EQ_BIN:-$REPO/build/equidad}
export EQ_TEST_DB=postgresql
[ -x "$EQ_BIN" ] || { echo "bench: server binary not found: $EQ_BIN" >&2; exit 1; }
exec node "$REPO/bench/twoinstances/load.mjs"

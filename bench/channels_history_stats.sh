#!/usr/bin/env bash
# Issue 14.3: the cost of GET /api/v1/channels/history/statistics over the demo history (SQLite),
# before (the same statements as before the cache, same run) and after (first request; later ones).
# Usage: bash bench/channels_history_stats.sh   (from the repository's root; builds equidad_bench)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"${JOBS:-2}" --target equidad_bench >/dev/null
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
build/equidad_bench --benchmark_filter='ChannelsHistoryStatistics' --benchmark_counters_tabular=true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

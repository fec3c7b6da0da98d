#!/usr/bin/env bash
# The public account's PDF at the seed's size (issue 16 item 3: ≤ 2 s for ~32.000 words, ~100 pages).
#   BUILD=build bench/account/pdf.sh [runs=5] [out.pdf|""] [tables]
# ("tables": the same document without the seed's prose, the same-run baseline)
#   EQ_SEED_TEXT=/path/to/seed.txt … (default: data/seed/cuenta_publica_2020_2021.txt)
# Builds bench/account/pdf_bench.cc (CMake target account_pdf_bench, not part of "all"), renders
# the seed-sized document `runs` times and prints words, pages, wall and CPU medians.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=$BUILD/account_pdf_bench
cmake --build "$BUILD" -j2 --target account_pdf_bench >/dev/null
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT" "${1:-5}" "${2:-}" "${3:-}"
[[ -n ${3:-} ]] || "$OUT" "${1:-5}" "" tables

#!/usr/bin/env bash
# The public account's PDF at the seed's size (issue 16 item 3: ≤ 2 s for ~32.000 words, ~100 pages).
#   BUILD=build bench/account/pdf.sh [runs=5] [out.pdf|""] [tables]
# ("tables": the same document without the seed's prose, the same-run baseline)
#   EQ_SEED_TEXT=/path/to/000_73b2e1c8a464d3e9.txt … (default: /work/shared/seed/…)
# Builds bench/account/pdf_bench.cc against $BUILD/libequidad_lib.a (link line of the server),
# renders the seed-sized document `runs` times and prints words, pages and the median time.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=$BUILD/account_pdf_bench
if [[ ! -x $OUT || bench/account/pdf_bench.cc -nt $OUT || $BUILD/libequidad_lib.a -nt $OUT ]]; then
  CXXFLAGS="-std=c++20 -O2 -DNDEBUG -Isrc -I/usr/include/soci -I/usr/include/postgresql -DBOOST_BEAST_USE_STD_STRING_VIEW"
  LINK=$(sed -e 's/^[^ ]* //' -e 's/ -o equidad / -o account_pdf_bench /' -e 's#CMakeFiles/equidad.dir/[^ ]*main.cc.o#account_pdf_bench.o#' \
    "$BUILD/CMakeFiles/equidad.dir/link.txt")
  (cd "$BUILD" && c++ $CXXFLAGS -I"$OLDPWD/src" -c "$OLDPWD/bench/account/pdf_bench.cc" -o account_pdf_bench.o && c++ $LINK)
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT" "${1:-5}" "${2:-}" "${3:-}"
[[ -n ${3:-} ]] || "$OUT" "${1:-5}" "" tables

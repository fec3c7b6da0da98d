#!/usr/bin/env bash
# Bounded fuzz run (libFuzzer + AddressSanitizer + UBSan, clang 14) over every parser that reads
# what a client or a file sends: the bounded JSON parse and body validation, HTTP request heads
# and bodies, RUN/RUT, the OsmAnd protocol, RFC 4180 CSV and the policy module's CSV import.
# Each target runs FUZZ_SECONDS (default 20) from the seeds in fuzz/corpus/<target>; a crash, a
# leak or a failed property fails it, and the input that did it is kept in build-fuzz/crashes/.
# Prints one line per target and ends with "fuzz: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SECONDS_EACH=${FUZZ_SECONDS:-20}
TARGETS=(json http_request rut osmand csv policy_csv)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
mkdir -p build-fuzz
if ! cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >build-fuzz/build.log 2>&1 ||
   ! cmake --build build-fuzz -j"${FUZZ_JOBS:-2}" >>build-fuzz/build.log 2>&1; then
  tail -40 build-fuzz/build.log
  echo "fuzz: 0 passed, 1 failed"
  exit 1
fi
mkdir -p build-fuzz/crashes
passed=0
failed=0
for t in "${TARGETS[@]}"; do
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$t/." "$work/" 2>/dev/null || true
  # A fresh copy of the seeds: what the run learns stays out of the repository.
  if build-fuzz/fuzz_$t "$work" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -print_final_stats=0 -artifact_prefix="build-fuzz/crashes/$t-" >"build-fuzz/$t.log" 2>&1; then
    echo "fuzz $t: ok ($(grep -oE '#[0-9]+' "build-fuzz/$t.log" | tail -1 | tr -d '#') ejecuciones)"
    passed=$((passed + 1))
  else
    echo "fuzz $t: FALLÓ (build-fuzz/$t.log; entrada en build-fuzz/crashes/)"
    grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "build-fuzz/$t.log" | head -15
    failed=$((failed + 1))
  fi
  rm -rf "$work"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

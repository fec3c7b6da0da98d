#!/usr/bin/env bash
# Compiles bench/linkage/link_tool.cc with src/linkage and the core files it needs into
# ${OUT:-build-linktool}/equidad-link: the `link` and `synth` subcommands of `equidad`, built in a
# minute instead of the whole server. Same flags as the CMake RelWithDebInfo build.
# Usage: bench/linkage/build_tool.sh    (from the repository root; JOBS=2 to compile in parallel)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-build-linktool}
mkdir -p "$OUT"
CXX=${CXX:-g++}
FLAGS="-std=c++20 -O2 -g -DNDEBUG -DUSE_OS_TZDB=1 -DONLY_C_LOCALE=1 -Wall -Wextra -Wno-missing-field-initializers -Isrc"
SRCS="bench/linkage/link_tool.cc $(ls src/linkage/*.cc) src/core/text.cc src/core/time.cc src/core/partial_date.cc src/core/csv.cc src/core/rut.cc src/core/civil_days.cc src/core/format_cl.cc"
objs=()
for s in $SRCS; do
  o="$OUT/$(echo "$s" | tr / _).o"
  objs+=("$o")
  if [ ! -f "$o" ] || [ "$s" -nt "$o" ] || [ -n "$(find src/linkage src/core -name '*.h' -newer "$o" 2>/dev/null | head -1)" ]; then
    echo "$CXX -c $s" >&2
    $CXX $FLAGS -c "$s" -o "$o" &
    [ "$(jobs -r | wc -l)" -ge "${JOBS:-1}" ] && wait -n
  fi
done
wait
$CXX -o "$OUT/equidad-link" "${objs[@]}" -ldate-tz -lpthread
echo "$OUT/equidad-link"

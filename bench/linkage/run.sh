#!/usr/bin/env bash
# Record-linkage benchmark: batch linkage of generated records (wall time, peak RSS, pairwise
# quality) against a parse-only baseline, then the incremental index (match() latency).
# Builds nothing. Usage:
#   bench/linkage/run.sh [path/to/equidad]          (default /work/main/build-linkage/equidad)
# Environment: RECORDS (1000000), PERSONS (400000), ERROR_RATE (0.15), SEED (1), SHAPE (chilena, or
#   extranjera: no RUN, comuna or phone), SKIP_INDEX=1 (skip the incremental part),
#   INDEX_PERSONS (1000000), QUERIES (20000), WORK (a fresh folder under /tmp; removed at the end
#   unless KEEP=1).
set -euo pipefail

BIN=${1:-${EQ_BIN:-/work/main/build-linkage/equidad}}
RECORDS=${RECORDS:-1000000}
PERSONS=${PERSONS:-400000}
ERROR_RATE=${ERROR_RATE:-0.15}
SEED=${SEED:-1}
INDEX_PERSONS=${INDEX_PERSONS:-1000000}
QUERIES=${QUERIES:-20000}
WORK=${WORK:-$(mktemp -d /tmp/eq-linkage-bench.XXXXXX)}
SHAPE=${SHAPE:-chilena}
if [ "$SHAPE" = extranjera ]; then
  FIELDS=other_document=Documento,given_names=Nombres,surname1=ApellidoPaterno,surname2=ApellidoMaterno,birth_date=FechaNac,sex=Sexo,address=Direccion
else
  FIELDS=run=RUN,other_document=Pasaporte,given_names=Nombres,surname1=ApellidoPaterno,surname2=ApellidoMaterno,birth_date=FechaNac,sex=Sexo,comuna=Comuna,phone=Telefono,address=Direccion
fi

[ -x "$BIN" ] || { echo "no existe el binario $BIN (compile antes: cmake --build ... --target equidad)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "falta /usr/bin/time (paquete time)" >&2; exit 2; }
mkdir -p "$WORK"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

# Prints "wall_seconds peak_rss_mib" from a /usr/bin/time -v log.
measure() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
              /Maximum resident set size/ { r = $2 / 1024 }
              END { printf "%.2f s, %.0f MiB", w, r }' "$1"
}

echo "## machine"
echo "- $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- binary: $BIN ($("$BIN" version 2>/dev/null || echo "link/synth tool"))"
echo

echo "## generate: $RECORDS records of $PERSONS persons, shape $SHAPE, error rate $ERROR_RATE, seed $SEED"
/usr/bin/time -v "$BIN" synth --persons "$PERSONS" --records "$RECORDS" --error-rate "$ERROR_RATE" --seed "$SEED" --shape "$SHAPE" \
  --output "$WORK/records.csv" 2> "$WORK/synth.time" >/dev/null
echo "- synth: $(measure "$WORK/synth.time"); file $(du -m "$WORK/records.csv" | cut -f1) MiB"
echo

echo "## baseline: read + map + write only (--parse-only)"
/usr/bin/time -v "$BIN" link --input "$WORK/records.csv" --fields "$FIELDS" --parse-only \
  --output "$WORK/parsed.csv" 2> "$WORK/parse.log"
echo "- $(measure "$WORK/parse.log")"
echo

echo "## batch linkage"
/usr/bin/time -v "$BIN" link --input "$WORK/records.csv" --fields "$FIELDS" --truth true_person \
  --output "$WORK/linked.csv" --review "$WORK/review.csv" --model "$WORK/model.json" 2> "$WORK/link.log"
echo "- $(measure "$WORK/link.log")"
grep -E '^(pares|pasada|EM|calidad|tiempos|[0-9]+ filas)' "$WORK/link.log" | sed 's/^/- /'
echo
[ "${SKIP_INDEX:-0}" = 1 ] && exit 0

echo "## incremental index: $INDEX_PERSONS persons, $QUERIES queries (4 of 5 known persons with errors, 1 of 5 new)"
"$BIN" synth --persons "$INDEX_PERSONS" --error-rate "$ERROR_RATE" --seed "$SEED" --shape "$SHAPE" --bench-incremental \
  --queries "$QUERIES" --threads 2 | sed 's/^/- /'

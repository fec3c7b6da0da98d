#!/usr/bin/env bash
# The monitoring engine beside PostGIS (issue 6, performance): the same random data set evaluated
# by `equidad monitor replay` and by PostGIS (postgis_engine.sql: ST_DWithin / ST_Covers /
# ST_Distance on geography, GiST index on the zones), the two alert sets compared and the
# throughput ratio printed. Run as root (or with sudo) on Debian 12:
#
#   bench/monitoring/postgis.sh
#
# Environment (defaults in brackets):
#   EQ_BIN        equidad binary [build/equidad of this checkout; build it first]
#   ORDERS        orders in the data set [500] (4 devices and ZONES zones each)
#   ZONES         zones per order [12]
#   POSITIONS     positions [200000]
#   SEED          random seed [1]
#   DATASET       synth: `equidad monitor synth` [default]; edge: edge_data.py, same CSV layout, far
#                 more events (zone crossings, approach cycles, silences, speed jumps, order windows)
#   DATA_DIR      where the data set and the alert files go [/tmp/equidad-postgis-bench]
#   ENGINE_RUNS   engine replays, the fastest is reported [3]
#   TYPES         alert types compared [all eight: panic, proximity_breach, proximity_warning,
#                 zone_enter, zone_exit, tamper, low_battery, silence]
#   PG_DB         throw-away database made by scripts/pg.sh [equidad_monbench]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EQ_BIN=${EQ_BIN:-$ROOT/build/equidad}
ORDERS=${ORDERS:-500}
ZONES=${ZONES:-12}
POSITIONS=${POSITIONS:-200000}
SEED=${SEED:-1}
DATASET=${DATASET:-synth}
DATA_DIR=${DATA_DIR:-/tmp/equidad-postgis-bench}
ENGINE_RUNS=${ENGINE_RUNS:-3}
TYPES=${TYPES:-panic,proximity_breach,proximity_warning,zone_enter,zone_exit,tamper,low_battery,silence}
PG_DB=${PG_DB:-equidad_monbench}
log() { echo "[postgis-bench] $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
now() { date +%s.%N; }

# 1. PostgreSQL 15 + PostGIS 3, started on loopback by scripts/pg.sh (throw-away database).
if [ ! -f /usr/share/postgresql/15/extension/postgis.control ] || ! command -v pg_lsclusters >/dev/null; then
  log "installing postgresql-15-postgis-3"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-15-postgis-3 >&2
fi
URL=$("$ROOT/scripts/pg.sh" "$PG_DB")
PORT=$(sed -E 's#.*:([0-9]+)/[^/]*$#\1#' <<<"$URL")
# postgis is not creatable by the database owner here (its scripts need a superuser).
as_pg psql -X -q -p "$PORT" -d "$PG_DB" -v ON_ERROR_STOP=1 -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS btree_gist;" >&2
PSQL=(psql -X -q -v ON_ERROR_STOP=1 "$URL")
PG_VERSION=$("${PSQL[@]}" -At -c "SELECT split_part(version(), ' on ', 1) || ', PostGIS ' || postgis_lib_version() || ', GEOS ' || postgis_geos_version() || ', PROJ ' || postgis_proj_version()")
log "database: $URL ($PG_VERSION)"

# 2. The equidad binary and the data set.
[ -x "$EQ_BIN" ] || { log "no $EQ_BIN: build it (scripts/setup.sh) or set EQ_BIN"; exit 1; }
mkdir -p "$DATA_DIR"
log "$DATASET: $ORDERS orders × $ZONES zones, $POSITIONS positions, seed $SEED → $DATA_DIR"
case "$DATASET" in
  synth) "$EQ_BIN" monitor synth --orders "$ORDERS" --zones-per-order "$ZONES" --positions "$POSITIONS" --seed "$SEED" --out-dir "$DATA_DIR" >&2 ;;
  edge) python3 "$HERE/edge_data.py" --orders "$ORDERS" --zones-per-order "$ZONES" --positions "$POSITIONS" --seed "$SEED" --out-dir "$DATA_DIR" >&2 ;;
  *) log "DATASET must be synth or edge"; exit 2 ;;
esac
head -n 1 "$DATA_DIR/positions.csv" | grep -qx 'device_id,timestamp,lat,lon,speed_kmh,battery,alarm' ||
  { log "positions.csv has another column layout than postgis_load.sql reads"; exit 1; }

# 3. The engine: replay --all (one row per raised alert, repeats included), fastest of ENGINE_RUNS.
best_s=
for run in $(seq 1 "$ENGINE_RUNS"); do
  t0=$(now)
  "$EQ_BIN" monitor replay --orders "$DATA_DIR/orders.csv" --zones "$DATA_DIR/zones.csv" --devices "$DATA_DIR/devices.csv" \
    --positions "$DATA_DIR/positions.csv" --out "$DATA_DIR/engine_alerts.csv" --all 2>"$DATA_DIR/engine_stderr.txt"
  t1=$(now)
  s=$(echo "$t1 - $t0" | bc -l)
  log "engine run $run: $(printf '%.3f' "$s") s"
  if [ -z "$best_s" ] || [ "$(echo "$s < $best_s" | bc -l)" = 1 ]; then best_s=$s; fi
done
grep -E '^(posiciones|alertas):' "$DATA_DIR/engine_stderr.txt" >&2 || true

# 4. PostGIS: load (COPY, typed tables, GiST index), then the evaluation loop.
t0=$(now)
"${PSQL[@]}" -v dir="$DATA_DIR" -f "$HERE/postgis_load.sql"
t1=$(now)
load_s=$(echo "$t1 - $t0" | bc -l)
"${PSQL[@]}" -f "$HERE/postgis_engine.sql"
t0=$(now)
PG_ROW=$("${PSQL[@]}" -At -F ' ' -c "SELECT * FROM eqb_replay()")
t1=$(now)
pg_s=$(echo "$t1 - $t0" | bc -l)
read -r received accepted stale dups rejected pg_alerts ticks setup_s loop_s <<<"$PG_ROW"
log "postgis: $received positions, $accepted accepted, $stale late, $dups duplicates, $rejected rejected; $pg_alerts alerts; $ticks silence sweeps; set-up ${setup_s} s, loop ${loop_s} s"

# 5. Compare and report.
"${PSQL[@]}" -v engine_csv="$DATA_DIR/engine_alerts.csv" -v types="{$TYPES}" -f "$HERE/postgis_compare.sql"
positions=$(($(wc -l <"$DATA_DIR/positions.csv") - 1))
eng_rate=$(echo "$positions / $best_s" | bc -l)
pg_rate=$(echo "$positions / $pg_s" | bc -l)
pg_rate_total=$(echo "$positions / ($pg_s + $load_s)" | bc -l)
cat <<EOF

== Throughput ($DATASET data set, $positions positions, same machine, one core each; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))
engine  (equidad monitor replay --all, whole command incl. CSV parsing, fastest of $ENGINE_RUNS): $(printf '%.3f' "$best_s") s = $(printf '%.0f' "$eng_rate") positions/s
PostGIS (eqb_replay(): set-up + loop, data already loaded):                     $(printf '%.3f' "$pg_s") s = $(printf '%.0f' "$pg_rate") positions/s
PostGIS load (COPY, typed tables, GiST index, ANALYZE):                          $(printf '%.3f' "$load_s") s; with the load: $(printf '%.0f' "$pg_rate_total") positions/s
ratio engine / PostGIS: $(printf '%.0f' "$(echo "$eng_rate / $pg_rate" | bc -l)") × (evaluation only), $(printf '%.0f' "$(echo "$eng_rate / $pg_rate_total" | bc -l)") × (with the load)
$PG_VERSION; $("$EQ_BIN" version 2>/dev/null | head -n 1 || true)
EOF

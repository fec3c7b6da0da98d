#!/usr/bin/env bash
# Builds and starts Equidad on its embedded default: SQLite with the demo data set.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER_TESTS=0 EQ_BUILD_TARGET=equidad bash scripts/setup.sh
PORT=${PORT:-8080}
DB=${EQ_DB:-sqlite:var/equidad.db}
# Trackers may publish positions over MQTT to a local Mosquitto; the server subscribes to it.
MQTT_ARGS=()
if MQTT_PORT_USED=$(bash scripts/mosquitto.sh); then
  MQTT_ARGS=(--mqtt "127.0.0.1:${MQTT_PORT_USED}")
else
  echo "aviso: no se pudo iniciar Mosquitto; la recepción MQTT queda desactivada" >&2
fi
echo
echo "== Equidad: abra http://127.0.0.1:${PORT}/ en su navegador (Ctrl+C para detener)"
exec build/equidad serve --demo --db "$DB" --port "$PORT" "${MQTT_ARGS[@]}" "$@"

#!/usr/bin/env bash
# Builds and starts Equidad on its embedded default: SQLite with the demo data set.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_BROWSER_TESTS=0 EQ_BUILD_TARGET=equidad bash scripts/setup.sh
PORT=${PORT:-8080}
DB=${EQ_DB:-sqlite:var/equidad.db}
echo
echo "== Equidad: abra http://127.0.0.1:${PORT}/ en su navegador (Ctrl+C para detener)"
exec build/equidad serve --demo --db "$DB" --port "$PORT" "$@"

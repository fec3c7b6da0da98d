#!/usr/bin/env bash
# Installs what is missing, builds the server and the web app. Safe to run again: it only
# redoes what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build}
werror=OFF
[ "${CI:-}" = true ] && werror=ON
echo "== Compilando el servidor ($BUILD_DIR)"
# ccache, when the machine has it, makes a rebuild in a fresh clone of the same sources cheap.
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(pwd)} CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEQ_WERROR=$werror "${launcher[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" ${EQ_BUILD_TARGET:+--target $EQ_BUILD_TARGET}
if [ -f web/package.json ]; then
  echo "== Compilando la aplicación web"
  (cd web && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build)
fi

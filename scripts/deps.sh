#!/usr/bin/env bash
# Installs the Debian packages the project needs, non-interactively, only when one is missing.
set -euo pipefail
PKGS=(build-essential cmake g++ clang libclang-rt-14-dev pkg-config
  libboost-dev libsoci-dev libsqlite3-dev libpq-dev nlohmann-json3-dev libsodium-dev libxlsxwriter-dev libssl-dev
  zlib1g-dev libexpected-dev libcli11-dev libhowardhinnant-date-dev libspdlog-dev libgtest-dev libgmock-dev
  libbenchmark-dev tzdata sqlite3 postgresql mosquitto libmosquitto-dev nodejs npm
  libcairo2-dev libpango1.0-dev
  nginx-light openssl)  # tests/integration/deploy_config.test.mjs: nginx -t on deploy/nginx/equidad.conf (throw-away certificate)
[ "${WITH_BROWSER_TESTS:-1}" = 1 ] && PKGS+=(chromium)
[ "${WITH_BENCH:-0}" = 1 ] && PKGS+=(wrk)
missing=()
for p in "${PKGS[@]}"; do
  # node/npm may come from outside Debian (already on the machine): accept the commands.
  if [ "$p" = nodejs ] && command -v node >/dev/null; then continue; fi
  if [ "$p" = npm ] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# Builds everything and runs every test: the module dependency check (scripts/check_deps.sh), unit (GoogleTest, on SQLite and PostgreSQL), integration
# over real HTTP (on both databases), browser tests in Debian's Chromium, a bounded fuzz run
# (scripts/fuzz.sh) and a clang build check.
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export CI=${CI:-}
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
OUT="$ROOT/build/test-results"
rm -rf "$OUT" && mkdir -p "$OUT" "$ROOT/build/screenshots"
passed=0
failed=0
add() { passed=$((passed + $1)); failed=$((failed + $2)); }

echo "== Dependencias entre módulos (scripts/check_deps.sh)"
if bash scripts/check_deps.sh; then add 1 0; else add 0 1; fi

echo "== PostgreSQL en 127.0.0.1"
PG_URL=$(bash scripts/pg.sh equidad_unit) || { echo "no se pudo iniciar PostgreSQL"; echo "0 passed, 1 failed"; exit 1; }
export EQ_TEST_PG_URL="$PG_URL"

echo "== Pruebas unitarias (GoogleTest)"
(cd build && ctest --output-on-failure -j2 --timeout 300) 2>&1 | tee "$OUT/unit.txt"
line=$(grep -E 'tests passed, [0-9]+ tests failed out of' "$OUT/unit.txt" | tail -1)
if [ -n "$line" ]; then
  total=$(echo "$line" | sed -E 's/.* out of ([0-9]+).*/\1/')
  nfail=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/')
  add $((total - nfail)) "$nfail"
else
  add 0 1
fi

# Every failed test, nested ones included, with the error node printed under it: what CI shows is
# then enough to know what broke.
node_failures() {
  awk '/^ *not ok /{show=1; n=0} show{print; n++} show && (/^ *\.\.\.$/ || n>=40){show=0}' "$1"
}

node_counts() {  # parses node --test TAP output: "# pass N" / "# fail N"
  local p f
  p=$(grep -E '^# pass [0-9]+' "$1" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail [0-9]+' "$1" | tail -1 | awk '{print $3}')
  if [ -z "$p" ]; then add 0 1; else add "$p" "${f:-0}"; fi
}

# The two databases' suites run side by side: PostgreSQL's waits on round trips more than it
# computes (about half the CPU stays idle), so the SQLite suite fits beside it and CI is ~10 min
# shorter. Each writes its own file; the summaries follow.
echo "== Pruebas de integración por HTTP (sqlite y postgresql, en paralelo)"
it_pids=()
for db in sqlite postgresql; do
  EQ_TEST_DB=$db EQ_BIN="$ROOT/build/equidad" node --test --test-reporter=tap tests/integration/ >"$OUT/integration-$db.txt" 2>&1 &
  it_pids+=($!)
done
wait "${it_pids[@]}"
for db in sqlite postgresql; do
  echo "== Pruebas de integración por HTTP ($db)"
  grep -E '^# (pass|fail|tests)' "$OUT/integration-$db.txt" || true
  node_failures "$OUT/integration-$db.txt"
  node_counts "$OUT/integration-$db.txt"
done

# A port for a fake service the browser tests start later. Below the kernel's ephemeral range
# (net.ipv4.ip_local_port_range, 32768-60999 on Debian): a port drawn from inside it was taken by an
# outgoing connection before the test bound it (CI of stop 30: EADDRINUSE on 46162). Skips a port
# something already listens on.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(shuf -i "$1-$2" -n 1)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "$p"
}

if [ -f web/package.json ]; then
  echo "== Pruebas de la aplicación web (unitarias, vitest)"
  (cd web && npm run --silent test -- --reporter=tap-flat 2>&1) | tee "$OUT/web-unit.txt" | grep -E '^not ok' || true
  wp=$(grep -cE '^ok ' "$OUT/web-unit.txt")
  wf=$(grep -cE '^not ok ' "$OUT/web-unit.txt")
  if [ "$wp" -eq 0 ] && [ "$wf" -eq 0 ]; then add 0 1; else add "$wp" "$wf"; fi

  echo "== Pruebas en el navegador (Chromium)"
  tmp=$(mktemp -d)
  # The 1455 queue takes contacts only in its opening hours; the browser tests must not depend on
  # the day and hour CI runs, so this server is open around the clock.
  # The WhatsApp pane's test plays Meta and the Graph API on a local port (web/e2e/14-whatsapp.test.mjs).
  export EQ_WHATSAPP_APP_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  export EQ_WHATSAPP_FAKE_PORT=$(free_port 20000 26000)
  # Citizens' participation mails its codes to a local SMTP server the test runs (web/e2e/16-participation.test.mjs).
  export EQ_E2E_SMTP_PORT=$(free_port 26001 32000)
  # Every browser test's citizen writes from 127.0.0.1: the per-address flood limit is raised.
  EQ_SMTP="127.0.0.1:$EQ_E2E_SMTP_PORT" EQ_PARTICIPATION_FLOOD=500 \
  EQ_CHANNELS_HOURS=24/7 EQ_WHATSAPP_TOKEN=e2e EQ_WHATSAPP_GRAPH_URL="http://127.0.0.1:$EQ_WHATSAPP_FAKE_PORT" \
    build/equidad serve --demo --db "sqlite:$tmp/e2e.db" --port 0 --no-access-log --web web/dist >"$tmp/out.log" 2>"$tmp/err.log" &
  spid=$!
  url=""
  for _ in $(seq 1 100); do
    url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$tmp/err.log" | head -1)
    [ -n "$url" ] && break
    sleep 0.2
  done
  if [ -n "$url" ]; then
    (cd web && EQ_BASE_URL="$url" EQ_SCREENSHOTS="$ROOT/build/screenshots" EQ_TEST_REPORTER=tap npm run --silent e2e 2>&1) | tee "$OUT/e2e.txt" | grep -E '^# (pass|fail)' || true
    node_failures "$OUT/e2e.txt"
    node_counts "$OUT/e2e.txt"
  else
    echo "el servidor no inició:"; cat "$tmp/err.log"; add 0 1
  fi
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
  rm -rf "$tmp"
fi

echo "== Fuzzing acotado (libFuzzer + ASan/UBSan, clang 14; FUZZ_SECONDS por objetivo)"
bash scripts/fuzz.sh 2>&1 | tee "$OUT/fuzz.txt"
line=$(grep -E '^fuzz: [0-9]+ passed, [0-9]+ failed' "$OUT/fuzz.txt" | tail -1)
if [ -n "$line" ]; then
  add "$(echo "$line" | awk '{print $2}')" "$(echo "$line" | awk '{print $4}')"
else
  add 0 1
fi

echo "== Compilación con clang 14 (verificación)"
clang_launcher=()
command -v ccache >/dev/null && clang_launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ROOT} CCACHE_NOHASHDIR=1
# Build type ClangCheck adds no -O2 -g: clang's warnings come from its front end, the same at -O0,
# and a cold build is then about half as long.
if cmake -S . -B build-clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=ClangCheck -DEQ_WERROR=ON "${clang_launcher[@]}" >/dev/null 2>"$OUT/clang.txt" &&
   cmake --build build-clang -j"$(nproc)" --target equidad >>"$OUT/clang.txt" 2>&1; then
  add 1 0
else
  tail -40 "$OUT/clang.txt"; add 0 1
fi

echo
echo "Capturas de pantalla: build/screenshots/"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

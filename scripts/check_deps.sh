#!/usr/bin/env bash
# Module dependencies as a build fact: every `#include "<folder>/…"` in src/<module>/ must name the
# module itself or a folder this table allows, the table must have no cycle, and every folder under
# src/ must be in it. Run by scripts/test.sh (so CI runs it); prints each violation and exits 1.
#
# The allowed graph (README, "Architecture"). Lower layers never include higher ones:
#
#   app  (composition root, src/main.cc) ──► may include every folder
#    ├── monitoring ───► audit
#    ├── channels ─────► cases, territory, auth, audit   (chat ──► channels, audit: via channels/intake.h)
#    ├── pharmacy ─────► channels (intake.h), territory, audit
#    ├── whatsapp ─────► channels (intake.h, load_or_create_secret), audit
#    ├── care ─────────► territory, audit       (the registry and XLSX through app.cc: care::Registry)
#    ├── indicators ───► policy (its CSV/XLSX table writer), audit
#    ├── directoras ───► territory (region names), audit
#    ├── account ──────► territory, audit   (legislative, policy, channels, cases, monitoring through app.cc: account::Sources)
#    ├── registries ───► audit   (certified organisations and agreements; alerts kept in the module)
#    ├── councils ─────► territory, audit   (COSOC, Consejo Asesor, mesas: public bodies, no person data)
#    ├── outreach ─────► territory (comuna codes), audit   (trainings, campaigns, talks)
#    ├── participation ► territory, audit   (the account's published editions through app.cc: participation::Editions)
#    ├── studies ──────► territory (region names), audit   (the ministry's studies catalogue)
#    ├── dataprotection ► audit   (other modules' data through app.cc: dataprotection::PersonalDataSources, Inventory)
#    ├── policy ───────► auth, legislative, territory, audit
#    ├── alerts ───────► cases, audit
#    │    └── cases ───► risk, territory, linkage, audit    (knows alerts only as cases/alert_feed.h)
#    ├── legislative ──► audit
#    ├── auth ─────────► territory, audit
#    └── risk, territory, audit
#   every module ──► kernel (module contract) ──► store, http ──► core        linkage ──► core
#
# A module reaches another it may not include through an interface it declares and the other
# implements (cases/alert_feed.h, implemented by alerts/registry.h), or through an adapter the
# composition root writes (src/app/app.cc: cases::Directory, monitoring::Directory…).
set -uo pipefail
cd "$(dirname "$0")/.."

base="core store http kernel"
declare -A allowed=(
  [core]=""
  [store]="core"
  [http]="core"
  [linkage]="core"
  [kernel]="core store http"
  [territory]="$base"
  [audit]="$base"
  [risk]="core http kernel"
  [auth]="$base audit territory"
  [legislative]="$base audit"
  [cases]="$base audit territory linkage risk"
  [alerts]="$base audit cases"
  [policy]="$base audit auth legislative territory"
  [monitoring]="$base audit"
  [channels]="$base audit cases territory auth"
  [chat]="$base audit channels"
  [pharmacy]="$base audit channels territory"
  [care]="$base audit territory"
  [indicators]="$base audit policy"
  [directoras]="$base audit territory"
  [account]="$base audit territory"
  [registries]="$base audit"
  [whatsapp]="$base audit channels"
  [dataprotection]="$base audit"
  [councils]="$base audit territory"
  [outreach]="$base audit territory"
  [participation]="$base audit territory"
  [studies]="$base audit territory"
  [app]="*"
)

errors=0
say() { echo "check_deps: $*"; errors=$((errors + 1)); }

# Every folder under src/ is in the table.
for dir in src/*/; do
  m=$(basename "$dir")
  [ -n "${allowed[$m]+x}" ] || say "src/$m/ no está en la tabla de dependencias de scripts/check_deps.sh (¿módulo nuevo? agréguelo con sus dependencias permitidas)"
done

# The table has no cycle (depth-first search over the allowed edges).
declare -A state=()
visit() {
  local m=$1 d
  [ "${allowed[$m]}" = "*" ] && return 0
  case "${state[$m]:-}" in done) return 0 ;; active) say "ciclo en la tabla de dependencias por $m"; return 1 ;; esac
  state[$m]=active
  for d in ${allowed[$m]}; do
    [ -n "${allowed[$d]+x}" ] || { say "$m depende de $d, que no está en la tabla"; continue; }
    visit "$d" || return 1
  done
  state[$m]=done
}
for m in "${!allowed[@]}"; do visit "$m"; done

# Every include follows the table. src/main.cc belongs to the composition root.
check_file() {
  local m=$1 f=$2 line target
  [ "${allowed[$m]:-}" = "*" ] && return 0
  while IFS= read -r line; do
    target=$(sed -E 's/^([0-9]+):#include "([a-z_]+)\/.*/\2/' <<<"$line")
    [ "$target" = "$m" ] && continue
    [ -d "src/$target" ] || continue
    case " ${allowed[$m]} " in *" $target "*) ;; *) say "$f:${line%%:*}: $m no puede incluir $target/ (permitidos: ${allowed[$m]:-ninguno})" ;; esac
  done < <(grep -nE '^#include "[a-z_]+/' "$f")
}
for dir in src/*/; do
  m=$(basename "$dir")
  [ -n "${allowed[$m]+x}" ] || continue
  while IFS= read -r f; do check_file "$m" "$f"; done < <(find "$dir" -type f \( -name '*.h' -o -name '*.cc' \) | sort)
done

if [ "$errors" -gt 0 ]; then
  echo "check_deps: $errors problema(s)"
  exit 1
fi
echo "check_deps: ok (${#allowed[@]} carpetas, sin inclusiones prohibidas ni ciclos)"

#!/usr/bin/env bash
# Starts Debian's PostgreSQL 15 on loopback and makes a throw-away test database.
# Prints the connection URL on stdout (everything else goes to stderr).
set -euo pipefail
DB=${1:-equidad_test}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
  if [ "$(id -u)" = 0 ]; then pg_createcluster 15 main >&2; else sudo pg_createcluster 15 main >&2; fi
fi
read -r ver cluster port status _ < <(pg_lsclusters -h | head -n 1)
if [ "$status" != online ]; then
  if [ "$(id -u)" = 0 ]; then pg_ctlcluster "$ver" "$cluster" start >&2; else sudo pg_ctlcluster "$ver" "$cluster" start >&2; fi
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.5; done
as_pg psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'equidad') THEN
    CREATE ROLE equidad LOGIN PASSWORD 'equidad' CREATEDB;
  END IF;
END \$\$;
SQL
as_pg dropdb -p "$port" --if-exists "$DB" >&2
as_pg createdb -p "$port" -O equidad "$DB" >&2
echo "postgresql://equidad:equidad@127.0.0.1:${port}/${DB}"

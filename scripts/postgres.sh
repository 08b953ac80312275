#!/usr/bin/env bash
# Start Portico's own PostgreSQL 15 cluster ("portico", on the given port) with pg_ctlcluster.
# initdb refuses to run as root, so the cluster belongs to the postgres user under
# /var/lib/postgresql/15/portico. Idempotent: an existing or running cluster is reused.
# When this script is the one that starts it, it leaves var/postgres.started behind, and
# scripts/postgres-stop.sh (run when `make test` and `make bench` end) stops it again; a cluster
# that was already running is left as it was found.
set -euo pipefail
port="${1:-54329}"
SUDO=""
AS_PG="sudo -u postgres"
[ "$(id -u)" -eq 0 ] && AS_PG="runuser -u postgres --" || SUDO="sudo"
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "15 portico"; then
  echo "==> creating PostgreSQL cluster 15/portico on port $port"
  $SUDO pg_createcluster 15 portico --port "$port" >/dev/null -- --auth-local=peer --auth-host=scram-sha-256
  # A throwaway test cluster: durability is not needed, speed is.
  cat <<CONF | $SUDO tee /etc/postgresql/15/portico/conf.d/portico.conf >/dev/null
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
listen_addresses = '127.0.0.1'
CONF
fi
# A cluster left by an earlier run may listen on another port: move it to the one asked for.
current_port="$(pg_lsclusters -h | awk '$1=="15" && $2=="portico" {print $3}')"
if [ "$current_port" != "$port" ]; then
  echo "==> moving PostgreSQL cluster 15/portico from port $current_port to $port"
  $SUDO pg_ctlcluster 15 portico stop 2>/dev/null || true
  $SUDO pg_conftool 15 portico set port "$port"
fi
if ! pg_lsclusters -h | awk '$1=="15" && $2=="portico" {print $4}' | grep -q online; then
  echo "==> starting PostgreSQL cluster 15/portico"
  $SUDO pg_ctlcluster 15 portico start
  mkdir -p var && touch var/postgres.started
fi
ready=""
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && ready=1 && break
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "PostgreSQL cluster 15/portico did not start on port $port; its log:" >&2
  tail -n 30 /var/log/postgresql/postgresql-15-portico.log >&2 || true
  exit 1
fi
$AS_PG psql -q -p "$port" -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portico') THEN
    CREATE ROLE portico LOGIN CREATEDB PASSWORD 'portico';
  END IF;
END $$;
SQL
if ! $AS_PG psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname='portico'" | grep -q 1; then
  $AS_PG createdb -p "$port" -O portico portico
fi
echo "==> PostgreSQL ready on 127.0.0.1:$port"

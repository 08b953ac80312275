#!/usr/bin/env bash
# Stop the PostgreSQL cluster 15/portico if scripts/postgres.sh started it (var/postgres.started);
# one that was running before `make test` or `make bench` began is left running.
set -euo pipefail
[ -f var/postgres.started ] || exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "==> stopping PostgreSQL cluster 15/portico"
$SUDO pg_ctlcluster 15 portico stop 2>/dev/null || true
rm -f var/postgres.started

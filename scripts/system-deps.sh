#!/usr/bin/env bash
# Debian packages the build and tests need: Chromium for browser tests, PostgreSQL 15 for
# concurrency tests, gettext for the translation catalogs (makemessages, compilemessages).
# Skips what is already there, so a second run costs nothing.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v pg_ctlcluster >/dev/null || need+=(postgresql-common)
command -v msgfmt >/dev/null || need+=(gettext)
[ ${#need[@]} -eq 0 ] && exit 0
echo "==> installing Debian packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

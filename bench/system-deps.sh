#!/usr/bin/env bash
# Debian packages the benchmark needs beyond the tests': wrk for HTTP load from its own process.
# Skips what is already there, so a second run costs nothing.
set -euo pipefail
command -v wrk >/dev/null && exit 0
echo "==> installing Debian package: wrk"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null

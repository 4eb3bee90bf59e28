#!/usr/bin/env bash
# Installs the system packages the tests need when they are missing.
# The tests start their own servers (HTTP on 127.0.0.x, redis-server) and stop them by PID.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing redis-server (Debian package) for the distributed tests"
    apt-get update -qq >/dev/null
    apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: install it (apt-get install redis-server) or the distributed tests are skipped" >&2
  fi
fi

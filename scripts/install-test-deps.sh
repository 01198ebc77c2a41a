#!/usr/bin/env bash
# Installs what the test suite needs and a fresh machine lacks: gcc for cgo
# (SQLite), Debian's Chromium and npm for the browser journeys, and the
# journeys' pinned npm tools (axe-core) from assets/e2e's lock file.
# Idempotent and quiet when everything is already there.
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v chromium >/dev/null || need+=(chromium)
command -v git >/dev/null || need+=(git)
command -v npm >/dev/null || need+=(npm)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: need ${need[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The accessibility checks inject axe-core into each page. npm ci installs
# exactly the locked version and runs no package scripts; it is skipped when
# that version is already in place.
e2e_tools="$(cd "$(dirname "$0")/.." && pwd)/assets/e2e"
want=$(node -p 'require(process.argv[1]).dependencies["axe-core"]' "$e2e_tools/package.json")
have=$(node -p 'try { require(process.argv[1]).version } catch { "" }' "$e2e_tools/node_modules/axe-core/package.json")
if [ "$have" != "$want" ]; then
  echo "install-test-deps: installing axe-core $want for the browser journeys"
  (cd "$e2e_tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
fi

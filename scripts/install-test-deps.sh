#!/usr/bin/env bash
# Installs what the test suite needs and a fresh machine lacks: gcc for cgo
# (SQLite), and Debian's Chromium for the browser journeys. Idempotent and
# quiet when everything is already there.
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v chromium >/dev/null || need+=(chromium)
command -v git >/dev/null || need+=(git)

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

#!/usr/bin/env bash
# Installs what the test suite needs and a fresh machine lacks: gcc for cgo
# (SQLite), Debian's Chromium and npm for the browser journeys, and the
# journeys' pinned npm tools (axe-core) from assets/e2e's lock file, and
# Pebble (an ACME test server) for the HTTPS tests and Litestream for the
# replication test.
# Idempotent and quiet when everything is already there.
set -euo pipefail

need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v chromium >/dev/null || need+=(chromium)
command -v git >/dev/null || need+=(git)
command -v npm >/dev/null || need+=(npm)
# Emoji in the README's screenshots (E2E_SCREENSHOTS=1) draw as boxes without it.
[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)

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

# Pebble, Let's Encrypt's ACME test server, for the built-in HTTPS tests. It is
# a Go module: built here into a folder of its own, outside this module, with
# the test certificates of its source (its HTTPS listener's and their root).
# The tests look for it in $CAMPFIRE_TEST_TOOLS/pebble.
pebble_version=v2.10.3
tools="${CAMPFIRE_TEST_TOOLS:-$HOME/.cache/campfire-test-tools}"
pebble_dir="$tools/pebble"
if [ "$(cat "$pebble_dir/VERSION" 2>/dev/null)" != "$pebble_version" ]; then
  echo "install-test-deps: building Pebble $pebble_version for the HTTPS tests"
  mkdir -p "$pebble_dir/bin"
  (cd "$pebble_dir" && GOFLAGS= GOBIN="$pebble_dir/bin" go install "github.com/letsencrypt/pebble/v2/cmd/pebble@$pebble_version")
  src="$(GOFLAGS= go env GOMODCACHE)/github.com/letsencrypt/pebble/v2@$pebble_version/test/certs"
  cp "$src/pebble.minica.pem" "$src/localhost/cert.pem" "$src/localhost/key.pem" "$pebble_dir/"
  chmod u+w "$pebble_dir"/*.pem
  echo "$pebble_version" > "$pebble_dir/VERSION"
fi

# Litestream v0.3.13 for the replication test, from the npm package that ships
# its binary (package version 1.0.1), into $CAMPFIRE_TEST_TOOLS/litestream.
litestream_dir="$tools/litestream"
if [ ! -x "$litestream_dir/node_modules/@flydotio/litestream-linux-x64/litestream" ]; then
  echo "install-test-deps: installing Litestream (npm @flydotio/litestream-linux-x64@1.0.1) for the replication test"
  mkdir -p "$litestream_dir"
  (cd "$litestream_dir" && npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error @flydotio/litestream-linux-x64@1.0.1 >/dev/null)
fi

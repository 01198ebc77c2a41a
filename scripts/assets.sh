#!/usr/bin/env bash
# Builds the composer island (assets/composer: React around Trix) into
# static/js/composer.js with esbuild. Every version is pinned in
# assets/composer/package.json and package-lock.json and the build is
# deterministic, so the committed bundle can be rebuilt byte for byte; the
# server itself never needs node. Trix is not in the bundle: the page loads
# the copy scripts/vendor.sh vendors (static/vendor/trix-*.umd.min.js).
#
# Usage: scripts/assets.sh          rebuild static/js/composer.js
#        scripts/assets.sh --check  rebuild in a temp dir and fail if the committed bundle differs
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
src="$root/assets/composer"
out="$root/static/js/composer.js"

# npm_ci DIR: install exactly the lock file, running no lifecycle scripts
# (esbuild's binary comes from its pinned platform package, no postinstall).
npm_ci() {
	(cd "$1" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
}

# build DIR OUTFILE: bundle DIR/src/main.jsx with DIR's node_modules.
build() {
	(cd "$1" && ./node_modules/.bin/esbuild src/main.jsx \
		--bundle --minify --format=iife --target=es2020 \
		--jsx=automatic --charset=utf8 --legal-comments=eof \
		--define:process.env.NODE_ENV='"production"' \
		--log-level=warning --outfile="$2")
}

case "${1:-}" in
"")
	npm_ci "$src"
	build "$src" "$out"
	echo "built static/js/composer.js ($(wc -c <"$out") bytes)"
	;;
--check)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# A scratch copy sees only what is committed: package.json, the lock and src/.
	mkdir -p "$tmp/pkg"
	cp "$src/package.json" "$src/package-lock.json" "$tmp/pkg/"
	cp -R "$src/src" "$tmp/pkg/src"
	npm_ci "$tmp/pkg"
	build "$tmp/pkg" "$tmp/composer.js"
	if ! cmp -s "$tmp/composer.js" "$out"; then
		echo "assets.sh --check: static/js/composer.js differs from what assets/composer builds;" >&2
		echo "assets.sh --check: run 'make assets' and commit static/js/composer.js" >&2
		exit 1
	fi
	echo "assets.sh --check: static/js/composer.js matches assets/composer"
	;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

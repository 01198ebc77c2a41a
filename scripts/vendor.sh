#!/usr/bin/env bash
# Vendors the browser libraries into static/vendor/ from the exact versions pinned in
# assets/vendor/package.json and package-lock.json. Versions are pinned exactly, never as
# ranges or "latest", because the server's HTML is written against one specific API: npm's
# latest htmx.org is 4.x, whose SSE extension and attributes are incompatible with the
# htmx 2 + htmx-ext-sse markup we render (and htmx.org's own dist/ext/sse.js is the htmx 1
# extension), and Trix's serialized HTML is what our server-side sanitizer allowlists.
# The files are committed under versioned names so the server needs no network or node at
# build time, and so an upgrade is a deliberate, reviewable change: bump package.json,
# run this script, commit the new files and let CI's `--check` prove they match the lock.
#
# Usage: scripts/vendor.sh          re-vendor into static/vendor/
#        scripts/vendor.sh --check  re-vendor into a temp dir and fail if the committed files differ
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkgdir="$root/assets/vendor"
dest="$root/static/vendor"

# Keep in step with package.json and the names static.Path callers use.
htmx=2.0.11
sse=2.2.4
trix=2.1.19

# Everything this script owns in static/vendor/ (other generated bundles may live there too).
payload=(
	"htmx-$htmx.min.js"
	"htmx-ext-sse-$sse.min.js"
	"trix-$trix.umd.min.js"
	"trix-$trix.css"
	LICENSES.txt
)
files=("${payload[@]}" SHA256SUMS)

# npm_ci DIR: npm ci from the lock file only; no lifecycle scripts run, so a compromised
# package cannot execute code on a developer's machine or in CI just by being vendored.
npm_ci() {
	(cd "$1" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
}

# copy_into MODULES OUT: copy the pinned dist files from a node_modules tree into OUT.
copy_into() {
	local nm=$1 out=$2
	check_version "$nm/htmx.org" "$htmx"
	check_version "$nm/htmx-ext-sse" "$sse"
	check_version "$nm/trix" "$trix"

	install -m 0644 "$nm/htmx.org/dist/htmx.min.js" "$out/htmx-$htmx.min.js"
	install -m 0644 "$nm/htmx-ext-sse/dist/sse.min.js" "$out/htmx-ext-sse-$sse.min.js"
	install -m 0644 "$nm/trix/dist/trix.css" "$out/trix-$trix.css"
	# We don't ship the source map, so drop the trailing comment that would make every
	# browser with devtools open request a .map that 404s.
	sed '${/^\/\/# sourceMappingURL=/d;}' "$nm/trix/dist/trix.umd.min.js" >"$out/trix-$trix.umd.min.js"
	chmod 0644 "$out/trix-$trix.umd.min.js"

	# The minified files keep at most a copyright line; the licenses (MIT, 0BSD, and
	# DOMPurify's MPL-2.0/Apache-2.0, which Trix bundles) want their text shipped alongside.
	{
		license "htmx.org $htmx" "$nm/htmx.org/LICENSE"
		license "htmx-ext-sse $sse" "$nm/htmx-ext-sse/LICENSE"
		license "trix $trix" "$nm/trix/LICENSE"
		license "dompurify $(pkg_version "$nm/dompurify") (bundled in trix)" "$nm/dompurify/LICENSE"
	} >"$out/LICENSES.txt"
	chmod 0644 "$out/LICENSES.txt"

	(cd "$out" && sha256sum "${payload[@]}" >SHA256SUMS)
	chmod 0644 "$out/SHA256SUMS"
}

pkg_version() {
	node -p 'require(process.argv[1] + "/package.json").version' "$1"
}

# The lock could drift from package.json's intent (e.g. someone ran npm install with a
# range); refuse to vendor a version the file names would lie about.
check_version() {
	local got
	got=$(pkg_version "$1")
	if [[ $got != "$2" ]]; then
		echo "vendor.sh: $1 is $got, expected $2 (update package.json/lock and this script together)" >&2
		exit 1
	fi
}

license() {
	printf '==> %s <==\n\n' "$1"
	cat "$2"
	printf '\n\n'
}

case "${1:-}" in
"")
	npm_ci "$pkgdir"
	mkdir -p "$dest"
	copy_into "$pkgdir/node_modules" "$dest"
	(cd "$dest" && sha256sum -c --quiet SHA256SUMS)
	echo "vendored into static/vendor:"
	(cd "$dest" && ls -l "${files[@]}")
	;;
--check)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	# Install in a scratch copy so the check never touches a developer's node_modules
	# and only sees what the committed package.json + lock produce.
	mkdir -p "$tmp/pkg" "$tmp/out"
	cp "$pkgdir/package.json" "$pkgdir/package-lock.json" "$tmp/pkg/"
	npm_ci "$tmp/pkg"
	copy_into "$tmp/pkg/node_modules" "$tmp/out"
	status=0
	for f in "${files[@]}"; do
		if [[ ! -f $dest/$f ]]; then
			echo "vendor.sh --check: static/vendor/$f is missing" >&2
			status=1
		elif ! cmp -s "$tmp/out/$f" "$dest/$f"; then
			echo "vendor.sh --check: static/vendor/$f differs from what the lock file produces" >&2
			status=1
		fi
	done
	if ((status != 0)); then
		echo "vendor.sh --check: run scripts/vendor.sh and commit static/vendor/" >&2
		exit 1
	fi
	echo "vendor.sh --check: static/vendor matches assets/vendor/package-lock.json"
	;;
*)
	echo "usage: $0 [--check]" >&2
	exit 2
	;;
esac

#!/usr/bin/env bash
# Campfire against Centrifugo in the same session: the idle, fan-out and
# reconnect-storm workloads of campfire-bench, alternating runs, each on a
# fresh server, then Campfire's figures as ratios to Centrifugo's
# (docs/BENCHMARKS.md). In the storm, Campfire's tabs reconnect with
# Last-Event-ID and replay 5 events; Centrifugo's streams recover the last 5
# publications from their epoch and offset.
#
# Centrifugo is built from the Go module proxy in a scratch folder, with its
# unidirectional SSE transport, its in-memory broker, and history and
# recovery on (the fair comparison for a server that replays). It is a
# benchmark-only tool: it never enters this module's go.mod.
#
# Knobs (environment): OUT, ROUNDS, FANOUT, RATE, DURATION, IDLE, HOLD,
# STORM (streams in the storm, 10000; 0 for none; IDLE=0 and FANOUT=0 skip
# those workloads likewise), CENTRIFUGO_VERSION,
# CENTRIFUGO (a built binary, to skip the build), PIN (1: each server on CPU
# 0 and the load tool on CPU 1, with taskset; a second setup, reported beside
# the plain one, never instead of it: give it its own OUT).
set -euo pipefail
export GOFLAGS=${GOFLAGS:--tags=sqlite_fts5}
export CGO_CFLAGS=${CGO_CFLAGS:--O2 -g -DSQLITE_ENABLE_QPSG}

out=${OUT:-bench-out/peer}
rounds=${ROUNDS:-2}
fanout=${FANOUT:-1000}
rate=${RATE:-10}
duration=${DURATION:-20s}
idle=${IDLE:-2000}
hold=${HOLD:-15s}
storm=${STORM:-10000}
srv_pin=() tool_pin=()
if [ "${PIN:-0}" = 1 ]; then srv_pin=(taskset -c 0) tool_pin=(taskset -c 1); fi
version=${CENTRIFUGO_VERSION:-v6.9.1}
port=${BENCH_PORT:-3919}

mkdir -p "$out"
work=$(mktemp -d)
server=
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

centrifugo=${CENTRIFUGO:-}
if [ -z "$centrifugo" ]; then
	echo "== build Centrifugo $version in a scratch folder"
	GOFLAGS= GOBIN="$work/bin" go install "github.com/centrifugal/centrifugo/v6@$version"
	centrifugo="$work/bin/centrifugo"
fi
. scripts/centrifugo-config.sh
centrifugo_config "$port" "$work/centrifugo.json"

go build -o "$work/campfire" ./cmd/campfire
go build -o "$work/campfire-bench" ./cmd/campfire-bench
"$work/campfire-bench" seed -db "$work/pristine.db" -users 1200 -messages 20000 -ten-k 2000
b="$work/campfire-bench"
if [ ${#tool_pin[@]} -gt 0 ]; then
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${tool_pin[*]}" "$work/campfire-bench" >"$work/bench-pinned"
	chmod +x "$work/bench-pinned"
	b="$work/bench-pinned"
fi

up() { for _ in $(seq 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; return 1; }

start_campfire() {
	cp "$work/pristine.db" "$work/run.db"
	cp "$work/pristine.db.layout.json" "$work/run.db.layout.json"
	PORT=$port CAMPFIRE_DB="$work/run.db" CAMPFIRE_TRUST_PROXY=1 CAMPFIRE_LOG_LEVEL=warn \
		"${srv_pin[@]}" "$work/campfire" serve >>"$out/campfire.log" 2>&1 &
	server=$!
	up "http://127.0.0.1:$port/up"
}
start_centrifugo() {
	"${srv_pin[@]}" "$centrifugo" --config "$work/centrifugo.json" >>"$out/centrifugo.log" 2>&1 &
	server=$!
	up "http://127.0.0.1:$port/health"
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=; rm -f "$work"/run.db*; }

for i in $(seq "$rounds"); do
	for side in campfire centrifugo; do
		peer=(); [ "$side" = centrifugo ] && peer=(-peer centrifugo)
		if [ "$idle" -gt 0 ]; then
			echo "== round $i, $side: idle $idle streams"
			"start_$side"
			"$b" idle -url "http://127.0.0.1:$port" -layout "$work/run.db.layout.json" -pid "$server" "${peer[@]}" \
				-conns "$idle" -hold "$hold" -settle 5s -json "$out/idle-$side-$i.json"
			stop
		fi
		if [ "$fanout" -gt 0 ]; then
			echo "== round $i, $side: fanout $fanout streams, $rate posts/s for $duration"
			"start_$side"
			"$b" fanout -url "http://127.0.0.1:$port" -layout "$work/run.db.layout.json" -pid "$server" "${peer[@]}" \
				-conns "$fanout" -rate "$rate" -duration "$duration" -json "$out/fanout-$side-$i.json"
			stop
		fi
		if [ "$storm" -gt 0 ]; then
			echo "== round $i, $side: storm of $storm streams reconnecting at once (load $(cut -d' ' -f1-3 /proc/loadavg))"
			"start_$side"
			"$b" reconnect -url "http://127.0.0.1:$port" -layout "$work/run.db.layout.json" -pid "$server" "${peer[@]}" \
				-conns "$storm" -json "$out/storm-$side-$i.json"
			stop
		fi
	done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$b" ratios "$out"

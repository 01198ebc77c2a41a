#!/usr/bin/env bash
# The full-size benchmarks of docs/BENCHMARKS.md, in the order they were run:
# each load run on a fresh server over a fresh copy of a seeded
# million-message database. Results (JSON and logs) go to $OUT.
#   scripts/bench-full.sh            # everything, about 25 minutes
#   STEPS="storm fanout" scripts/bench-full.sh
# Knobs: OUT, DB (a seeded database, made if missing), HOLD (idle hold time),
# MAX_STREAMS (CAMPFIRE_MAX_STREAMS of the server, 19200),
# STEPS (idle storm fanout botfanout post search page coldstart gobench).
set -euo pipefail
export GOFLAGS=${GOFLAGS:--tags=sqlite_fts5}
export CGO_CFLAGS=${CGO_CFLAGS:--O2 -g -DSQLITE_ENABLE_QPSG} # see the Makefile
cd "$(dirname "$0")/.."

out=${OUT:-bench-out/full}
pristine=${DB:-/tmp/campfire-bench/big-pristine.db}
hold=${HOLD:-10m}
steps=${STEPS:-idle storm fanout botfanout post search page coldstart gobench}
port=${BENCH_PORT:-3918}
work=$(mktemp -d)
mkdir -p "$out" "$(dirname "$pristine")"
server=
stop_server() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	server=
}
trap 'stop_server; rm -rf "$work"' EXIT

go build -trimpath -ldflags '-s -w' -o "$work/campfire" ./cmd/campfire
go build -o "$work/campfire-bench" ./cmd/campfire-bench
stat -c 'stripped binary: %s bytes' "$work/campfire" | tee "$out/binary.txt"
if [ ! -f "$pristine" ]; then
	"$work/campfire-bench" seed -db "$pristine" -users 2000 -messages 1000000
fi

# fresh copies the pristine database and its layout and starts a server on
# it. Sessions live in the database, so each copy signs its people in again.
fresh() {
	stop_server
	rm -f "$work"/big.db*
	cp "$pristine" "$work/big.db"
	cp "$pristine.layout.json" "$work/big.db.layout.json"
	# 19,000 idle streams: under ulimit -n 20,000 the default reserve for
	# ordinary requests leaves 14,952 (README, CAMPFIRE_MAX_STREAMS).
	CAMPFIRE_MAX_STREAMS=${MAX_STREAMS:-19200} PORT=$port CAMPFIRE_DB="$work/big.db" CAMPFIRE_TRUST_PROXY=1 CAMPFIRE_LOG_LEVEL=warn \
		"$work/campfire" serve >>"$out/server.log" 2>&1 &
	server=$!
	for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/up" >/dev/null && return; sleep 0.1; done
	echo "server did not start" >&2
	exit 1
}
b() { "$work/campfire-bench" "$@"; }
common() { echo -url "http://127.0.0.1:$port" -layout "$work/big.db.layout.json" -pid "$server"; }
note() { echo "== $* (load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%T))" | tee -a "$out/log.txt"; }

for step in $steps; do
	case $step in
	idle)
		fresh
		note "idle: 19,000 streams held $hold"
		b idle $(common) -conns 19000 -procs 3 -hold "$hold" -settle 20s -json "$out/idle.json"
		;;
	storm)
		for i in 1 2 3; do
			fresh
			note "storm $i: 10,000 streams reconnecting with Last-Event-ID"
			b reconnect $(common) -conns 10000 -procs 2 -json "$out/storm-$i.json"
			done
		;;
	fanout)
		fresh
		for i in 1 2 3; do
			note "fanout $i: 1,000 streams, 10 posts/s, 30 s"
			b fanout $(common) -conns 1000 -rate 10 -duration 30s -json "$out/fanout-10-$i.json"
		done
		note "fanout: 1,000 streams, 25 posts/s, 30 s"
		b fanout $(common) -conns 1000 -rate 25 -duration 30s -json "$out/fanout-25.json"
		;;
	botfanout)
		fresh
		for i in 1 2 3; do
			note "botfanout $i: 1,000 bots' own streams, 10 posts/s, 30 s"
			b botfanout $(common) -db "$work/big.db" -conns 1000 -rate 10 -duration 30s -json "$out/botfanout-10-$i.json"
		done
		;;
	post)
		for rate in 2000 1000 500; do
			fresh
			note "post: $rate posts/s into 100 ten-member rooms, 20 s"
			b post $(common) -rooms 100 -rate "$rate" -duration 20s -json "$out/post-$rate.json"
		done
		;;
	search)
		fresh
		note "search on 1,000,000 messages, warm"
		stop_server
		CAMPFIRE_BENCH_DB="$work/big.db" go test -run '^$' -bench 'BenchmarkSearchPage' -benchtime 2s -count 3 \
			./handlers | tee "$out/search-warm.txt"
		fresh
		note "search while 100 posts/s are written"
		b post $(common) -rooms 100 -rate 100 -listen=false -duration 70s -json "$out/post-100-during-search.json" &
		poster=$!
		sleep 5
		CAMPFIRE_BENCH_DB="$work/big.db" go test -run '^$' -bench 'BenchmarkSearchPage' -benchtime 2s -count 3 \
			./handlers | tee "$out/search-writing.txt"
		wait "$poster"
		;;
	page)
		fresh
		stop_server
		note "room page on 1,000,000 messages"
		CAMPFIRE_BENCH_DB="$work/big.db" go test -run '^$' -bench 'BenchmarkRoomPage' -benchtime 2s -count 3 \
			./handlers | tee "$out/room-page-1m.txt"
		;;
	coldstart)
		stop_server
		rm -f "$work"/big.db*
		cp "$pristine" "$work/big.db"
		cp "$pristine.layout.json" "$work/big.db.layout.json"
		note "cold start"
		b coldstart -server "$work/campfire" -db "$work/big.db" -runs 5 -json "$out/coldstart.json"
		;;
	gobench)
		stop_server
		note "Go benchmarks of the hot paths"
		go test -run '^$' -bench . -benchmem -benchtime 1s -count 1 ./views ./internal/richtext ./internal/chat \
			./internal/live ./internal/perf ./handlers ./db | tee "$out/go-bench.txt"
		;;
	*)
		echo "unknown step $step" >&2
		exit 2
		;;
	esac
done
note "done"

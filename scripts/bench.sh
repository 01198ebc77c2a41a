#!/usr/bin/env bash
# The short version of every benchmark (make bench): Go benchmarks of the hot
# paths and references, then load runs of campfire-bench against a real server
# on a freshly seeded database. Results go to $BENCH_OUT (default bench-out/).
# Knobs (environment): BENCHTIME, MESSAGES, FANOUT, RATE, POST_RATE, DURATION,
# IDLE, STORM, GROWTH (stream counts for the growth table and plot), PEER
# (0: no Centrifugo run), CENTRIFUGO (a built binary, to skip its build).
# docs/BENCHMARKS.md has the full-size commands.
set -euo pipefail
export GOFLAGS=${GOFLAGS:--tags=sqlite_fts5}
export CGO_CFLAGS=${CGO_CFLAGS:--O2 -g -DSQLITE_ENABLE_QPSG} # see the Makefile

out=${BENCH_OUT:-bench-out}
benchtime=${BENCHTIME:-1s}
messages=${MESSAGES:-50000}
fanout=${FANOUT:-1000}
rate=${RATE:-10}
post_rate=${POST_RATE:-2000}
duration=${DURATION:-10s}
idle=${IDLE:-2000}
storm=${STORM:-2000}
growth=${GROWTH:-100 1000 5000}
port=${BENCH_PORT:-3917}

mkdir -p "$out"
work=$(mktemp -d)
server=
cleanup() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

{
	echo "date: $(date -u +%FT%TZ)"
	echo "commit: $(git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "cpus: $(nproc)"
	grep -m1 'model name' /proc/cpuinfo || true
	grep MemTotal /proc/meminfo
	echo "open files: $(ulimit -n)"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	go version
} | tee "$out/machine.txt"

echo "== Go benchmarks"
go test -run='^$' -bench=. -benchmem -benchtime="$benchtime" -count=1 ./... | tee "$out/go-bench.txt"

echo "== load: build, seed $messages messages, serve"
go build -o "$work/campfire" ./cmd/campfire
go build -o "$work/campfire-bench" ./cmd/campfire-bench
"$work/campfire-bench" seed -db "$work/bench.db" -users 1200 -messages "$messages" -ten-k 5000
cp "$work/bench.db" "$work/pristine.db"
PORT=$port CAMPFIRE_DB="$work/bench.db" CAMPFIRE_TRUST_PROXY=1 CAMPFIRE_LOG_LEVEL=warn \
	"$work/campfire" serve >"$out/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/up" >/dev/null && break; sleep 0.1; done

b=("$work/campfire-bench")
common=(-url "http://127.0.0.1:$port" -layout "$work/bench.db.layout.json" -pid "$server")
# Idle first, on the fresh server: memory per stream is an RSS difference, and
# heap freed by earlier runs would be reused and hide it.
echo "== idle: $idle streams"
"${b[@]}" idle "${common[@]}" -conns "$idle" -hold 15s -settle 5s -json "$out/idle.json"
echo "== fanout: $fanout streams, $rate posts/s for $duration"
"${b[@]}" fanout "${common[@]}" -conns "$fanout" -rate "$rate" -duration "$duration" -json "$out/fanout.json"
echo "== post: $post_rate posts/s into 10-member rooms for $duration"
"${b[@]}" post "${common[@]}" -rooms 100 -rate "$post_rate" -duration "$duration" -json "$out/post.json"
echo "== reconnect: $storm streams at once"
"${b[@]}" reconnect "${common[@]}" -conns "$storm" -json "$out/reconnect.json"

# Growth: the fan-out on one room at each stream count, each on a fresh
# server over a fresh copy of the database, then a table and a plot. The
# post rate is capped at 30,000 deliveries/s (5,000 streams: 6 posts/s), as
# in scripts/bench-issue17.sh, so the largest count stays within the machine.
kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true
server=
for n in $growth; do
	echo "== growth: fanout $n streams, $rate posts/s for $duration"
	cp "$work/pristine.db" "$work/growth.db"
	cp "$work/bench.db.layout.json" "$work/growth.db.layout.json"
	PORT=$port CAMPFIRE_DB="$work/growth.db" CAMPFIRE_TRUST_PROXY=1 CAMPFIRE_LOG_LEVEL=warn \
		"$work/campfire" serve >>"$out/server.log" 2>&1 &
	server=$!
	for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/up" >/dev/null && break; sleep 0.1; done
	"${b[@]}" fanout -url "http://127.0.0.1:$port" -layout "$work/growth.db.layout.json" -pid "$server" \
		-conns "$n" -rate "$rate" -max-deliveries 30000 -duration "$duration" -json "$out/growth-$n.json"
	kill "$server"; wait "$server" 2>/dev/null || true
	server=
	rm -f "$work"/growth.db*
done
"${b[@]}" growth -out "$out" "$out"/growth-*.json
cat "$out/growth.md"

# The headline: this run's storm, posts and fan-out in one table, then the
# same workloads against Centrifugo in the same session, as ratios
# (scripts/bench-peer.sh, one round; PEER=0 skips it, CENTRIFUGO=BIN skips
# its build). The full-size version is scripts/bench-issue17.sh.
echo "== headline"
"${b[@]}" summary "$out/reconnect.json" "$out/post.json" "$out/fanout.json" | tee "$out/summary.md"
if [ "${PEER:-1}" = 1 ]; then
	echo "== the peer: Centrifugo, alternating with Campfire"
	OUT="$out/peer" ROUNDS=1 IDLE="$idle" FANOUT="$fanout" RATE="$rate" DURATION="$duration" STORM="$storm" \
		BENCH_PORT=$((port + 2)) scripts/bench-peer.sh >"$out/peer.log" 2>&1 || true
	if [ -f "$out/peer/ratios.md" ]; then cat "$out/peer/ratios.md"; else echo "the peer run failed: see $out/peer.log"; fi
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"

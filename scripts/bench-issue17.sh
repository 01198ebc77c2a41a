#!/usr/bin/env bash
# Every remaining figure of issue 17, for a quiet machine, in one run
# (docs/BENCHMARKS.md, "Round two"): each load run on a fresh server over a
# fresh copy of the seeded database, Campfire and Centrifugo alternating
# where there is a peer, the load average noted before each run. Outputs
# (JSON reports, Markdown tables, SVG plots, logs) go to $OUT:
#
#   storm/      10,000-stream reconnect storms, alternating with Centrifugo's,
#               summary.md, ratios.md
#   post/       2,000 posts/s into 10-member rooms, summary.md
#   peer/       fan-out against Centrifugo at each of FANOUT_COUNTS, ratios.md
#   growth/     fan-out cost against streams on one room, growth.md/.svg
#   roomsize/   posts/s against room size (10, 100, 1,000 members), roomsize.md/.svg
#   search/     search p99 against database size, searchsize.md/.svg
#
#   scripts/bench-issue17.sh                         # everything, 18 minutes on a quiet machine
#   STEPS="fanout growth" scripts/bench-issue17.sh   # some of it
#
# Knobs (environment): OUT, DATA (the datasets and binaries folder, default
# /work/benchdata), STEPS (storm post fanout growth roomsize search), ROUNDS
# (fan-out pairs per stream count, 3), FANOUT_COUNTS (default "1000 5000
# 19000", less if ulimit -n is too low even with CAMPFIRE_MAX_STREAMS),
# MAX_DELIVERIES (the fan-out's deliveries/s budget, 30000),
# FANOUT_DURATION (20s), SEARCH_SIZES (10k 100k 1m 10m), RATES_10, RATES_100,
# RATES_1000 (the posts/s steps per room size), REFINE (steps halfway
# between the best sustained and the first not, 1), ROOMSIZE_DURATION (10s a
# step), STORM (10000 streams), POST_RATE (2000), POST_DURATION (15s),
# SEARCH_BENCHTIME (2s), CENTRIFUGO (a built binary), PIN (1: each server on
# CPU 0 and the load tool on CPU 1, with taskset, as scripts/bench-peer.sh's
# PIN; a second setup beside the plain one: give it its own OUT). Small
# values of these make a quick check of the script itself, not figures.
set -euo pipefail
export GOFLAGS=${GOFLAGS:--tags=sqlite_fts5}
export CGO_CFLAGS=${CGO_CFLAGS:--O2 -g -DSQLITE_ENABLE_QPSG} # see the Makefile
cd "$(dirname "$0")/.."

out=${OUT:-bench-out/issue17}
data=${DATA:-/work/benchdata}
steps=${STEPS:-storm post fanout growth roomsize search}
rounds=${ROUNDS:-3}
budget=${MAX_DELIVERIES:-30000}
fanout_duration=${FANOUT_DURATION:-20s}
search_sizes=${SEARCH_SIZES:-10k 100k 1m 10m}
rates_10=${RATES_10:-1000,1500,2000,2500,3000,3500}
rates_100=${RATES_100:-100,200,300,400,500,600,800}
rates_1000=${RATES_1000:-10,20,30,40,50,60,80}
roomsize_duration=${ROOMSIZE_DURATION:-10s}
refine=${REFINE:-1}
storm=${STORM:-10000}
post_rate=${POST_RATE:-2000}
post_duration=${POST_DURATION:-15s}
search_benchtime=${SEARCH_BENCHTIME:-2s}
version=${CENTRIFUGO_VERSION:-v6.9.1}
port=${BENCH_PORT:-3920}
srv_pin=() tool_pin=()
if [ "${PIN:-0}" = 1 ]; then srv_pin=(taskset -c 0) tool_pin=(taskset -c 1); fi
started=$SECONDS

mkdir -p "$out"/{storm,post,peer,growth,roomsize,search} "$data/bin"
work=$(mktemp -d)
server=
stop_server() {
	if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
	server=
}
trap 'stop_server; rm -rf "$work"' EXIT
note() { echo "== $* (load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%T))" | tee -a "$out/log.txt"; }

# By default Campfire keeps a quarter of its connections for ordinary
# requests (connguard.BudgetFor): under ulimit -n 20,000 it takes at most
# 14,952 streams. For 19,000 streams the server runs with
# CAMPFIRE_MAX_STREAMS=19200 (up to the connections less 64 may be streams),
# said in machine.txt; Centrifugo keeps no such reserve.
fds=$(ulimit -n)
conns=$((fds - 64 > fds / 2 ? fds - 64 : fds / 2))
reserve=$((conns / 4 > 64 ? conns / 4 : 64))
max_streams=$((conns - reserve))
stream_env=()
if [ "$max_streams" -lt 19200 ]; then
	max_streams=$((19200 < conns - 64 ? 19200 : conns - 64))
	stream_env=(CAMPFIRE_MAX_STREAMS=$max_streams)
fi
if [ -z "${FANOUT_COUNTS:-}" ]; then
	big=19000
	if [ "$max_streams" -lt 19100 ]; then big=$(((max_streams - 100) / 1000 * 1000)); fi
	FANOUT_COUNTS="1000 5000 $big"
fi

{
	echo "date: $(date -u +%FT%TZ)"
	echo "commit: $(git describe --always --dirty 2>/dev/null || echo unknown)"
	echo "cpus: $(nproc)"
	grep -m1 'model name' /proc/cpuinfo || true
	grep MemTotal /proc/meminfo
	echo "open files: $fds; Campfire takes at most $max_streams streams (${stream_env[*]:-the default budget})"
	echo "fan-out stream counts: $FANOUT_COUNTS, posts/s capped at $budget deliveries/s"
	echo "pinned: ${srv_pin[*]:-no} (server), ${tool_pin[*]:-no} (load tool)"
	echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
	go version
} | tee "$out/machine.txt"

echo "== build"
go build -o "$work/campfire" ./cmd/campfire
go build -o "$work/campfire-bench" ./cmd/campfire-bench
# The load tool's worker processes inherit its CPU affinity.
b() { "${tool_pin[@]}" "$work/campfire-bench" "$@"; }
centrifugo=${CENTRIFUGO:-$data/bin/centrifugo}
if [ ! -x "$centrifugo" ]; then
	echo "== build Centrifugo $version into $data/bin (a benchmark-only tool, never in go.mod)"
	GOFLAGS= GOBIN="$data/bin" go install "github.com/centrifugal/centrifugo/v6@$version"
fi
"$centrifugo" version | tee -a "$out/machine.txt"

# The load database: the make bench one, with the 100-member rooms.
pristine=$data/load.db
if ! grep -q '"hundred"' "$pristine.layout.json" 2>/dev/null; then
	rm -f "$pristine" "$pristine".*
	b seed -db "$pristine" -users 1200 -messages 50000 -ten-k 5000
fi

. scripts/centrifugo-config.sh
centrifugo_config "$port" "$work/centrifugo.json"

up() { for _ in $(seq 200); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "server did not start" >&2; return 1; }
# fresh_campfire starts Campfire on a fresh copy of the database. Sessions
# live in the database, so the copy's people sign in again: the tool's cache
# of session tokens beside the layout must go with it (else 401s).
fresh_campfire() {
	stop_server
	rm -f "$work"/run.db*
	cp "$pristine" "$work/run.db"
	cp "$pristine.layout.json" "$work/run.db.layout.json"
	rm -f "$work/run.db.layout.json.sessions.json"
	env "${stream_env[@]}" PORT=$port CAMPFIRE_DB="$work/run.db" CAMPFIRE_TRUST_PROXY=1 CAMPFIRE_LOG_LEVEL=warn \
		"${srv_pin[@]}" "$work/campfire" serve >>"$out/campfire.log" 2>&1 &
	server=$!
	up "http://127.0.0.1:$port/up"
}
fresh_centrifugo() {
	stop_server
	"${srv_pin[@]}" "$centrifugo" --config "$work/centrifugo.json" >>"$out/centrifugo.log" 2>&1 &
	server=$!
	up "http://127.0.0.1:$port/health"
}
common() { echo -url "http://127.0.0.1:$port" -layout "$work/run.db.layout.json" -pid "$server"; }
# run notes a failed run and goes on: one lost figure should not cost the rest.
run() { "$@" || note "FAILED (exit $?): $*"; }

fanout_run() { # side streams file
	local peer=
	[ "$1" = centrifugo ] && peer="-peer centrifugo"
	"fresh_$1"
	note "fanout, $1: $2 streams on one room, 10 posts/s capped at $budget deliveries/s, $fanout_duration"
	run b fanout $(common) $peer -conns "$2" -rate 10 -max-deliveries "$budget" -duration "$fanout_duration" -json "$3"
}

for step in $steps; do
	case $step in
	storm)
		for i in 1 2 3; do
			fresh_campfire
			note "storm $i, campfire: $storm streams reconnecting with Last-Event-ID"
			run b reconnect $(common) -conns "$storm" -procs 2 -json "$out/storm/storm-campfire-$i.json"
			# Centrifugo's streams recover the last 5 publications from their
			# epoch and offset, as Campfire's tabs replay 5 events.
			fresh_centrifugo
			note "storm $i, centrifugo: $storm streams reconnecting with recovery"
			run b reconnect $(common) -peer centrifugo -conns "$storm" -procs 2 -json "$out/storm/storm-centrifugo-$i.json"
		done
		stop_server
		b summary "$out"/storm/storm-*.json | tee "$out/storm/summary.md"
		b ratios "$out/storm"
		;;
	post)
		for i in 1 2 3; do
			fresh_campfire
			note "post $i: $post_rate posts/s into 100 ten-member rooms, $post_duration"
			run b post $(common) -rooms 100 -rate "$post_rate" -duration "$post_duration" -json "$out/post/post-$post_rate-$i.json"
		done
		stop_server
		b summary "$out"/post/post-*.json | tee "$out/post/summary.md"
		;;
	fanout)
		for n in $FANOUT_COUNTS; do
			for i in $(seq "$rounds"); do
				for side in campfire centrifugo; do
					fanout_run "$side" "$n" "$out/peer/fanout-$side-$n-$i.json"
				done
			done
		done
		stop_server
		b ratios "$out/peer"
		;;
	growth)
		# 100 streams here; the larger counts are the fan-out step's Campfire
		# runs (the median one of each count), run here if that step was not.
		fanout_run campfire 100 "$out/growth/fanout-campfire-100-1.json"
		for n in $FANOUT_COUNTS; do
			if ! ls "$out"/peer/fanout-campfire-"$n"-*.json >/dev/null 2>&1; then
				fanout_run campfire "$n" "$out/growth/fanout-campfire-$n-1.json"
			fi
		done
		stop_server
		shopt -s nullglob
		b growth -out "$out/growth" "$out"/growth/fanout-campfire-*.json "$out"/peer/fanout-campfire-*.json
		shopt -u nullglob
		cat "$out/growth/growth.md"
		;;
	roomsize)
		for m in 10 100 1000; do
			rates=rates_$m
			fresh_campfire
			note "posts/s into $m-member rooms (1,000 streams), steps ${!rates} posts/s, $roomsize_duration each"
			run b roomsize-run $(common) -members "$m" -rates "${!rates}" -refine "$refine" -duration "$roomsize_duration" -json "$out/roomsize/roomsize-$m.json"
		done
		stop_server
		b roomsize -out "$out/roomsize" "$out"/roomsize/roomsize-*.json
		;;
	search)
		stop_server
		go test -c -o "$work/handlers.test" ./handlers
		args=()
		for s in $search_sizes; do
			case $s in
			10k) n=10000 ;; 100k) n=100000 ;; 1m) n=1000000 ;; 10m) n=10000000 ;;
			*) echo "unknown search size $s" >&2; exit 2 ;;
			esac
			db=$data/search-$s.db
			if [ ! -f "$db.layout.json" ]; then
				note "seed $n messages into $db"
				nice -n 19 "$work/campfire-bench" seed -db "$db" -users 2000 -messages "$n"
			fi
			# A fresh copy (the benchmark signs in, a write), which also
			# leaves its pages in the OS cache: the figures are warm.
			rm -rf "$work"/search.db*
			cp "$db" "$work/search.db"
			cp "$db.layout.json" "$work/search.db.layout.json"
			note "search through the router on $n messages (BenchmarkSearchPage, $search_benchtime × 3 per query)"
			(cd handlers && CAMPFIRE_BENCH_DB="$work/search.db" "$work/handlers.test" -test.run '^$' \
				-test.bench BenchmarkSearchPage -test.benchtime "$search_benchtime" -test.count 3) | tee "$out/search/search-$s.txt" ||
				note "FAILED: search on $n messages"
			args+=("$n=$out/search/search-$s.txt")
			rm -rf "$work"/search.db*
		done
		b searchsize -out "$out/search" "${args[@]}"
		;;
	*)
		echo "unknown step $step" >&2
		exit 2
		;;
	esac
done
note "done in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"

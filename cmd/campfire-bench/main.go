// Command campfire-bench seeds a database and loads a running Campfire server
// with real sessions and real SSE streams, reporting from the receivers' side.
//
//	campfire-bench seed      -db FILE [-users N] [-messages N]
//	campfire-bench fanout    -layout FILE [-conns 1000] [-rate 10] [-duration 30s] [-pid PID]
//	campfire-bench botfanout -layout FILE -db FILE [-conns 1000] [-rate 10] [-duration 30s] [-pid PID]
//	campfire-bench post      -layout FILE [-rooms 100] [-rate 2000] [-listen] [-pid PID]
//	campfire-bench idle      -layout FILE [-conns 10000] [-hold 60s] [-pid PID]
//	campfire-bench reconnect -layout FILE [-conns 10000] [-pid PID]
//	campfire-bench roomsize-run -layout FILE -members 10|100|1000 -rates 500,1000,... [-pid PID]
//	campfire-bench roomsize  -out DIR SWEEP.json ...
//	campfire-bench searchsize -out DIR MESSAGES=BENCH.txt ...
//	campfire-bench coldstart -server BIN -db FILE [-runs 5]
//	campfire-bench import    -server BIN [-messages 1000000] [-dir DIR]
//
// Load commands spread their streams over worker processes (-procs), each
// dialling from its own loopback address, because one process may hold only
// 20,000 files.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: campfire-bench COMMAND [flags]

commands:
  seed        write a database with users, rooms and messages
  fanout      N streams on one room, posts at a fixed rate: post-to-receive latency
  botfanout   N bots' own event streams on one room, posts at a fixed rate: post-to-receive latency
  post        posts at a fixed rate into 10-member rooms: POST latency and throughput
  idle        hold N idle streams: server memory per connection
  reconnect   N streams connecting at once with Last-Event-ID: time to the first event
  growth      fanout reports at several stream counts: growth.md (table) and growth.svg (plot)
  roomsize-run  posts at stepped rates into rooms of 10, 100 or 1,000 members: the highest rate sustained
  roomsize    roomsize-run reports at several room sizes: roomsize.md (table) and roomsize.svg (plot)
  searchsize  BenchmarkSearchPage output on databases of several sizes: searchsize.md and searchsize.svg
  summary     a Markdown table of reconnect, post and fanout reports, a row each
  ratios      Campfire against Centrifugo from scripts/bench-peer.sh's runs (fanout and idle take -peer centrifugo)
  coldstart   start the server on a seeded database: time to the first room page
  import      generate a ONCE Campfire install and time "campfire import" on it: time and peak memory
  worker      (internal) one load process, driven by its parent over stdin/stdout

Run "campfire-bench COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "seed":
		err = seedCmd(ctx, args)
	case "fanout":
		err = fanoutCmd(ctx, args)
	case "botfanout":
		err = botFanoutCmd(ctx, args)
	case "post":
		err = postCmd(ctx, args)
	case "idle":
		err = idleCmd(ctx, args)
	case "reconnect":
		err = reconnectCmd(ctx, args)
	case "coldstart":
		err = coldstartCmd(ctx, args)
	case "import":
		err = importCmd(ctx, args)
	case "growth":
		err = growthCmd(args)
	case "roomsize-run":
		err = roomsizeRunCmd(ctx, args)
	case "roomsize":
		err = roomsizeCmd(args)
	case "searchsize":
		err = searchsizeCmd(args)
	case "summary":
		err = summaryCmd(args)
	case "ratios":
		err = ratiosCmd(args)
	case "worker":
		err = workerMain(ctx, os.Stdin, os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		err = fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "campfire-bench:", err)
		os.Exit(1)
	}
}

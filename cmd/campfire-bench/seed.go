package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/campfire-go/campfire/internal/perf"
)

func seedCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	path := fs.String("db", "storage/bench.db", "database file to create (must not exist)")
	var o perf.Options
	fs.IntVar(&o.Users, "users", 2000, "people (user 1 administers; all share the password "+perf.Password+")")
	fs.IntVar(&o.FanoutMembers, "fanout-members", 1000, "members of the Fanout room besides the administrator")
	fs.IntVar(&o.Messages, "messages", 100_000, "messages in all; most go to the History room")
	fs.IntVar(&o.TenK, "ten-k", 10_000, "messages in the Ten Thousand room")
	fs.IntVar(&o.Events, "events", 100, "newest messages per room with a replayable event")
	fs.IntVar(&o.HundredRooms, "hundred-rooms", 10, "100-member rooms (no messages; -1: none), for posts against room size")
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(args)
	o.Seed = *seed
	o.Log = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }

	if _, err := os.Stat(*path); err == nil {
		return fmt.Errorf("%s exists; seed writes a new database", *path)
	}
	l, err := perf.SeedFile(ctx, *path, o)
	if err != nil {
		return err
	}
	lp := perf.LayoutPath(*path)
	_ = os.Remove(sessionsPath(lp))
	fmt.Printf("seeded %s: %d users, %d messages; layout in %s\n", *path, l.Users, l.Messages, lp)
	return nil
}

func sessionsPath(layout string) string { return layout + ".sessions.json" }

func readLayout(path string) (perf.Layout, error) {
	var l perf.Layout
	b, err := os.ReadFile(path)
	if err != nil {
		return l, err
	}
	return l, json.Unmarshal(b, &l)
}

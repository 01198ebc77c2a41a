package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/campfire-go/campfire/db"
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
	seed := fs.Uint64("seed", 1, "random seed")
	fs.Parse(args)
	o.Seed = *seed
	o.Log = func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }

	if _, err := os.Stat(*path); err == nil {
		return fmt.Errorf("%s exists; seed writes a new database", *path)
	}
	store, err := db.Open(ctx, *path)
	if err != nil {
		return err
	}
	l, err := perf.Seed(ctx, store, o)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(l, "", "  ")
	lp := layoutPath(*path)
	if err := os.WriteFile(lp, b, 0o644); err != nil {
		return err
	}
	_ = os.Remove(sessionsPath(lp))
	fmt.Printf("seeded %s: %d users, %d messages; layout in %s\n", *path, l.Users, l.Messages, lp)
	return nil
}

func layoutPath(dbPath string) string   { return dbPath + ".layout.json" }
func sessionsPath(layout string) string { return layout + ".sessions.json" }

func readLayout(path string) (perf.Layout, error) {
	var l perf.Layout
	b, err := os.ReadFile(path)
	if err != nil {
		return l, err
	}
	return l, json.Unmarshal(b, &l)
}

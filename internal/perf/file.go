package perf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/campfire-go/campfire/db"
)

// LayoutPath is where the layout of the database at path is kept.
func LayoutPath(path string) string { return path + ".layout.json" }

// ReadLayout reads the layout kept beside a seeded database.
func ReadLayout(path string) (Layout, error) {
	var l Layout
	b, err := os.ReadFile(LayoutPath(path))
	if err != nil {
		return l, err
	}
	return l, json.Unmarshal(b, &l)
}

// SharedDB returns a seeded database for benchmarks: the file named by
// CAMPFIRE_BENCH_DB if set, else one of about 120,000 messages kept in the
// temporary folder and reused by later runs (seeding takes longer than most
// benchmarks).
func SharedDB(ctx context.Context) (string, Layout, error) {
	if p := os.Getenv("CAMPFIRE_BENCH_DB"); p != "" {
		l, err := ReadLayout(p)
		return p, l, err
	}
	path := filepath.Join(os.TempDir(), "campfire-bench-120k-v1.db")
	if l, err := ReadLayout(path); err == nil {
		return path, l, nil
	}
	l, err := SeedFile(ctx, path, Options{Users: 200, FanoutMembers: 100, Messages: 120_000})
	return path, l, err
}

// SeedFile writes a new seeded database at path with its layout beside it. The
// layout is written last, so its presence means the database is complete.
func SeedFile(ctx context.Context, path string, o Options) (Layout, error) {
	for _, suffix := range []string{"", "-wal", "-shm", ".layout.json"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return Layout{}, err
		}
	}
	store, err := db.Open(ctx, path)
	if err != nil {
		return Layout{}, err
	}
	l, err := Seed(ctx, store, o)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Layout{}, err
	}
	b, _ := json.MarshalIndent(l, "", "  ")
	if err := os.WriteFile(LayoutPath(path), b, 0o644); err != nil {
		return Layout{}, fmt.Errorf("perf: write layout: %w", err)
	}
	return l, nil
}

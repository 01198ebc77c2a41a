package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/campfire-go/campfire/internal/importer/oncetest"
)

type importReport struct {
	Command  string  `json:"command"`
	Messages int     `json:"messages"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"messages_per_second"`
	PeakMiB  float64 `json:"peak_rss_mib"`
	CPU      float64 `json:"cpu_seconds"` // user and system time of the import process
	Load     string  `json:"loadavg"`
}

// importCmd writes a ONCE Campfire install with N messages (oncetest, the
// importer tests' generator), then runs `BIN import` on it into a new
// database and reports its wall time and peak resident memory, as the
// operating system measured the child process.
func importCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ExitOnError)
	bin := fs.String("server", "bin/campfire", "the campfire binary")
	n := fs.Int("messages", 1000000, "messages in the generated install")
	dir := fs.String("dir", "", "work folder (a temporary one when empty; kept when given)")
	fs.Parse(args)
	work := *dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "campfire-import-bench"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	storage := filepath.Join(work, "storage")
	if _, err := os.Stat(filepath.Join(storage, "db", "production.sqlite3")); err != nil {
		t0 := time.Now()
		if _, err := oncetest.Build(storage, oncetest.Options{Messages: *n}); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "generated %d messages in %s\n", *n, time.Since(t0).Round(time.Millisecond))
	}
	target := filepath.Join(work, "imported.db")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		_ = os.Remove(target + suffix)
	}
	cmd := exec.CommandContext(ctx, *bin, "import", storage)
	cmd.Env = append(os.Environ(), "CAMPFIRE_DB="+target)
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	took := time.Since(t0)
	var peak float64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = float64(ru.Maxrss) / 1024 // Linux reports KiB
	}
	cpu := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	load, _ := os.ReadFile("/proc/loadavg")
	return json.NewEncoder(os.Stdout).Encode(importReport{Command: "import", Messages: *n, Seconds: took.Seconds(),
		PerSec: float64(*n) / took.Seconds(), PeakMiB: peak, CPU: cpu, Load: string(load)})
}

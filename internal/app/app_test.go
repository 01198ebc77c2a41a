package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"testing"
)

// A server serves until its context ends, shuts down cleanly, and a new one
// on the same database file and address carries on.
func TestServeStopAndServeAgain(t *testing.T) {
	cfg := Config{DBPath: filepath.Join(t.TempDir(), "nested", "campfire.db")}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	addr := ""
	for round := range 2 {
		s, err := New(context.Background(), cfg, log)
		if err != nil {
			t.Fatal(err)
		}
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("round %d: listen on %s: %v", round, addr, err)
		}
		addr = ln.Addr().String()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.Serve(ctx, ln) }()

		res, err := http.Get("http://" + addr + "/up")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("round %d: /up answered %d", round, res.StatusCode)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("round %d: serve: %v", round, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

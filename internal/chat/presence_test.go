package chat

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
)

// Close stops the presence announcer with announcements still waiting: it
// is not left to read the store once that is closed.
func TestCloseStopsThePresenceAnnouncer(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "chat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := live.New(log, live.Options{})
	defer hub.Close()

	svc := New(store, hub, log)
	for room := range int64(50) {
		svc.PresenceChanged(room+1, 1, true)
	}
	// Goroutines are listed once they have started, and for a moment after
	// they return.
	if !eventually(func() bool { return announcing() }) {
		t.Fatal("the announcer never started")
	}
	svc.Close()
	if !eventually(func() bool { return !announcing() }) {
		t.Fatalf("the announcer outlived Close:\n%s", stacks())
	}
}

func announcing() bool { return strings.Contains(stacks(), "chat.(*Service).announcePresence") }

func eventually(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return false
}

func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

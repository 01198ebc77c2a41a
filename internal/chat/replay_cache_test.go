package chat

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/campfire-go/campfire/internal/live"
)

// TestReplayCacheSharesOneRead: many streams asking for the same room and
// cursor at once cause one read; a new event (a new generation) or a failed
// read is never served from the cache.
func TestReplayCacheSharesOneRead(t *testing.T) {
	var c replayCache
	var reads atomic.Int64
	release := make(chan struct{})
	read := func() (replayRead, error) {
		reads.Add(1)
		<-release
		return replayRead{entries: []ringEntry{{frame: live.Frame{ID: 7, Event: live.EventMessage, Data: []byte("x")}}}}, nil
	}
	k := replayKey{room: 1, after: 5}
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			frames, err := c.get(context.Background(), 10, k, read)
			if err != nil || len(frames.entries) != 1 || frames.entries[0].frame.ID != 7 {
				t.Errorf("got %v, %v", frames, err)
			}
		}()
	}
	for reads.Load() == 0 {
		runtime.Gosched() // until the first asker is reading
	}
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 1 {
		t.Fatalf("%d reads for 50 identical replays, want 1", n)
	}

	if _, err := c.get(context.Background(), 11, k, read); err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 2 {
		t.Fatalf("after a new event: %d reads, want 2", n)
	}

	boom := errors.New("boom")
	if _, err := c.get(context.Background(), 12, k, func() (replayRead, error) { return replayRead{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("got %v, want boom", err)
	}
	if _, err := c.get(context.Background(), 12, k, read); err != nil {
		t.Fatal(err)
	}
	if n := reads.Load(); n != 3 {
		t.Fatalf("a failed read was cached: %d reads, want 3", n)
	}
}

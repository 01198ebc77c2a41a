package chat

import (
	"context"
	"sync"
)

// replayCacheSize bounds how many replays are kept; past it the cache starts
// over. A storm of reconnects after a restart asks for one replay per room
// and cursor, a few hundred at most.
const replayCacheSize = 1024

// replayCache shares rendered replays between streams asking for the same
// room and cursor while nothing new has been published: when a server
// restarts, every tab of a room reconnects with the same cursor at once, and
// each would otherwise read and render the same events.
//
// An entry is valid for one value of the hub's newest published event id. A
// stream registered with the hub before it asks, so whatever is published
// after the entry was made reaches it live; anything the entry holds that is
// also published later is dropped by the hub as already replayed.
type replayCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[replayKey]*replayEntry
}

type replayKey struct{ room, after int64 }

// replayRead is one read of a room's events after a cursor, with the mark
// its reader took before it began (replay_ring.go).
type replayRead struct {
	mark    ringMark
	entries []ringEntry
}

type replayEntry struct {
	ready chan struct{}
	read  replayRead
	err   error
}

// reset drops every entry: what they rendered may have changed.
func (c *replayCache) reset() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}

// get returns the replay for the key at generation gen, computing it once
// however many ask at the same time.
func (c *replayCache) get(ctx context.Context, gen int64, k replayKey, compute func() (replayRead, error)) (replayRead, error) {
	c.mu.Lock()
	if c.entries == nil || c.gen != gen || len(c.entries) >= replayCacheSize {
		c.gen, c.entries = gen, map[replayKey]*replayEntry{}
	}
	e, ok := c.entries[k]
	if !ok {
		e = &replayEntry{ready: make(chan struct{})}
		c.entries[k] = e
	}
	c.mu.Unlock()

	if !ok {
		e.read, e.err = compute()
		close(e.ready)
		if e.err != nil {
			c.mu.Lock()
			if c.entries[k] == e {
				delete(c.entries, k)
			}
			c.mu.Unlock()
		}
		return e.read, e.err
	}
	select {
	case <-e.ready:
	case <-ctx.Done():
		return replayRead{}, ctx.Err()
	}
	if e.err != nil {
		// The first asker's failure (its own context ended, say) is not
		// this one's: read for ourselves.
		return compute()
	}
	return e.read, nil
}

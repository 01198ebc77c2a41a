// Package typing decides which "is typing" notices go out. A notice fans out
// to every stream on the room, so one member sending them without pause (120
// a second were seen) slowed every page; a browser needs only one every few
// seconds to keep the line up, and one when it stops.
package typing

import (
	"sync"
	"time"
)

// Decision is what to do with one notice.
type Decision int

const (
	// Publish: send it to the room.
	Publish Decision = iota
	// Coalesce: it changes nothing the room has not just been told; answer
	// as if sent.
	Coalesce
	// Limited: too many from this member in this room; refuse it.
	Limited
)

// Renew is how often a continuing "start" is passed on: under the 5 s after
// which browsers drop a line that was not renewed.
const Renew = 3 * time.Second

// Limit notices per member and room in Window, passed on or not: twice what
// the browser sends while typing (a start a second, and stops).
const (
	Limit  = 20
	Window = 10 * time.Second
)

// Gate keeps, per member and room, what the room was last told and how many
// notices came lately. Safe for concurrent use.
type Gate struct {
	mu    sync.Mutex
	state map[key]*entry
	swept time.Time
}

type key struct{ userID, roomID int64 }

type entry struct {
	typing      bool      // the room was last told "start"
	told        time.Time // when it was last told anything
	windowStart time.Time
	count       int
}

// New returns an empty Gate.
func New() *Gate { return &Gate{state: map[key]*entry{}} }

// Decide records a notice (start or stop) from the member in the room at now.
func (g *Gate) Decide(userID, roomID int64, start bool, now time.Time) Decision {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sweep(now)
	k := key{userID, roomID}
	e := g.state[k]
	if e == nil {
		e = &entry{}
		g.state[k] = e
	}
	if now.Sub(e.windowStart) >= Window {
		e.windowStart, e.count = now, 0
	}
	e.count++
	if e.count > Limit {
		return Limited
	}
	switch {
	case start && e.typing && now.Sub(e.told) < Renew,
		!start && !e.typing:
		return Coalesce
	}
	e.typing, e.told = start, now
	return Publish
}

// sweep forgets entries idle for a window, at most once a window, so memory
// follows who is typing now.
func (g *Gate) sweep(now time.Time) {
	if now.Sub(g.swept) < Window {
		return
	}
	g.swept = now
	for k, e := range g.state {
		if now.Sub(e.windowStart) >= Window && now.Sub(e.told) >= Window {
			delete(g.state, k)
		}
	}
}

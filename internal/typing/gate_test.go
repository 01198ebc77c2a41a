package typing

import (
	"testing"
	"time"
)

func TestGateCoalescesAndLimits(t *testing.T) {
	g := New()
	t0 := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

	steps := []struct {
		ms    int
		start bool
		want  Decision
	}{
		{0, true, Publish},
		{500, true, Coalesce}, // the room was just told
		{1000, true, Coalesce},
		{3000, true, Publish},   // renewed before browsers drop the line
		{3100, false, Publish},  // stopped
		{3200, false, Coalesce}, // already stopped
		{3300, true, Publish},   // started again
	}
	for i, s := range steps {
		if got := g.Decide(1, 7, s.start, at(s.ms)); got != s.want {
			t.Errorf("step %d (%d ms, start=%v): %v, want %v", i, s.ms, s.start, got, s.want)
		}
	}
	// Another member, and the same member in another room, are apart.
	if g.Decide(2, 7, true, at(3300)) != Publish || g.Decide(1, 8, true, at(3300)) != Publish {
		t.Error("another member or room was coalesced with the first")
	}

	// Alternating start and stop would publish every one: past Limit in a
	// window nothing more goes out, until the next window.
	published := 0
	for i := range 100 {
		if g.Decide(3, 7, i%2 == 0, at(i)) == Publish {
			published++
		}
	}
	if published != Limit {
		t.Errorf("%d published out of 100 alternating in a window, want %d", published, Limit)
	}
	if g.Decide(3, 7, true, at(0).Add(Window)) != Publish {
		t.Error("still limited in the next window")
	}
}

func TestGateForgetsIdleEntries(t *testing.T) {
	g := New()
	t0 := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	for uid := range int64(50) {
		g.Decide(uid, 1, true, t0)
	}
	g.Decide(99, 1, true, t0.Add(3*Window))
	if n := len(g.state); n != 1 {
		t.Errorf("%d entries kept, want only the recent one", n)
	}
}

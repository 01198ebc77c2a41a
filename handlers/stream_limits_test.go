package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/campfire-go/campfire/internal/live"
)

// streamAttempt opens /events and returns the response; a 200 stays open
// until the test ends.
func (c *client) streamAttempt(t *testing.T, roomID int64) *http.Response {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/events?room_id=%d", c.app.srv.URL, roomID), nil)
	req.Header.Set("X-Forwarded-For", c.ip)
	hc := *c.http
	hc.Timeout = 0
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func wantRefusedStream(t *testing.T, res *http.Response, who string) {
	t.Helper()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s: stream over the limit got %d, want 429", who, res.StatusCode)
	}
	body, _ := io.ReadAll(res.Body)
	if res.Header.Get("Retry-After") != "15" || string(body) != "retry: 15000\n\n" {
		t.Errorf("%s: refusal says Retry-After %q, body %q", who, res.Header.Get("Retry-After"), body)
	}
}

// Issue 19 item 1: one member opened streams until the server ran out of
// file descriptors and every page hung. Past the per-person cap a stream is
// refused with 429 and a retry hint, and everyone else carries on.
func TestStreamsArePerPersonCapped(t *testing.T) {
	t.Parallel()
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(_ *Config, o *live.Options) {
		o.Limits = live.Limits{PerUser: 4}
	})
	a.admin()
	room := a.allTalk()
	bob := a.member("Bob Builder")
	carol := a.member("Carol Singer")

	var bobs []*http.Response
	for range 4 {
		res := bob.streamAttempt(t, room)
		wantStatus(t, res, http.StatusOK)
		bobs = append(bobs, res)
	}
	for range 3 {
		wantRefusedStream(t, bob.streamAttempt(t, room), "bob")
	}
	// Carol's page and stream still answer, and her message goes out live.
	wantStatus(t, carol.get(fmt.Sprintf("/rooms/%d", room)), http.StatusOK)
	s := carol.openStream(t, room, 0, 0)
	carol.postOK(room, "still here", "still-here")
	s.next(t, live.EventMessage)

	// Closing a tab frees its place.
	bobs[0].Body.Close()
	waitUntil(t, func() bool { return a.hub.Connections() == 4 })
	wantStatus(t, bob.streamAttempt(t, room), http.StatusOK)
}

// Many accounts from one address, and the server's total, are capped too.
func TestStreamsArePerAddressAndTotalCapped(t *testing.T) {
	t.Parallel()
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(_ *Config, o *live.Options) {
		o.Limits = live.Limits{PerUser: 10, PerAddress: 3, Total: 5}
	})
	a.admin()
	room := a.allTalk()
	bob, dave := a.member("Bob Builder"), a.member("Dave Diver")
	dave.ip = bob.ip
	carol := a.member("Carol Singer")

	wantStatus(t, bob.streamAttempt(t, room), http.StatusOK)
	wantStatus(t, bob.streamAttempt(t, room), http.StatusOK)
	wantStatus(t, dave.streamAttempt(t, room), http.StatusOK)
	wantRefusedStream(t, dave.streamAttempt(t, room), "dave, same address as bob")
	wantStatus(t, carol.streamAttempt(t, room), http.StatusOK)
	wantStatus(t, carol.streamAttempt(t, room), http.StatusOK)
	wantRefusedStream(t, carol.streamAttempt(t, room), "carol, over the total")
	// Pages are ordinary requests: they still answer.
	wantStatus(t, carol.get(fmt.Sprintf("/rooms/%d", room)), http.StatusOK)
	wantStatus(t, dave.get("/up"), http.StatusOK)
}

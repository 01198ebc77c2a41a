package live

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// tab is one stream served by the hub in the property test.
type tab struct {
	userID, roomID int64
	hidden         bool
	cancel         context.CancelFunc
	done           chan struct{}
}

// TestPresenceReturnsToZero drives the hub with random connects, hides, shows
// and disconnects. At every step the present users of each room are exactly
// those with a stream there that was not hidden; once every stream is gone,
// nobody is present anywhere and no connection is left.
func TestPresenceReturnsToZero(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		var arrivals, departures atomic.Int64
		h := New(slog.New(slog.NewTextHandler(io.Discard, nil)), Options{Heartbeat: time.Hour})
		h.OnPresence(func(_, _ int64, present bool) {
			if present {
				arrivals.Add(1)
			} else {
				departures.Add(1)
			}
		})
		defer h.Close()

		var tabs []*tab
		users := rapid.Int64Range(1, 3)
		rooms := rapid.Int64Range(1, 2)

		disconnect := func(i int) {
			tb := tabs[i]
			tb.cancel()
			<-tb.done
			tabs = slices.Delete(tabs, i, i+1)
		}

		rt.Repeat(map[string]func(*rapid.T){
			"connect": func(rt *rapid.T) {
				tb := &tab{userID: users.Draw(rt, "user"), roomID: rooms.Draw(rt, "room"), done: make(chan struct{})}
				serve(h, tb)
				tabs = append(tabs, tb)
				waitFor(rt, func() bool { return h.Connections() == len(tabs) })
			},
			"hide": func(rt *rapid.T) { setVisible(h, tabs, users.Draw(rt, "user"), rooms.Draw(rt, "room"), false) },
			"show": func(rt *rapid.T) { setVisible(h, tabs, users.Draw(rt, "user"), rooms.Draw(rt, "room"), true) },
			"disconnect": func(rt *rapid.T) {
				if len(tabs) == 0 {
					rt.Skip("no stream")
				}
				disconnect(rapid.IntRange(0, len(tabs)-1).Draw(rt, "tab"))
			},
			"": func(rt *rapid.T) {
				if h.Connections() != len(tabs) {
					rt.Fatalf("%d connections, %d tabs", h.Connections(), len(tabs))
				}
				for room := int64(1); room <= 2; room++ {
					if got, want := sorted(h.PresentUserIDs(room)), expectedPresent(tabs, room); !slices.Equal(got, want) {
						rt.Fatalf("room %d: present %v, want %v", room, got, want)
					}
				}
			},
		})

		for len(tabs) > 0 {
			disconnect(len(tabs) - 1)
		}
		if n := h.Connections(); n != 0 {
			rt.Fatalf("%d connections after every tab left", n)
		}
		for room := int64(1); room <= 2; room++ {
			if ids := h.PresentUserIDs(room); len(ids) != 0 {
				rt.Fatalf("room %d: %v still present", room, ids)
			}
			for user := int64(1); user <= 3; user++ {
				if h.IsPresent(room, user) {
					rt.Fatalf("user %d still present in room %d", user, room)
				}
			}
		}
		// Every arrival was matched by a departure (the callbacks run in
		// their own goroutines, so wait for the count to settle).
		waitFor(rt, func() bool { return arrivals.Load() == departures.Load() })
	})
}

func serve(h *Hub, tb *tab) {
	ctx, cancel := context.WithCancel(context.Background())
	tb.cancel = cancel
	req := httptest.NewRequest(http.MethodGet, "/events", nil).WithContext(ctx)
	go func() {
		defer close(tb.done)
		h.Serve(httptest.NewRecorder(), req, Stream{
			UserID: tb.userID, RoomID: tb.roomID,
			Replay: func(context.Context, func(Frame) error) error { return nil },
		})
	}()
}

func setVisible(h *Hub, tabs []*tab, user, room int64, visible bool) {
	h.SetVisible(room, user, visible)
	for _, tb := range tabs {
		if tb.userID == user && tb.roomID == room {
			tb.hidden = !visible
		}
	}
}

func expectedPresent(tabs []*tab, room int64) []int64 {
	var ids []int64
	for _, tb := range tabs {
		if tb.roomID == room && !tb.hidden && !slices.Contains(ids, tb.userID) {
			ids = append(ids, tb.userID)
		}
	}
	return sorted(ids)
}

func sorted(ids []int64) []int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

func waitFor(rt *rapid.T, ok func() bool) {
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			rt.Fatal("condition not reached within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

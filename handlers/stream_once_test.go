package handlers

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/chat"
	"pgregory.net/rapid"
)

// TestStreamsDeliverEachEventOnceWhilePosting: a tab that connects with any
// cursor while messages keep being posted gets every later event of the
// room exactly once and in order, whether it came in its replay, live, or
// in both at once (committed before the replay read, published after the
// stream registered), through the real router and a real SSE connection.
func TestStreamsDeliverEachEventOnceWhilePosting(t *testing.T) {
	a := newTestApp(t)
	c := a.admin()
	ctx := context.Background()
	roomID := a.allTalk()
	room, err := a.store.MemberRoom(ctx, roomID, 1)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := a.store.User(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	post := func() error {
		n++
		_, err := a.chat.Post(ctx, chat.PostParams{Room: room, Creator: admin, Body: fmt.Sprintf("message %d", n)})
		return err
	}
	for range 5 {
		if err := post(); err != nil {
			t.Fatal(err)
		}
	}
	seeded, err := a.store.EventsAfter(ctx, roomID, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var known []int64 // every event of the room so far
	for _, e := range seeded {
		known = append(known, e.ID)
	}
	rapid.Check(t, func(rt *rapid.T) {
		cursor := known[rapid.IntRange(max(0, len(known)-20), len(known)-1).Draw(rt, "cursor")]
		during := rapid.IntRange(1, 15).Draw(rt, "posts while connecting")
		head := rapid.IntRange(0, during).Draw(rt, "posts before the stream opens")

		var wg sync.WaitGroup
		var postErr error
		var mu sync.Mutex
		started := make(chan struct{})
		wg.Go(func() {
			for i := range during {
				if i == head {
					close(started)
				}
				if err := post(); err != nil {
					mu.Lock()
					postErr = err
					mu.Unlock()
					return
				}
			}
			if head == during {
				close(started)
			}
		})
		<-started
		s := c.openStream(t, roomID, cursor, 0)
		wg.Wait()
		if postErr != nil {
			rt.Fatal(postErr)
		}
		after, err := a.store.EventsAfter(ctx, roomID, cursor, 500)
		if err != nil {
			rt.Fatal(err)
		}
		last := after[len(after)-1].ID
		for _, e := range after {
			if e.ID > known[len(known)-1] {
				known = append(known, e.ID)
			}
		}
		var got []int64
		for len(got) == 0 || got[len(got)-1] < last {
			ev := s.next(t, "message")
			got = append(got, ev.ID)
		}
		if !s.quiet("message", 50*time.Millisecond) {
			rt.Fatalf("an event after the last one (%d): %v", last, got)
		}
		s.close()
		if len(got) != len(after) {
			rt.Fatalf("got events %v, want %d after %d", got, len(after), cursor)
		}
		for i, e := range after {
			if got[i] != e.ID {
				rt.Fatalf("event %d: got %d, want %d (all: %v)", i, got[i], e.ID, got)
			}
		}
	})
}

package chat

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"pgregory.net/rapid"
)

// One batch holding repeats of a client id, several rooms and a message for
// a room that is gone: each repeat yields the first message of its room, the
// bad one fails alone, and the rest are stored and published in order.
func TestPropertyOneBatchRepeatsAndMixedRooms(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := f.store.CreateRoom(ctx, model.RoomOpen, "Other", f.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	rooms := []model.SidebarRoom{f.room, {Room: other, DisplayName: other.Name}}
	gone := model.SidebarRoom{Room: model.Room{ID: 1 << 40, Kind: model.RoomOpen, Name: "gone"}}
	round := 0
	rapid.Check(t, func(t *rapid.T) {
		round++
		n := rapid.IntRange(1, 40).Draw(t, "n")
		type key struct {
			room int64
			cmid string
		}
		reqs := make([]*postRequest, n)
		for i := range reqs {
			room := rooms[rapid.IntRange(0, 1).Draw(t, "room")]
			if rapid.IntRange(0, 9).Draw(t, "bad") == 0 {
				room = gone
			}
			cmid := fmt.Sprintf("b%d-%d", round, rapid.IntRange(0, 5).Draw(t, "cmid"))
			body := fmt.Sprintf("body %d", i)
			reqs[i] = &postRequest{ctx: ctx, room: room, done: make(chan postResult, 1), msg: db.NewMessage{
				RoomID: room.ID, CreatorID: f.user.ID, ClientMessageID: cmid, HTML: body, Plain: body}}
		}
		f.svc.commitBatch(reqs)

		first := map[key]model.Message{}
		var lastEvent int64
		for i, r := range reqs {
			res := <-r.done
			k := key{r.room.ID, r.msg.ClientMessageID}
			if r.room.ID == gone.ID {
				if res.err == nil {
					t.Fatalf("message %d for a missing room was stored", i)
				}
				continue
			}
			if res.err != nil {
				t.Fatalf("message %d: %v", i, res.err)
			}
			orig, seen := first[k]
			if res.posted.Duplicate != seen {
				t.Fatalf("message %d: duplicate=%v, seen before=%v", i, res.posted.Duplicate, seen)
			}
			if seen {
				if res.posted.Message.ID != orig.ID || res.posted.Message.Plain != orig.Plain {
					t.Fatalf("repeat %d gave %d %q, want %d %q", i, res.posted.Message.ID,
						res.posted.Message.Plain, orig.ID, orig.Plain)
				}
				continue
			}
			first[k] = res.posted.Message
			if res.posted.Message.RoomID != r.room.ID || res.posted.Message.Plain != r.msg.Plain {
				t.Fatalf("message %d stored as %+v", i, res.posted.Message)
			}
			if res.posted.EventID <= lastEvent {
				t.Fatalf("message %d has event %d after %d", i, res.posted.EventID, lastEvent)
			}
			lastEvent = res.posted.EventID
		}
		// Published before the callers were answered.
		if lastEvent > 0 && f.svc.hub.LastEventID() < lastEvent {
			t.Fatalf("hub at event %d, batch ended at %d", f.svc.hub.LastEventID(), lastEvent)
		}
	})
}

// Many posters repeating client ids in two rooms at once, batched however the
// timing falls: per room and client id, exactly one post is the original and
// every other returns it.
func TestConcurrentRepeatsAcrossRooms(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	other, err := f.store.CreateRoom(ctx, model.RoomOpen, "Other", f.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	rooms := []model.SidebarRoom{f.room, {Room: other, DisplayName: other.Name}}
	const posters, each, ids = 16, 20, 7
	type key struct {
		room int64
		cmid string
	}
	var mu sync.Mutex
	originals := map[key][]int64{}
	all := map[key]map[int64]bool{}
	var wg sync.WaitGroup
	for w := range posters {
		wg.Go(func() {
			for i := range each {
				room := rooms[(w+i)%2]
				k := key{room.ID, fmt.Sprintf("c%d", (w*each+i)%ids)}
				p, err := f.svc.Post(ctx, PostParams{Room: room, Creator: f.user,
					Body: fmt.Sprintf("poster %d post %d", w, i), ClientMessageID: k.cmid})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if !p.Duplicate {
					originals[k] = append(originals[k], p.Message.ID)
				}
				if all[k] == nil {
					all[k] = map[int64]bool{}
				}
				all[k][p.Message.ID] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for k, ids := range all {
		if len(originals[k]) != 1 {
			t.Errorf("%v: %d originals", k, len(originals[k]))
		}
		if len(ids) != 1 {
			t.Errorf("%v: answered with %d different messages", k, len(ids))
		}
	}
}

// A poster that gives up is all or nothing: an error means its message was
// never written, success means it was written and published.
func TestCancelledPostsAreAllOrNothing(t *testing.T) {
	f := newFixture(t)
	const posters = 64
	type outcome struct {
		cmid string
		err  error
	}
	out := make(chan outcome, posters)
	var wg sync.WaitGroup
	for i := range posters {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cmid := fmt.Sprintf("x%d", i)
			// Cancelled before posting, while posting, or not at all.
			switch i % 3 {
			case 0:
				cancel()
			case 1:
				go cancel()
			}
			_, err := f.svc.Post(ctx, PostParams{Room: f.room, Creator: f.user, Body: "maybe", ClientMessageID: cmid})
			out <- outcome{cmid, err}
		})
	}
	wg.Wait()
	close(out)
	ctx := context.Background()
	// The committer answers a batch only after writing and publishing it, so
	// one more post through it means nothing is still in flight.
	if _, err := f.svc.Post(ctx, PostParams{Room: f.room, Creator: f.user, Body: "last"}); err != nil {
		t.Fatal(err)
	}
	events, err := f.store.EventsAfter(ctx, f.room.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int64{}
	for _, e := range events {
		stored[e.DomID] = e.ID
	}
	for o := range out {
		id, ok := stored["message_"+o.cmid]
		switch {
		case o.err == nil && !ok:
			t.Errorf("%s acknowledged but not stored", o.cmid)
		case o.err != nil && ok:
			t.Errorf("%s failed (%v) but was stored", o.cmid, o.err)
		case o.err != nil && !errors.Is(o.err, context.Canceled):
			t.Errorf("%s: %v", o.cmid, o.err)
		case ok && f.svc.hub.LastEventID() < id:
			t.Errorf("%s stored as event %d, never published", o.cmid, id)
		}
	}
}

// After Close, posts are refused rather than left waiting.
func TestPostAfterClose(t *testing.T) {
	f := newFixture(t)
	f.svc.Close()
	_, err := f.svc.Post(context.Background(), PostParams{Room: f.room, Creator: f.user, Body: "late"})
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("post after close: %v", err)
	}
	f.svc.Close() // twice is fine
}

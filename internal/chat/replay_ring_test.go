package chat

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"pgregory.net/rapid"
)

// wire is what a stream is sent of a frame.
func wire(f live.Frame) []byte {
	return fmt.Appendf(nil, "id %d event %s data %s", f.ID, f.Event, f.Data)
}

// Whatever happened in a room (posts, edits, boosts added and taken away,
// deletions, more events than the ring holds, a person renamed), a replay
// answered by the room's ring is, for every cursor it answers, the same
// bytes as the replay read from the database; and a cursor it does not
// answer is read from the database.
func TestPropertyRingReplayEqualsDatabaseReplay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	round := 0
	rapid.Check(t, func(t *rapid.T) {
		round++
		r, err := f.store.CreateRoom(ctx, model.RoomOpen, fmt.Sprintf("ring %d", round), f.user.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		room := model.SidebarRoom{Room: r, DisplayName: r.Name}
		var alive []model.Message
		var boosts []model.Boost
		post := func(i int) {
			p, err := f.svc.Post(ctx, PostParams{Room: room, Creator: f.user, Body: fmt.Sprintf("post %d of %d", i, round)})
			if err != nil {
				t.Fatal(err)
			}
			alive = append(alive, p.Message)
		}
		post(0)
		// A replay now makes the room's ring, which the events below keep
		// current (or which they push past its size).
		if err := f.svc.Replay(ctx, room.ID, 1, func(live.Frame) error { return nil }); err != nil {
			t.Fatal(err)
		}
		ops := rapid.SliceOfN(rapid.IntRange(0, 6), 1, 2*ringSize).Draw(t, "ops")
		for i, op := range ops {
			switch {
			case op <= 1 || len(alive) == 0:
				post(i)
			case op == 2:
				j := rapid.IntRange(0, len(alive)-1).Draw(t, "edit")
				m, err := f.svc.Edit(ctx, alive[j], fmt.Sprintf("edited %d", i))
				if err != nil {
					t.Fatal(err)
				}
				alive[j] = m
			case op == 3:
				m := alive[rapid.IntRange(0, len(alive)-1).Draw(t, "boost")]
				b, err := f.svc.Boost(ctx, m, f.user, fmt.Sprintf("b%d", i))
				if err != nil {
					t.Fatal(err)
				}
				boosts = append(boosts, b)
			case op == 4 && len(boosts) > 0:
				j := rapid.IntRange(0, len(boosts)-1).Draw(t, "unboost")
				if err := f.svc.RemoveBoost(ctx, boosts[j]); err != nil {
					t.Fatal(err)
				}
				boosts = append(boosts[:j], boosts[j+1:]...)
			case op == 5:
				j := rapid.IntRange(0, len(alive)-1).Draw(t, "delete")
				if err := f.svc.Delete(ctx, alive[j]); err != nil {
					t.Fatal(err)
				}
				// Its boosts go with it (and their ids may be given again).
				boosts = slices.DeleteFunc(boosts, func(b model.Boost) bool { return b.MessageID == alive[j].ID })
				alive = append(alive[:j], alive[j+1:]...)
			default:
				// A new name shows in every message and boost of the
				// person: the rings are dropped, and made again.
				name := fmt.Sprintf("Ada %d-%d", round, i)
				if err := f.store.UpdateProfile(ctx, f.user.ID, 0, db.ProfileChange{Name: name, Email: f.user.Email}); err != nil {
					t.Fatal(err)
				}
				// Her next posts come as a request reads her: renamed.
				f.user.Name = name
				if rapid.Bool().Draw(t, "replay after rename") {
					if err := f.svc.Replay(ctx, room.ID, rapid.Int64Range(1, f.svc.hub.LastEventID()).Draw(t, "refill"),
						func(live.Frame) error { return nil }); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		events, err := f.store.EventsAfter(ctx, room.ID, 0, replayLimit)
		if err != nil {
			t.Fatal(err)
		}
		// Every cursor from just before the room's first event to its last.
		answered := 0
		// (A cursor of 0 asks for no replay.)
		for c := max(1, events[0].ID-1); c <= events[len(events)-1].ID; c++ {
			fromRing, ok := f.svc.ring.replay(room.ID, c, f.svc.hub.LastEventID())
			want, err := f.svc.replayEntries(ctx, room.ID, c)
			if err != nil {
				t.Fatal(err)
			}
			var got []live.Frame
			if err := f.svc.Replay(ctx, room.ID, c, func(fr live.Frame) error { got = append(got, fr); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("cursor %d (ring: %v): replayed %d events, the database has %d", c, ok, len(got), len(want))
			}
			for i := range want {
				if !bytes.Equal(wire(got[i]), wire(want[i].frame)) {
					t.Fatalf("cursor %d (ring: %v), event %d:\n got %s\nwant %s", c, ok, i, wire(got[i]), wire(want[i].frame))
				}
			}
			if ok {
				answered++
				if len(fromRing) != len(want) {
					t.Fatalf("cursor %d: the ring has %d events, the database %d", c, len(fromRing), len(want))
				}
			}
		}
		if answered == 0 {
			t.Fatal("the ring answered no cursor")
		}
	})
}

// The rings hold at most ringBytes of rendered events, counted right
// whatever fills, appends, replacements and evictions they go through.
func TestRingsStayWithinTheirMemory(t *testing.T) {
	var r replayRing
	ctx := context.Background()
	big := bytes.Repeat([]byte("x"), 4000)
	check := func() {
		t.Helper()
		sum := 0
		for _, rr := range r.rooms {
			n := 0
			for _, e := range rr.entries {
				n += entrySize(e)
			}
			if n != rr.bytes {
				t.Fatalf("a ring counts %d bytes, holds %d", rr.bytes, n)
			}
			sum += n
		}
		if sum != r.bytes || r.bytes > ringBytes {
			t.Fatalf("rings count %d bytes, hold %d (at most %d)", r.bytes, sum, ringBytes)
		}
	}
	id := int64(0)
	entry := func(room int64) ringEntry {
		id++
		return ringEntry{ev: model.Event{ID: id, RoomID: room, Kind: model.EventCreated, MessageID: id},
			frame: live.Frame{ID: id, Event: live.EventMessage, Data: big}}
	}
	for room := int64(1); room <= 200; room++ {
		var es []ringEntry
		for range 10 {
			es = append(es, entry(room))
		}
		r.fill(room, es[0].ev.ID-1, r.mark(room), es)
		check()
		for range ringSize + 5 {
			e := entry(room)
			r.publish(ctx, e.ev, nil, big)
			check()
		}
		// The publication of an event the ring read before it came.
		if rr := r.rooms[room]; rr != nil {
			r.publish(ctx, rr.entries[len(rr.entries)-1].ev, nil, big[:10])
			check()
		}
	}
	if len(r.rooms) == 0 || len(r.rooms) == 200 {
		t.Fatalf("%d rooms have rings: the rings did not start over, or kept nothing", len(r.rooms))
	}
}

package chat

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"pgregory.net/rapid"
)

type fixture struct {
	store *db.Store
	svc   *Service
	room  model.SidebarRoom
	user  model.User
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "chat.db"))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := live.New(log, live.Options{})
	svc := New(store, hub, log)
	t.Cleanup(func() { svc.Close(); hub.Close(); store.Close() })
	u, err := store.FirstRun(ctx, db.FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "A"})
	if err != nil {
		t.Fatal(err)
	}
	rooms, err := store.SidebarRooms(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{store: store, svc: svc, room: rooms[0], user: u}
}

// A repeated client_message_id always yields the one original message.
func TestPropertyRepeatedClientMessageIDYieldsTheOriginal(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	round := 0
	rapid.Check(t, func(t *rapid.T) {
		round++
		first := map[string]Posted{}
		posts := rapid.SliceOfN(rapid.IntRange(0, 4), 1, 30).Draw(t, "posts")
		for i, k := range posts {
			cmid := fmt.Sprintf("r%d-k%d", round, k)
			body := fmt.Sprintf("body %d of %s", i, cmid)
			p, err := f.svc.Post(ctx, PostParams{Room: f.room, Creator: f.user, Body: body, ClientMessageID: cmid})
			if err != nil {
				t.Fatal(err)
			}
			orig, seen := first[cmid]
			if seen != p.Duplicate {
				t.Fatalf("post %d: duplicate=%v, seen before=%v", i, p.Duplicate, seen)
			}
			if !seen {
				first[cmid] = p
				continue
			}
			if p.Message.ID != orig.Message.ID || p.Message.Plain != orig.Message.Plain {
				t.Fatalf("repeat of %s gave message %d %q, want %d %q", cmid, p.Message.ID, p.Message.Plain,
					orig.Message.ID, orig.Message.Plain)
			}
		}
	})
}

type replayed struct {
	id   int64
	data string
}

// Replay after any cursor delivers every later event exactly once, in order.
func TestPropertyReplayAfterAnyCursor(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		// A fresh room per case keeps each case's event log its own.
		r, err := f.store.CreateRoom(ctx, model.RoomOpen, "replay", f.user.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		room := model.SidebarRoom{Room: r, DisplayName: r.Name}
		var alive []model.Message
		ops := rapid.SliceOfN(rapid.IntRange(0, 2), 1, 25).Draw(t, "ops")
		for i, op := range ops {
			switch {
			case op == 0 || len(alive) == 0:
				p, err := f.svc.Post(ctx, PostParams{Room: room, Creator: f.user, Body: fmt.Sprintf("post %d", i)})
				if err != nil {
					t.Fatal(err)
				}
				alive = append(alive, p.Message)
			case op == 1:
				m := alive[rapid.IntRange(0, len(alive)-1).Draw(t, "edit")]
				if _, err := f.svc.Edit(ctx, m, fmt.Sprintf("edited %d", i)); err != nil {
					t.Fatal(err)
				}
			default:
				j := rapid.IntRange(0, len(alive)-1).Draw(t, "delete")
				if err := f.svc.Delete(ctx, alive[j]); err != nil {
					t.Fatal(err)
				}
				alive = append(alive[:j], alive[j+1:]...)
			}
		}
		events, err := f.store.EventsAfter(ctx, room.ID, 0, replayLimit)
		if err != nil {
			t.Fatal(err)
		}
		var all []int64
		for _, e := range events {
			all = append(all, e.ID)
		}
		cursor := all[rapid.IntRange(0, len(all)-1).Draw(t, "cursor")]
		var got []replayed
		err = f.svc.Replay(ctx, room.ID, cursor, func(fr live.Frame) error {
			got = append(got, replayed{fr.ID, string(fr.Data)})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for _, id := range all {
			if id > cursor {
				want = append(want, id)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("replayed %d events after %d, want %d", len(got), cursor, len(want))
		}
		for i := range want {
			if got[i].id != want[i] {
				t.Fatalf("event %d has id %d, want %d", i, got[i].id, want[i])
			}
			if !strings.Contains(got[i].data, "<hx-partial") {
				t.Fatalf("event %d is not a partial: %s", got[i].id, got[i].data)
			}
		}
	})
}

// Concurrent writers lose nothing: every acknowledged post is stored once, and
// every post has its event, in one increasing sequence.
func TestConcurrentWritersLoseNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const writers, each = 8, 25
	var wg sync.WaitGroup
	acked := make(chan int64, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				p, err := f.svc.Post(ctx, PostParams{Room: f.room, Creator: f.user,
					Body: fmt.Sprintf("writer %d post %d", w, i), ClientMessageID: fmt.Sprintf("w%d-%d", w, i)})
				if err != nil {
					t.Error(err)
					return
				}
				acked <- p.Message.ID
			}
		})
	}
	wg.Wait()
	close(acked)
	ids := map[int64]bool{}
	for id := range acked {
		ids[id] = true
	}
	if len(ids) != writers*each {
		t.Fatalf("%d distinct acknowledged messages, want %d", len(ids), writers*each)
	}
	for id := range ids {
		if _, err := f.store.Message(ctx, id); err != nil {
			t.Fatalf("acknowledged message %d: %v", id, err)
		}
	}
	events, err := f.store.EventsAfter(ctx, f.room.ID, 0, 1000)
	if err != nil || len(events) != writers*each {
		t.Fatalf("%d events (%v)", len(events), err)
	}
	for i := 1; i < len(events); i++ {
		if events[i].ID <= events[i-1].ID {
			t.Fatal("event ids not increasing")
		}
	}
}

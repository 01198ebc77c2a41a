package db

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/model"
	"pgregory.net/rapid"
)

// searchWords stem to themselves' stems alike in the porter tokenizer and in
// the query, so "contains the word" is what the index should answer.
var searchWords = []string{"apple", "kiwi", "plum", "fig", "pear", "lime"}

func openIndexStore(t testing.TB, opt Options) (*Store, model.User, model.Room) {
	t.Helper()
	ctx := context.Background()
	s, err := OpenWith(ctx, filepath.Join(t.TempDir(), "search.db"), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	u, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"})
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.CreateRoom(ctx, model.RoomOpen, "r", u.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, u, room
}

// TestSearchIndexConverges: whatever mix of posts, edits and deletes (a
// deleted newest message's id is reused by the next post) and however far
// the indexer is behind, a search never finds a message for text it no
// longer has, finds every message the indexer has reached, and once the
// indexer catches up the index holds exactly the messages' text.
// (Without the search's exclusion of queued messages, it finds an edited
// message by its old words; without the in_index flag, the index keeps
// deleted rows.)
func TestSearchIndexConverges(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		ctx := context.Background()
		s, u, room := openIndexStore(t, Options{searchManual: true})
		bodies := map[int64]string{} // the messages as they are
		n := 0
		text := func(rt *rapid.T) string {
			ws := rapid.SliceOfN(rapid.SampledFrom(searchWords), 1, 4).Draw(rt, "words")
			return strings.Join(ws, " ")
		}
		pick := func(rt *rapid.T) (int64, bool) {
			if len(bodies) == 0 {
				return 0, false
			}
			ids := make([]int64, 0, len(bodies))
			for id := range bodies {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			return rapid.SampledFrom(ids).Draw(rt, "id"), true
		}
		check := func(rt *rapid.T, converged bool) {
			for _, w := range searchWords {
				found, err := s.searchIndexed(ctx, u.ID, []string{w})
				if err != nil {
					rt.Fatal(err)
				}
				got := map[int64]bool{}
				for _, r := range found {
					got[r.ID] = true
					if !slices.Contains(strings.Fields(bodies[r.ID]), w) {
						rt.Fatalf("%q found message %d, which says %q", w, r.ID, bodies[r.ID])
					}
					if r.Plain != bodies[r.ID] {
						rt.Fatalf("message %d found as %q, is %q", r.ID, r.Plain, bodies[r.ID])
					}
				}
				var queued map[int64]bool
				if !converged {
					queued = map[int64]bool{}
					rows, err := s.r.QueryContext(ctx, `SELECT message_id FROM search_pending`)
					if err != nil {
						rt.Fatal(err)
					}
					for rows.Next() {
						var id int64
						_ = rows.Scan(&id)
						queued[id] = true
					}
					rows.Close()
				}
				for id, b := range bodies {
					if slices.Contains(strings.Fields(b), w) && !got[id] && !queued[id] {
						rt.Fatalf("%q misses indexed message %d (%q)", w, id, b)
					}
				}
			}
		}
		rt.Repeat(map[string]func(*rapid.T){
			"post": func(rt *rapid.T) {
				b := text(rt)
				n++
				p, err := s.CreateMessage(ctx, NewMessage{RoomID: room.ID, CreatorID: u.ID,
					ClientMessageID: fmt.Sprintf("m%d", n), HTML: b, Plain: b})
				if err != nil {
					rt.Fatal(err)
				}
				bodies[p.Message.ID] = b
			},
			"edit": func(rt *rapid.T) {
				id, ok := pick(rt)
				if !ok {
					rt.Skip("no message")
				}
				b := text(rt)
				if _, err := s.UpdateMessage(ctx, id, b, b); err != nil {
					rt.Fatal(err)
				}
				bodies[id] = b
			},
			"delete": func(rt *rapid.T) {
				id, ok := pick(rt)
				if !ok {
					rt.Skip("no message")
				}
				if _, _, err := s.DeleteMessage(ctx, id); err != nil {
					rt.Fatal(err)
				}
				delete(bodies, id)
			},
			"index a batch": func(rt *rapid.T) {
				if _, err := s.indexSearchBatch(ctx); err != nil {
					rt.Fatal(err)
				}
			},
			"": func(rt *rapid.T) { check(rt, false) },
		})
		if err := s.CatchUpSearch(ctx); err != nil {
			rt.Fatal(err)
		}
		check(rt, true)
		indexed := map[int64]string{}
		rows, err := s.r.QueryContext(ctx, `SELECT rowid, body_plain FROM messages_fts`)
		if err != nil {
			rt.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var b string
			_ = rows.Scan(&id, &b)
			indexed[id] = b
		}
		rows.Close()
		if fmt.Sprint(indexed) != fmt.Sprint(bodies) {
			rt.Fatalf("index %v, messages %v", indexed, bodies)
		}
		if _, err := s.w.ExecContext(ctx, `INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`); err != nil {
			rt.Fatalf("index integrity: %v", err)
		}
	})
}

// TestSearchIndexerIndexesAfterItsDelay holds the bound by its mechanism: a
// commit wakes the indexer, which asks for one timer of SearchIndexDelay (no
// more than a second) and, when it fires, indexes everything queued, with no
// search to make it.
func TestSearchIndexerIndexesAfterItsDelay(t *testing.T) {
	if SearchIndexDelay > time.Second {
		t.Fatalf("SearchIndexDelay %v is past the documented second", SearchIndexDelay)
	}
	asked := make(chan time.Duration, 8)
	fire := make(chan time.Time)
	passed := make(chan struct{}, 8)
	s, u, room := openIndexStore(t, Options{
		searchAfter:  func(d time.Duration) <-chan time.Time { asked <- d; return fire },
		searchPoll:   time.Hour,
		searchPassed: func() { passed <- struct{}{} },
	})
	ctx := context.Background()
	<-passed // the pass at start
	if _, err := s.CreateMessage(ctx, NewMessage{RoomID: room.ID, CreatorID: u.ID, ClientMessageID: "a",
		HTML: "kiwi", Plain: "kiwi"}); err != nil {
		t.Fatal(err)
	}
	if d := <-asked; d != SearchIndexDelay {
		t.Fatalf("the indexer waited %v, want SearchIndexDelay", d)
	}
	inIndex := func() int {
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'kiwi'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if inIndex() != 0 {
		t.Fatal("indexed before the delay was over")
	}
	fire <- time.Now()
	<-passed
	if inIndex() != 1 {
		t.Fatal("the message is not in the index after the indexer's pass")
	}
}

// TestSearchFindsWhatTheIndexerHasNotReached: a search made before the
// indexer's delay is over still finds the message posted just before it.
func TestSearchFindsWhatTheIndexerHasNotReached(t *testing.T) {
	s, u, room := openIndexStore(t, Options{searchManual: true})
	ctx := context.Background()
	if _, err := s.CreateMessage(ctx, NewMessage{RoomID: room.ID, CreatorID: u.ID, ClientMessageID: "a",
		HTML: "plum", Plain: "plum"}); err != nil {
		t.Fatal(err)
	}
	found, err := s.SearchMessages(ctx, u.ID, "plum")
	if err != nil || len(found) != 1 {
		t.Fatalf("search found %d (%v), want the message", len(found), err)
	}
}

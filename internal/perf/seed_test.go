package perf

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/campfire-go/campfire/db"
)

func openStore(t testing.TB) *db.Store {
	t.Helper()
	s, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "bench.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSeedWritesTheLayout(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	l, err := Seed(ctx, s, Options{Users: 101, FanoutMembers: 50, Messages: 5000, Events: 10})
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		var n int
		if err := s.Writer().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM messages`); n != 5000 {
		t.Errorf("messages = %d, want 5000", n)
	}
	if n := count(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'the'`); n < 2000 {
		t.Errorf("'the' matches %d messages, want most of them", n)
	}
	total := 0
	for room, n := range l.PerRoom {
		if got := count(`SELECT count(*) FROM messages WHERE room_id = ?`, room); got != n {
			t.Errorf("room %d has %d messages, layout says %d", room, got, n)
		}
		total += n
	}
	if total != 5000 || len(l.Small) != 10 {
		t.Errorf("layout: %d messages over rooms, %d small rooms", total, len(l.Small))
	}
	if n := count(`SELECT count(*) FROM memberships WHERE room_id = ?`, l.Fanout); n != 51 {
		t.Errorf("fanout members = %d, want 51", n)
	}
	if n := count(`SELECT count(*) FROM memberships WHERE room_id = ?`, l.Small[3]); n != 11 {
		t.Errorf("small room members = %d, want 11", n)
	}
	for room, cur := range l.Cursors {
		if n := count(`SELECT count(*) FROM events WHERE room_id = ? AND id > ?`, room, cur); n != 5 {
			t.Errorf("room %d: %d events after the cursor, want 5", room, n)
		}
	}
	u, err := s.ActiveUserByEmail(ctx, Email(7))
	if err != nil || u.ID != 7 {
		t.Fatalf("user 7: %v %v", u.ID, err)
	}
	if _, err := s.MemberRoom(ctx, l.Small[0], 1); err != nil {
		t.Errorf("the administrator is in every small room: %v", err)
	}
	if len(l.Hundred) != 1 {
		t.Fatalf("%d hundred-member rooms for 101 people, want 1", len(l.Hundred))
	}
	if n := count(`SELECT count(*) FROM memberships WHERE room_id = ?`, l.Hundred[0]); n != 101 {
		t.Errorf("hundred-member room has %d members, want 101 (with the administrator)", n)
	}
	for _, u := range l.HundredRoomMembers(0) {
		if _, err := s.MemberRoom(ctx, l.Hundred[0], u); err != nil {
			t.Fatalf("user %d is not in the room the layout says: %v", u, err)
		}
	}
}

// TestSeedIsDeterministic: the same options and seed write the same
// messages, memberships and search index, and the 100-member rooms (added
// after the other rooms, with no messages) leave the messages as they were,
// so a database seeded before them holds the same text.
func TestSeedIsDeterministic(t *testing.T) {
	ctx := context.Background()
	digest := func(o Options) string {
		s := openStore(t)
		if _, err := Seed(ctx, s, o); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, q := range []string{
			`SELECT id, room_id, creator_id, client_message_id, body_plain FROM messages ORDER BY id`,
			`SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'the' ORDER BY rowid`,
		} {
			rows, err := s.Writer().QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintln(h, vals...)
			}
			rows.Close()
		}
		return hex.EncodeToString(h.Sum(nil))
	}
	o := Options{Users: 301, FanoutMembers: 50, Messages: 3000, Events: 10, Seed: 3}
	a, b := digest(o), digest(o)
	if a != b {
		t.Fatalf("two seeds with the same options differ: %s, %s", a, b)
	}
	o.HundredRooms = -1
	if c := digest(o); c != a {
		t.Fatalf("the 100-member rooms changed the messages: %s, %s", a, c)
	}
	o.Seed = 4
	if d := digest(o); d == a {
		t.Fatal("another seed wrote the same messages: the digest sees nothing")
	}
}

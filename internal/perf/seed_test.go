package perf

import (
	"context"
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
}

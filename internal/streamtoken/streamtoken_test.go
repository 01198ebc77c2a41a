package streamtoken

import (
	"errors"
	"testing"
	"time"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestCheck(t *testing.T) {
	t0 := time.Now()
	snap := Snapshot{Sessions: map[int64]int64{10: 1}, Memberships: map[[2]int64]bool{{1, 7}: true}}
	k := New(key, time.Hour, snap, t0)
	now := t0.Add(time.Second)
	good := k.Issue(1, 7, 10, now, time.Hour)
	if c, err := k.Check(good, 7, now); err != nil || c.UserID != 1 || c.RoomID != 7 || c.SessionID != 10 {
		t.Fatalf("good token: %+v %v", c, err)
	}
	other := New([]byte("another key, just as long as this"), time.Hour, snap, t0)
	for name, tc := range map[string]struct {
		tok  string
		room int64
		at   time.Time
		want error
	}{
		"another key":  {other.Issue(1, 7, 10, now, time.Hour), 7, now, ErrForged},
		"another room": {good, 8, now, ErrWrongRoom},
		"expired":      {good, 7, now.Add(time.Hour + time.Second), ErrExpired},
		"long ttl cut": {k.Issue(1, 7, 10, now, 48*time.Hour), 7, now.Add(2 * time.Hour), ErrExpired},
		"malformed":    {"a.b", 7, now, ErrForged},
		"empty":        {"", 7, now, ErrMalformed},
		// Made by an earlier run: held to the snapshot.
		"earlier, sign-in gone":  {k.Issue(1, 7, 11, t0.Add(-time.Minute), time.Hour), 7, now, ErrRevoked},
		"earlier, not a member":  {k.Issue(2, 7, 10, t0.Add(-time.Minute), time.Hour), 7, now, ErrRevoked},
		"earlier, room not held": {k.Issue(1, 9, 10, t0.Add(-time.Minute), time.Hour), 9, now, ErrRevoked},
	} {
		if _, err := k.Check(tc.tok, tc.room, tc.at); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
	if _, err := k.Check(k.Issue(1, 7, 10, t0.Add(-time.Minute), time.Hour), 7, now); err != nil {
		t.Errorf("earlier run's token, all standing: %v", err)
	}
}

// TestRevocations: an end refuses the tokens made before it, never those made
// after it (a new sign-in, rejoining the room), and a password change spares
// the sign-in that made it.
func TestRevocations(t *testing.T) {
	t0 := time.Now()
	k := New(key, time.Hour, Snapshot{}, t0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	before := k.Issue(1, 7, 10, at(10), time.Hour)
	spared := k.Issue(1, 7, 11, at(10), time.Hour)
	other := k.Issue(2, 7, 20, at(10), time.Hour)
	check := func(tok string, want error) {
		t.Helper()
		if _, err := k.Check(tok, 7, at(100)); !errors.Is(err, want) {
			t.Fatalf("%v, want %v", err, want)
		}
	}
	k.RevokeSessions(at(20), 10)
	check(before, ErrRevoked)
	check(spared, nil)
	check(other, nil)
	check(k.Issue(1, 7, 10, at(30), time.Hour), nil)

	k.RevokeUser(at(40), 1, 11)
	check(k.Issue(1, 7, 12, at(30), time.Hour), ErrRevoked)
	check(spared, nil)
	k.RevokeRoom(at(50), 2, 7)
	check(other, ErrRevoked)
	check(k.Issue(2, 7, 20, at(60), time.Hour), nil)
	k.RevokeUser(at(70), 1, 0)
	check(spared, ErrRevoked)
}

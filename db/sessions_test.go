package db

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/alexedwards/scs/sqlite3store"
)

func TestSessionStoreFindCommitDeleteExpire(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ss := s.Sessions(0)
	defer ss.Stop()

	if _, found, err := ss.Find("nobody"); found || err != nil {
		t.Fatalf("unknown token: found=%v err=%v", found, err)
	}
	if err := ss.Commit("live", []byte("one"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, found, err := ss.Find("live"); !found || err != nil || string(b) != "one" {
		t.Fatalf("committed session: %q found=%v err=%v", b, found, err)
	}
	// A commit replaces the data of the same token.
	if err := ss.Commit("live", []byte("two"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, _, _ := ss.Find("live"); string(b) != "two" {
		t.Fatalf("recommitted session: %q", b)
	}
	if err := ss.Delete("live"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ss.Find("live"); found {
		t.Fatal("a deleted session is still found")
	}
	if err := ss.Delete("live"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}

	if err := ss.Commit("old", []byte("x"), time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := ss.Find("old"); found {
		t.Fatal("an expired session is found")
	}
	if err := ss.Commit("young", []byte("y"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, err := ss.DeleteExpired(ctx); n != 1 || err != nil {
		t.Fatalf("delete expired: %d, %v", n, err)
	}
	if _, found, _ := ss.Find("young"); !found {
		t.Fatal("cleanup removed an unexpired session")
	}
}

// Sessions written by scs/sqlite3store before the switch stay valid, and the
// other way round, so deploying this store signs nobody out.
func TestSessionStoreSharesSqlite3storeFormat(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ours := s.Sessions(0)
	defer ours.Stop()
	theirs := sqlite3store.NewWithCleanupInterval(s.Writer(), 0)

	exp := time.Now().Add(2 * time.Hour).Truncate(time.Millisecond)
	if err := theirs.Commit("a", []byte("from theirs"), exp); err != nil {
		t.Fatal(err)
	}
	if b, found, err := ours.Find("a"); !found || err != nil || string(b) != "from theirs" {
		t.Fatalf("ours reads theirs: %q %v %v", b, found, err)
	}
	if err := ours.Commit("b", []byte("from ours"), exp); err != nil {
		t.Fatal(err)
	}
	if b, found, err := theirs.Find("b"); !found || err != nil || string(b) != "from ours" {
		t.Fatalf("theirs reads ours: %q %v %v", b, found, err)
	}
	var a, b float64
	if err := s.w.QueryRowContext(ctx, `SELECT (SELECT expiry FROM sessions WHERE token = 'a'),
		(SELECT expiry FROM sessions WHERE token = 'b')`).Scan(&a, &b); err != nil || a != b {
		t.Fatalf("same expiry stored differently: %v vs %v (%v)", a, b, err)
	}
}

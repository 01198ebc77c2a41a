package main

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/campfire-go/campfire/db"
	"golang.org/x/crypto/bcrypt"
)

const (
	writers = 8
	// killAfter is how many acknowledged posts the server takes before it is
	// killed; below the replay limit, so the replay check sees all of them.
	killAfter = 240
)

// TestSIGKILLWhilePostingLosesNothingAcknowledged kills the server with
// SIGKILL while eight people post at once, restarts it on the same file, and
// checks that every post answered 303 is stored exactly once and replayed to
// a reconnecting stream; posts cut off mid-flight are retried with their
// client_message_id and do not double.
func TestSIGKILLWhilePostingLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbPath := filepath.Join(t.TempDir(), "campfire.db")
	// The per-person post limit is not what this test is about.
	srv := startServer(t, dbPath, "CAMPFIRE_POST_LIMIT=100000/1s")
	admin, room := srv.firstRun()

	// Seven more people, added beside the running server as another process
	// writing the same file would (the people routes are not ours to lean on).
	addMembers(t, dbPath, writers-1)
	clients := []*browser{admin}
	for i := 1; i < writers; i++ {
		clients = append(clients, srv.signInAs(fmt.Sprintf("198.51.100.%d", i+1), memberEmail(i)))
	}

	// The anchor gives the stream a cursor: everything after it must replay.
	if res, err := admin.post(room, "anchor", "anchor"); err != nil || res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anchor post: %v %v", res, err)
	}
	anchor := admin.cursor(room)
	if anchor == 0 {
		t.Fatal("no event for the anchor message")
	}

	var (
		acked   sync.Map // cmid → true
		nAcked  atomic.Int64
		unknown = make([][]string, writers)
		killed  = make(chan struct{})
		once    sync.Once
		wg      sync.WaitGroup
	)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				cmid := fmt.Sprintf("w%d-%04d", i, n)
				res, err := c.post(room, fmt.Sprintf("writer %d says %d", i, n), cmid)
				if err != nil {
					// Cut off: maybe committed, maybe not. Retried after restart.
					unknown[i] = append(unknown[i], cmid)
					return
				}
				if res.StatusCode != http.StatusSeeOther {
					t.Errorf("%s: status %d", cmid, res.StatusCode)
					return
				}
				acked.Store(cmid, true)
				if nAcked.Add(1) >= killAfter {
					once.Do(func() { srv.kill(); close(killed) })
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-killed:
	default:
		t.Fatalf("writers stopped before the kill (acknowledged %d)", nAcked.Load())
	}
	var want []string
	acked.Range(func(k, _ any) bool { want = append(want, k.(string)); return true })
	sort.Strings(want)
	t.Logf("acknowledged %d posts before SIGKILL; %d were in flight", len(want), countAll(unknown))

	// The file as the crash left it: every acknowledged post is there.
	counts := cmidCounts(t, openDB(t, dbPath))
	for _, cmid := range want {
		if counts[cmid] != 1 {
			t.Errorf("after the crash %s is stored %d times, want 1", cmid, counts[cmid])
		}
	}

	srv2 := startServer(t, dbPath, "CAMPFIRE_POST_LIMIT=100000/1s")
	for _, c := range clients {
		c.retarget(srv2)
	}
	// Browsers resend what they never heard back about; nothing doubles.
	var retried []string
	for i, cmids := range unknown {
		for _, cmid := range cmids {
			res, err := clients[i].post(room, "resent", cmid)
			if err != nil || res.StatusCode != http.StatusSeeOther {
				t.Fatalf("resend %s: %v %v", cmid, res, err)
			}
			retried = append(retried, cmid)
		}
	}

	counts = cmidCounts(t, openDB(t, dbPath))
	all := append(append([]string{"anchor"}, want...), retried...)
	for _, cmid := range all {
		if counts[cmid] != 1 {
			t.Errorf("after restart %s is stored %d times, want 1", cmid, counts[cmid])
		}
	}
	if len(counts) != len(all) {
		t.Errorf("%d distinct messages stored, want %d", len(counts), len(all))
	}

	// A tab reconnecting with the anchor's cursor gets every message after it,
	// once each, whether the cursor comes as Last-Event-ID or as after=.
	for _, how := range []struct {
		path    string
		headers []string
	}{
		{fmt.Sprintf("/events?room_id=%s&after=0", roomID(room)), []string{"Last-Event-ID", fmt.Sprint(anchor)}},
		{fmt.Sprintf("/events?room_id=%s&after=%d", roomID(room), anchor), nil},
	} {
		s := admin.openEvents(how.path, how.headers...)
		stop := fmt.Sprintf("sentinel-%d", len(how.headers))
		if res, err := clients[1].post(room, "sentinel", stop); err != nil || res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sentinel: %v %v", res, err)
		}
		got := s.messagesUntil(t, stop)
		seen := map[string]int{}
		for _, cmid := range got {
			seen[cmid]++
		}
		for _, cmid := range append(want, retried...) {
			if seen[cmid] != 1 {
				t.Errorf("%s: replay delivered %s %d times, want 1", how.path, cmid, seen[cmid])
			}
		}
		if seen["anchor"] != 0 {
			t.Errorf("%s: replay repeated the message at the cursor", how.path)
		}
		s.close()
	}
	srv2.stop()
}

func countAll(xs [][]string) int {
	n := 0
	for _, x := range xs {
		n += len(x)
	}
	return n
}

func roomID(roomPath string) string { return filepath.Base(roomPath) }

func memberEmail(i int) string { return fmt.Sprintf("writer%d@example.com", i) }

// addMembers creates n people through the store, as a second process.
func addMembers(t testing.TB, dbPath string, n int) {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	digest, _ := bcrypt.GenerateFromPassword([]byte("secret-password"), bcrypt.MinCost)
	for i := 1; i <= n; i++ {
		if _, err := store.CreateMember(ctx, fmt.Sprintf("Writer %d", i), memberEmail(i), string(digest)); err != nil {
			t.Fatal(err)
		}
	}
}

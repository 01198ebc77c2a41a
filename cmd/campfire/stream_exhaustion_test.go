package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"
)

// Issue 19 item 1, on the real binary: one member opened event streams until
// the process ran out of file descriptors, and /up and everyone's pages hung.
// Here the server has 256 open files, and the per-person and per-address caps
// are lifted so that only the descriptor reserve stands between one member and
// the limit: past it, streams are refused with 429, and another member's page,
// /up and a new sign-in all still answer.
func TestOneMemberCannotExhaustDescriptorsWithStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbPath := filepath.Join(t.TempDir(), "campfire.db")
	srv := startServerWithFileLimit(t, 256, dbPath,
		"CAMPFIRE_STREAMS_PER_USER=100000", "CAMPFIRE_STREAMS_PER_ADDRESS=100000")
	admin, room := srv.firstRun()
	addMembers(t, dbPath, 1)
	other := srv.signInAs("198.51.100.2", memberEmail(1))
	roomID := room[len("/rooms/"):]

	// The attacker's own client, unlimited connections.
	hc := *admin.http
	hc.Timeout = 0
	// ResponseHeaderTimeout is a hang guard: a server out of descriptors
	// accepts nothing, and the request would wait forever.
	hc.Transport = &http.Transport{ResponseHeaderTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opened, refused := 0, 0
	for i := 0; i < 400 && refused < 5; i++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/events?room_id="+roomID, nil)
		req.Header.Set("X-Forwarded-For", admin.ip)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("stream %d: %v (the server stopped accepting)", i, err)
		}
		switch res.StatusCode {
		case http.StatusOK:
			opened++
			defer res.Body.Close()
		case http.StatusTooManyRequests:
			refused++
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.Header.Get("Retry-After") == "" || string(body) != "retry: 15000\n\n" {
				t.Errorf("refusal without a retry hint: %q %q", res.Header.Get("Retry-After"), body)
			}
		default:
			t.Fatalf("stream %d: status %d", i, res.StatusCode)
		}
	}
	if refused == 0 || opened == 0 {
		t.Fatalf("opened %d, refused %d: want streams up to the reserve, then refusals", opened, refused)
	}
	t.Logf("256 open files: %d streams opened, then refused", opened)

	if res, body := other.must(http.MethodGet, room, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("the other member's page: %d\n%s", res.StatusCode, body)
	}
	if res, _ := srv.browser("198.51.100.3").must(http.MethodGet, "/up", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("/up: %d", res.StatusCode)
	}
	fresh := srv.signInAs("198.51.100.4", memberEmail(1))
	if res, _ := fresh.must(http.MethodGet, room, nil); res.StatusCode != http.StatusOK {
		t.Fatalf("a new sign-in's page: %d", res.StatusCode)
	}
}

// CAMPFIRE_MAX_STREAMS sets the total of streams: with 512 open files the
// default keeps a quarter of the 448 connections for requests (336 streams);
// set to 370, exactly 370 open before the refusals, and /up still answers.
func TestMaxStreamsSetsTheTotal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbPath := filepath.Join(t.TempDir(), "campfire.db")
	srv := startServerWithFileLimit(t, 512, dbPath, "CAMPFIRE_MAX_STREAMS=370",
		"CAMPFIRE_STREAMS_PER_USER=100000", "CAMPFIRE_STREAMS_PER_ADDRESS=100000")
	admin, room := srv.firstRun()
	roomID := room[len("/rooms/"):]
	hc := *admin.http
	hc.Timeout = 0
	hc.Transport = &http.Transport{ResponseHeaderTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opened, refused := 0, 0
	for i := 0; i < 420 && refused < 3; i++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.base+"/events?room_id="+roomID, nil)
		req.Header.Set("X-Forwarded-For", admin.ip)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("stream %d: %v", i, err)
		}
		switch res.StatusCode {
		case http.StatusOK:
			opened++
			defer res.Body.Close()
		case http.StatusTooManyRequests:
			refused++
			res.Body.Close()
		default:
			t.Fatalf("stream %d: status %d", i, res.StatusCode)
		}
	}
	if opened != 370 || refused == 0 {
		t.Fatalf("opened %d, refused %d: want 370 streams, then refusals", opened, refused)
	}
	if res, _ := srv.browser("198.51.100.3").must(http.MethodGet, "/up", nil); res.StatusCode != http.StatusOK {
		t.Fatalf("/up: %d", res.StatusCode)
	}
}

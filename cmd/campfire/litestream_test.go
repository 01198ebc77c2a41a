package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// litestreamBinary is Litestream v0.3.13 from the npm package the test
// script installs.
func litestreamBinary(t *testing.T) string {
	t.Helper()
	tools := os.Getenv("CAMPFIRE_TEST_TOOLS")
	if tools == "" {
		home, _ := os.UserHomeDir()
		tools = filepath.Join(home, ".cache", "campfire-test-tools")
	}
	bin := filepath.Join(tools, "litestream", "node_modules", "@flydotio", "litestream-linux-x64", "litestream")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("Litestream is not installed at %s: run scripts/install-test-deps.sh", bin)
	}
	return bin
}

// startLitestream replicates the database to a file replica and waits until
// it says it does. Stopping it (SIGTERM) is left to the caller.
func startLitestream(t *testing.T, bin, config string) (*exec.Cmd, <-chan struct{}, *lockedBuffer) {
	t.Helper()
	cmd := exec.Command(bin, "replicate", "-config", config)
	out := &lockedBuffer{}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	ready := make(chan struct{})
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(pipe)
		signalled := false
		for sc.Scan() {
			out.Write([]byte(sc.Text() + "\n"))
			if !signalled && strings.Contains(sc.Text(), "replicating to") {
				signalled = true
				close(ready)
			}
		}
		_ = cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	select {
	case <-ready:
	case <-exited:
		t.Fatalf("litestream exited:\n%s", out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("litestream not replicating within 30s:\n%s", out.String())
	}
	return cmd, exited, out
}

// waitForSnapshot waits until the file replica holds a snapshot.
func waitForSnapshot(t *testing.T, replica string, out *lockedBuffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		snaps, _ := filepath.Glob(filepath.Join(replica, "generations", "*", "snapshots", "*"))
		if len(snaps) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot in the replica within 30s:\n%s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLitestreamRestoreKeepsEveryAcknowledgedMessage is the recipe in the
// README: the server runs with CAMPFIRE_LITESTREAM=1 beside `litestream
// replicate` to a file replica while four people post; the server and then
// Litestream are stopped; the replica is restored into an empty folder, a
// server starts on it, and every acknowledged message is there, once.
func TestLitestreamRestoreKeepsEveryAcknowledgedMessage(t *testing.T) {
	bin := litestreamBinary(t)
	dir := t.TempDir()
	live := filepath.Join(dir, "live", "campfire.db")
	replica := filepath.Join(dir, "replica")
	config := filepath.Join(dir, "litestream.yml")
	err := os.WriteFile(config, []byte(fmt.Sprintf(`dbs:
  - path: %s
    replicas:
      - type: file
        path: %s
        sync-interval: 100ms
`, live, replica)), 0o600)
	if err != nil {
		t.Fatal(err)
	}

	srv := startServer(t, live, "CAMPFIRE_LITESTREAM=1", "CAMPFIRE_POST_LIMIT=100000/1s")
	admin, room := srv.firstRun()
	const people, each = 4, 50
	// Added through the store as a second process would, before replication
	// starts: that store checkpoints as usual.
	addMembers(t, live, people-1)
	ls, lsExited, lsOut := startLitestream(t, bin, config)
	// Litestream takes the database in hand at its first sync (a snapshot);
	// only from then on does its shutdown send what the log holds.
	waitForSnapshot(t, replica, lsOut)
	clients := []*browser{admin}
	for i := 1; i < people; i++ {
		clients = append(clients, srv.signInAs(fmt.Sprintf("198.51.100.%d", i+1), memberEmail(i)))
	}
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	for i, c := range clients {
		wg.Go(func() {
			for n := range each {
				cmid := fmt.Sprintf("p%d-%03d", i, n)
				res, err := c.post(room, fmt.Sprintf("person %d says %d", i, n), cmid)
				if err != nil || res.StatusCode != http.StatusSeeOther {
					t.Errorf("%s: %v %v", cmid, res, err)
					return
				}
				mu.Lock()
				acked = append(acked, cmid)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// Stop the machine: the server first, then Litestream, which sends
	// what the log still holds before it exits.
	srv.stop()
	_ = ls.Process.Signal(os.Interrupt)
	select {
	case <-lsExited:
	case <-time.After(30 * time.Second):
		t.Fatalf("litestream did not stop:\n%s", lsOut.String())
	}

	restored := filepath.Join(dir, "restored", "campfire.db")
	out, err := exec.Command(bin, "restore", "-config", config, "-o", restored, live).CombinedOutput()
	if err != nil {
		var files []string
		_ = filepath.Walk(replica, func(p string, _ os.FileInfo, _ error) error { files = append(files, p); return nil })
		t.Fatalf("litestream restore: %v\n%s\nreplica: %v\nreplicate said:\n%s", err, out, files, lsOut.String())
	}
	srv2 := startServer(t, restored)
	counts := cmidCounts(t, openDB(t, restored))
	for _, cmid := range acked {
		if counts[cmid] != 1 {
			t.Errorf("restored %s %d times, want 1", cmid, counts[cmid])
		}
	}
	if len(acked) != people*each {
		t.Fatalf("%d acknowledged, want %d", len(acked), people*each)
	}
	// The restored copy serves: the first person signs in and reads the room.
	c := srv2.signInAs("198.51.100.50", memberEmail(1))
	if res, body := c.must(http.MethodGet, room, nil); res.StatusCode != http.StatusOK || !strings.Contains(body, "person 3 says 49") {
		t.Fatalf("restored room: %d, last message missing", res.StatusCode)
	}
}

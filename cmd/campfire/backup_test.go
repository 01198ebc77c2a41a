package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
)

// bulkMessages is enough text that VACUUM INTO takes long enough to be
// interrupted (tens of megabytes).
const bulkMessages = 8_000

// TestBackupKilledMidwayLeavesSourceIntact kills `campfire backup` while it is
// writing, then checks that the live database is untouched, that no file that
// looks like a backup was left at the destination, and that the next backup
// completes and holds every message.
func TestBackupKilledMidwayLeavesSourceIntact(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "campfire.db")
	want := seedBulk(t, dbPath)
	dest := filepath.Join(dir, "backups", "campfire-backup.db")
	if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
		t.Fatal(err)
	}

	var interrupted bool
	for attempt := 0; attempt < 5 && !interrupted; attempt++ {
		interrupted = killBackupMidway(t, dbPath, dest)
		if !interrupted {
			// It finished before the kill landed: start over.
			os.Remove(dest)
		}
	}
	if !interrupted {
		t.Fatal("backup always finished before it could be killed")
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Fatalf("a killed backup left %s behind (err %v)", dest, err)
	}

	src := openDB(t, dbPath)
	checkDatabase(t, "source after the killed backup", src, want)

	// The server still starts on the source and the next backup works.
	srv := startServer(t, dbPath)
	srv.stop()
	out, err := runCampfire(t, dbPath, "backup", dest)
	if err != nil {
		t.Fatalf("backup after the crash: %v\n%s", err, out)
	}
	checkDatabase(t, "backup", openDB(t, dest), want)

	// Backups never overwrite: a second run to the same name refuses.
	if out, err := runCampfire(t, dbPath, "backup", dest); err == nil || !strings.Contains(out, "exists") {
		t.Fatalf("backup over an existing file: %v\n%s", err, out)
	}
}

// killBackupMidway starts a backup and SIGKILLs it once its temporary file
// has started to grow. It reports whether the process died from the kill.
func killBackupMidway(t *testing.T, dbPath, dest string) bool {
	t.Helper()
	cmd := exec.Command(binary(t), "backup", dest)
	cmd.Env = append(os.Environ(), "CAMPFIRE_DB="+dbPath)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	pattern := filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".*.partial")
	for {
		select {
		case err := <-done:
			t.Logf("backup finished before the kill: %v %s", err, out.String())
			return false
		default:
		}
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			if fi, err := os.Stat(m[0]); err == nil && fi.Size() > 0 {
				_ = cmd.Process.Kill()
				err := <-done
				ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
				killed := ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
				t.Logf("killed backup with %d bytes written: %v", fi.Size(), err)
				return killed
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func runCampfire(t *testing.T, dbPath string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(os.Environ(), "CAMPFIRE_DB="+dbPath)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// seedBulk sets the app up and stores many messages; it returns their count.
func seedBulk(t *testing.T, dbPath string) int {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	u, err := store.FirstRun(ctx, db.FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "join-code-1"})
	if err != nil {
		t.Fatal(err)
	}
	rooms, err := store.SidebarRooms(ctx, u.ID)
	if err != nil || len(rooms) == 0 {
		t.Fatalf("no room: %v", err)
	}
	// Large markup, short plain text: bulk for the copy, little for the index.
	filler := strings.Repeat("<b>x</b>", 512)
	err = store.Tx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO messages
			(room_id, creator_id, client_message_id, body_html, body_plain, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 0, 0)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range bulkMessages {
			plain := fmt.Sprintf("bulk %d: the quick brown fox", i)
			if _, err := st.ExecContext(ctx, rooms[0].ID, u.ID, fmt.Sprintf("bulk-%d", i), fmt.Sprintf("<p>%d%s</p>", i, filler), plain); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The rows went in queued for the search index, as a post's do.
	if err := store.CatchUpSearch(ctx); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	return bulkMessages
}

// checkDatabase asserts the file is sound and holds every message, searchable.
func checkDatabase(t *testing.T, what string, d *sql.DB, want int) {
	t.Helper()
	var ok string
	if err := d.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("%s: integrity_check %q %v", what, ok, err)
	}
	var n int
	if err := d.QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil || n != want {
		t.Fatalf("%s: %d messages (%v), want %d", what, n, err, want)
	}
	if err := d.QueryRow(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'fox'`).Scan(&n); err != nil || n != want {
		t.Fatalf("%s: search finds %d messages (%v), want %d", what, n, err, want)
	}
}

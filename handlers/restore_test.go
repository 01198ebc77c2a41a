package handlers

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTabAheadOfARestoredDatabaseReloads: after a restore from backup, event
// ids are issued again from the backup's last one. A tab whose cursor is
// past that is told to reload; otherwise new messages with ids below its
// cursor would never reach it.
func TestTabAheadOfARestoredDatabaseReloads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "campfire.db")
	a := newTestAppAt(t, path)
	admin := a.admin()
	room := a.allTalk()
	wantStatus(t, admin.post(room, "kept", "kept"), http.StatusSeeOther)
	backup := filepath.Join(dir, "backup.db")
	if err := a.store.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"lost-1", "lost-2", "lost-3"} {
		wantStatus(t, admin.post(room, id, id), http.StatusSeeOther)
	}
	cursor := a.hub.LastEventID()
	a.stop()

	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	a2 := newTestAppAt(t, path)
	ada := a2.anonymous()
	wantStatus(t, ada.postForm("/session", url.Values{"email_address": {"ada@example.com"}, "password": {"secret-password"}}), http.StatusSeeOther)
	if a2.hub.LastEventID() >= cursor {
		t.Fatalf("restored database is not behind the tab: %d >= %d", a2.hub.LastEventID(), cursor)
	}

	s := ada.openStream(t, room, cursor, 0)
	if ev := s.next(t, "reload"); ev.ID != a2.hub.LastEventID() {
		t.Fatalf("reload carries id %d, want %d", ev.ID, a2.hub.LastEventID())
	}

	// A tab level with the restored database replays normally.
	level := ada.openStream(t, room, a2.hub.LastEventID(), 0)
	wantStatus(t, ada.post(room, "after restore", "after-restore"), http.StatusSeeOther)
	if ev := level.next(t, "message"); !strings.Contains(ev.Data, "message_after-restore") {
		t.Fatalf("got %s", ev.Data)
	}
}

package importer_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/importer"
	"github.com/campfire-go/campfire/internal/importer/oncetest"
)

func build(t testing.TB, opt oncetest.Options) *oncetest.Fixture {
	t.Helper()
	f, err := oncetest.Build(filepath.Join(t.TempDir(), "storage"), opt)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func target(t testing.TB) (*db.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "campfire.db")
	s, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func fileSum(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func count(t testing.TB, s *db.Store, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.Writer().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportBringsEverythingTextualAndReportsTheRest(t *testing.T) {
	f := build(t, oncetest.Options{Messages: 2000, Broken: true, Newer: true})
	before := fileSum(t, f.DB)
	dbPath, err := importer.FindDatabase(f.StorageDir)
	if err != nil || dbPath != f.DB {
		t.Fatalf("FindDatabase = %q, %v; want %q", dbPath, err, f.DB)
	}
	s, _ := target(t)
	var out strings.Builder
	r, err := importer.Run(context.Background(), s, importer.Options{DB: dbPath, Files: f.StorageDir, Progress: &out})
	if err != nil {
		t.Fatal(err)
	}
	if fileSum(t, f.DB) != before {
		t.Error("the source database changed")
	}
	want := map[string]int64{"account": 1, "users": 6, "rooms": 4, "memberships": 10, "messages": int64(f.Messages),
		"boosts": 2, "bans": 1, "webhooks": 1, "push subscriptions": 1, "searches": 2}
	for k, n := range want {
		if r.Counts[k] != n {
			t.Errorf("count of %s = %d, want %d", k, r.Counts[k], n)
		}
	}
	for room, n := range f.MessagesPerRoom {
		if got := count(t, s, `SELECT count(*) FROM messages WHERE room_id = ?`, room); got != int64(n) {
			t.Errorf("room %d has %d messages, want %d", room, got, n)
		}
	}
	for reason, n := range map[string]int64{
		importer.ReasonCreatorGone:            1,
		importer.ReasonNoText:                 1,
		importer.ReasonRepeatedClientID:       1,
		importer.ReasonAttachmentOnly:         1,
		importer.ReasonAttachmentsUnsupported: 1,
		importer.ReasonAvatarUnsupported:      1,
		importer.ReasonSessions:               1,
	} {
		if got := r.SkipCount(reason); got != n {
			t.Errorf("skipped %q: %d, want %d", reason, got, n)
		}
	}
	var printed strings.Builder
	r.Print(&printed)
	for _, s := range []string{"messages", "attachments are not supported yet", "message " + itoa(f.BrokenCreator)} {
		if !strings.Contains(printed.String(), s) {
			t.Errorf("the report does not mention %q:\n%s", s, printed.String())
		}
	}
	// Ids, times, roles, statuses, involvement and unread come over as they were.
	var cmid string
	if err := s.Writer().QueryRow(`SELECT client_message_id FROM messages WHERE id = ?`, f.RepeatedClientID).Scan(&cmid); err != nil || cmid == "same-id" {
		t.Errorf("the repeated client_message_id was kept: %q, %v", cmid, err)
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = ? AND status = 'deactivated'`, oncetest.Deactivated); n != 1 {
		t.Error("the deactivated user is not deactivated")
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = ? AND status = 'banned' AND role = 'member'`, oncetest.Banned); n != 1 {
		t.Error("the banned user is not banned")
	}
	if n := count(t, s, `SELECT count(*) FROM users WHERE id = ? AND role = 'bot' AND bot_token = ?`, oncetest.Bot, oncetest.BotToken); n != 1 {
		t.Error("the bot lost its token")
	}
	if n := count(t, s, `SELECT count(*) FROM memberships WHERE room_id = ? AND user_id = ? AND unread_at IS NOT NULL AND involvement = 'mentions'`,
		oncetest.OpenRoom, oncetest.Member); n != 1 {
		t.Error("Ben's unread mark on All Talk is lost")
	}
	if n := count(t, s, `SELECT count(*) FROM rooms WHERE kind = 'direct' AND name IS NULL`); n != 2 {
		t.Errorf("%d direct rooms, want 2", n)
	}
	if n := count(t, s, `SELECT created_at FROM messages WHERE id = 1`); n != 1709283601000 {
		t.Errorf("message 1 created at %d, want 1709283601000 (2024-03-01 09:00:01 UTC)", n)
	}
	if n := count(t, s, `SELECT restrict_room_creation_to_administrators FROM accounts`); n != 1 {
		t.Error("the account's settings were lost")
	}
	if n := count(t, s, `SELECT count(*) FROM events`); n != 0 {
		t.Errorf("%d events written for imported history; the log starts after it", n)
	}
	if n := count(t, s, `SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?`, oncetest.UniqueWord); n != 1 {
		t.Errorf("the search index finds %q %d times, want once", oncetest.UniqueWord, n)
	}
	var html string
	if err := s.Writer().QueryRow(`SELECT body_html FROM messages WHERE id = ?`, f.LegacyMention).Scan(&html); err != nil ||
		!strings.Contains(html, `data-mention="3"`) {
		t.Errorf("the Rails 7.0 sgid mention was not converted: %s %v", html, err)
	}
}

func itoa(n int64) string { return strings.TrimSpace(strings.Repeat(" ", 0) + formatInt(n)) }

func formatInt(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestImportAnOlderSchema(t *testing.T) {
	f := build(t, oncetest.Options{Messages: 100, Older: true})
	s, _ := target(t)
	r, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB})
	if err != nil {
		t.Fatal(err)
	}
	if r.Counts["messages"] != int64(f.Messages) {
		t.Errorf("%d messages, want %d", r.Counts["messages"], f.Messages)
	}
}

func TestImportRefusesATargetWithUsers(t *testing.T) {
	f := build(t, oncetest.Options{Messages: 50})
	s, _ := target(t)
	if _, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB}); err != nil {
		t.Fatal(err)
	}
	before := count(t, s, `SELECT count(*) FROM messages`)
	_, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB})
	if !errors.Is(err, importer.ErrTargetNotEmpty) {
		t.Fatalf("second import: %v, want ErrTargetNotEmpty", err)
	}
	if after := count(t, s, `SELECT count(*) FROM messages`); after != before {
		t.Errorf("the refused import changed the target: %d messages, then %d", before, after)
	}
}

func TestImportRefusesWhatIsNotCampfire(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.sqlite3")
	if err := os.WriteFile(text, []byte("these are my notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other.sqlite3")
	conn, err := sql.Open("sqlite3", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT); CREATE TABLE users (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	for _, c := range []struct{ path, want string }{
		{text, "is not a SQLite database"},
		{other, "is not a ONCE Campfire database"},
		{filepath.Join(dir, "missing.sqlite3"), "cannot open the source database"},
	} {
		s, _ := target(t)
		_, err := importer.Run(context.Background(), s, importer.Options{DB: c.path})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", filepath.Base(c.path), err, c.want)
		}
		if n := count(t, s, `SELECT count(*) FROM accounts`) + count(t, s, `SELECT count(*) FROM users`); n != 0 {
			t.Errorf("%s: the refused import wrote %d rows", filepath.Base(c.path), n)
		}
	}
	if _, err := importer.FindDatabase(dir + "/nowhere"); err == nil {
		t.Error("FindDatabase found a database in a folder without one")
	}
}

// A failure part way (here a second person with the same address, which
// Campfire's own index would have refused) leaves the target untouched, and
// the import runs again once the source is fixed.
func TestImportIsAllOrNothing(t *testing.T) {
	f := build(t, oncetest.Options{Messages: 500})
	src, err := sql.Open("sqlite3", f.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Exec(`DROP INDEX index_users_on_email_address;
		INSERT INTO users (id, name, email_address, role, status, created_at, updated_at)
		VALUES (7, 'Ben Again', 'ben@example.com', 0, 0, '2024-03-02 10:00:00', '2024-03-02 10:00:00')`); err != nil {
		t.Fatal(err)
	}
	s, _ := target(t)
	_, err = importer.Run(context.Background(), s, importer.Options{DB: f.DB, Progress: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "user 7") {
		t.Fatalf("import with a repeated address: %v, want an error naming user 7", err)
	}
	for _, table := range []string{"accounts", "users", "rooms", "memberships", "messages", "messages_fts"} {
		if n := count(t, s, `SELECT count(*) FROM `+table); n != 0 {
			t.Errorf("after the failed import %s has %d rows", table, n)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'search_pending_insert'`); n != 1 {
		t.Error("the failed import left the search trigger dropped")
	}
	if _, err := src.Exec(`DELETE FROM users WHERE id = 7`); err != nil {
		t.Fatal(err)
	}
	r, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB})
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if r.Counts["messages"] != int64(f.Messages) {
		t.Errorf("second run: %d messages, want %d", r.Counts["messages"], f.Messages)
	}
}

func TestImportStopsWhenCancelled(t *testing.T) {
	f := build(t, oncetest.Options{Messages: 3000})
	s, _ := target(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := importer.Run(ctx, s, importer.Options{DB: f.DB}); err == nil {
		t.Fatal("a cancelled import succeeded")
	}
	if n := count(t, s, `SELECT count(*) FROM users`); n != 0 {
		t.Errorf("a cancelled import left %d users", n)
	}
}

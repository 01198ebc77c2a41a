package importer_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/files"
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
	storage := storageFor(t)
	var out strings.Builder
	r, err := importer.Run(context.Background(), s, importer.Options{DB: dbPath, Files: f.StorageDir, Storage: storage, Progress: &out})
	if err != nil {
		t.Fatal(err)
	}
	if fileSum(t, f.DB) != before {
		t.Error("the source database changed")
	}
	want := map[string]int64{"account": 1, "users": 6, "rooms": 4, "memberships": 10, "messages": int64(f.Messages),
		"boosts": 2, "bans": 1, "webhooks": 1, "push subscriptions": 1, "searches": 2,
		"attachments": 2, "avatars": 1, "logo": 1}
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
		importer.ReasonCreatorGone:      1,
		importer.ReasonNoText:           1,
		importer.ReasonRepeatedClientID: 1,
		importer.ReasonFileMissing:      1,
		importer.ReasonSessions:         1,
	} {
		if got := r.SkipCount(reason); got != n {
			t.Errorf("skipped %q: %d, want %d", reason, got, n)
		}
	}
	var printed strings.Builder
	r.Print(&printed)
	for _, s := range []string{"messages", "attachments", "file not found", "gone.txt", "message " + itoa(f.BrokenCreator)} {
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

// storageFor is a target storage folder, as files beside the database.
func storageFor(t testing.TB) *files.Store {
	t.Helper()
	st, err := files.Open(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// storedFiles counts the files in a storage folder.
func storedFiles(t testing.TB, st *files.Store) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(st.Dir(), func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The files come along: a message that was only a picture keeps it, with a
// preview; a PDF keeps its bytes and is found by its name; the avatar and
// the logo are kept as uploaded ones are; a missing file is reported and its
// message kept; nothing else is left in the storage folder.
func TestImportBringsTheFiles(t *testing.T) {
	f := build(t, oncetest.Options{Messages: 200})
	s, _ := target(t)
	storage := storageFor(t)
	r, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB, Files: f.StorageDir, Storage: storage})
	if err != nil {
		t.Fatal(err)
	}
	read := func(key string) []byte {
		t.Helper()
		file, err := storage.Open(key)
		if err != nil {
			t.Fatal(err)
		}
		defer file.Close()
		b, err := io.ReadAll(file)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var key, name, ctype string
	var width, previewWidth sql.NullInt64
	var previewKey sql.NullString
	if err := s.Writer().QueryRow(`SELECT blob_key, filename, content_type, width, preview_key, preview_width FROM attachments WHERE message_id = ?`,
		f.FileMessage).Scan(&key, &name, &ctype, &width, &previewKey, &previewWidth); err != nil {
		t.Fatalf("the picture message has no file: %v", err)
	}
	if name != "cat.png" || ctype != "image/png" || width.Int64 != 1300 || !bytes.Equal(read(key), f.PictureBytes) {
		t.Errorf("the picture came as %q %q %d px wide", name, ctype, width.Int64)
	}
	if !previewKey.Valid || previewKey.String == key || previewWidth.Int64 != 1200 {
		t.Errorf("the picture has no 1,200 px preview: %v %d", previewKey, previewWidth.Int64)
	}
	if err := s.Writer().QueryRow(`SELECT blob_key, filename, content_type FROM attachments WHERE message_id = ?`,
		f.PDFMessage).Scan(&key, &name, &ctype); err != nil {
		t.Fatalf("the PDF message has no file: %v", err)
	}
	if name != "Q3 report.pdf" || ctype != "application/pdf" || !bytes.Equal(read(key), f.PDFBytes) {
		t.Errorf("the PDF came as %q %q", name, ctype)
	}
	if n := count(t, s, `SELECT count(*) FROM messages WHERE id = ? AND body_plain = 'cat.png'`, f.FileMessage); n != 1 {
		t.Error("the picture message does not read as its file's name")
	}
	if n := count(t, s, `SELECT count(*) FROM messages m JOIN attachments a ON a.message_id = m.id WHERE m.id = ?`, f.MissingFileMessage); n != 0 {
		t.Error("a message whose file is missing got one")
	}
	if n := count(t, s, `SELECT count(*) FROM messages WHERE id = ?`, f.MissingFileMessage); n != 1 {
		t.Error("the message whose file is missing was not kept")
	}
	if got := r.SkipCount(importer.ReasonFileMissing); got != 1 {
		t.Errorf("%d missing files reported, want 1", got)
	}
	if n := count(t, s, `SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'Q3'`); n != 1 {
		t.Errorf("searching the file's name finds %d messages, want 1", n)
	}
	var avatar string
	if err := s.Writer().QueryRow(`SELECT avatar_key FROM users WHERE id = ?`, oncetest.Member).Scan(&avatar); err != nil {
		t.Fatalf("Ben has no avatar: %v", err)
	}
	if img, _, err := image.Decode(bytes.NewReader(read(avatar))); err != nil || img.Bounds().Dx() != 96 || img.Bounds().Dy() != 96 {
		t.Errorf("the avatar does not decode as a 96 px square: %v", err)
	}
	var logo, logo192, logo32 string
	if err := s.Writer().QueryRow(`SELECT logo_key, logo_192_key, logo_32_key FROM accounts`).Scan(&logo, &logo192, &logo32); err != nil {
		t.Fatalf("no logo: %v", err)
	}
	if img, err := png.Decode(bytes.NewReader(read(logo32))); err != nil || img.Bounds().Dx() != 32 {
		t.Errorf("the logo's favicon is not a 32 px PNG: %v", err)
	}
	// Every file kept is one a row refers to.
	if n, want := storedFiles(t, storage), count(t, s, `SELECT count(*) FROM blobs`); int64(n) != want {
		t.Errorf("%d files in the storage folder, %d blobs", n, want)
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
	r, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB, Files: f.StorageDir, Storage: storageFor(t)})
	if err != nil {
		t.Fatal(err)
	}
	if r.Counts["messages"] != int64(f.Messages) {
		t.Errorf("%d messages, want %d", r.Counts["messages"], f.Messages)
	}
}

// Given only the database, the import brings the words and says which files
// stayed behind; a message that was only a file has nothing left to show.
func TestImportWithoutTheFiles(t *testing.T) {
	f := build(t, oncetest.Options{Messages: 100})
	s, _ := target(t)
	r, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.SkipCount(importer.ReasonNoStorage); got != 5 {
		t.Errorf("%d files reported left behind, want 5", got)
	}
	if got := r.SkipCount(importer.ReasonAttachmentOnly); got != 1 {
		t.Errorf("%d file-only messages reported, want 1", got)
	}
	if r.Counts["messages"] != int64(f.Messages-1) || count(t, s, `SELECT count(*) FROM attachments`) != 0 {
		t.Errorf("%d messages, want %d, and no files", r.Counts["messages"], f.Messages-1)
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
	storage := storageFor(t)
	_, err = importer.Run(context.Background(), s, importer.Options{DB: f.DB, Files: f.StorageDir, Storage: storage, Progress: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "user 7") {
		t.Fatalf("import with a repeated address: %v, want an error naming user 7", err)
	}
	if n := storedFiles(t, storage); n != 0 {
		t.Errorf("the failed import left %d files in the storage folder", n)
	}
	for _, table := range []string{"accounts", "users", "rooms", "memberships", "messages", "messages_fts", "blobs", "attachments"} {
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
	r, err := importer.Run(context.Background(), s, importer.Options{DB: f.DB, Files: f.StorageDir, Storage: storage})
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if r.Counts["attachments"] != 2 {
		t.Errorf("second run: %d attachments, want 2", r.Counts["attachments"])
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

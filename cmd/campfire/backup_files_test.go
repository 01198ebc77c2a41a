package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/app"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/model"
)

// seedAttachments stores messages with files as an upload does: the file
// first, then the row.
func seedAttachments(t *testing.T, store *db.Store, blobs *files.Store, contents ...string) []string {
	t.Helper()
	ctx := context.Background()
	u, err := store.FirstRun(ctx, db.FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "join-code-1"})
	if err != nil {
		t.Fatal(err)
	}
	rooms, err := store.SidebarRooms(ctx, u.ID)
	if err != nil || len(rooms) == 0 {
		t.Fatalf("no room: %v", err)
	}
	var keys []string
	for i, c := range contents {
		p, err := blobs.Put(strings.NewReader(c), 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		_, err = store.CreateMessage(ctx, db.NewMessage{RoomID: rooms[0].ID, CreatorID: u.ID,
			ClientMessageID: "f" + string(rune('a'+i)), Plain: "file.txt",
			Attachment: &db.NewAttachment{Blob: p.Blob, Attachment: model.Attachment{
				Filename: "file.txt", ContentType: p.ContentType, ByteSize: p.Size, Key: p.Key}}})
		p.Release()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, p.Key)
	}
	return keys
}

// campfire backup copies the files the database records beside it, and the
// README's restore (the file as CAMPFIRE_DB, its folder as CAMPFIRE_STORAGE)
// brings back a server with every file.
func TestBackupCopiesFilesAndRestores(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := app.Config{DBPath: filepath.Join(dir, "campfire.db"), StoragePath: filepath.Join(dir, "files")}
	store, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := files.Open(cfg.StoragePath)
	if err != nil {
		t.Fatal(err)
	}
	contents := []string{"the first file", "the second file"}
	keys := seedAttachments(t, store, blobs, contents...)
	store.Close()

	dest := filepath.Join(dir, "backups", "campfire-1.db")
	os.MkdirAll(filepath.Dir(dest), 0o750)
	var out bytes.Buffer
	if err := backup(ctx, cfg, dest, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2 files") {
		t.Errorf("backup said %q", out.String())
	}
	if err := backup(ctx, cfg, dest, &out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("backup over an existing one: %v", err)
	}

	// Restore into an empty place, as the README says.
	restored := t.TempDir()
	rcfg := app.Config{DBPath: filepath.Join(restored, "campfire.db"), StoragePath: filepath.Join(restored, "files")}
	if err := exec.Command("cp", dest, rcfg.DBPath).Run(); err != nil {
		t.Fatal(err)
	}
	if err := exec.Command("cp", "-a", dest+".files/.", rcfg.StoragePath).Run(); err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	_ = doctor(ctx, rcfg, &report) // other checks may fail here: no server listens
	if !strings.Contains(report.String(), "holds all 2 files the database records") {
		t.Errorf("doctor after the restore:\n%s", report.String())
	}
	srv, err := app.New(ctx, rcfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for i, key := range keys {
		f, err := srv.Files.Open(key)
		if err != nil {
			t.Fatalf("file %d after the restore: %v", i, err)
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if string(b) != contents[i] {
			t.Errorf("file %d restored as %q", i, b)
		}
	}
}

// A file the snapshot records but that is gone (deleted with its message
// while the backup ran, every time) fails the backup instead of leaving a
// database that points at a missing file.
func TestBackupRefusesASnapshotWithoutItsFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := app.Config{DBPath: filepath.Join(dir, "campfire.db"), StoragePath: filepath.Join(dir, "files")}
	store, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	blobs, _ := files.Open(cfg.StoragePath)
	keys := seedAttachments(t, store, blobs, "kept", "lost")
	store.Close()
	if err := os.Remove(filepath.Join(cfg.StoragePath, files.RelPath(keys[1]))); err != nil {
		t.Fatal(err)
	}
	// campfire doctor says so, and what to do.
	var report bytes.Buffer
	if err := doctor(ctx, cfg, &report); err == nil || !strings.Contains(report.String(), "1 of the 2 files the database records are not in") {
		t.Errorf("doctor with a file missing: %v\n%s", err, report.String())
	}
	dest := filepath.Join(dir, "campfire-1.db")
	err = backup(ctx, cfg, dest, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "deleted") {
		t.Fatalf("backup with a file missing: %v", err)
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Fatalf("a failed backup left %s (%v)", dest, err)
	}
}

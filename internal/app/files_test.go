package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/files"
)

// At start the server removes what a crash left in the storage folder before
// anything can upload: a file written whose row was never committed, and a
// half-written upload.
func TestStartCollectsOrphanFiles(t *testing.T) {
	dir := t.TempDir()
	storage := filepath.Join(dir, "uploads")
	blobs, err := files.Open(storage)
	if err != nil {
		t.Fatal(err)
	}
	p, err := blobs.Put(strings.NewReader("written just before a crash"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	p.Release()
	stale := filepath.Join(storage, "tmp", "upload-1")
	if err := os.WriteFile(stale, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}

	s, err := New(context.Background(), Config{DBPath: filepath.Join(dir, "campfire.db"), StoragePath: storage},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Files.Dir() != storage {
		t.Fatalf("files in %s, want %s", s.Files.Dir(), storage)
	}
	if _, err := os.Stat(filepath.Join(storage, files.RelPath(p.Key))); !os.IsNotExist(err) {
		t.Fatalf("orphan file still there: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale upload still there: %v", err)
	}
}

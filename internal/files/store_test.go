package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/files"
)

func openStore(t *testing.T) *files.Store {
	t.Helper()
	s, err := files.Open(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tmpEntries(t *testing.T, s *files.Store) int {
	t.Helper()
	es, err := os.ReadDir(filepath.Join(s.Dir(), "tmp"))
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func TestPutStoresByContentHash(t *testing.T) {
	s := openStore(t)
	content := []byte("%PDF-1.4\nnot much of a report")
	p, err := s.Put(bytes.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Release()
	sum := sha256.Sum256(content)
	if p.Key != hex.EncodeToString(sum[:]) || p.Size != int64(len(content)) || p.ContentType != "application/pdf" {
		t.Fatalf("blob %+v", p.Blob)
	}
	onDisk, err := os.ReadFile(filepath.Join(s.Dir(), p.Key[:2], p.Key[2:4], p.Key))
	if err != nil || !bytes.Equal(onDisk, content) {
		t.Fatalf("file at the key's path: %q, %v", onDisk, err)
	}
	// The same content again is the same file.
	p2, err := s.Put(bytes.NewReader(content), 1<<20)
	if err != nil || p2.Key != p.Key {
		t.Fatalf("second put: %v, %v", p2, err)
	}
	p2.Release()
	if n := tmpEntries(t, s); n != 0 {
		t.Fatalf("%d temporary files left", n)
	}
}

func TestPutRefusesWhatItCannotKeep(t *testing.T) {
	s := openStore(t)
	if _, err := s.Put(strings.NewReader(strings.Repeat("x", 1025)), 1024); !errors.Is(err, files.ErrTooLarge) {
		t.Fatalf("over the limit: %v", err)
	}
	if p, err := s.Put(strings.NewReader(strings.Repeat("x", 1024)), 1024); err != nil {
		t.Fatalf("at the limit: %v", err)
	} else {
		p.Release()
	}
	if _, err := s.Put(strings.NewReader(""), 1024); !errors.Is(err, files.ErrEmpty) {
		t.Fatalf("empty: %v", err)
	}
	broken := io.MultiReader(strings.NewReader("half a file"), errReader{&http.MaxBytesError{Limit: 5}})
	var mbe *http.MaxBytesError
	if _, err := s.Put(broken, 1024); !errors.As(err, &mbe) {
		t.Fatalf("reader error: %v, want the reader's own", err)
	}
	if n := tmpEntries(t, s); n != 0 {
		t.Fatalf("%d temporary files left after refusals", n)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestPutNeverHoldsTheBody(t *testing.T) {
	// 64 MiB from a reader that makes it up as it goes: were it held in
	// memory, the allocation would show.
	s := openStore(t)
	var before, after runtimeMem
	before.read()
	p, err := s.Put(io.LimitReader(zeroes{}, 64<<20), 100<<20)
	if err != nil {
		t.Fatal(err)
	}
	p.Release()
	after.read()
	if grown := after.totalAlloc - before.totalAlloc; grown > 8<<20 {
		t.Fatalf("put of 64 MiB allocated %d MiB", grown>>20)
	}
}

type zeroes struct{}

func (zeroes) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

func openDB(t *testing.T) *db.Store {
	t.Helper()
	st, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "campfire.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// A table of the kind other features add: any column referring to
	// blobs (key) keeps a blob in use, without registering it anywhere.
	if _, err := st.Writer().Exec(`CREATE TABLE keepers (blob_key TEXT REFERENCES blobs (key))`); err != nil {
		t.Fatal(err)
	}
	return st
}

func record(t *testing.T, st *db.Store, key string, kept bool) {
	t.Helper()
	if _, err := st.Writer().Exec(`INSERT INTO blobs (key, byte_size, content_type, created_at) VALUES (?, 1, 'text/plain', 0)`, key); err != nil {
		t.Fatal(err)
	}
	if kept {
		if _, err := st.Writer().Exec(`INSERT INTO keepers VALUES (?)`, key); err != nil {
			t.Fatal(err)
		}
	}
}

func exists(s *files.Store, key string) bool {
	f, err := s.Open(key)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

func put(t *testing.T, s *files.Store, content string) string {
	t.Helper()
	p, err := s.Put(strings.NewReader(content), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	p.Release()
	return p.Key
}

func TestCollectRemovesWhatNothingUses(t *testing.T) {
	ctx := context.Background()
	s, st := openStore(t), openDB(t)
	kept := put(t, s, "kept: a row refers to it")
	unreferenced := put(t, s, "its row is there, but nothing refers to it")
	orphan := put(t, s, "written, then the process died before the commit")
	record(t, st, kept, true)
	record(t, st, unreferenced, false)
	stale := filepath.Join(s.Dir(), "tmp", "upload-123")
	if err := os.WriteFile(stale, []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(s.Dir(), "README")
	if err := os.WriteFile(foreign, []byte("the operator's"), 0o600); err != nil {
		t.Fatal(err)
	}

	stats, err := files.Collect(ctx, s, st)
	if err != nil {
		t.Fatal(err)
	}
	if stats != (files.Stats{Unreferenced: 1, Orphans: 1, Stale: 1}) {
		t.Fatalf("stats %+v", stats)
	}
	if !exists(s, kept) || exists(s, unreferenced) || exists(s, orphan) {
		t.Fatalf("after collect: kept %v, unreferenced %v, orphan %v", exists(s, kept), exists(s, unreferenced), exists(s, orphan))
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatalf("stale upload: %v", err)
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Fatalf("a file that is not a blob was touched: %v", err)
	}
	if known, _ := st.ExistingBlobs(ctx, []string{kept, unreferenced}); !known[kept] || known[unreferenced] {
		t.Fatalf("rows after collect: %v", known)
	}
}

func TestRemoveUnusedSparesPendingAndRecordedBlobs(t *testing.T) {
	ctx := context.Background()
	s, st := openStore(t), openDB(t)
	p, err := s.Put(strings.NewReader("uploaded again, not yet committed"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	recorded := put(t, s, "recorded")
	record(t, st, recorded, false)
	if err := s.RemoveUnused(ctx, st, p.Key, recorded); err != nil {
		t.Fatal(err)
	}
	if !exists(s, p.Key) || !exists(s, recorded) {
		t.Fatal("a pending or recorded blob's file was removed")
	}
	p.Release()
	if err := s.RemoveUnused(ctx, st, p.Key, "../../etc/passwd"); err != nil {
		t.Fatal(err)
	}
	if exists(s, p.Key) {
		t.Fatal("a released blob without a row kept its file")
	}
}

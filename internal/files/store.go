// Package files keeps uploaded files ("blobs") in a folder beside the
// database, each named by the SHA-256 of its content, so the same file stored
// twice is one file and a name never has to be trusted.
//
// The database says which blobs exist: a row of the blobs table per key, and
// rows elsewhere that refer to it (attachments, avatars...). A blob is written
// here first, synced and renamed into place, and only then is its row
// committed; so a crash leaves at worst a file without a row, which Collect
// removes at the next start. The order for a writer is:
//
//	p, err := store.Put(body, limit) // file on disk, durable, marked pending
//	defer p.Release()                // after the commit (or its failure)
//	... one transaction: insert the blobs row and the row that refers to it ...
//
// While a blob is pending, Remove leaves its file alone: another writer may
// just have committed the deletion of the last row that used the same content.
package files

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
)

// ErrTooLarge is returned by Put when the content is longer than the limit.
var ErrTooLarge = errors.New("files: larger than the upload limit")

// ErrEmpty is returned by Put when there is no content at all.
var ErrEmpty = errors.New("files: empty file")

// tmpDir is the folder, inside the store, where uploads are written before
// they are renamed into place; being on the same filesystem makes the rename
// atomic. Whatever is in it at start is a stale upload.
const tmpDir = "tmp"

// Blob is a stored file.
type Blob struct {
	Key  string // hex SHA-256 of the content
	Size int64
	// ContentType is sniffed from the first 512 bytes (http.DetectContentType),
	// never taken from the client.
	ContentType string
}

// Store is the folder of blobs.
type Store struct {
	dir string

	mu      sync.Mutex
	pending map[string]int // keys written but not yet committed, and by how many writers
}

// Open makes (if needed) and opens the folder dir.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, tmpDir), 0o750); err != nil {
		return nil, fmt.Errorf("files: storage folder %s: %w", dir, err)
	}
	return &Store{dir: dir, pending: make(map[string]int)}, nil
}

// Dir is the folder the store keeps its files in.
func (s *Store) Dir() string { return s.dir }

// ValidKey reports whether key is a blob key: 64 lower-case hex digits. Only
// such keys are ever turned into paths.
func ValidKey(key string) bool {
	if len(key) != sha256.Size*2 {
		return false
	}
	for _, c := range []byte(key) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// RelPath is where the blob key lives under a store's folder: two levels of
// folders from its first four digits, so no folder grows too large.
func RelPath(key string) string {
	return filepath.Join(key[0:2], key[2:4], key)
}

func (s *Store) path(key string) string { return filepath.Join(s.dir, RelPath(key)) }

// Pending is a blob written to disk whose row is not yet committed. Release
// it once the transaction that records it has committed or failed.
type Pending struct {
	Blob
	s    *Store
	once sync.Once
}

// Release ends the pending state. Safe to call more than once.
func (p *Pending) Release() {
	p.once.Do(func() {
		p.s.mu.Lock()
		defer p.s.mu.Unlock()
		if p.s.pending[p.Key]--; p.s.pending[p.Key] <= 0 {
			delete(p.s.pending, p.Key)
		}
	})
}

// copyBuffer is the chunk uploads are copied in: large enough that a 50 MiB
// upload is a few hundred writes, small enough to be nothing per request.
const copyBuffer = 256 << 10

// Put streams r into the store: to a temporary file under the folder, never
// more than limit bytes (ErrTooLarge past it; an error of r, such as
// http.MaxBytesError, is returned as is), hashing as it goes; then syncs the
// file, renames it into place and syncs its folder. The content is never held
// in memory. An empty r is ErrEmpty.
func (s *Store) Put(r io.Reader, limit int64) (*Pending, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, tmpDir), "upload-*")
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	tmp := f.Name()
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()

	h := sha256.New()
	head := &headWriter{max: 512}
	br := bufio.NewReaderSize(io.LimitReader(r, limit+1), copyBuffer)
	n, err := io.CopyBuffer(io.MultiWriter(f, h, head), br, make([]byte, copyBuffer))
	switch {
	case err != nil:
		return nil, err
	case n > limit:
		return nil, ErrTooLarge
	case n == 0:
		return nil, ErrEmpty
	}
	if err := f.Sync(); err != nil {
		return nil, fmt.Errorf("files: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("files: close: %w", err)
	}

	key := hex.EncodeToString(h.Sum(nil))
	final := s.path(key)
	if err := s.mkdirs(filepath.Dir(final)); err != nil {
		return nil, err
	}
	// Renaming and marking pending are one step against Remove, which checks
	// the mark and unlinks under the same lock.
	s.mu.Lock()
	err = os.Rename(tmp, final)
	if err == nil {
		s.pending[key]++
	}
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("files: %w", err)
	}
	done = true
	p := &Pending{Blob: Blob{Key: key, Size: n, ContentType: http.DetectContentType(head.b)}, s: s}
	if err := syncDir(filepath.Dir(final)); err != nil {
		p.Release()
		return nil, fmt.Errorf("files: sync folder: %w", err)
	}
	return p, nil
}

// mkdirs makes the two levels of folders of a key, syncing each parent whose
// entry it adds, so the file's path survives a crash along with the file.
func (s *Store) mkdirs(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	for _, d := range []string{parent, dir} {
		err := os.Mkdir(d, 0o750)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("files: %w", err)
		}
		if err := syncDir(filepath.Dir(d)); err != nil {
			return fmt.Errorf("files: sync folder: %w", err)
		}
	}
	return nil
}

// Open opens a blob for reading.
func (s *Store) Open(key string) (*os.File, error) {
	if !ValidKey(key) {
		return nil, fs.ErrNotExist
	}
	return os.Open(s.path(key))
}

// RemoveUnused deletes the files of those of keys that have no row in idx
// and that no writer has pending. The check and the unlink happen under the
// lock a writer renames under, so a file is never removed from beneath an
// upload of the same content committed meanwhile. A file already gone is no
// error.
func (s *Store) RemoveUnused(ctx context.Context, idx Index, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var candidates []string
	for _, key := range keys {
		if ValidKey(key) && s.pending[key] == 0 {
			candidates = append(candidates, key)
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	known, err := idx.ExistingBlobs(ctx, candidates)
	if err != nil {
		return err
	}
	var errs []error
	for _, key := range candidates {
		if known[key] {
			continue
		}
		if err := os.Remove(s.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// headWriter keeps the first max bytes written to it, for sniffing.
type headWriter struct {
	b   []byte
	max int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

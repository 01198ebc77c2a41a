package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Index is what the database knows of blobs (db.Store implements it).
type Index interface {
	// DeleteUnreferencedBlobs deletes the rows of blobs that no row refers to
	// and returns their keys.
	DeleteUnreferencedBlobs(ctx context.Context) ([]string, error)
	// ExistingBlobs returns which of keys have a row.
	ExistingBlobs(ctx context.Context, keys []string) (map[string]bool, error)
}

// Stats says what Collect removed.
type Stats struct {
	Unreferenced int // rows nothing referred to any more, and their files
	Orphans      int // files without a row (a crash between write and commit)
	Stale        int // temporary files of uploads that never finished
}

// collectBatch is how many keys found on disk are looked up at once.
const collectBatch = 500

// Collect removes what a crash or a cascade left behind: blob rows nothing
// refers to (a room deleted with its messages) with their files, files that
// have no row (written, then the process died before the commit), and
// temporary files of unfinished uploads. Run it at start, before serving:
// an upload in progress looks exactly like an orphan.
func Collect(ctx context.Context, s *Store, idx Index) (Stats, error) {
	var st Stats
	gone, err := idx.DeleteUnreferencedBlobs(ctx)
	if err != nil {
		return st, fmt.Errorf("files: collect: %w", err)
	}
	if err := s.RemoveUnused(ctx, idx, gone...); err != nil {
		return st, fmt.Errorf("files: collect: %w", err)
	}
	st.Unreferenced = len(gone)

	tmps, err := os.ReadDir(filepath.Join(s.dir, tmpDir))
	if err != nil {
		return st, fmt.Errorf("files: collect: %w", err)
	}
	for _, e := range tmps {
		if err := os.Remove(filepath.Join(s.dir, tmpDir, e.Name())); err == nil {
			st.Stale++
		}
	}

	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		known, err := idx.ExistingBlobs(ctx, batch)
		if err != nil {
			return err
		}
		var orphans []string
		for _, key := range batch {
			if !known[key] {
				orphans = append(orphans, key)
			}
		}
		if err := s.RemoveUnused(ctx, idx, orphans...); err != nil {
			return err
		}
		st.Orphans += len(orphans)
		batch = batch[:0]
		return nil
	}
	err = filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != s.dir && filepath.Dir(path) == s.dir && d.Name() == tmpDir {
				return filepath.SkipDir
			}
			return nil
		}
		// Only a file at its key's own place is a blob; anything else in
		// the folder is not ours to remove.
		key := d.Name()
		if !ValidKey(key) || path != s.path(key) {
			return nil
		}
		batch = append(batch, key)
		if len(batch) >= collectBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return st, fmt.Errorf("files: collect: %w", err)
	}
	return st, err
}

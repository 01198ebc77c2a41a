package files

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// CopyTo puts the blobs keys into the folder dest, at the same two-level
// paths, for a backup. A blob already there is left alone: its name is its
// content. Each is hard-linked when dest is on the same filesystem (blobs
// are never changed in place, so a link is as good as a copy, and costs
// nothing), else copied and synced. It returns the keys whose files are
// gone from the store (deleted since the list was made).
func (s *Store) CopyTo(dest string, keys []string) (missing []string, err error) {
	for _, key := range keys {
		if !ValidKey(key) {
			return missing, fmt.Errorf("files: copy: bad key %q", key)
		}
		to := filepath.Join(dest, RelPath(key))
		if _, err := os.Stat(to); err == nil {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o750); err != nil {
			return missing, fmt.Errorf("files: copy: %w", err)
		}
		from := s.path(key)
		err := os.Link(from, to)
		switch {
		case err == nil, errors.Is(err, fs.ErrExist):
			continue
		case errors.Is(err, fs.ErrNotExist):
			if _, serr := os.Stat(from); errors.Is(serr, fs.ErrNotExist) {
				missing = append(missing, key)
				continue
			}
		}
		if err := copyFile(from, to); errors.Is(err, fs.ErrNotExist) {
			missing = append(missing, key)
		} else if err != nil {
			return missing, fmt.Errorf("files: copy %s: %w", key, err)
		}
	}
	return missing, nil
}

// copyFile copies through a temporary name, synced, so a copy cut short is
// never mistaken for the blob.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	tmp := to + ".partial"
	dst, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Sync(); err != nil {
		dst.Close()
		os.Remove(tmp)
		return err
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, to)
}

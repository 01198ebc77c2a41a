package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to dest while it is in use.
// VACUUM INTO writes a temporary file beside dest, which is synced and then
// renamed: a backup killed half-way leaves no file at dest that could be
// mistaken for a good copy, and never touches the live database.
func (s *Store) Backup(ctx context.Context, dest string) error {
	var b [6]byte
	_, _ = rand.Read(b[:])
	tmp := filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+"."+hex.EncodeToString(b[:])+".partial")
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("db: backup: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("db: backup: %w", err)
	}
	// Link, not rename: it fails if dest appeared meanwhile instead of
	// replacing it. Filesystems without hard links get a rename.
	if err := os.Link(tmp, dest); errors.Is(err, fs.ErrExist) {
		os.Remove(tmp)
		return fmt.Errorf("db: backup: %w", err)
	} else if err != nil {
		if err := os.Rename(tmp, dest); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("db: backup: %w", err)
		}
	}
	os.Remove(tmp)
	if err := syncFile(filepath.Dir(dest)); err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// BlobKeysIn lists the blobs a database file (a backup) records, reading it
// without changing it.
func BlobKeysIn(ctx context.Context, path string) ([]string, error) {
	d, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=true")
	if err != nil {
		return nil, err
	}
	defer d.Close()
	keys, err := scanStrings(d.QueryContext(ctx, `SELECT key FROM blobs ORDER BY key`))
	if err != nil {
		return nil, fmt.Errorf("db: blobs of %s: %w", path, err)
	}
	return keys, nil
}

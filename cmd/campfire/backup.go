package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/app"
	"github.com/campfire-go/campfire/internal/files"
)

// backup writes a consistent copy of the database, and beside it the files
// it records (FILE.files), safe while the server runs.
func backup(ctx context.Context, cfg app.Config, dest string, stdout io.Writer) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%s exists; choose a new file name", dest)
	}
	filesDest := dest + ".files"
	if _, err := os.Stat(filesDest); err == nil {
		return fmt.Errorf("%s exists; choose a new file name", filesDest)
	}
	store, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		return err
	}
	defer store.Close()
	blobs, err := files.Open(cmp.Or(cfg.StoragePath, filepath.Join(filepath.Dir(cfg.DBPath), "files")))
	if err != nil {
		return err
	}
	n, err := backupWithFiles(ctx, store, blobs, dest, filesDest)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s, and its %d files to %s\n", cfg.DBPath, dest, n, filesDest)
	return nil
}

// backupAttempts bounds how often a backup starts over because files its
// snapshot records were deleted while it copied them.
const backupAttempts = 5

// backupWithFiles writes a snapshot of the database to dest, then the files
// it records into filesDest. A file deleted between the snapshot and its
// copy (its message deleted meanwhile) means the snapshot is older than the
// files: it is made again, and the files copied so far are kept (a name is
// its content). The result is a database and exactly the files it needs.
func backupWithFiles(ctx context.Context, store *db.Store, blobs *files.Store, dest, filesDest string) (int, error) {
	for attempt := 1; ; attempt++ {
		if err := store.Backup(ctx, dest); err != nil {
			return 0, err
		}
		keys, err := db.BlobKeysIn(ctx, dest)
		if err == nil {
			var missing []string
			if missing, err = blobs.CopyTo(filesDest, keys); err == nil && len(missing) == 0 {
				return len(keys), syncTree(filesDest)
			} else if err == nil {
				err = fmt.Errorf("%d files were deleted while they were copied", len(missing))
			}
		}
		os.Remove(dest)
		if attempt == backupAttempts {
			return 0, fmt.Errorf("backup: %w", err)
		}
	}
}

// syncTree syncs a folder and the folders in it, so the backup's files
// and their names are on disk when the command says it is done.
func syncTree(root string) error {
	if err := os.MkdirAll(root, 0o750); err != nil {
		return err
	}
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/app"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/importer"
)

// importOnce moves a ONCE Campfire install into the (empty) database
// CAMPFIRE_DB: `campfire import STORAGE_DIR` or `--db FILE [--files DIR]`.
func importOnce(ctx context.Context, cfg app.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbFile := fs.String("db", "", "the ONCE Campfire SQLite file")
	filesDir := fs.String("files", "", "its Active Storage folder")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("import: %w\n\n%s", err, usage)
	}
	opt := importer.Options{DB: *dbFile, Files: *filesDir}
	switch {
	case fs.NArg() == 1 && opt.DB == "":
		dir := fs.Arg(0)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("import: %s is not a folder: give the ONCE Campfire storage folder, or --db FILE", dir)
		}
		path, err := importer.FindDatabase(dir)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		opt.DB, opt.Files = path, dir
	case fs.NArg() == 0 && opt.DB != "":
	default:
		return fmt.Errorf("import takes a ONCE Campfire storage folder, or --db FILE [--files DIR]\n\n%s", usage)
	}
	if err := os.MkdirAll(filepath.Dir(cfg.DBPath), 0o755); err != nil {
		return err
	}
	store, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		return err
	}
	defer store.Close()
	// Files go where the server will look for them (CAMPFIRE_STORAGE).
	if opt.Storage, err = files.Open(cfg.StoragePath); err != nil {
		return fmt.Errorf("import: %w; create it, or set CAMPFIRE_STORAGE", err)
	}
	opt.Progress = stdout
	if f, ok := stdout.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			opt.Terminal = true
		}
	}
	fmt.Fprintf(stdout, "Importing %s into %s\n", opt.DB, cfg.DBPath)
	r, err := importer.Run(ctx, store, opt)
	if errors.Is(err, importer.ErrTargetNotEmpty) {
		return fmt.Errorf("import: %s already has users: import only into a new, empty database (set CAMPFIRE_DB to a new file)", cfg.DBPath)
	}
	if err != nil {
		return fmt.Errorf("import: nothing was imported: %w", err)
	}
	r.Print(stdout)
	return nil
}

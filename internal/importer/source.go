package importer

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	_ "github.com/mattn/go-sqlite3" // the driver
)

// source is a ONCE Campfire database opened read-only, with the columns each
// of its tables has, so that a newer schema's extra columns are ignored and
// an older one's missing ones fall back to defaults.
type source struct {
	db     *sql.DB
	path   string
	tables map[string]map[string]bool
}

// required are the tables without which a database is not Campfire's.
var required = map[string][]string{
	"accounts":               {"name", "join_code"},
	"users":                  {"id", "name", "role", "status"},
	"rooms":                  {"id", "type", "creator_id"},
	"memberships":            {"room_id", "user_id"},
	"messages":               {"id", "room_id", "creator_id"},
	"action_text_rich_texts": {"record_type", "record_id", "name", "body"},
}

// FindDatabase returns the SQLite file of a ONCE Campfire storage folder: the
// one under db/ (production.sqlite3 when there are several).
func FindDatabase(storageDir string) (string, error) {
	dir := filepath.Join(storageDir, "db")
	matches, _ := filepath.Glob(filepath.Join(dir, "*.sqlite3"))
	if len(matches) == 0 {
		return "", fmt.Errorf("no Campfire database in %s: expected a *.sqlite3 file there (or give --db FILE)", dir)
	}
	sort.Strings(matches)
	for _, m := range matches {
		if filepath.Base(m) == "production.sqlite3" {
			return m, nil
		}
	}
	return matches[0], nil
}

// openSource opens the database read-only and checks that it is Campfire's.
func openSource(ctx context.Context, path string) (*source, error) {
	if err := checkSQLiteHeader(path); err != nil {
		return nil, err
	}
	// mode=ro: SQLite itself refuses every write. A database whose write-ahead
	// log was left behind is read with it; one without can be opened as
	// immutable, which needs no -shm file (so a read-only folder works).
	conn, err := tryOpen(ctx, path, "mode=ro")
	if err != nil {
		if _, statErr := os.Stat(path + "-wal"); errors.Is(statErr, os.ErrNotExist) {
			conn, err = tryOpen(ctx, path, "mode=ro&immutable=1")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read it as a SQLite database: %w", path, err)
	}
	s := &source{db: conn, path: path, tables: map[string]map[string]bool{}}
	if err := s.loadTables(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	for table, cols := range required {
		have, ok := s.tables[table]
		if !ok {
			conn.Close()
			return nil, fmt.Errorf("%s is not a ONCE Campfire database: it has no %q table", path, table)
		}
		for _, c := range cols {
			if !have[c] {
				conn.Close()
				return nil, fmt.Errorf("%s is not a ONCE Campfire database: table %q has no column %q", path, table, c)
			}
		}
	}
	return s, nil
}

func checkSQLiteHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("cannot open the source database: %w", err)
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return fmt.Errorf("%s is not a SQLite database", path)
	}
	return nil
}

func tryOpen(ctx context.Context, path, params string) (*sql.DB, error) {
	conn, err := sql.Open("sqlite3", "file:"+path+"?"+params+"&_query_only=true")
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(2)
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

func (s *source) loadTables(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `
		SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'`)
	if err != nil {
		return fmt.Errorf("%s: reading its schema: %w", s.path, err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			return err
		}
		if s.tables[table] == nil {
			s.tables[table] = map[string]bool{}
		}
		s.tables[table][col] = true
	}
	return rows.Err()
}

func (s *source) has(table string) bool { return s.tables[table] != nil }

// col is the column as a select expression, or fallback (an SQL literal)
// when this version of the schema lacks it.
func (s *source) col(table, alias, name, fallback string) string {
	if !s.tables[table][name] {
		return fallback
	}
	return "coalesce(" + alias + "." + name + ", " + fallback + ")"
}

// ms is a Rails datetime column as Unix milliseconds, 0 when absent or not a
// time. Rails writes "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, which julianday reads.
func (s *source) ms(table, alias, name string) string {
	if !s.tables[table][name] {
		return "0"
	}
	return "coalesce(CAST(round((julianday(" + alias + "." + name + ") - 2440587.5) * 86400000.0) AS INTEGER), 0)"
}

func (s *source) count(ctx context.Context, query string) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

func (s *source) close() error { return s.db.Close() }

// joinCols is a small helper for SELECT lists.
func joinCols(cols ...string) string { return strings.Join(cols, ", ") }

// Package db keeps everything Campfire stores in one SQLite file: raw SQL over a
// single writer connection and a pool of read-only readers.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the driver; built with -tags sqlite_fts5
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("db: not found")

// Store is the database. Writes go through one connection, so SQLite never has
// to arbitrate between writers of this process; reads use a separate pool that
// WAL lets run beside the writer.
type Store struct {
	w    *cachedDB
	r    *cachedDB
	path string

	search *searchIndexer // keeps the search index behind the posts (search_index.go)

	// Every request of a signed-in person reads its scs session and its
	// sign-in's user: both are remembered (memo.go), and forgotten by every
	// change to them made here.
	sessions *memo[string, sessionEntry]
	signIns  *memo[int64, signInEntry]
	// bannedIPs answers IsBannedIP, asked by every request that changes
	// something, per address.
	bannedIPs *memo[string, bool]

	rendered renderedHooks // rendered_hook.go

	ck     *sql.DB // checkpoints the log off the commit path (checkpoint.go)
	stopCk chan struct{}
	ckDone chan struct{}
	ckStop sync.Once
}

// Options tune how the database file is opened.
type Options struct {
	// Synchronous is "NORMAL" (the default) or "FULL". NORMAL in WAL mode: a
	// commit survives a crash of the process; only a power loss may drop the
	// last transactions. FULL syncs the log at every commit, so a power loss
	// loses nothing acknowledged either, at the price of an fsync per write.
	// README "Durability" says more.
	Synchronous string
	// ExternalCheckpoints leaves checkpoints to another process: Litestream,
	// which must copy each page of the log to its replica before the log is
	// checkpointed and rewound. The store then never checkpoints (its writer's
	// automatic checkpoint is off in any case); Litestream's own do.
	ExternalCheckpoints bool

	// For tests: searchAfter and searchPoll replace the search indexer's
	// timer and poll interval, searchPassed is told of each of its passes,
	// and searchManual starts no indexer (CatchUpSearch still works).
	searchAfter  func(time.Duration) <-chan time.Time
	searchPoll   time.Duration
	searchPassed func()
	searchManual bool
}

// Open opens (creating if needed) the database file at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, path string, opt Options) (*Store, error) {
	switch strings.ToUpper(opt.Synchronous) {
	case "":
		opt.Synchronous = "NORMAL"
	case "NORMAL", "FULL":
		opt.Synchronous = strings.ToUpper(opt.Synchronous)
	default:
		return nil, fmt.Errorf("db: synchronous %q: use NORMAL or FULL", opt.Synchronous)
	}
	common := url.Values{}
	common.Set("_journal_mode", "WAL")
	common.Set("_busy_timeout", "5000")
	common.Set("_foreign_keys", "on")
	common.Set("_synchronous", opt.Synchronous)
	common.Set("_cache_size", "-16000")

	wq := cloneValues(common)
	wq.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite3", "file:"+path+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("db: open writer: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	s := &Store{w: newCachedDB(w), path: path,
		sessions: newMemo[string, sessionEntry](), signIns: newMemo[int64, signInEntry](),
		bannedIPs: newMemo[string, bool]()}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}

	rq := cloneValues(common)
	rq.Set("_query_only", "true")
	r, err := sql.Open("sqlite3", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open readers: %w", err)
	}
	n := max(4, 2*runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	s.r = newCachedDB(r)

	// The writer leaves checkpoints to a connection of their own.
	if _, err := w.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = "+strconv.Itoa(walSizeLimit)); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("db: writer: %w", err)
	}
	s.startSearchIndexer(opt)
	if opt.ExternalCheckpoints {
		return s, nil
	}
	ck, err := sql.Open("sqlite3", "file:"+path+"?"+common.Encode())
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("db: open checkpointer: %w", err)
	}
	ck.SetMaxOpenConns(1)
	ck.SetMaxIdleConns(1)
	ck.SetConnMaxIdleTime(0)
	s.startCheckpoints(ck)
	return s, nil
}

func cloneValues(v url.Values) url.Values {
	c := url.Values{}
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// Close closes both pools and their prepared statements.
func (s *Store) Close() error {
	var errs []error
	s.stopSearchIndexer()
	errs = append(errs, s.stopCheckpoints())
	if s.r != nil {
		errs = append(errs, s.r.close())
	}
	_, _ = s.w.Exec("PRAGMA optimize")
	errs = append(errs, s.w.close())
	return errors.Join(errs...)
}

// Writer is the single writing connection, for code that writes in its own
// way (the benchmark seeder, tests).
func (s *Store) Writer() *sql.DB { return s.w.DB }

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}

// Tx runs fn in a write transaction, committing when it returns nil.
func (s *Store) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.tx(ctx, func(tx cachedTx) error { return fn(tx.Tx) })
}

// tx is Tx whose queries use the writer's prepared statements.
func (s *Store) tx(ctx context.Context, fn func(tx cachedTx) error) error {
	// Statements first met in the last transaction are prepared now, while
	// this goroutine holds no connection.
	defer s.w.preparePending(ctx)
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	if err := fn(cachedTx{Tx: tx, c: s.w}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer, so reads can run inside a
// write transaction or on the reader pool.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func now() int64 { return time.Now().UnixMilli() }

// Time converts a stored millisecond timestamp.
func Time(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

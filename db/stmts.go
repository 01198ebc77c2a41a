package db

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
)

// maxCachedStmts bounds the cache. Every query in this package is fixed-shape
// (lists travel as one json_each argument), so the bound is never reached in
// practice; it only keeps a future variable-shape query from growing the map
// without end.
const maxCachedStmts = 512

// cachedDB is a pool whose queries are prepared once and reused. Neither
// database/sql nor the driver caches statements, and preparing was an eighth of
// the server's time per post. A *sql.Stmt on a pool prepares itself again on
// each connection it meets, so one map serves every connection of the pool.
//
// It shadows the query methods of the embedded *sql.DB, so the package's
// queries go through the cache without naming it.
type cachedDB struct {
	*sql.DB

	mu      sync.RWMutex
	stmts   map[string]*sql.Stmt
	pending map[string]bool // queries met inside a transaction, to prepare after it
	closed  bool
}

func newCachedDB(d *sql.DB) *cachedDB {
	return &cachedDB{DB: d, stmts: make(map[string]*sql.Stmt)}
}

// stmt returns the prepared statement for query, preparing it on first use;
// nil when the query is not cached (several statements in one string, a full
// cache, a closed pool, a failed prepare), and the caller runs it unprepared.
func (c *cachedDB) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.stmts[query]
	c.mu.RUnlock()
	if ok {
		return st
	}
	// A prepared statement is only the first statement of the string.
	if strings.Contains(strings.TrimRight(query, "; \t\n"), ";") {
		return nil
	}
	c.mu.RLock()
	full := c.closed || len(c.stmts) >= maxCachedStmts
	c.mu.RUnlock()
	if full {
		return nil
	}
	// Prepared without the caller's deadline: the statement outlives the call.
	// Not under c.mu: preparing waits for a connection, and on the writer a
	// transaction holding its only one reads the cache (lookup) before it
	// lets go; two goroutines meeting the same new query both prepare, and
	// one statement is kept.
	st, err := c.DB.PrepareContext(context.WithoutCancel(ctx), query)
	if err != nil {
		return nil // the unprepared run reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept, ok := c.stmts[query]; ok {
		_ = st.Close()
		return kept
	}
	if c.closed || len(c.stmts) >= maxCachedStmts {
		_ = st.Close()
		return nil
	}
	c.stmts[query] = st
	return st
}

func (c *cachedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.DB.QueryContext(ctx, query, args...)
}

func (c *cachedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.DB.QueryRowContext(ctx, query, args...)
}

func (c *cachedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.DB.ExecContext(ctx, query, args...)
}

// close closes the statements, then the pool.
func (c *cachedDB) close() error {
	c.mu.Lock()
	var errs []error
	for _, st := range c.stmts {
		errs = append(errs, st.Close())
	}
	c.stmts, c.closed = nil, true
	c.mu.Unlock()
	errs = append(errs, c.DB.Close())
	return errors.Join(errs...)
}

// lookup returns the statement for query if it is prepared already; it never
// prepares, so it is safe inside a write transaction, which holds the writer's
// only connection that preparing would wait for. A query missed there is
// remembered and prepared by preparePending once the transaction is over.
func (c *cachedDB) lookup(query string) *sql.Stmt {
	c.mu.RLock()
	st := c.stmts[query]
	c.mu.RUnlock()
	if st == nil {
		c.mu.Lock()
		if c.pending == nil {
			c.pending = make(map[string]bool)
		}
		if len(c.pending) < maxCachedStmts {
			c.pending[query] = true
		}
		c.mu.Unlock()
	}
	return st
}

// preparePending prepares the queries lookup missed. Call it with no
// transaction open on this pool by the calling goroutine.
func (c *cachedDB) preparePending(ctx context.Context) {
	c.mu.RLock()
	n := len(c.pending)
	c.mu.RUnlock()
	if n == 0 {
		return
	}
	c.mu.Lock()
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		queries = append(queries, q)
	}
	c.pending = nil
	c.mu.Unlock()
	for _, q := range queries {
		c.stmt(ctx, q)
	}
}

// cachedTx runs a write transaction's queries on the writer's prepared
// statements: tx.StmtContext reuses the statement already prepared on the
// writer's one connection instead of preparing it again.
type cachedTx struct {
	*sql.Tx
	c *cachedDB
}

func (t cachedTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.c.lookup(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

func (t cachedTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.c.lookup(query); st != nil {
		return t.Tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

func (t cachedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.c.lookup(query); st != nil {
		return t.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

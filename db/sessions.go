package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// SessionStore keeps scs sessions in the sessions table, in the format of
// scs/sqlite3store (expiry as a Julian day), so sessions written by either
// stay valid. Unlike that store, which is handed one pool for everything,
// it reads on the reader pool: every request reads its session, and queueing
// those reads behind posts on the single writer slowed every page.
type SessionStore struct {
	s    *Store
	stop chan struct{}
	once sync.Once
	done chan struct{}
}

// Sessions returns the scs session store, deleting expired sessions every
// cleanup interval (none if zero) until Stop.
func (s *Store) Sessions(cleanup time.Duration) *SessionStore {
	ss := &SessionStore{s: s, stop: make(chan struct{}), done: make(chan struct{})}
	if cleanup <= 0 {
		close(ss.done)
		return ss
	}
	go ss.cleanupLoop(cleanup)
	return ss
}

// sessionExpiry is the text sqlite3store hands to julianday().
const sessionExpiry = "2006-01-02T15:04:05.999"

// FindCtx returns an unexpired session's data; found is false for an unknown,
// expired or deleted token.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := ss.s.r.QueryRowContext(ctx,
		`SELECT data FROM sessions WHERE token = ? AND julianday('now') < expiry`, token).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("db: find session: %w", err)
	}
	return b, true, nil
}

// CommitCtx stores a session's data and expiry, replacing what the token had.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := ss.s.w.ExecContext(ctx, `REPLACE INTO sessions (token, data, expiry) VALUES (?, ?, julianday(?))`,
		token, b, expiry.UTC().Format(sessionExpiry))
	if err != nil {
		return fmt.Errorf("db: commit session: %w", err)
	}
	return nil
}

// DeleteCtx removes a session; an unknown token is no error.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	if _, err := ss.s.w.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, token); err != nil {
		return fmt.Errorf("db: delete session: %w", err)
	}
	return nil
}

// Find, Commit and Delete are the context-free forms scs also requires.
func (ss *SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (ss *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (ss *SessionStore) Delete(token string) error {
	return ss.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes every expired session and says how many.
func (ss *SessionStore) DeleteExpired(ctx context.Context) (int64, error) {
	res, err := ss.s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expiry < julianday('now')`)
	if err != nil {
		return 0, fmt.Errorf("db: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}

func (ss *SessionStore) cleanupLoop(every time.Duration) {
	defer close(ss.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ss.stop:
			return
		case <-t.C:
			// A failure is retried at the next tick; expired rows are
			// already unreadable, so nothing depends on their removal.
			_, _ = ss.DeleteExpired(context.Background())
		}
	}
}

// Stop ends the cleanup and waits for a running one to finish.
func (ss *SessionStore) Stop() {
	ss.once.Do(func() { close(ss.stop) })
	<-ss.done
}

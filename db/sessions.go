package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// SessionStore keeps scs sessions in the sessions table, in the format of
// scs/sqlite3store (expiry as a Julian day), so sessions written by either
// stay valid. Unlike that store, which is handed one pool for everything,
// it reads on the reader pool: every request reads its session, and queueing
// those reads behind posts on the single writer slowed every page. And it
// remembers what it read or wrote (the Store's memo, shared by every
// SessionStore of the Store), so a session in use is read from the database
// once, not on every request.
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

// sessionEntry is a session as remembered: scs decodes data anew for each
// request, so the bytes are shared, never changed.
type sessionEntry struct {
	data   []byte
	expiry time.Time
}

// FindCtx returns an unexpired session's data; found is false for an unknown,
// expired or deleted token.
func (ss *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	now := time.Now()
	if e, ok := ss.s.sessions.get(token); ok {
		if now.Before(e.expiry) {
			return e.data, true, nil
		}
		return nil, false, nil
	}
	gen := ss.s.sessions.begin()
	var b []byte
	var unixMS float64
	// julianday counts days from noon UTC of 24 November 4714 BC, 2440587.5
	// days before the Unix epoch.
	err := ss.s.r.QueryRowContext(ctx,
		`SELECT data, (expiry - 2440587.5) * 86400000.0 FROM sessions WHERE token = ? AND julianday('now') < expiry`,
		token).Scan(&b, &unixMS)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("db: find session: %w", err)
	}
	ss.s.sessions.put(token, sessionEntry{data: b, expiry: time.UnixMilli(int64(unixMS))}, gen)
	return b, true, nil
}

// CommitCtx stores a session's data and expiry, replacing what the token had.
func (ss *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := ss.s.w.ExecContext(ctx, `REPLACE INTO sessions (token, data, expiry) VALUES (?, ?, julianday(?))`,
		token, b, expiry.UTC().Format(sessionExpiry))
	if err != nil {
		// What the row holds now is unknown: read it again next time.
		ss.s.sessions.forget(token)
		return fmt.Errorf("db: commit session: %w", err)
	}
	// The time of the julianday text, to the millisecond, as a read gives it.
	ss.s.sessions.set(token, sessionEntry{data: slices.Clone(b), expiry: expiry.Truncate(time.Millisecond)})
	return nil
}

// DeleteCtx removes a session; an unknown token is no error.
func (ss *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := ss.s.w.ExecContext(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	ss.s.sessions.forget(token)
	if err != nil {
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
	// Remembered sessions check their own expiry; this keeps the memo from
	// holding the expired ones.
	ss.s.sessions.reset()
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

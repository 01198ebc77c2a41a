package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/campfire-go/campfire/internal/model"
)

// sessionTouchInterval bounds how often a request writes last_active_at, so
// reading pages does not turn into a write per request.
const sessionTouchInterval = int64(60 * 60 * 1000)

// CreateUserSession records a sign-in and returns its id.
func (s *Store) CreateUserSession(ctx context.Context, userID int64, ip, userAgent string) (int64, error) {
	t := now()
	res, err := s.w.ExecContext(ctx, `
		INSERT INTO user_sessions (user_id, ip_address, user_agent, created_at, last_active_at)
		VALUES (?, ?, ?, ?, ?)`, userID, ip, truncate(userAgent, 400), t, t)
	if err != nil {
		return 0, fmt.Errorf("db: create session: %w", err)
	}
	return res.LastInsertId()
}

// signInEntry is a sign-in's user as remembered, with when the sign-in was
// last marked active.
type signInEntry struct {
	user       model.User
	lastActive int64
}

// SessionUser returns the active user signed in by the given sign-in, or
// ErrNotFound when the sign-in ended or the user can no longer sign in.
// Every request of a signed-in person asks, so the answer is remembered
// (memo.go); every change to users or sign-ins made through the Store
// forgets all of them (forgetSignIns).
func (s *Store) SessionUser(ctx context.Context, sessionID int64) (model.User, error) {
	e, ok := s.signIns.get(sessionID)
	if !ok {
		gen := s.signIns.begin()
		row := s.r.QueryRowContext(ctx, `
			SELECT u.id, u.name, coalesce(u.email_address, ''), u.role, u.status, u.bio, u.created_at,
			       coalesce(u.avatar_key, ''), s.last_active_at
			FROM user_sessions s JOIN users u ON u.id = s.user_id
			WHERE s.id = ? AND u.status = 'active' AND u.role != 'bot'`, sessionID)
		var u model.User
		var created int64
		err := row.Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.Status, &u.Bio, &created, &u.AvatarKey, &e.lastActive)
		if err != nil {
			return model.User{}, fmt.Errorf("db: session user: %w", notFound(err))
		}
		u.CreatedAt = Time(created)
		e.user = u
		s.signIns.put(sessionID, e, gen)
	}
	if t := now(); t-e.lastActive > sessionTouchInterval {
		_, _ = s.w.ExecContext(ctx, `UPDATE user_sessions SET last_active_at = ? WHERE id = ?`, t, sessionID)
		s.signIns.update(sessionID, func(e *signInEntry) { e.lastActive = t })
	}
	return e.user, nil
}

// forgetSignIns drops every remembered sign-in's user. Deferred by each
// method that changes a user or ends sign-ins, it runs after the change is
// committed; such changes are rare, so all go rather than a chosen few.
func (s *Store) forgetSignIns() { s.signIns.reset() }

// ForgetRemembered drops every remembered session, sign-in and banned
// address, so that what another process changed in them (campfire
// reset-password ends sign-ins) is read again. The handlers call it at
// their periodic check of the sign-ins of open streams.
func (s *Store) ForgetRemembered() {
	s.sessions.reset()
	s.signIns.reset()
	s.bannedIPs.reset()
}

// DeleteUserSession ends one sign-in (a sign-out), and with it the person's
// sign-in links: someone signing out means to leave no way back in behind.
func (s *Store) DeleteUserSession(ctx context.Context, sessionID int64) error {
	defer s.forgetSignIns()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE users SET transfer_epoch = transfer_epoch + 1
			WHERE id = (SELECT user_id FROM user_sessions WHERE id = ?)`, sessionID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE id = ?`, sessionID)
		return err
	})
	if err != nil {
		return fmt.Errorf("db: delete session: %w", err)
	}
	return nil
}

// LiveSessions returns those of the given sign-ins that have not ended.
func (s *Store) LiveSessions(ctx context.Context, sessionIDs []int64) (map[int64]bool, error) {
	live := make(map[int64]bool, len(sessionIDs))
	if len(sessionIDs) == 0 {
		return live, nil
	}
	ids, err := json.Marshal(sessionIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM user_sessions WHERE id IN (SELECT value FROM json_each(?))`, string(ids))
	if err != nil {
		return nil, fmt.Errorf("db: live sessions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: live sessions: %w", err)
		}
		live[id] = true
	}
	return live, rows.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// UserSessions lists a person's sign-ins active within the last `within`,
// most recently used first. Older ones have expired with their cookie.
func (s *Store) UserSessions(ctx context.Context, userID int64, within time.Duration) ([]model.UserSession, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT id, ip_address, user_agent, created_at, last_active_at FROM user_sessions
		WHERE user_id = ? AND last_active_at >= ?
		ORDER BY last_active_at DESC, id DESC`, userID, now()-within.Milliseconds())
	if err != nil {
		return nil, fmt.Errorf("db: user sessions: %w", err)
	}
	defer rows.Close()
	var out []model.UserSession
	for rows.Next() {
		var us model.UserSession
		var created, last int64
		if err := rows.Scan(&us.ID, &us.IPAddress, &us.UserAgent, &created, &last); err != nil {
			return nil, fmt.Errorf("db: user sessions: %w", err)
		}
		us.CreatedAt, us.LastActive = Time(created), Time(last)
		out = append(out, us)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: user sessions: %w", err)
	}
	return out, nil
}

// DeleteOtherUserSessions ends every sign-in of the person but keep, and
// reports how many ended.
func (s *Store) DeleteOtherUserSessions(ctx context.Context, userID, keep int64) (int64, error) {
	defer s.forgetSignIns()
	res, err := s.w.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = ? AND id != ?`, userID, keep)
	if err != nil {
		return 0, fmt.Errorf("db: delete other sessions: %w", err)
	}
	return res.RowsAffected()
}

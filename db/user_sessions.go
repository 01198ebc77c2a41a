package db

import (
	"context"
	"fmt"

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

// SessionUser returns the active user signed in by the given sign-in, or
// ErrNotFound when the sign-in ended or the user can no longer sign in.
func (s *Store) SessionUser(ctx context.Context, sessionID int64) (model.User, error) {
	var lastActive int64
	row := s.r.QueryRowContext(ctx, `
		SELECT u.id, u.name, coalesce(u.email_address, ''), u.role, u.status, u.bio, u.created_at,
		       s.last_active_at
		FROM user_sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND u.status = 'active' AND u.role != 'bot'`, sessionID)
	var u model.User
	var created int64
	err := row.Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.Status, &u.Bio, &created, &lastActive)
	if err != nil {
		return model.User{}, fmt.Errorf("db: session user: %w", notFound(err))
	}
	u.CreatedAt = Time(created)
	if t := now(); t-lastActive > sessionTouchInterval {
		_, _ = s.w.ExecContext(ctx, `UPDATE user_sessions SET last_active_at = ? WHERE id = ?`, t, sessionID)
	}
	return u, nil
}

// DeleteUserSession ends one sign-in.
func (s *Store) DeleteUserSession(ctx context.Context, sessionID int64) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM user_sessions WHERE id = ?`, sessionID); err != nil {
		return fmt.Errorf("db: delete session: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

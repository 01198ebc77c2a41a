package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// ErrEmailTaken is returned when an email address already belongs to someone.
var ErrEmailTaken = errors.New("db: email address taken")

const userColumns = `id, name, coalesce(email_address, ''), password_digest, role, status, bio, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created int64
	err := row.Scan(&u.ID, &u.Name, &u.Email, &u.PasswordDigest, &u.Role, &u.Status, &u.Bio, &created)
	u.CreatedAt = Time(created)
	return u, err
}

func insertUser(ctx context.Context, tx *sql.Tx, name, email, digest, role string) (User, error) {
	t := now()
	var emailArg any
	if email != "" {
		emailArg = strings.ToLower(email)
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO users (name, email_address, password_digest, role, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, name, emailArg, digest, role, t, t)
	if err != nil {
		var se sqlite3.Error
		if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
			return User{}, ErrEmailTaken
		}
		return User{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return User{}, err
	}
	return User{ID: id, Name: name, Email: strings.ToLower(email), PasswordDigest: digest, Role: role,
		Status: StatusActive, CreatedAt: Time(t)}, nil
}

// User returns a user by id, whatever their status.
func (s *Store) User(ctx context.Context, id int64) (User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return User{}, fmt.Errorf("db: user %d: %w", id, notFound(err))
	}
	return u, nil
}

// ActiveUserByEmail returns the active person (never a bot) with that address.
func (s *Store) ActiveUserByEmail(ctx context.Context, email string) (User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `
		SELECT `+userColumns+` FROM users
		WHERE email_address = ? AND status = 'active' AND role != 'bot'`, strings.ToLower(strings.TrimSpace(email))))
	if err != nil {
		return User{}, fmt.Errorf("db: user by email: %w", notFound(err))
	}
	return u, nil
}

// SetPassword replaces a user's password digest.
func (s *Store) SetPassword(ctx context.Context, userID int64, digest string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE users SET password_digest = ?, updated_at = ? WHERE id = ?`,
		digest, now(), userID)
	if err != nil {
		return fmt.Errorf("db: set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// CreateMember adds a person who joined with the join code, as a member of
// every open room.
func (s *Store) CreateMember(ctx context.Context, name, email, digest string) (User, error) {
	var u User
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = insertUser(ctx, tx, name, email, digest, RoleMember); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO memberships (room_id, user_id, created_at)
			SELECT id, ?, ? FROM rooms WHERE kind = 'open'`, u.ID, now())
		return err
	})
	if err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return User{}, err
		}
		return User{}, fmt.Errorf("db: create member: %w", err)
	}
	return u, nil
}

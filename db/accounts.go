package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/campfire-go/campfire/internal/model"
)

// ErrAlreadySetUp is returned by FirstRun once an account exists.
var ErrAlreadySetUp = errors.New("db: account already set up")

// FirstRunParams are what the first-run form provides.
type FirstRunParams struct {
	Name, Email, PasswordDigest, JoinCode string
}

// FirstRun creates the account "Campfire", its administrator and the open room
// "All Talk". The singleton column makes a second, racing first run fail.
func (s *Store) FirstRun(ctx context.Context, p FirstRunParams) (model.User, error) {
	var u model.User
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadySetUp
		}
		t := now()
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO accounts (name, join_code, created_at, updated_at) VALUES ('Campfire', ?, ?, ?)`,
			p.JoinCode, t, t); err != nil {
			return err
		}
		var err error
		u, err = insertUser(ctx, tx, p.Name, p.Email, p.PasswordDigest, model.RoleAdministrator)
		if err != nil {
			return err
		}
		_, err = insertRoom(ctx, tx, model.RoomOpen, "All Talk", u.ID, []int64{u.ID})
		return err
	})
	if err != nil && !errors.Is(err, ErrAlreadySetUp) {
		return model.User{}, fmt.Errorf("db: first run: %w", err)
	}
	return u, err
}

// Account returns the install's account.
func (s *Store) Account(ctx context.Context) (model.Account, error) {
	var a model.Account
	err := s.r.QueryRowContext(ctx, `
		SELECT id, name, join_code, custom_styles, restrict_room_creation_to_administrators, coalesce(logo_key, '')
		FROM accounts LIMIT 1`).Scan(&a.ID, &a.Name, &a.JoinCode, &a.CustomStyles, &a.RestrictRoomCreation, &a.LogoKey)
	if err != nil {
		return model.Account{}, fmt.Errorf("db: account: %w", notFound(err))
	}
	return a, nil
}

// HasUsers reports whether anyone has been set up yet.
func (s *Store) HasUsers(ctx context.Context) (bool, error) {
	var exists bool
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&exists)
	if err != nil {
		return false, fmt.Errorf("db: has users: %w", err)
	}
	return exists, nil
}

// UpdateAccount renames the account and sets who may create rooms.
func (s *Store) UpdateAccount(ctx context.Context, name string, restrictRoomCreation bool) error {
	if _, err := s.w.ExecContext(ctx, `
		UPDATE accounts SET name = ?, restrict_room_creation_to_administrators = ?, updated_at = ?`,
		name, restrictRoomCreation, now()); err != nil {
		return fmt.Errorf("db: update account: %w", err)
	}
	return nil
}

// SetJoinCode replaces the join code; links with the old code stop working.
func (s *Store) SetJoinCode(ctx context.Context, code string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE accounts SET join_code = ?, updated_at = ?`, code, now()); err != nil {
		return fmt.Errorf("db: set join code: %w", err)
	}
	return nil
}

// SetCustomStyles replaces the CSS added to every page.
func (s *Store) SetCustomStyles(ctx context.Context, css string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE accounts SET custom_styles = ?, updated_at = ?`, css, now()); err != nil {
		return fmt.Errorf("db: set custom styles: %w", err)
	}
	return nil
}

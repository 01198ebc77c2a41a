package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/mattn/go-sqlite3"

	"github.com/campfire-go/campfire/internal/model"
)

// ErrEmailTaken is returned when an email address already belongs to someone.
var ErrEmailTaken = errors.New("db: email address taken")

const userColumns = `id, name, coalesce(email_address, ''), role, status, bio, created_at, coalesce(avatar_key, '')`

func scanUser(row interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var created int64
	err := row.Scan(&u.ID, &u.Name, &u.Email, &u.Role, &u.Status, &u.Bio, &created, &u.AvatarKey)
	u.CreatedAt = Time(created)
	return u, err
}

func insertUser(ctx context.Context, tx *sql.Tx, name, email, digest string, role model.Role) (model.User, error) {
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
			return model.User{}, ErrEmailTaken
		}
		return model.User{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return model.User{}, err
	}
	return model.User{ID: id, Name: name, Email: strings.ToLower(email), Role: role,
		Status: model.StatusActive, CreatedAt: Time(t)}, nil
}

// User returns a user by id, whatever their status.
func (s *Store) User(ctx context.Context, id int64) (model.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil {
		return model.User{}, fmt.Errorf("db: user %d: %w", id, notFound(err))
	}
	return u, nil
}

// ActiveUserByEmail returns the active person (never a bot) with that address.
func (s *Store) ActiveUserByEmail(ctx context.Context, email string) (model.User, error) {
	u, _, err := s.UserPassword(ctx, email)
	return u, err
}

// UserPassword returns the active person (never a bot) with that address and
// their password digest, which only signing in needs: it is kept out of
// model.User so that nothing rendering a user can show it.
func (s *Store) UserPassword(ctx context.Context, email string) (model.User, string, error) {
	var digest string
	u, err := scanUserWith(s.r.QueryRowContext(ctx, `
		SELECT `+userColumns+`, password_digest FROM users
		WHERE email_address = ? AND status = 'active' AND role != 'bot'`, strings.ToLower(strings.TrimSpace(email))), &digest)
	if err != nil {
		return model.User{}, "", fmt.Errorf("db: user by email: %w", notFound(err))
	}
	return u, digest, nil
}

// SetPassword replaces a user's password digest and ends every sign-in and
// sign-in link they have: a reset password is for someone who lost control
// of the old one. A running server notices the ended sign-ins on its next
// request, and closes their streams at its next check (handlers'
// endRevokedStreams).
func (s *Store) SetPassword(ctx context.Context, userID int64, digest string) error {
	defer s.forgetSignIns()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_digest = ?, updated_at = ? WHERE id = ?`,
			digest, now(), userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return revokeTransfers(ctx, tx, userID)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("db: set password: %w", err)
	}
	return err
}

// CreateMember adds a person who joined with the join code, as a member of
// every open room.
func (s *Store) CreateMember(ctx context.Context, name, email, digest string) (model.User, error) {
	var u model.User
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = insertUser(ctx, tx, name, email, digest, model.RoleMember); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO memberships (room_id, user_id, created_at)
			SELECT id, ?, ? FROM rooms WHERE kind = 'open'`, u.ID, now())
		return err
	})
	if err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return model.User{}, err
		}
		return model.User{}, fmt.Errorf("db: create member: %w", err)
	}
	return u, nil
}

// AccountUsers lists the people of the account for its settings page:
// administrators first, then members, each by name. Bots and deactivated
// people are left out; banned people are listed only when withBanned is set.
func (s *Store) AccountUsers(ctx context.Context, withBanned bool) ([]model.User, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+userColumns+` FROM users
		WHERE role != 'bot' AND (status = 'active' OR (?1 AND status = 'banned'))
		ORDER BY role = 'administrator' DESC, lower(name), id`, withBanned)
	if err != nil {
		return nil, fmt.Errorf("db: account users: %w", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("db: account users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ErrLastAdministrator is returned when a change would leave the account
// with nobody to administer it.
var ErrLastAdministrator = errors.New("db: the last administrator must stay")

// SetRole makes an active person a member or an administrator. Bots and
// people who are no longer active are ErrNotFound.
func (s *Store) SetRole(ctx context.Context, userID int64, role model.Role) error {
	defer s.forgetSignIns()
	if role != model.RoleMember && role != model.RoleAdministrator {
		return fmt.Errorf("db: set role: unknown role %q", role)
	}
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var current model.Role
		err := tx.QueryRowContext(ctx, `
			SELECT role FROM users WHERE id = ? AND status = 'active' AND role != 'bot'`, userID).Scan(&current)
		if err != nil {
			return notFound(err)
		}
		if current == model.RoleAdministrator && role != model.RoleAdministrator {
			if err := ensureOtherAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, role, now(), userID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrLastAdministrator) {
		return fmt.Errorf("db: set role: %w", err)
	}
	if err == nil {
		s.renderedChanged()
	}
	return err
}

func ensureOtherAdmin(ctx context.Context, tx *sql.Tx, userID int64) error {
	var others int
	if err := tx.QueryRowContext(ctx, `
		SELECT count(*) FROM users WHERE role = 'administrator' AND status = 'active' AND id != ?`,
		userID).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return ErrLastAdministrator
	}
	return nil
}

// DeactivateUser removes an active person from the account: every sign-in
// ends, they leave every room but their direct ones (whose history stays
// whole for the others), their devices and searches are forgotten, and their
// email address is rewritten so it can be used to join again.
func (s *Store) DeactivateUser(ctx context.Context, userID int64) error {
	defer s.forgetSignIns()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var email string
		var role model.Role
		err := tx.QueryRowContext(ctx, `
			SELECT coalesce(email_address, ''), role FROM users
			WHERE id = ? AND status = 'active' AND role != 'bot'`, userID).Scan(&email, &role)
		if err != nil {
			return notFound(err)
		}
		if role == model.RoleAdministrator {
			if err := ensureOtherAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
		for _, q := range []string{
			`DELETE FROM user_sessions WHERE user_id = ?`,
			`DELETE FROM memberships WHERE user_id = ? AND room_id IN (SELECT id FROM rooms WHERE kind != 'direct')`,
			`DELETE FROM push_subscriptions WHERE user_id = ?`,
			`DELETE FROM searches WHERE user_id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE users SET status = 'deactivated', email_address = ?, updated_at = ? WHERE id = ?`,
			deactivatedEmail(email), now(), userID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrLastAdministrator) {
		return fmt.Errorf("db: deactivate user: %w", err)
	}
	return err
}

// deactivatedEmail keeps the address recognisable to an administrator
// reading the database but unique and unusable for signing in or joining.
func deactivatedEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok {
		local, domain = email, "deactivated.invalid"
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-deactivated-%s@%s", local, hex.EncodeToString(b[:]), domain)
}

// ProfileChange is what a person may change about themselves. An empty
// PasswordDigest keeps the password.
type ProfileChange struct {
	Name, Email, Bio, PasswordDigest string
}

// UpdateProfile saves a person's own name, email address, bio and, when
// given, password. Changing the password ends their other sign-ins.
func (s *Store) UpdateProfile(ctx context.Context, userID, keepSessionID int64, p ProfileChange) error {
	defer s.forgetSignIns()
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			UPDATE users SET name = ?, email_address = ?, bio = ?, updated_at = ? WHERE id = ?`,
			p.Name, strings.ToLower(p.Email), p.Bio, now(), userID)
		if err != nil {
			var se sqlite3.Error
			if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
				return ErrEmailTaken
			}
			return err
		}
		if p.PasswordDigest == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_digest = ? WHERE id = ?`,
			p.PasswordDigest, userID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = ? AND id != ?`, userID, keepSessionID)
		if err != nil {
			return err
		}
		return revokeTransfers(ctx, tx, userID)
	})
	if err != nil && !errors.Is(err, ErrEmailTaken) {
		return fmt.Errorf("db: update profile: %w", err)
	}
	if err == nil {
		s.renderedChanged()
	}
	return err
}

// ActiveUsers lists every active user, bots included, by name; when roomID is
// not zero, only the room's members.
func (s *Store) ActiveUsers(ctx context.Context, roomID int64) ([]model.User, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+userColumns+` FROM users
		WHERE status = 'active'
		  AND (?1 = 0 OR id IN (SELECT user_id FROM memberships WHERE room_id = ?1))
		ORDER BY lower(name), id`, roomID)
	if err != nil {
		return nil, fmt.Errorf("db: active users: %w", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("db: active users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserMemberships lists every room the user belongs to, invisible ones
// included, for their profile: shared rooms by name, then direct rooms.
func (s *Store) UserMemberships(ctx context.Context, userID int64) ([]model.SidebarRoom, error) {
	rooms, err := scanSidebarRooms(s.r.QueryContext(ctx, `
		SELECT `+sidebarRoomColumns+`
		FROM memberships m JOIN rooms r ON r.id = m.room_id
		WHERE m.user_id = ?1
		ORDER BY r.kind = 'direct', lower(`+roomDisplayName+`), r.id`, userID))
	if err != nil {
		return nil, fmt.Errorf("db: user memberships: %w", err)
	}
	return rooms, nil
}

package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/campfire-go/campfire/internal/model"
)

// SetInvolvement changes how much of a room reaches the user, returning the
// involvement it had before. ErrNotFound when the user is not a member.
func (s *Store) SetInvolvement(ctx context.Context, roomID, userID int64, involvement model.Involvement) (model.Involvement, error) {
	var before model.Involvement
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT involvement FROM memberships WHERE room_id = ? AND user_id = ?`,
			roomID, userID).Scan(&before)
		if err != nil {
			return notFound(err)
		}
		// A hidden room is never unread: it could not be seen to be read.
		_, err = tx.ExecContext(ctx, `
			UPDATE memberships SET involvement = ?1,
			       unread_at = CASE WHEN ?1 = 'invisible' THEN NULL ELSE unread_at END,
			       mentioned_at = CASE WHEN ?1 = 'invisible' THEN NULL ELSE mentioned_at END
			WHERE room_id = ?2 AND user_id = ?3`, involvement, roomID, userID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("db: set involvement: %w", err)
	}
	return before, nil
}

// ActivePeople lists every active user, bots included, by name: the people a
// room can be shared with.
func (s *Store) ActivePeople(ctx context.Context) ([]model.Person, error) {
	return s.people(ctx, `SELECT id, name, role, coalesce(avatar_key, '') FROM users WHERE status = 'active' ORDER BY lower(name), id`)
}

// HasOtherPerson reports whether anyone but the user (bots aside) is an
// active member of the account.
func (s *Store) HasOtherPerson(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.r.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM users WHERE status = 'active' AND role != 'bot' AND id != ?)`, userID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("db: other person: %w", err)
	}
	return ok, nil
}

// RoomPeople lists a room's members by name.
func (s *Store) RoomPeople(ctx context.Context, roomID int64) ([]model.Person, error) {
	return s.people(ctx, `
		SELECT u.id, u.name, u.role, coalesce(u.avatar_key, '') FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = ? ORDER BY lower(u.name), u.id`, roomID)
}

// PeopleByID lists the users with the given ids, by name.
func (s *Store) PeopleByID(ctx context.Context, ids []int64) ([]model.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.people(ctx, `
		SELECT id, name, role, coalesce(avatar_key, '') FROM users WHERE id IN (SELECT value FROM json_each(?))
		ORDER BY lower(name), id`, int64sJSON(ids))
}

func (s *Store) people(ctx context.Context, query string, args ...any) ([]model.Person, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("db: people: %w", err)
	}
	defer rows.Close()
	var out []model.Person
	for rows.Next() {
		var p model.Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Role, &p.AvatarKey); err != nil {
			return nil, fmt.Errorf("db: people: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// IsMember reports whether the user belongs to the room.
func (s *Store) IsMember(ctx context.Context, roomID, userID int64) (bool, error) {
	var ok bool
	err := s.r.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM memberships WHERE room_id = ? AND user_id = ?)`, roomID, userID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("db: is member: %w", err)
	}
	return ok, nil
}

// MarkRead clears the room's unread and mentioned marks for the user,
// reporting whether one was set.
func (s *Store) MarkRead(ctx context.Context, roomID, userID int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, markReadSQL, roomID, userID)
	if err != nil {
		return false, fmt.Errorf("db: mark read: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RoomMemberIDs returns the ids of everyone in the room.
func (s *Store) RoomMemberIDs(ctx context.Context, roomID int64) ([]int64, error) {
	ids, err := roomMemberIDs(ctx, s.r, roomID)
	if err != nil {
		return nil, fmt.Errorf("db: room members: %w", err)
	}
	return ids, nil
}

// RoomMentionables lists the active members of a room by name.
func (s *Store) RoomMentionables(ctx context.Context, roomID int64) ([]model.Mentionable, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = ? AND u.status = 'active'`, roomID)
	if err != nil {
		return nil, fmt.Errorf("db: mentionables: %w", err)
	}
	defer rows.Close()
	var out []model.Mentionable
	for rows.Next() {
		var m model.Mentionable
		if err := rows.Scan(&m.ID, &m.Name); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func grant(ctx context.Context, tx *sql.Tx, roomID int64, userIDs []int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO memberships (room_id, user_id, created_at)
		SELECT ?, value, ? FROM json_each(?) WHERE true
		ON CONFLICT (room_id, user_id) DO NOTHING`, roomID, now(), int64sJSON(userIDs))
	return err
}

func roomMemberIDs(ctx context.Context, q queryer, roomID int64) ([]int64, error) {
	return scanIDs(q.QueryContext(ctx, `SELECT user_id FROM memberships WHERE room_id = ? ORDER BY user_id`, roomID))
}

func activeUserIDs(ctx context.Context, q queryer) ([]int64, error) {
	return scanIDs(q.QueryContext(ctx, `SELECT id FROM users WHERE status = 'active' ORDER BY id`))
}

// checkActiveUsers refuses ids that are not active users.
func checkActiveUsers(ctx context.Context, q queryer, ids []int64) error {
	ids = unique(ids)
	if len(ids) == 0 {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `
		SELECT count(*) FROM users WHERE status = 'active' AND id IN (SELECT value FROM json_each(?))`,
		int64sJSON(ids)).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return ErrUnknownUsers
	}
	return nil
}

// markReadSQL clears a membership's unread and mention marks; it changes
// a row only when it had one.
const markReadSQL = `
	UPDATE memberships SET unread_at = NULL, mentioned_at = NULL
	WHERE room_id = ? AND user_id = ? AND (unread_at IS NOT NULL OR mentioned_at IS NOT NULL)`

// MarkReadMany clears the unread and mention marks of each {room, user} in
// one transaction and returns those that had one.
func (s *Store) MarkReadMany(ctx context.Context, pairs [][2]int64) ([][2]int64, error) {
	var changed [][2]int64
	err := s.tx(ctx, func(tx cachedTx) error {
		for _, p := range pairs {
			res, err := tx.ExecContext(ctx, markReadSQL, p[0], p[1])
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				changed = append(changed, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("db: mark read: %w", err)
	}
	return changed, nil
}

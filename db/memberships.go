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
			       unread_at = CASE WHEN ?1 = 'invisible' THEN NULL ELSE unread_at END
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
	return s.people(ctx, `SELECT id, name, role FROM users WHERE status = 'active' ORDER BY lower(name), id`)
}

// RoomPeople lists a room's members by name.
func (s *Store) RoomPeople(ctx context.Context, roomID int64) ([]model.Person, error) {
	return s.people(ctx, `
		SELECT u.id, u.name, u.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = ? ORDER BY lower(u.name), u.id`, roomID)
}

// PeopleByID lists the users with the given ids, by name.
func (s *Store) PeopleByID(ctx context.Context, ids []int64) ([]model.Person, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.people(ctx, `
		SELECT id, name, role FROM users WHERE id IN (SELECT value FROM json_each(?))
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
		if err := rows.Scan(&p.ID, &p.Name, &p.Role); err != nil {
			return nil, fmt.Errorf("db: people: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

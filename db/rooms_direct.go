package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/campfire-go/campfire/internal/model"
)

// FindOrCreateDirectRoom returns the direct room whose members are exactly the
// creator and the given users, making it when there is none. The lookup and the
// insert share one write transaction, so two racing requests make one room.
func (s *Store) FindOrCreateDirectRoom(ctx context.Context, creatorID int64, userIDs []int64) (RoomChange, bool, error) {
	var ch RoomChange
	var created bool
	members := unique(append([]int64{creatorID}, userIDs...))
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkActiveUsers(ctx, tx, userIDs); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRowContext(ctx, `
			SELECT r.id FROM rooms r
			WHERE r.kind = 'direct'
			  AND (SELECT count(*) FROM memberships m WHERE m.room_id = r.id) = ?1
			  AND (SELECT count(*) FROM memberships m WHERE m.room_id = r.id
			       AND m.user_id IN (SELECT value FROM json_each(?2))) = ?1
			ORDER BY r.id LIMIT 1`, len(members), int64sJSON(members)).Scan(&id)
		switch {
		case err == nil:
			var created, updated int64
			ch.Room.ID = id
			if err := tx.QueryRowContext(ctx, `
				SELECT kind, creator_id, created_at, updated_at FROM rooms WHERE id = ?`, id).
				Scan(&ch.Room.Kind, &ch.Room.CreatorID, &created, &updated); err != nil {
				return err
			}
			ch.Room.CreatedAt, ch.Room.UpdatedAt = Time(created), Time(updated)
		case errors.Is(err, sql.ErrNoRows):
			if ch.Room, err = insertRoom(ctx, tx, model.RoomDirect, "", creatorID, members); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE memberships SET involvement = 'everything' WHERE room_id = ?`,
				ch.Room.ID); err != nil {
				return err
			}
			created = true
		default:
			return err
		}
		ch.Members, err = roomMemberIDs(ctx, tx, ch.Room.ID)
		if created {
			ch.Granted = ch.Members
		}
		return err
	})
	if err != nil {
		if errors.Is(err, ErrUnknownUsers) {
			return RoomChange{}, false, err
		}
		return RoomChange{}, false, fmt.Errorf("db: find or create direct room: %w", err)
	}
	return ch, created, nil
}

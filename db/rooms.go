package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/campfire-go/campfire/internal/model"
)

// Room returns a room by id.
func (s *Store) Room(ctx context.Context, id int64) (model.Room, error) {
	var r model.Room
	var created, updated int64
	err := s.r.QueryRowContext(ctx, `
		SELECT id, kind, coalesce(name, ''), creator_id, created_at, updated_at FROM rooms WHERE id = ?`, id).
		Scan(&r.ID, &r.Kind, &r.Name, &r.CreatorID, &created, &updated)
	if err != nil {
		return model.Room{}, fmt.Errorf("db: room %d: %w", id, notFound(err))
	}
	r.CreatedAt, r.UpdatedAt = Time(created), Time(updated)
	return r, nil
}

// ErrUnknownUsers is returned when a room is given people who are not active users.
var ErrUnknownUsers = errors.New("db: unknown or inactive users")

// RoomChange is what happened to the memberships of a room.
type RoomChange struct {
	Room    model.Room
	Members []int64 // everyone in the room afterwards
	Granted []int64 // who joined
	Revoked []int64 // who was removed
}

// CreateRoom makes a room with the given members (the creator among them).
func (s *Store) CreateRoom(ctx context.Context, kind model.RoomKind, name string, creatorID int64, memberIDs []int64) (model.Room, error) {
	var room model.Room
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		room, err = insertRoom(ctx, tx, kind, name, creatorID, append([]int64{creatorID}, memberIDs...))
		return err
	})
	if err != nil {
		return model.Room{}, fmt.Errorf("db: create room: %w", err)
	}
	return room, nil
}

// CreateOpenRoom makes an open room with every active user (bots included) in it.
func (s *Store) CreateOpenRoom(ctx context.Context, name string, creatorID int64) (RoomChange, error) {
	var ch RoomChange
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		ids, err := activeUserIDs(ctx, tx)
		if err != nil {
			return err
		}
		if ch.Room, err = insertRoom(ctx, tx, model.RoomOpen, name, creatorID, append([]int64{creatorID}, ids...)); err != nil {
			return err
		}
		ch.Members, err = roomMemberIDs(ctx, tx, ch.Room.ID)
		ch.Granted = ch.Members
		return err
	})
	if err != nil {
		return RoomChange{}, fmt.Errorf("db: create open room: %w", err)
	}
	return ch, nil
}

// CreateClosedRoom makes a closed room of exactly the given users and its creator.
// Every id must be an active user's.
func (s *Store) CreateClosedRoom(ctx context.Context, name string, creatorID int64, userIDs []int64) (RoomChange, error) {
	var ch RoomChange
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkActiveUsers(ctx, tx, userIDs); err != nil {
			return err
		}
		var err error
		if ch.Room, err = insertRoom(ctx, tx, model.RoomClosed, name, creatorID, append([]int64{creatorID}, userIDs...)); err != nil {
			return err
		}
		ch.Members, err = roomMemberIDs(ctx, tx, ch.Room.ID)
		ch.Granted = ch.Members
		return err
	})
	if err != nil {
		if errors.Is(err, ErrUnknownUsers) {
			return RoomChange{}, err
		}
		return RoomChange{}, fmt.Errorf("db: create closed room: %w", err)
	}
	return ch, nil
}

// UpdateOpenRoom renames a shared room and makes it open (converting a closed
// one): every active user becomes a member.
func (s *Store) UpdateOpenRoom(ctx context.Context, roomID int64, name string) (RoomChange, error) {
	var ch RoomChange
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		before, err := roomMemberIDs(ctx, tx, roomID)
		if err != nil {
			return err
		}
		if ch.Room, err = updateSharedRoom(ctx, tx, roomID, model.RoomOpen, name); err != nil {
			return err
		}
		ids, err := activeUserIDs(ctx, tx)
		if err != nil {
			return err
		}
		if err := grant(ctx, tx, roomID, ids); err != nil {
			return err
		}
		if ch.Members, err = roomMemberIDs(ctx, tx, roomID); err != nil {
			return err
		}
		ch.Granted = minus(ch.Members, before)
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return RoomChange{}, err
		}
		return RoomChange{}, fmt.Errorf("db: update open room: %w", err)
	}
	return ch, nil
}

// UpdateClosedRoom renames a shared room and makes it closed (converting an open
// one) with exactly the given users and its creator: the rest lose their place.
func (s *Store) UpdateClosedRoom(ctx context.Context, roomID int64, name string, userIDs []int64) (RoomChange, error) {
	var ch RoomChange
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkActiveUsers(ctx, tx, userIDs); err != nil {
			return err
		}
		before, err := roomMemberIDs(ctx, tx, roomID)
		if err != nil {
			return err
		}
		if ch.Room, err = updateSharedRoom(ctx, tx, roomID, model.RoomClosed, name); err != nil {
			return err
		}
		// The creator stays, unless they no longer use Campfire.
		keep := userIDs
		var creatorActive bool
		if err := tx.QueryRowContext(ctx, `SELECT status = 'active' FROM users WHERE id = ?`,
			ch.Room.CreatorID).Scan(&creatorActive); err != nil {
			return err
		}
		if creatorActive {
			keep = append([]int64{ch.Room.CreatorID}, userIDs...)
		}
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM memberships WHERE room_id = ? AND user_id NOT IN (SELECT value FROM json_each(?))`,
			roomID, int64sJSON(keep)); err != nil {
			return err
		}
		if err := grant(ctx, tx, roomID, keep); err != nil {
			return err
		}
		if ch.Members, err = roomMemberIDs(ctx, tx, roomID); err != nil {
			return err
		}
		ch.Granted, ch.Revoked = minus(ch.Members, before), minus(before, ch.Members)
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnknownUsers) {
			return RoomChange{}, err
		}
		return RoomChange{}, fmt.Errorf("db: update closed room: %w", err)
	}
	return ch, nil
}

// DeleteRoom removes a room with its messages, memberships and replay log,
// returning who was in it.
func (s *Store) DeleteRoom(ctx context.Context, roomID int64) ([]int64, error) {
	var members []int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if members, err = roomMemberIDs(ctx, tx, roomID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM rooms WHERE id = ?`, roomID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM events WHERE room_id = ?`, roomID)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, err
		}
		return nil, fmt.Errorf("db: delete room: %w", err)
	}
	s.renderedChanged()
	return members, nil
}

func insertRoom(ctx context.Context, tx *sql.Tx, kind model.RoomKind, name string, creatorID int64, memberIDs []int64) (model.Room, error) {
	t := now()
	var nameArg any
	if kind != model.RoomDirect {
		nameArg = name
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO rooms (kind, name, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		kind, nameArg, creatorID, t, t)
	if err != nil {
		return model.Room{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return model.Room{}, err
	}
	for _, uid := range memberIDs {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO memberships (room_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (room_id, user_id) DO NOTHING`, id, uid, t); err != nil {
			return model.Room{}, err
		}
	}
	return model.Room{ID: id, Kind: kind, Name: name, CreatorID: creatorID, CreatedAt: Time(t), UpdatedAt: Time(t)}, nil
}

func updateSharedRoom(ctx context.Context, tx *sql.Tx, roomID int64, kind model.RoomKind, name string) (model.Room, error) {
	var r model.Room
	var created, updated int64
	err := tx.QueryRowContext(ctx, `
		UPDATE rooms SET kind = ?, name = ?, updated_at = ? WHERE id = ? AND kind != 'direct'
		RETURNING id, kind, coalesce(name, ''), creator_id, created_at, updated_at`,
		kind, name, now(), roomID).Scan(&r.ID, &r.Kind, &r.Name, &r.CreatorID, &created, &updated)
	if err != nil {
		return model.Room{}, notFound(err)
	}
	r.CreatedAt, r.UpdatedAt = Time(created), Time(updated)
	return r, nil
}

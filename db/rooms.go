package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/campfire-go/campfire/internal/model"
)

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

// roomDisplayName is the SQL for what a person sees as a room's name: its name,
// or for a direct room the other participants' names (their own when alone).
const roomDisplayName = `coalesce(r.name, (
	SELECT coalesce(group_concat(name, ', '), (SELECT name FROM users WHERE id = ?1))
	FROM (SELECT u.name FROM memberships om JOIN users u ON u.id = om.user_id
	      WHERE om.room_id = r.id AND om.user_id != ?1 ORDER BY lower(u.name))))`

// MemberRoom returns a room and the user's membership of it, or ErrNotFound
// when the user is not a member.
func (s *Store) MemberRoom(ctx context.Context, roomID, userID int64) (model.SidebarRoom, error) {
	sr, err := scanSidebarRoom(s.r.QueryRowContext(ctx, `
		SELECT `+sidebarRoomColumns+`
		FROM memberships m JOIN rooms r ON r.id = m.room_id
		WHERE m.room_id = ?2 AND m.user_id = ?1`, userID, roomID))
	if err != nil {
		return model.SidebarRoom{}, fmt.Errorf("db: member room: %w", notFound(err))
	}
	return sr, nil
}

// sidebarRoomColumns are a room and one member's view of it (?1 is the
// member), in the order scanSidebarRoom reads them.
const sidebarRoomColumns = `r.id, r.kind, coalesce(r.name, ''), r.creator_id, r.created_at, r.updated_at,
	` + roomDisplayName + `, m.involvement, m.unread_at`

func scanSidebarRoom(row interface{ Scan(...any) error }) (model.SidebarRoom, error) {
	var sr model.SidebarRoom
	var created, updated int64
	var unread sql.NullInt64
	err := row.Scan(&sr.ID, &sr.Kind, &sr.Name, &sr.CreatorID, &created, &updated,
		&sr.DisplayName, &sr.Involvement, &unread)
	sr.CreatedAt, sr.UpdatedAt, sr.Unread = Time(created), Time(updated), unread.Valid
	return sr, err
}

func scanSidebarRooms(rows *sql.Rows, err error) ([]model.SidebarRoom, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.SidebarRoom
	for rows.Next() {
		sr, err := scanSidebarRoom(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sr)
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

// SidebarRooms lists the rooms a user sees in their room list: direct rooms by
// latest activity first, then the others by name. Invisible rooms are left out.
func (s *Store) SidebarRooms(ctx context.Context, userID int64) ([]model.SidebarRoom, error) {
	rooms, err := scanSidebarRooms(s.r.QueryContext(ctx, `
		SELECT `+sidebarRoomColumns+`
		FROM memberships m JOIN rooms r ON r.id = m.room_id
		WHERE m.user_id = ?1 AND m.involvement != 'invisible'
		ORDER BY r.kind = 'direct' DESC,
		         CASE WHEN r.kind = 'direct' THEN -r.updated_at END,
		         lower(r.name), r.id`, userID))
	if err != nil {
		return nil, fmt.Errorf("db: sidebar rooms: %w", err)
	}
	return rooms, nil
}

// FirstRoomID returns the user's oldest room, for landing after sign-in.
func (s *Store) FirstRoomID(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := s.r.QueryRowContext(ctx, `
		SELECT r.id FROM memberships m JOIN rooms r ON r.id = m.room_id
		WHERE m.user_id = ? AND m.involvement != 'invisible'
		ORDER BY r.created_at, r.id LIMIT 1`, userID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("db: first room: %w", notFound(err))
	}
	return id, nil
}

// MarkRead clears the room's unread mark for the user, reporting whether it was set.
func (s *Store) MarkRead(ctx context.Context, roomID, userID int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, `
		UPDATE memberships SET unread_at = NULL
		WHERE room_id = ? AND user_id = ? AND unread_at IS NOT NULL`, roomID, userID)
	if err != nil {
		return false, fmt.Errorf("db: mark read: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RoomMemberIDs returns the ids of everyone in the room.
func (s *Store) RoomMemberIDs(ctx context.Context, roomID int64) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT user_id FROM memberships WHERE room_id = ?`, roomID)
	if err != nil {
		return nil, fmt.Errorf("db: room members: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
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

// ErrUnknownUsers is returned when a room is given people who are not active users.
var ErrUnknownUsers = errors.New("db: unknown or inactive users")

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

// RoomChange is what happened to the memberships of a room.
type RoomChange struct {
	Room    model.Room
	Members []int64 // everyone in the room afterwards
	Granted []int64 // who joined
	Revoked []int64 // who was removed
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
	return members, nil
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

func grant(ctx context.Context, tx *sql.Tx, roomID int64, userIDs []int64) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO memberships (room_id, user_id, created_at)
		SELECT ?, value, ? FROM json_each(?) WHERE true
		ON CONFLICT (room_id, user_id) DO NOTHING`, roomID, now(), int64sJSON(userIDs))
	return err
}

func activeUserIDs(ctx context.Context, q queryer) ([]int64, error) {
	return scanIDs(q.QueryContext(ctx, `SELECT id FROM users WHERE status = 'active' ORDER BY id`))
}

func roomMemberIDs(ctx context.Context, q queryer, roomID int64) ([]int64, error) {
	return scanIDs(q.QueryContext(ctx, `SELECT user_id FROM memberships WHERE room_id = ? ORDER BY user_id`, roomID))
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

func scanIDs(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func unique(ids []int64) []int64 {
	seen := make(map[int64]struct{}, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; !ok {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

// minus returns the ids of a that are not in b.
func minus(a, b []int64) []int64 {
	in := make(map[int64]struct{}, len(b))
	for _, id := range b {
		in[id] = struct{}{}
	}
	var out []int64
	for _, id := range a {
		if _, ok := in[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

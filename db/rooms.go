package db

import (
	"context"
	"database/sql"
	"fmt"
)

func insertRoom(ctx context.Context, tx *sql.Tx, kind, name string, creatorID int64, memberIDs []int64) (Room, error) {
	t := now()
	var nameArg any
	if kind != RoomDirect {
		nameArg = name
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO rooms (kind, name, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
		kind, nameArg, creatorID, t, t)
	if err != nil {
		return Room{}, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return Room{}, err
	}
	for _, uid := range memberIDs {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO memberships (room_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (room_id, user_id) DO NOTHING`, id, uid, t); err != nil {
			return Room{}, err
		}
	}
	return Room{ID: id, Kind: kind, Name: name, CreatorID: creatorID, CreatedAt: Time(t), UpdatedAt: Time(t)}, nil
}

// roomDisplayName is the SQL for what a person sees as a room's name: its name,
// or for a direct room the other participants' names (their own when alone).
const roomDisplayName = `coalesce(r.name, (
	SELECT coalesce(group_concat(name, ', '), (SELECT name FROM users WHERE id = ?1))
	FROM (SELECT u.name FROM memberships om JOIN users u ON u.id = om.user_id
	      WHERE om.room_id = r.id AND om.user_id != ?1 ORDER BY lower(u.name))))`

// MemberRoom returns a room and the user's membership of it, or ErrNotFound
// when the user is not a member.
func (s *Store) MemberRoom(ctx context.Context, roomID, userID int64) (SidebarRoom, error) {
	var sr SidebarRoom
	var created, updated int64
	var unread sql.NullInt64
	err := s.r.QueryRowContext(ctx, `
		SELECT r.id, r.kind, coalesce(r.name, ''), r.creator_id, r.created_at, r.updated_at,
		       `+roomDisplayName+`, m.involvement, m.unread_at
		FROM memberships m JOIN rooms r ON r.id = m.room_id
		WHERE m.room_id = ?2 AND m.user_id = ?1`, userID, roomID).Scan(
		&sr.ID, &sr.Kind, &sr.Name, &sr.CreatorID, &created, &updated, &sr.DisplayName, &sr.Involvement, &unread)
	if err != nil {
		return SidebarRoom{}, fmt.Errorf("db: member room: %w", notFound(err))
	}
	sr.CreatedAt, sr.UpdatedAt, sr.Unread = Time(created), Time(updated), unread.Valid
	return sr, nil
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
func (s *Store) SidebarRooms(ctx context.Context, userID int64) ([]SidebarRoom, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT r.id, r.kind, coalesce(r.name, ''), r.creator_id, r.created_at, r.updated_at,
		       `+roomDisplayName+`, m.involvement, m.unread_at
		FROM memberships m JOIN rooms r ON r.id = m.room_id
		WHERE m.user_id = ?1 AND m.involvement != 'invisible'
		ORDER BY r.kind = 'direct' DESC,
		         CASE WHEN r.kind = 'direct' THEN -r.updated_at END,
		         lower(r.name), r.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("db: sidebar rooms: %w", err)
	}
	defer rows.Close()
	var out []SidebarRoom
	for rows.Next() {
		var sr SidebarRoom
		var created, updated int64
		var unread sql.NullInt64
		if err := rows.Scan(&sr.ID, &sr.Kind, &sr.Name, &sr.CreatorID, &created, &updated,
			&sr.DisplayName, &sr.Involvement, &unread); err != nil {
			return nil, fmt.Errorf("db: sidebar rooms: %w", err)
		}
		sr.CreatedAt, sr.UpdatedAt, sr.Unread = Time(created), Time(updated), unread.Valid
		out = append(out, sr)
	}
	return out, rows.Err()
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

// Mentionable is a room member who can be @mentioned.
type Mentionable struct {
	ID   int64
	Name string
}

// RoomMentionables lists the active members of a room by name.
func (s *Store) RoomMentionables(ctx context.Context, roomID int64) ([]Mentionable, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.room_id = ? AND u.status = 'active'`, roomID)
	if err != nil {
		return nil, fmt.Errorf("db: mentionables: %w", err)
	}
	defer rows.Close()
	var out []Mentionable
	for rows.Next() {
		var m Mentionable
		if err := rows.Scan(&m.ID, &m.Name); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CreateRoom makes a room with the given members (the creator among them).
func (s *Store) CreateRoom(ctx context.Context, kind, name string, creatorID int64, memberIDs []int64) (Room, error) {
	var room Room
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		room, err = insertRoom(ctx, tx, kind, name, creatorID, append([]int64{creatorID}, memberIDs...))
		return err
	})
	if err != nil {
		return Room{}, fmt.Errorf("db: create room: %w", err)
	}
	return room, nil
}

package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/campfire-go/campfire/internal/model"
)

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

// roomDisplayName is the SQL for what a person sees as a room's name: its name,
// or for a direct room the other participants' names (their own when alone).
const roomDisplayName = `coalesce(r.name, (
	SELECT coalesce(group_concat(name, ', '), (SELECT name FROM users WHERE id = ?1))
	FROM (SELECT u.name FROM memberships om JOIN users u ON u.id = om.user_id
	      WHERE om.room_id = r.id AND om.user_id != ?1 ORDER BY lower(u.name))))`

// sidebarRoomColumns are a room and one member's view of it (?1 is the
// member), in the order scanSidebarRoom reads them.
const sidebarRoomColumns = `r.id, r.kind, coalesce(r.name, ''), r.creator_id, r.created_at, r.updated_at,
	` + roomDisplayName + `, m.involvement, m.unread_at, m.mentioned_at, ` + directAvatar

// directAvatar is the SQL for whose avatar stands for a direct room: the
// first other participant by name, as "id key" (key empty for initials);
// NULL for other rooms and a direct room of one.
const directAvatar = `CASE WHEN r.kind = 'direct' THEN (
	SELECT u.id || ' ' || coalesce(u.avatar_key, '') FROM memberships om JOIN users u ON u.id = om.user_id
	WHERE om.room_id = r.id AND om.user_id != ?1 ORDER BY lower(u.name), u.id LIMIT 1) END`

func scanSidebarRoom(row interface{ Scan(...any) error }) (model.SidebarRoom, error) {
	var sr model.SidebarRoom
	var created, updated int64
	var unread, mentioned sql.NullInt64
	var avatar sql.NullString
	err := row.Scan(&sr.ID, &sr.Kind, &sr.Name, &sr.CreatorID, &created, &updated,
		&sr.DisplayName, &sr.Involvement, &unread, &mentioned, &avatar)
	sr.CreatedAt, sr.UpdatedAt, sr.Unread = Time(created), Time(updated), unread.Valid
	sr.Mentioned = mentioned.Valid
	if unread.Valid {
		sr.UnreadAt = Time(unread.Int64)
	}
	if id, key, ok := strings.Cut(avatar.String, " "); ok {
		sr.AvatarUserID, _ = strconv.ParseInt(id, 10, 64)
		sr.AvatarKey = key
	}
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

package db

import (
	"context"
	"fmt"
)

// StreamSnapshot reads what stream tokens made before this start are checked
// against: the sign-ins that stand (of active people, bots apart), to whom
// each belongs, and every membership as {person, room}. Two reads at start,
// instead of three for each reconnecting tab.
func (s *Store) StreamSnapshot(ctx context.Context) (map[int64]int64, map[[2]int64]bool, error) {
	sessions := map[int64]int64{}
	rows, err := s.r.QueryContext(ctx, `
		SELECT s.id, s.user_id FROM user_sessions s JOIN users u ON u.id = s.user_id
		WHERE u.status = 'active' AND u.role != 'bot'`)
	if err != nil {
		return nil, nil, fmt.Errorf("db: stream snapshot: %w", err)
	}
	for rows.Next() {
		var sid, uid int64
		if err := rows.Scan(&sid, &uid); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("db: stream snapshot: %w", err)
		}
		sessions[sid] = uid
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("db: stream snapshot: %w", err)
	}
	members := map[[2]int64]bool{}
	rows, err = s.r.QueryContext(ctx, `SELECT user_id, room_id FROM memberships`)
	if err != nil {
		return nil, nil, fmt.Errorf("db: stream snapshot: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid, rid int64
		if err := rows.Scan(&uid, &rid); err != nil {
			return nil, nil, fmt.Errorf("db: stream snapshot: %w", err)
		}
		members[[2]int64{uid, rid}] = true
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("db: stream snapshot: %w", err)
	}
	return sessions, members, nil
}

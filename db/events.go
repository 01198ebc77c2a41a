package db

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/campfire-go/campfire/internal/model"
)

func insertEvent(ctx context.Context, tx cachedTx, roomID int64, kind string, messageID int64, domID string) (int64, error) {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO events (room_id, kind, message_id, dom_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		roomID, kind, messageID, domID, now())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// EventsAfter returns up to limit events of a room with ids above after, in order.
func (s *Store) EventsAfter(ctx context.Context, roomID, after int64, limit int) ([]model.Event, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT id, room_id, kind, message_id, dom_id FROM events
		WHERE room_id = ? AND id > ? ORDER BY id LIMIT ?`, roomID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("db: events after: %w", err)
	}
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		var e model.Event
		if err := rows.Scan(&e.ID, &e.RoomID, &e.Kind, &e.MessageID, &e.DomID); err != nil {
			return nil, fmt.Errorf("db: events after: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// LastEventID returns the newest event id ever issued (0 before the first).
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	// sqlite_sequence remembers the highest id even when the rows are pruned.
	err := s.w.QueryRowContext(ctx, `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)`).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("db: last event id: %w", err)
	}
	return id, nil
}

const prunedThroughKey = "events_pruned_through"

// PruneEvents deletes events created before the cutoff (Unix ms) and remembers
// the highest id deleted, so a cursor below it is known to be too old to replay.
func (s *Store) PruneEvents(ctx context.Context, beforeMs int64) (int64, error) {
	var n int64
	err := s.tx(ctx, func(tx cachedTx) error {
		var maxID sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM events WHERE created_at < ?`, beforeMs).Scan(&maxID); err != nil {
			return err
		}
		if !maxID.Valid {
			return nil
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM events WHERE id <= ?`, maxID.Int64)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = tx.ExecContext(ctx, `
			INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, prunedThroughKey, strconv.FormatInt(maxID.Int64, 10))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: prune events: %w", err)
	}
	return n, nil
}

// PrunedThrough returns the highest event id that has been pruned (0 if none).
func (s *Store) PrunedThrough(ctx context.Context) (int64, error) {
	v, err := s.Setting(ctx, prunedThroughKey)
	if err == ErrNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

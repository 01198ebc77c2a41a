package db

import (
	"context"
	"database/sql"
	"encoding/json"
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

// insertBoostEvent logs a boost added to or removed from a message: an
// update of the message, which says which boost and what happened to it.
func insertBoostEvent(ctx context.Context, tx cachedTx, roomID, messageID int64, domID string, boostID int64, change string) (int64, error) {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO events (room_id, kind, message_id, dom_id, boost_id, boost_change, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		roomID, model.EventUpdated, messageID, domID, boostID, change, now())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

const eventColumns = `id, room_id, kind, message_id, dom_id, coalesce(boost_id, 0), coalesce(boost_change, '')`

func scanEvents(rows *sql.Rows) ([]model.Event, error) {
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		var e model.Event
		if err := rows.Scan(&e.ID, &e.RoomID, &e.Kind, &e.MessageID, &e.DomID, &e.BoostID, &e.BoostChange); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EventsAfter returns up to limit events of a room with ids above after, in order.
func (s *Store) EventsAfter(ctx context.Context, roomID, after int64, limit int) ([]model.Event, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+eventColumns+` FROM events
		WHERE room_id = ? AND id > ? ORDER BY id LIMIT ?`, roomID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("db: events after: %w", err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("db: events after: %w", err)
	}
	return out, nil
}

// EventsAfterInRooms returns up to limit events of any of the rooms with ids
// above after, in order: what a bot in those rooms missed.
func (s *Store) EventsAfterInRooms(ctx context.Context, roomIDs []int64, after int64, limit int) ([]model.Event, error) {
	if len(roomIDs) == 0 {
		return nil, nil
	}
	ids, err := json.Marshal(roomIDs)
	if err != nil {
		return nil, err
	}
	// The primary key walks the log from the cursor; a bot in most rooms
	// skips few rows, and one in few rooms is rarely far behind.
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+eventColumns+` FROM events
		WHERE id > ? AND room_id IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?`, after, string(ids), limit)
	if err != nil {
		return nil, fmt.Errorf("db: events after in rooms: %w", err)
	}
	out, err := scanEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("db: events after in rooms: %w", err)
	}
	return out, nil
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
	if n > 0 {
		s.renderedChanged()
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

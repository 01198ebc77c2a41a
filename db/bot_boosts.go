package db

import (
	"context"
	"database/sql"
	"fmt"
)

// The bot API's boosts. Each change is written with its event row in one
// transaction (the room's replay log), for chat.Service.Changed to publish.

// AddBotBoost stores a bot's boost of a message and logs the change; it
// returns the boost and the event id.
func (s *Store) AddBotBoost(ctx context.Context, messageID, botID int64, content string) (Boost, int64, error) {
	var b Boost
	var eventID int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var roomID int64
		var cmid string
		if err := tx.QueryRowContext(ctx, `SELECT room_id, client_message_id FROM messages WHERE id = ?`, messageID).
			Scan(&roomID, &cmid); err != nil {
			return notFound(err)
		}
		t := now()
		if err := tx.QueryRowContext(ctx, `
			INSERT INTO boosts (message_id, booster_id, content, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			messageID, botID, content, t).Scan(&b.ID); err != nil {
			return err
		}
		b.MessageID, b.BoosterID, b.Content, b.CreatedAt = messageID, botID, content, Time(t)
		var err error
		eventID, err = insertEvent(ctx, tx, roomID, EventUpdated, messageID, "message_"+cmid)
		return err
	})
	if err != nil {
		return Boost{}, 0, fmt.Errorf("db: add boost: %w", err)
	}
	return b, eventID, nil
}

// BotBoostOf returns a boost of a message.
func (s *Store) BotBoostOf(ctx context.Context, messageID, boostID int64) (Boost, error) {
	var b Boost
	var created int64
	err := s.r.QueryRowContext(ctx, `
		SELECT b.id, b.message_id, b.booster_id, u.name, b.content, b.created_at
		FROM boosts b JOIN users u ON u.id = b.booster_id WHERE b.id = ? AND b.message_id = ?`,
		boostID, messageID).Scan(&b.ID, &b.MessageID, &b.BoosterID, &b.BoosterName, &b.Content, &created)
	if err != nil {
		return Boost{}, fmt.Errorf("db: boost: %w", notFound(err))
	}
	b.CreatedAt = Time(created)
	return b, nil
}

// RemoveBotBoost deletes a boost and logs the change, returning the event id.
func (s *Store) RemoveBotBoost(ctx context.Context, messageID, boostID int64) (int64, error) {
	var eventID int64
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		var roomID int64
		var cmid string
		if err := tx.QueryRowContext(ctx, `SELECT room_id, client_message_id FROM messages WHERE id = ?`, messageID).
			Scan(&roomID, &cmid); err != nil {
			return notFound(err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM boosts WHERE id = ? AND message_id = ?`, boostID, messageID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		eventID, err = insertEvent(ctx, tx, roomID, EventUpdated, messageID, "message_"+cmid)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: remove boost: %w", err)
	}
	return eventID, nil
}

package db

import (
	"context"
	"fmt"

	"github.com/campfire-go/campfire/internal/model"
)

// CreateBoost stores a boost on a message and, in the same transaction, an
// "updated" event for the message, so the boost reaches every open tab and
// replays to tabs that reconnect. It returns the boost and the event id.
func (s *Store) CreateBoost(ctx context.Context, messageID, boosterID int64, content string) (model.Boost, int64, error) {
	var b model.Boost
	var eventID int64
	err := s.tx(ctx, func(tx cachedTx) error {
		roomID, domID, err := messageEventTarget(ctx, tx, messageID)
		if err != nil {
			return err
		}
		t := now()
		err = tx.QueryRowContext(ctx, `
			INSERT INTO boosts (message_id, booster_id, content, created_at) VALUES (?, ?, ?, ?)
			RETURNING id`, messageID, boosterID, content, t).Scan(&b.ID)
		if err != nil {
			return err
		}
		b.MessageID, b.BoosterID, b.Content, b.CreatedAt = messageID, boosterID, content, Time(t)
		eventID, err = insertBoostEvent(ctx, tx, roomID, messageID, domID, b.ID, model.EventCreated)
		return err
	})
	if err != nil {
		return model.Boost{}, 0, fmt.Errorf("db: create boost: %w", err)
	}
	return b, eventID, nil
}

// Boost returns one boost with its booster's name.
func (s *Store) Boost(ctx context.Context, id int64) (model.Boost, error) {
	var b model.Boost
	var created int64
	err := s.r.QueryRowContext(ctx, `
		SELECT b.id, b.message_id, b.booster_id, u.name, b.content, b.created_at
		FROM boosts b JOIN users u ON u.id = b.booster_id WHERE b.id = ?`, id).
		Scan(&b.ID, &b.MessageID, &b.BoosterID, &b.BoosterName, &b.Content, &created)
	if err != nil {
		return model.Boost{}, fmt.Errorf("db: boost %d: %w", id, notFound(err))
	}
	b.CreatedAt = Time(created)
	return b, nil
}

// DeleteBoost removes a boost and logs the change to its message in the same
// transaction. It returns the event id.
func (s *Store) DeleteBoost(ctx context.Context, id int64) (int64, error) {
	var eventID int64
	err := s.tx(ctx, func(tx cachedTx) error {
		var messageID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM boosts WHERE id = ? RETURNING message_id`, id).Scan(&messageID)
		if err != nil {
			return notFound(err)
		}
		roomID, domID, err := messageEventTarget(ctx, tx, messageID)
		if err != nil {
			return err
		}
		eventID, err = insertBoostEvent(ctx, tx, roomID, messageID, domID, id, model.EventDeleted)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: delete boost: %w", err)
	}
	return eventID, nil
}

// messageEventTarget reads what an event about a message records: its room
// and its element id.
func messageEventTarget(ctx context.Context, tx cachedTx, messageID int64) (roomID int64, domID string, err error) {
	var cmid string
	err = tx.QueryRowContext(ctx, `SELECT room_id, client_message_id FROM messages WHERE id = ?`, messageID).
		Scan(&roomID, &cmid)
	if err != nil {
		return 0, "", notFound(err)
	}
	return roomID, "message_" + cmid, nil
}

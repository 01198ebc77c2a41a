package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/model"
)

// SetLinkPreview stores the card of a message's link, with its image (nil
// for none) already in the file storage, and logs the message as updated,
// in one transaction, so a tab that reconnects replays it. A message deleted
// meanwhile is ErrNotFound.
func (s *Store) SetLinkPreview(ctx context.Context, messageID int64, p model.LinkPreview, image *files.Blob) (int64, error) {
	var eventID int64
	err := s.tx(ctx, func(tx cachedTx) error {
		roomID, cmid, err := messageRoom(ctx, tx, messageID)
		if err != nil {
			return err
		}
		p.ImageKey = ""
		if image != nil {
			if err := insertBlob(ctx, tx, *image); err != nil {
				return err
			}
			p.ImageKey = image.Key
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO link_previews (message_id, url, title, description, image_key, image_width, image_height, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (message_id) DO UPDATE SET url = excluded.url, title = excluded.title,
				description = excluded.description, image_key = excluded.image_key,
				image_width = excluded.image_width, image_height = excluded.image_height`,
			messageID, p.URL, p.Title, p.Description, sql.NullString{String: p.ImageKey, Valid: p.ImageKey != ""}, p.ImageWidth, p.ImageHeight, now())
		if err != nil {
			return err
		}
		eventID, err = insertEvent(ctx, tx, roomID, model.EventUpdated, messageID, "message_"+cmid)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("db: set link preview: %w", err)
	}
	return eventID, nil
}

// RemoveLinkPreview deletes a message's card and logs the message as
// updated. It returns the event and the key of the card's image ("" for
// none), to release. A message without a card is ErrNotFound.
func (s *Store) RemoveLinkPreview(ctx context.Context, messageID int64) (eventID int64, imageKey string, err error) {
	err = s.tx(ctx, func(tx cachedTx) error {
		var key sql.NullString
		err := tx.QueryRowContext(ctx, `DELETE FROM link_previews WHERE message_id = ? RETURNING image_key`, messageID).Scan(&key)
		if err != nil {
			return notFound(err)
		}
		imageKey = key.String
		roomID, cmid, err := messageRoom(ctx, tx, messageID)
		if err != nil {
			return err
		}
		eventID, err = insertEvent(ctx, tx, roomID, model.EventUpdated, messageID, "message_"+cmid)
		return err
	})
	if err != nil {
		return 0, "", fmt.Errorf("db: remove link preview: %w", err)
	}
	return eventID, imageKey, nil
}

func messageRoom(ctx context.Context, tx cachedTx, messageID int64) (roomID int64, cmid string, err error) {
	err = tx.QueryRowContext(ctx, `SELECT room_id, client_message_id FROM messages WHERE id = ?`, messageID).
		Scan(&roomID, &cmid)
	return roomID, cmid, notFound(err)
}

// attachPreviews fills in the link previews of msgs.
func (s *Store) attachPreviews(ctx context.Context, msgs []model.Message) error {
	if len(msgs) == 0 {
		return nil
	}
	ids, index := messageIndex(msgs)
	rows, err := s.r.QueryContext(ctx, `
		SELECT message_id, url, title, description, coalesce(image_key, ''), image_width, image_height
		FROM link_previews WHERE message_id IN (SELECT value FROM json_each(?))`, int64sJSON(ids))
	if err != nil {
		return fmt.Errorf("db: link previews: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p model.LinkPreview
		if err := rows.Scan(&id, &p.URL, &p.Title, &p.Description, &p.ImageKey, &p.ImageWidth, &p.ImageHeight); err != nil {
			return fmt.Errorf("db: link previews: %w", err)
		}
		msgs[index[id]].Preview = &p
	}
	return rows.Err()
}

// LinkPreviewImage returns the key of a message's preview image and the
// message's room, for serving it to the room's members; ErrNotFound when
// the message has no preview image.
func (s *Store) LinkPreviewImage(ctx context.Context, messageID int64) (roomID int64, key string, err error) {
	err = s.r.QueryRowContext(ctx, `
		SELECT m.room_id, lp.image_key FROM link_previews lp JOIN messages m ON m.id = lp.message_id
		WHERE lp.message_id = ? AND lp.image_key IS NOT NULL`, messageID).Scan(&roomID, &key)
	if err != nil {
		return 0, "", fmt.Errorf("db: link preview image: %w", notFound(err))
	}
	return roomID, key, nil
}

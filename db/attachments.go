package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/model"
)

const attachmentColumns = `a.id, a.filename, a.content_type, a.byte_size, a.blob_key,
	a.width, a.height, a.preview_key, a.preview_width, a.preview_height`

// attachmentRow scans attachmentColumns of a LEFT JOIN: all NULL when the
// message has no file.
type attachmentRow struct {
	id                          sql.NullInt64
	filename, contentType, key  sql.NullString
	size                        sql.NullInt64
	width, height               sql.NullInt64
	previewKey                  sql.NullString
	previewWidth, previewHeight sql.NullInt64
}

func (a *attachmentRow) dests() []any {
	return []any{&a.id, &a.filename, &a.contentType, &a.size, &a.key,
		&a.width, &a.height, &a.previewKey, &a.previewWidth, &a.previewHeight}
}

func (a *attachmentRow) attachment() *model.Attachment {
	if !a.id.Valid {
		return nil
	}
	return &model.Attachment{
		ID: a.id.Int64, Filename: a.filename.String, ContentType: a.contentType.String, ByteSize: a.size.Int64,
		Key: a.key.String, Width: int(a.width.Int64), Height: int(a.height.Int64),
		PreviewKey: a.previewKey.String, PreviewWidth: int(a.previewWidth.Int64), PreviewHeight: int(a.previewHeight.Int64),
	}
}

// NewAttachment is a file to store with a new message: its blobs are
// already in the storage folder (files.Store.Put) and are recorded in the
// message's transaction.
type NewAttachment struct {
	Attachment model.Attachment // ID is ignored
	Blob       files.Blob
	Preview    *files.Blob // a preview made apart from the blob, or nil
}

func insertAttachment(ctx context.Context, tx queryer, messageID int64, na NewAttachment, t int64) (int64, error) {
	if err := insertBlob(ctx, tx, na.Blob); err != nil {
		return 0, err
	}
	if na.Preview != nil {
		if err := insertBlob(ctx, tx, *na.Preview); err != nil {
			return 0, err
		}
	}
	a := na.Attachment
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO attachments (message_id, blob_key, filename, content_type, byte_size, width, height,
			preview_key, preview_width, preview_height, created_at)
		VALUES (?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0), nullif(?, ''), nullif(?, 0), nullif(?, 0), ?)
		RETURNING id`, messageID, a.Key, a.Filename, a.ContentType, a.ByteSize, a.Width, a.Height,
		a.PreviewKey, a.PreviewWidth, a.PreviewHeight, t).Scan(&id)
	return id, err
}

// messageBlobKeys returns the blobs a message uses: its file, the file's
// preview, its link preview's image.
func messageBlobKeys(ctx context.Context, q queryer, messageID int64) ([]string, error) {
	return scanStrings(q.QueryContext(ctx, `
		SELECT blob_key FROM attachments WHERE message_id = ?1
		UNION SELECT preview_key FROM attachments WHERE message_id = ?1 AND preview_key IS NOT NULL
		UNION SELECT image_key FROM link_previews WHERE message_id = ?1 AND image_key IS NOT NULL`, messageID))
}

// StoredAttachment is an attachment with where it belongs, for serving it.
type StoredAttachment struct {
	model.Attachment
	MessageID int64
	RoomID    int64
}

// Attachment returns the file with the id, and its message's room.
func (s *Store) Attachment(ctx context.Context, id int64) (StoredAttachment, error) {
	var sa StoredAttachment
	var a attachmentRow
	err := s.r.QueryRowContext(ctx, `
		SELECT m.id, m.room_id, `+attachmentColumns+`
		FROM attachments a JOIN messages m ON m.id = a.message_id WHERE a.id = ?`, id).
		Scan(append([]any{&sa.MessageID, &sa.RoomID}, a.dests()...)...)
	if err != nil {
		return sa, fmt.Errorf("db: attachment %d: %w", id, notFound(err))
	}
	sa.Attachment = *a.attachment()
	return sa, nil
}

package db

import (
	"context"
	"fmt"

	"github.com/campfire-go/campfire/internal/model"
)

// WebhookRecipient is a bot whose webhook should hear about a message.
type WebhookRecipient struct {
	BotID   int64
	BotName string
	BotKey  string
	URL     string
}

// WebhookRecipients lists the active bots of a room with a webhook that a new
// message concerns: every one of them in a direct room, else those it
// mentions. The message's creator is never among them.
func (s *Store) WebhookRecipients(ctx context.Context, roomID int64, direct bool, mentionIDs []int64, creatorID int64) ([]WebhookRecipient, error) {
	if !direct && len(mentionIDs) == 0 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `
		SELECT u.id, u.name, u.bot_token, w.url
		FROM memberships m
		JOIN users u ON u.id = m.user_id
		JOIN webhooks w ON w.user_id = u.id
		WHERE m.room_id = ? AND u.role = 'bot' AND u.status = 'active' AND u.bot_token IS NOT NULL
		  AND u.id != ? AND (? OR u.id IN (SELECT value FROM json_each(?)))
		ORDER BY u.id`, roomID, creatorID, direct, int64sJSON(mentionIDs))
	if err != nil {
		return nil, fmt.Errorf("db: webhook recipients: %w", err)
	}
	defer rows.Close()
	var out []WebhookRecipient
	for rows.Next() {
		var r WebhookRecipient
		var token string
		if err := rows.Scan(&r.BotID, &r.BotName, &token, &r.URL); err != nil {
			return nil, fmt.Errorf("db: webhook recipients: %w", err)
		}
		r.BotKey = model.BotKey(r.BotID, token)
		out = append(out, r)
	}
	return out, rows.Err()
}

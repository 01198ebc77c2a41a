package db

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/campfire-go/campfire/internal/model"
)

// botTokenLength is the length of the secret half of a bot key.
const botTokenLength = 12

const botTokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newBotToken makes 12 random letters and digits, without modulo bias.
func newBotToken() string {
	b := make([]byte, 0, botTokenLength)
	var buf [32]byte
	for len(b) < botTokenLength {
		_, _ = rand.Read(buf[:])
		for _, c := range buf {
			if c < 248 && len(b) < botTokenLength { // 248 = 4 × 62
				b = append(b, botTokenAlphabet[int(c)%len(botTokenAlphabet)])
			}
		}
	}
	return string(b)
}

// CreateBot adds a bot, a member of every open room like any new user, with an
// optional webhook.
func (s *Store) CreateBot(ctx context.Context, name, webhookURL string) (model.Bot, error) {
	var b model.Bot
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		u, err := insertUser(ctx, tx, name, "", "", model.RoleBot)
		if err != nil {
			return err
		}
		b = model.Bot{User: u, Token: newBotToken(), WebhookURL: webhookURL}
		t := now()
		if _, err := tx.ExecContext(ctx, `UPDATE users SET bot_token = ? WHERE id = ?`, b.Token, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO memberships (room_id, user_id, created_at)
			SELECT id, ?, ? FROM rooms WHERE kind = 'open'`, u.ID, t); err != nil {
			return err
		}
		return setWebhook(ctx, tx, u.ID, webhookURL)
	})
	if err != nil {
		return model.Bot{}, fmt.Errorf("db: create bot: %w", err)
	}
	return b, nil
}

func setWebhook(ctx context.Context, tx *sql.Tx, botID int64, url string) error {
	if url == "" {
		_, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE user_id = ?`, botID)
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO webhooks (user_id, url, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET url = excluded.url`, botID, url, now())
	return err
}

const botColumns = `u.id, u.name, coalesce(u.email_address, ''), u.role, u.status, u.bio, u.created_at,
	coalesce(u.bot_token, ''), coalesce(w.url, ''), coalesce(u.avatar_key, '')`

func scanBot(row interface{ Scan(...any) error }) (model.Bot, error) {
	var b model.Bot
	var created int64
	err := row.Scan(&b.ID, &b.Name, &b.Email, &b.Role, &b.Status, &b.Bio, &created,
		&b.Token, &b.WebhookURL, &b.AvatarKey)
	b.CreatedAt = Time(created)
	return b, err
}

// Bots lists the active bots by name, each with the rooms it is in.
func (s *Store) Bots(ctx context.Context) ([]model.Bot, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT `+botColumns+` FROM users u LEFT JOIN webhooks w ON w.user_id = u.id
		WHERE u.role = 'bot' AND u.status = 'active' ORDER BY lower(u.name), u.id`)
	if err != nil {
		return nil, fmt.Errorf("db: bots: %w", err)
	}
	var bots []model.Bot
	for rows.Next() {
		b, err := scanBot(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("db: bots: %w", err)
		}
		bots = append(bots, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("db: bots: %w", err)
	}
	for i := range bots {
		if bots[i].Rooms, err = s.botRooms(ctx, bots[i].ID); err != nil {
			return nil, err
		}
	}
	return bots, nil
}

// Bot returns an active bot by id.
func (s *Store) Bot(ctx context.Context, id int64) (model.Bot, error) {
	b, err := scanBot(s.r.QueryRowContext(ctx, `
		SELECT `+botColumns+` FROM users u LEFT JOIN webhooks w ON w.user_id = u.id
		WHERE u.id = ? AND u.role = 'bot' AND u.status = 'active'`, id))
	if err != nil {
		return model.Bot{}, fmt.Errorf("db: bot %d: %w", id, notFound(err))
	}
	if b.Rooms, err = s.botRooms(ctx, id); err != nil {
		return model.Bot{}, err
	}
	return b, nil
}

func (s *Store) botRooms(ctx context.Context, botID int64) ([]model.BotRoom, error) {
	rows, err := s.r.QueryContext(ctx, `
		SELECT r.id, r.kind, `+roomDisplayName+`
		FROM memberships m JOIN rooms r ON r.id = m.room_id
		WHERE m.user_id = ?1 ORDER BY r.kind = 'direct', lower(r.name), r.id`, botID)
	if err != nil {
		return nil, fmt.Errorf("db: bot rooms: %w", err)
	}
	defer rows.Close()
	var out []model.BotRoom
	for rows.Next() {
		var r model.BotRoom
		if err := rows.Scan(&r.ID, &r.Kind, &r.Name); err != nil {
			return nil, fmt.Errorf("db: bot rooms: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// UpdateBot renames a bot and sets (or, when blank, removes) its webhook.
func (s *Store) UpdateBot(ctx context.Context, id int64, name, webhookURL string) error {
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE users SET name = ?, updated_at = ? WHERE id = ? AND role = 'bot' AND status = 'active'`,
			name, now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return setWebhook(ctx, tx, id, webhookURL)
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("db: update bot: %w", err)
	}
	if err == nil {
		s.renderedChanged()
	}
	return err
}

// ResetBotKey gives a bot a new token; the old key stops working at once.
func (s *Store) ResetBotKey(ctx context.Context, id int64) (string, error) {
	token := newBotToken()
	res, err := s.w.ExecContext(ctx, `
		UPDATE users SET bot_token = ?, updated_at = ? WHERE id = ? AND role = 'bot' AND status = 'active'`,
		token, now(), id)
	if err != nil {
		return "", fmt.Errorf("db: reset bot key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", ErrNotFound
	}
	return token, nil
}

// DeactivateBot retires a bot: its key stops working, it leaves its shared
// rooms and its webhook is removed. Its messages stay, under its name.
func (s *Store) DeactivateBot(ctx context.Context, id int64) error {
	err := s.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE users SET status = 'deactivated', bot_token = NULL, updated_at = ?
			WHERE id = ? AND role = 'bot' AND status = 'active'`, now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM memberships WHERE user_id = ?
			AND room_id IN (SELECT id FROM rooms WHERE kind != 'direct')`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM webhooks WHERE user_id = ?`, id)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("db: deactivate bot: %w", err)
	}
	return err
}

// BotByKey returns the active bot a key belongs to. The token is compared in
// constant time, so response timing says nothing about how much of it was right.
func (s *Store) BotByKey(ctx context.Context, key string) (model.User, error) {
	idPart, token, ok := strings.Cut(strings.TrimSpace(key), "-")
	if !ok || len(token) != botTokenLength {
		return model.User{}, ErrNotFound
	}
	id, err := strconv.ParseInt(idPart, 10, 64)
	if err != nil || id <= 0 {
		return model.User{}, ErrNotFound
	}
	var stored string
	u, err := scanUserWith(s.r.QueryRowContext(ctx, `
		SELECT `+userColumns+`, coalesce(bot_token, '') FROM users
		WHERE id = ? AND role = 'bot' AND status = 'active'`, id), &stored)
	if err != nil {
		return model.User{}, notFound(err)
	}
	if stored == "" || subtle.ConstantTimeCompare([]byte(stored), []byte(token)) != 1 {
		return model.User{}, ErrNotFound
	}
	return u, nil
}

func scanUserWith(row interface{ Scan(...any) error }, extra ...any) (model.User, error) {
	var u model.User
	var created int64
	dest := append([]any{&u.ID, &u.Name, &u.Email, &u.Role, &u.Status, &u.Bio, &created, &u.AvatarKey}, extra...)
	err := row.Scan(dest...)
	u.CreatedAt = Time(created)
	return u, err
}

// RoomMessageCount is how many messages a room holds.
func (s *Store) RoomMessageCount(ctx context.Context, roomID int64) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE room_id = ?`, roomID).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: room message count: %w", err)
	}
	return n, nil
}

// RoomHasMessagesBefore reports whether the room has messages older than id
// (or, with newer, newer than id): whether another page exists.
func (s *Store) RoomHasMessagesBefore(ctx context.Context, roomID, id int64, newer bool) (bool, error) {
	q := `SELECT EXISTS (SELECT 1 FROM messages WHERE room_id = ? AND id < ?)`
	if newer {
		q = `SELECT EXISTS (SELECT 1 FROM messages WHERE room_id = ? AND id > ?)`
	}
	var ok bool
	if err := s.r.QueryRowContext(ctx, q, roomID, id).Scan(&ok); err != nil {
		return false, fmt.Errorf("db: more messages: %w", err)
	}
	return ok, nil
}

// BotRoomIDs returns the ids of the rooms a bot is in: what its event
// stream follows.
func (s *Store) BotRoomIDs(ctx context.Context, botID int64) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT room_id FROM memberships WHERE user_id = ? ORDER BY room_id`, botID)
	if err != nil {
		return nil, fmt.Errorf("db: bot room ids: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("db: bot room ids: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/campfire-go/campfire/internal/model"
)

// ErrNotEmpty is returned by Import when the database already has people in
// it: an import never merges into a live install.
var ErrNotEmpty = errors.New("db: the database already has users")

// Import runs fn in one write transaction that only an empty database
// accepts, and commits what fn wrote when it returns nil. Everything or
// nothing: an error from fn (or a cancelled ctx) leaves the database as it was.
//
// Imported messages get no events: the real-time log starts after the
// imported history, so no browser is asked to replay years of messages.
func (s *Store) Import(ctx context.Context, fn func(im *Importer) error) error {
	defer s.forgetSignIns()
	defer s.bannedIPs.reset()
	// A bigger page cache while the indexes grow by a million rows: past the
	// usual 16 MB, every insert into the (room, client_message_id) index
	// would read back a page spilled a moment before.
	var cache int64
	if err := s.w.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return fmt.Errorf("db: import: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return fmt.Errorf("db: import: %w", err)
	}
	defer s.w.ExecContext(context.WithoutCancel(ctx), `PRAGMA cache_size = `+strconv.FormatInt(cache, 10))
	return s.Tx(ctx, func(tx *sql.Tx) error {
		var users int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&users); err != nil {
			return err
		}
		if users > 0 {
			return ErrNotEmpty
		}
		// An account without users is a first run never finished; the
		// imported account takes its place.
		if _, err := tx.ExecContext(ctx, `DELETE FROM accounts`); err != nil {
			return err
		}
		// The search index is built once at the end, in bulk, rather than
		// queueing every row for the indexer. The queueing trigger is put
		// back from its own definition, so the schema stays the migrations'
		// word for word; all of it inside the transaction, so a failed import
		// leaves it in place.
		var trigger string
		if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'search_pending_insert'`).Scan(&trigger); err != nil {
			return fmt.Errorf("db: import: the search trigger: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER search_pending_insert`); err != nil {
			return err
		}
		im := &Importer{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
		err := fn(im)
		im.close()
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, trigger); err != nil {
			return fmt.Errorf("db: import: restoring the search trigger: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages_fts (rowid, body_plain)
			SELECT m.id, `+searchTextSQL+` FROM messages m ORDER BY m.id`); err != nil {
			return fmt.Errorf("db: import: rebuilding the search index: %w", err)
		}
		return nil
	})
}

// Importer writes imported rows inside Import's transaction, each kind through
// one prepared statement.
type Importer struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func (im *Importer) exec(query string, args ...any) (sql.Result, error) {
	st, ok := im.stmts[query]
	if !ok {
		var err error
		if st, err = im.tx.PrepareContext(im.ctx, query); err != nil {
			return nil, err
		}
		im.stmts[query] = st
	}
	return st.ExecContext(im.ctx, args...)
}

func (im *Importer) close() {
	for _, st := range im.stmts {
		_ = st.Close()
	}
}

// ImportAccount is the install's account.
type ImportAccount struct {
	Name, JoinCode, CustomStyles string
	RestrictRoomCreation         bool
	CreatedAt, UpdatedAt         int64
}

// Account stores the account.
func (im *Importer) Account(a ImportAccount) error {
	_, err := im.exec(`
		INSERT INTO accounts (name, join_code, custom_styles, restrict_room_creation_to_administrators, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, a.Name, a.JoinCode, a.CustomStyles, a.RestrictRoomCreation, a.CreatedAt, a.UpdatedAt)
	return wrapImport("account", err)
}

// ImportUser is a person or bot with its id and password digest as they were.
type ImportUser struct {
	ID                   int64
	Name, Email          string // Email "" is stored as NULL (bots have none)
	PasswordDigest, Bio  string
	Role                 model.Role
	Status               model.Status
	BotToken             string // "" for people
	CreatedAt, UpdatedAt int64
}

// User stores a user.
func (im *Importer) User(u ImportUser) error {
	_, err := im.exec(`
		INSERT INTO users (id, name, email_address, password_digest, role, status, bio, bot_token, created_at, updated_at)
		VALUES (?, ?, nullif(?, ''), ?, ?, ?, ?, nullif(?, ''), ?, ?)`,
		u.ID, u.Name, u.Email, u.PasswordDigest, string(u.Role), string(u.Status), u.Bio, u.BotToken, u.CreatedAt, u.UpdatedAt)
	return wrapImport("user", err)
}

// Room stores a room with its id.
func (im *Importer) Room(id int64, kind model.RoomKind, name string, creatorID, createdAt, updatedAt int64) error {
	_, err := im.exec(`
		INSERT INTO rooms (id, kind, name, creator_id, created_at, updated_at) VALUES (?, ?, nullif(?, ''), ?, ?, ?)`,
		id, string(kind), name, creatorID, createdAt, updatedAt)
	return wrapImport("room", err)
}

// Membership stores a membership; unreadAt 0 means read.
func (im *Importer) Membership(roomID, userID int64, involvement model.Involvement, unreadAt, createdAt int64) error {
	_, err := im.exec(`
		INSERT INTO memberships (room_id, user_id, involvement, unread_at, created_at) VALUES (?, ?, ?, nullif(?, 0), ?)`,
		roomID, userID, string(involvement), unreadAt, createdAt)
	return wrapImport("membership", err)
}

// ImportMessage is a message with its id, already sanitized.
type ImportMessage struct {
	ID, RoomID, CreatorID int64
	ClientMessageID       string
	HTML, Plain           string
	CreatedAt, UpdatedAt  int64
}

// Message stores a message. It reports false, storing nothing, when the
// room already has a message with that client_message_id; the caller picks
// another one.
func (im *Importer) Message(m ImportMessage) (bool, error) {
	res, err := im.exec(`
		INSERT INTO messages (id, room_id, creator_id, client_message_id, body_html, body_plain, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (room_id, client_message_id) DO NOTHING`,
		m.ID, m.RoomID, m.CreatorID, m.ClientMessageID, m.HTML, m.Plain, m.CreatedAt, m.UpdatedAt)
	if err != nil {
		return false, wrapImport("message", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrapImport("message", err)
}

// Boost stores a boost. It reports false, storing nothing, when its message
// was not imported.
func (im *Importer) Boost(id, messageID, boosterID int64, content string, createdAt int64) (bool, error) {
	res, err := im.exec(`
		INSERT INTO boosts (id, message_id, booster_id, content, created_at)
		SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?)`,
		id, messageID, boosterID, content, createdAt, messageID)
	if err != nil {
		return false, wrapImport("boost", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrapImport("boost", err)
}

// Ban stores a banned address.
func (im *Importer) Ban(userID int64, ip string, createdAt int64) error {
	_, err := im.exec(`INSERT INTO bans (user_id, ip_address, created_at) VALUES (?, ?, ?)`, userID, ip, createdAt)
	return wrapImport("ban", err)
}

// Webhook stores a bot's webhook URL; a later one for the same bot wins.
func (im *Importer) Webhook(userID int64, url string, createdAt int64) error {
	_, err := im.exec(`
		INSERT INTO webhooks (user_id, url, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET url = excluded.url`, userID, url, createdAt)
	return wrapImport("webhook", err)
}

// PushSubscription stores a browser's push subscription. It reports false
// when the endpoint was already stored (a browser subscribed twice).
func (im *Importer) PushSubscription(p model.PushSubscription, createdAt int64) (bool, error) {
	res, err := im.exec(`
		INSERT INTO push_subscriptions (user_id, endpoint, p256dh_key, auth_key, user_agent, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO NOTHING`,
		p.UserID, p.Endpoint, p.P256dh, p.Auth, p.UserAgent, createdAt)
	if err != nil {
		return false, wrapImport("push subscription", err)
	}
	n, err := res.RowsAffected()
	return n == 1, wrapImport("push subscription", err)
}

// Search stores a remembered query; the same query again keeps the latest time.
func (im *Importer) Search(userID int64, query string, updatedAt int64) error {
	_, err := im.exec(`
		INSERT INTO searches (user_id, query, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, query) DO UPDATE SET updated_at = max(updated_at, excluded.updated_at)`,
		userID, query, updatedAt)
	return wrapImport("search", err)
}

// Finish trims each user's remembered searches to the usual few.
func (im *Importer) Finish() error {
	_, err := im.tx.ExecContext(im.ctx, `
		DELETE FROM searches WHERE id NOT IN (
			SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY updated_at DESC, id DESC) AS n
			FROM searches) WHERE n <= ?)`, RecentSearchLimit)
	return wrapImport("searches", err)
}

func wrapImport(kind string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("db: import %s: %w", kind, err)
}

// Package importer moves an existing ONCE Campfire install into an empty
// Campfire in Go database: `campfire import`. The source is read through a
// read-only connection and never changed; the target is written in one
// transaction, so a failed import leaves it as it was and can simply run again.
package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/model"
)

// Options say what to import and how to show progress.
type Options struct {
	DB       string       // the ONCE Campfire SQLite file
	Files    string       // its Active Storage folder; "" when not given
	Storage  *files.Store // the target's storage folder, where files are copied; nil leaves them behind
	Progress io.Writer    // where progress goes; nil for none
	Terminal bool         // Progress is a terminal: draw a bar
	Workers  int          // bodies converted at once; 0 for one per CPU
}

// ErrTargetNotEmpty is returned when the target already has users.
var ErrTargetNotEmpty = errors.New("the target database already has users: import only into a new, empty database")

// Reasons used in the report, named so that tests can ask for them.
const (
	ReasonFileMissing      = "file not found in the files folder: left behind"
	ReasonFileUnusable     = "file not kept"
	ReasonPictureUnusable  = "avatar or logo that is not a PNG, JPEG, GIF or WebP image: left behind"
	ReasonOtherFile        = "file of a kind Campfire in Go does not keep: left behind"
	ReasonNoStorage        = "file: no storage folder to copy it into"
	ReasonAttachmentOnly   = "message that was only a file, and the file could not be brought"
	ReasonInlineFile       = "file inside a message body, not attached to it: the text is kept, the file is not"
	ReasonCreatorGone      = "message whose creator is not in the database"
	ReasonRoomGone         = "message whose room is not in the database"
	ReasonNoText           = "message with no text once sanitized (not valid HTML, or markup only)"
	ReasonNoBody           = "message without a body"
	ReasonRepeatedClientID = "client_message_id repeated within a room: the later message got a fresh one"
	ReasonInvalidClientID  = "client_message_id not usable here: replaced"
	ReasonStrangerMention  = "mention of a user not in the database: kept as text"
	ReasonSessions         = "sign-in session: not imported, everyone signs in again"
)

type run struct {
	ctx    context.Context
	src    *source
	im     *db.Importer
	r      *Report
	opt    Options
	names  map[int64]string
	roles  map[int64]model.Role
	rooms  map[int64]model.RoomKind
	anyone int64 // the user that stands in for a room's missing creator
	files  *broughtFiles
}

// Run imports the database opt.DB into store, which must have no users.
func Run(ctx context.Context, store *db.Store, opt Options) (*Report, error) {
	start := time.Now()
	if opt.Files != "" {
		if fi, err := os.Stat(opt.Files); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("files folder %s: not a folder", opt.Files)
		}
	}
	src, err := openSource(ctx, opt.DB)
	if err != nil {
		return nil, err
	}
	defer src.close()
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	r := newReport()
	ru := &run{ctx: ctx, src: src, r: r, opt: opt,
		names: map[int64]string{}, roles: map[int64]model.Role{}, rooms: map[int64]model.RoomKind{}}
	// Files first, outside the transaction: if anything fails after, the
	// release removes them again, since no committed row refers to them.
	// After a good import it keeps those the rows use. Anything it misses is
	// removed by the collection at the server's next start.
	if opt.Storage != nil {
		defer func() { _ = ru.files.release(ctx, opt.Storage, store) }()
	}
	if ru.files, err = ru.copyFiles(store); err != nil {
		return nil, err
	}
	err = store.Import(ctx, func(im *db.Importer) error {
		ru.im = im
		for _, step := range []func() error{
			ru.account, ru.users, ru.avatarsAndLogo, ru.roomsStep, ru.memberships, ru.messages, ru.boosts,
			ru.bans, ru.webhooks, ru.pushSubscriptions, ru.searches, ru.sessions,
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return im.Finish()
	})
	if errors.Is(err, db.ErrNotEmpty) {
		return nil, ErrTargetNotEmpty
	}
	if err != nil {
		return nil, err
	}
	r.Duration = time.Since(start)
	r.finish()
	return r, nil
}

func (ru *run) say(format string, args ...any) {
	if ru.opt.Progress != nil {
		fmt.Fprintf(ru.opt.Progress, format+"\n", args...)
	}
}

func (ru *run) account() error {
	s := ru.src
	q := `SELECT ` + joinCols(s.col("accounts", "a", "name", "''"), s.col("accounts", "a", "join_code", "''"),
		s.col("accounts", "a", "custom_styles", "''"), s.col("accounts", "a", "settings", "'{}'"),
		s.ms("accounts", "a", "created_at"), s.ms("accounts", "a", "updated_at")) +
		` FROM accounts a ORDER BY a.id LIMIT 1`
	var a db.ImportAccount
	var settings string
	err := s.db.QueryRowContext(ru.ctx, q).Scan(&a.Name, &a.JoinCode, &a.CustomStyles, &settings, &a.CreatedAt, &a.UpdatedAt)
	if err != nil {
		return fmt.Errorf("%s has no account: was this Campfire ever set up? (%w)", s.path, err)
	}
	var set map[string]any
	if json.Unmarshal([]byte(settings), &set) == nil {
		switch v := set["restrict_room_creation_to_administrators"].(type) {
		case bool:
			a.RestrictRoomCreation = v
		case string:
			a.RestrictRoomCreation = v == "true" || v == "1"
		}
	}
	if strings.TrimSpace(a.Name) == "" {
		a.Name = "Campfire"
	}
	a.CreatedAt = orNow(a.CreatedAt)
	a.UpdatedAt = orNow(a.UpdatedAt)
	if err := ru.im.Account(a); err != nil {
		return err
	}
	ru.r.Counts["account"] = 1
	return nil
}

// roles and statuses are Rails integer enums, in declaration order.
var (
	roleByNumber   = map[int64]model.Role{0: model.RoleMember, 1: model.RoleAdministrator, 2: model.RoleBot}
	statusByNumber = map[int64]model.Status{0: model.StatusActive, 1: model.StatusDeactivated, 2: model.StatusBanned}
)

func (ru *run) users() error {
	s := ru.src
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("u.id", s.col("users", "u", "name", "''"),
		s.col("users", "u", "email_address", "''"), s.col("users", "u", "password_digest", "''"),
		"coalesce(u.role, 0)", "coalesce(u.status, 0)", s.col("users", "u", "bio", "''"), s.col("users", "u", "bot_token", "''"),
		s.ms("users", "u", "created_at"), s.ms("users", "u", "updated_at"))+` FROM users u ORDER BY u.id`)
	if err != nil {
		return fmt.Errorf("reading users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u db.ImportUser
		var role, status int64
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &u.PasswordDigest, &role, &status, &u.Bio, &u.BotToken, &u.CreatedAt, &u.UpdatedAt); err != nil {
			return fmt.Errorf("reading users: %w", err)
		}
		var ok bool
		if u.Role, ok = roleByNumber[role]; !ok {
			u.Role = model.RoleMember
			ru.r.skip("user with an unknown role: imported as a member", "user "+strconv.FormatInt(u.ID, 10))
		}
		if u.Status, ok = statusByNumber[status]; !ok {
			u.Status = model.StatusDeactivated
			ru.r.skip("user with an unknown status: imported as deactivated", "user "+strconv.FormatInt(u.ID, 10))
		}
		if u.Role != model.RoleBot {
			u.BotToken = ""
		} else if len(u.BotToken) != 12 && u.Status == model.StatusActive {
			ru.r.skip("bot whose key is not 12 letters and digits: reset its key after the import", "user "+strconv.FormatInt(u.ID, 10))
		}
		u.Email = strings.TrimSpace(u.Email)
		u.CreatedAt = orNow(u.CreatedAt)
		u.UpdatedAt = max(u.UpdatedAt, u.CreatedAt)
		if err := ru.im.User(u); err != nil {
			return fmt.Errorf("user %d: %w", u.ID, err)
		}
		ru.names[u.ID] = u.Name
		ru.roles[u.ID] = u.Role
		if ru.anyone == 0 || (u.Role == model.RoleAdministrator && ru.roles[ru.anyone] != model.RoleAdministrator) {
			ru.anyone = u.ID
		}
		ru.r.Counts["users"]++
	}
	return rows.Err()
}

var kindByType = map[string]model.RoomKind{"Rooms::Open": model.RoomOpen, "Rooms::Closed": model.RoomClosed, "Rooms::Direct": model.RoomDirect}

func (ru *run) roomsStep() error {
	s := ru.src
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("r.id", "coalesce(r.type, '')", s.col("rooms", "r", "name", "''"),
		"coalesce(r.creator_id, 0)", s.ms("rooms", "r", "created_at"), s.ms("rooms", "r", "updated_at"))+` FROM rooms r ORDER BY r.id`)
	if err != nil {
		return fmt.Errorf("reading rooms: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, creator, created, updated int64
		var typ, name string
		if err := rows.Scan(&id, &typ, &name, &creator, &created, &updated); err != nil {
			return fmt.Errorf("reading rooms: %w", err)
		}
		kind, ok := kindByType[typ]
		if !ok {
			ru.r.skip("room of an unknown type (with its messages)", fmt.Sprintf("room %d %q", id, typ))
			continue
		}
		if _, ok := ru.names[creator]; !ok {
			if ru.anyone == 0 {
				ru.r.skip("room with no users to have made it", "room "+strconv.FormatInt(id, 10))
				continue
			}
			ru.r.skip("room whose creator is not in the database: credited to an administrator", "room "+strconv.FormatInt(id, 10))
			creator = ru.anyone
		}
		if kind == model.RoomDirect {
			name = ""
		}
		created = orNow(created)
		if err := ru.im.Room(id, kind, name, creator, created, max(updated, created)); err != nil {
			return fmt.Errorf("room %d: %w", id, err)
		}
		ru.rooms[id] = kind
		ru.r.Counts["rooms"]++
	}
	return rows.Err()
}

var involvements = map[string]model.Involvement{
	"everything": model.InvolvementEverything, "mentions": model.InvolvementMentions,
	"nothing": model.InvolvementNothing, "invisible": model.InvolvementInvisible,
}

func (ru *run) memberships() error {
	s := ru.src
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("m.room_id", "m.user_id", s.col("memberships", "m", "involvement", "''"),
		s.ms("memberships", "m", "unread_at"), s.ms("memberships", "m", "created_at"))+` FROM memberships m ORDER BY m.id`)
	if err != nil {
		return fmt.Errorf("reading memberships: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var roomID, userID, unread, created int64
		var inv string
		if err := rows.Scan(&roomID, &userID, &inv, &unread, &created); err != nil {
			return fmt.Errorf("reading memberships: %w", err)
		}
		kind, ok := ru.rooms[roomID]
		if _, known := ru.names[userID]; !ok || !known {
			ru.r.skip("membership of a room or user not imported", fmt.Sprintf("room %d user %d", roomID, userID))
			continue
		}
		involvement, ok := involvements[inv]
		if !ok {
			involvement = model.InvolvementMentions
			if kind == model.RoomDirect {
				involvement = model.InvolvementEverything
			}
			if inv != "" {
				ru.r.skip("membership with an unknown involvement: the room's default", fmt.Sprintf("room %d user %d", roomID, userID))
			}
		}
		if err := ru.im.Membership(roomID, userID, involvement, unread, orNow(created)); err != nil {
			return fmt.Errorf("membership of user %d in room %d: %w", userID, roomID, err)
		}
		ru.r.Counts["memberships"]++
	}
	return rows.Err()
}

func (ru *run) boosts() error {
	s := ru.src
	if !s.has("boosts") {
		return nil
	}
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("b.id", "b.message_id", "b.booster_id", s.col("boosts", "b", "content", "''"),
		s.ms("boosts", "b", "created_at"))+` FROM boosts b ORDER BY b.id`)
	if err != nil {
		return fmt.Errorf("reading boosts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, messageID, boosterID, created int64
		var content string
		if err := rows.Scan(&id, &messageID, &boosterID, &content, &created); err != nil {
			return fmt.Errorf("reading boosts: %w", err)
		}
		example := "boost " + strconv.FormatInt(id, 10)
		if _, ok := ru.names[boosterID]; !ok {
			ru.r.skip("boost whose booster is not in the database", example)
			continue
		}
		if strings.TrimSpace(content) == "" {
			ru.r.skip("boost with no content", example)
			continue
		}
		ok, err := ru.im.Boost(id, messageID, boosterID, content, orNow(created))
		if err != nil {
			return fmt.Errorf("boost %d: %w", id, err)
		}
		if !ok {
			ru.r.skip("boost of a message not imported", example)
			continue
		}
		ru.r.Counts["boosts"]++
	}
	return rows.Err()
}

func (ru *run) bans() error {
	s := ru.src
	if !s.has("bans") {
		return nil
	}
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("b.user_id", s.col("bans", "b", "ip_address", "''"),
		s.ms("bans", "b", "created_at"))+` FROM bans b ORDER BY b.id`)
	if err != nil {
		return fmt.Errorf("reading bans: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var userID, created int64
		var ip string
		if err := rows.Scan(&userID, &ip, &created); err != nil {
			return fmt.Errorf("reading bans: %w", err)
		}
		if _, ok := ru.names[userID]; !ok || strings.TrimSpace(ip) == "" {
			ru.r.skip("ban of a user not in the database, or with no address", "user "+strconv.FormatInt(userID, 10))
			continue
		}
		if err := ru.im.Ban(userID, strings.TrimSpace(ip), orNow(created)); err != nil {
			return err
		}
		ru.r.Counts["bans"]++
	}
	return rows.Err()
}

func (ru *run) webhooks() error {
	s := ru.src
	if !s.has("webhooks") {
		return nil
	}
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("w.user_id", s.col("webhooks", "w", "url", "''"),
		s.ms("webhooks", "w", "created_at"))+` FROM webhooks w ORDER BY w.id`)
	if err != nil {
		return fmt.Errorf("reading webhooks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var userID, created int64
		var url string
		if err := rows.Scan(&userID, &url, &created); err != nil {
			return fmt.Errorf("reading webhooks: %w", err)
		}
		if ru.roles[userID] != model.RoleBot || strings.TrimSpace(url) == "" {
			ru.r.skip("webhook of a user who is not a bot, or with no URL", "user "+strconv.FormatInt(userID, 10))
			continue
		}
		if err := ru.im.Webhook(userID, strings.TrimSpace(url), orNow(created)); err != nil {
			return err
		}
		ru.r.Counts["webhooks"]++
	}
	return rows.Err()
}

func (ru *run) pushSubscriptions() error {
	s := ru.src
	if !s.has("push_subscriptions") {
		return nil
	}
	t := "push_subscriptions"
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("p.user_id", s.col(t, "p", "endpoint", "''"), s.col(t, "p", "p256dh_key", "''"),
		s.col(t, "p", "auth_key", "''"), s.col(t, "p", "user_agent", "''"), s.ms(t, "p", "created_at"))+` FROM push_subscriptions p ORDER BY p.id`)
	if err != nil {
		return fmt.Errorf("reading push subscriptions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p model.PushSubscription
		var created int64
		if err := rows.Scan(&p.UserID, &p.Endpoint, &p.P256dh, &p.Auth, &p.UserAgent, &created); err != nil {
			return fmt.Errorf("reading push subscriptions: %w", err)
		}
		if _, ok := ru.names[p.UserID]; !ok || !strings.HasPrefix(p.Endpoint, "https://") || p.P256dh == "" || p.Auth == "" {
			ru.r.skip("push subscription of a user not in the database, or incomplete", "user "+strconv.FormatInt(p.UserID, 10))
			continue
		}
		ok, err := ru.im.PushSubscription(p, orNow(created))
		if err != nil {
			return err
		}
		if !ok {
			ru.r.skip("push subscription repeated: kept once", "user "+strconv.FormatInt(p.UserID, 10))
			continue
		}
		ru.r.Counts["push subscriptions"]++
	}
	return rows.Err()
}

func (ru *run) searches() error {
	s := ru.src
	if !s.has("searches") {
		return nil
	}
	rows, err := s.db.QueryContext(ru.ctx, `SELECT `+joinCols("q.user_id", s.col("searches", "q", "query", "''"),
		"max("+s.ms("searches", "q", "updated_at")+", "+s.ms("searches", "q", "created_at")+")")+` FROM searches q ORDER BY q.id`)
	if err != nil {
		return fmt.Errorf("reading searches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var userID, updated int64
		var query string
		if err := rows.Scan(&userID, &query, &updated); err != nil {
			return fmt.Errorf("reading searches: %w", err)
		}
		query = db.CleanQuery(query)
		if _, ok := ru.names[userID]; !ok || query == "" {
			ru.r.skip("search of a user not in the database, or with no words", "user "+strconv.FormatInt(userID, 10))
			continue
		}
		if err := ru.im.Search(userID, query, orNow(updated)); err != nil {
			return err
		}
		ru.r.Counts["searches"]++
	}
	return rows.Err()
}

func (ru *run) sessions() error {
	if !ru.src.has("sessions") {
		return nil
	}
	n, err := ru.src.count(ru.ctx, `SELECT count(*) FROM sessions`)
	if err != nil {
		return fmt.Errorf("reading sessions: %w", err)
	}
	if n > 0 {
		ru.r.skipN(ReasonSessions, "", n)
	}
	return nil
}

// orNow stands in for a time the source did not have or could not be read.
func orNow(ms int64) int64 {
	if ms <= 0 {
		return time.Now().UnixMilli()
	}
	return ms
}

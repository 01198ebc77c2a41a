package oncetest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3" // the driver

	"golang.org/x/crypto/bcrypt"
)

// Options shape the generated install.
type Options struct {
	Messages   int    // messages spread over the rooms; 10,000 when 0
	WebhookURL string // the bot's webhook; a placeholder when ""
	Newer      bool   // add columns and a table a later Campfire might have
	Older      bool   // the 2024 schema: rooms without members_hash
	Broken     bool   // add rows that break rules (see Fixture.Broken*)
	// Cost is the bcrypt cost of the passwords; bcrypt.MinCost when 0
	// (Campfire uses 12, which only makes tests slow).
	Cost int
}

// Password is every person's password.
const Password = "secret123456"

// People and rooms of the generated install, by id.
const (
	Admin       = 1 // Ada Admin, administrator
	Member      = 2 // Ben Member
	Member2     = 3 // Cat Member
	Deactivated = 4 // Dan Gone
	Bot         = 5 // Echo Bot, with a webhook
	Banned      = 6 // Eve Banned, with a ban

	OpenRoom      = 1 // "All Talk": Ada, Ben, Cat, Echo
	ClosedRoom    = 2 // "Secret Plans": Ada, Ben
	DirectRoom    = 3 // Ben and Cat
	BotDirectRoom = 4 // Cat and Echo

	BotToken   = "AbCdEf123456"
	BannedIP   = "198.51.100.7"
	UniqueWord = "zanzibar"
)

// Fixture is a generated install and what the tests expect of it.
type Fixture struct {
	StorageDir string // the ONCE storage folder
	DB         string // its database file
	// MessagesPerRoom is how many messages each room should have once imported.
	MessagesPerRoom map[int64]int
	Messages        int   // in all, as imported
	MentionMessage  int64 // a message of the open room mentioning Ben through an sgid
	LegacyMention   int64 // the same through a Rails 7.0 (Marshal) sgid
	SoundMessage    int64 // "/play tada"
	UniqueMessage   int64 // the only message with UniqueWord
	BoostedMessage  int64 // has two boosts
	// Files: a message that is only a picture, one with words and a PDF,
	// and one whose file is missing from the folder (kept without it).
	FileMessage, PDFMessage, MissingFileMessage int64
	PictureBytes, PDFBytes                      []byte
	// With Options.Broken: a message whose creator is gone, one whose body is
	// only a script, and a client_message_id used twice in a room.
	BrokenCreator, BrokenBody, RepeatedClientID int64
}

// Build writes a ONCE-shaped install under dir (dir/db/production.sqlite3
// and the Active Storage files).
func Build(dir string, opt Options) (*Fixture, error) {
	if opt.Messages == 0 {
		opt.Messages = 10000
	}
	if opt.Cost == 0 {
		opt.Cost = bcrypt.MinCost
	}
	if opt.WebhookURL == "" {
		opt.WebhookURL = "http://127.0.0.1:9/webhook"
	}
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "db", "production.sqlite3")
	conn, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	ctx := context.Background()
	ddl := schema
	if opt.Older {
		ddl = strings.Replace(ddl, "members_hash varchar, ", "", 1)
		ddl = strings.Replace(ddl, "CREATE INDEX index_rooms_on_members_hash ON rooms (members_hash);", "", 1)
	}
	if opt.Newer {
		ddl += newer
	}
	if _, err := conn.ExecContext(ctx, ddl); err != nil {
		return nil, fmt.Errorf("oncetest: schema: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	g := &gen{ctx: ctx, tx: tx, opt: opt, dir: dir, f: &Fixture{StorageDir: dir, DB: path, MessagesPerRoom: map[int64]int{}}}
	for _, step := range []func() error{g.people, g.rooms, g.messages, g.extras, g.files} {
		if err := step(); err != nil {
			return nil, fmt.Errorf("oncetest: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	// Leave the file as a stopped Campfire would: everything in the main file.
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return nil, err
	}
	return g.f, nil
}

type gen struct {
	ctx context.Context
	tx  *sql.Tx
	opt Options
	dir string
	f   *Fixture
}

func (g *gen) exec(q string, args ...any) error {
	_, err := g.tx.ExecContext(g.ctx, q, args...)
	return err
}

var epoch = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// railsTime is how Rails writes a datetime(6) into SQLite.
func railsTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000000") }

func (g *gen) people() error {
	digest, err := bcrypt.GenerateFromPassword([]byte(Password), g.opt.Cost)
	if err != nil {
		return err
	}
	now := railsTime(epoch)
	if err := g.exec(`INSERT INTO accounts (id, name, join_code, custom_styles, settings, created_at, updated_at)
		VALUES (1, 'Acme HQ', 'AbCd-EfGh-IjKl', '.message { color: teal; }', '{"restrict_room_creation_to_administrators":true}', ?, ?)`, now, now); err != nil {
		return err
	}
	type person struct {
		id           int
		name, email  string
		role, status int
		token        any
		password     any
	}
	people := []person{
		{Admin, "Ada Admin", "ada@example.com", 1, 0, nil, string(digest)},
		{Member, "Ben Member", "ben@example.com", 0, 0, nil, string(digest)},
		{Member2, "Cat Member", "cat@example.com", 0, 0, nil, string(digest)},
		{Deactivated, "Dan Gone", "dan-deactivated-6f0c7c55-2a4e-4e3e-9a53-0b7f7d1f0c11@example.com", 0, 1, nil, string(digest)},
		{Bot, "Echo Bot", "", 2, 0, BotToken, nil},
		{Banned, "Eve Banned", "eve@example.com", 0, 2, nil, string(digest)},
	}
	for _, p := range people {
		var email any = p.email
		if p.email == "" {
			email = nil
		}
		if err := g.exec(`INSERT INTO users (id, name, email_address, password_digest, role, status, bot_token, bio, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)`, p.id, p.name, email, p.password, p.role, p.status, p.token, now, now); err != nil {
			return err
		}
	}
	if err := g.exec(`INSERT INTO webhooks (user_id, url, created_at, updated_at) VALUES (?, ?, ?, ?)`, Bot, g.opt.WebhookURL, now, now); err != nil {
		return err
	}
	return g.exec(`INSERT INTO bans (user_id, ip_address, created_at, updated_at) VALUES (?, ?, ?, ?)`, Banned, BannedIP, now, now)
}

// members of each room, with their involvement.
var members = map[int64]map[int64]string{
	OpenRoom:      {Admin: "everything", Member: "mentions", Member2: "mentions", Bot: "mentions"},
	ClosedRoom:    {Admin: "everything", Member: "nothing"},
	DirectRoom:    {Member: "everything", Member2: "everything"},
	BotDirectRoom: {Member2: "everything", Bot: "everything"},
}

// authors write in a room, in turn.
var authors = map[int64][]int64{
	OpenRoom:      {Admin, Member, Member2, Admin},
	ClosedRoom:    {Admin, Member},
	DirectRoom:    {Member, Member2},
	BotDirectRoom: {Member2, Bot},
}

func (g *gen) rooms() error {
	now := railsTime(epoch)
	rooms := []struct {
		id      int64
		typ     string
		name    any
		creator int64
	}{
		{OpenRoom, "Rooms::Open", "All Talk", Admin},
		{ClosedRoom, "Rooms::Closed", "Secret Plans", Admin},
		{DirectRoom, "Rooms::Direct", nil, Member},
		{BotDirectRoom, "Rooms::Direct", nil, Member2},
	}
	for _, r := range rooms {
		if err := g.exec(`INSERT INTO rooms (id, type, name, creator_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			r.id, r.typ, r.name, r.creator, now, now); err != nil {
			return err
		}
		for uid, inv := range members[r.id] {
			var unread any
			if uid == Member && r.id == OpenRoom {
				unread = now // Ben has not read All Talk
			}
			if err := g.exec(`INSERT INTO memberships (room_id, user_id, involvement, unread_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)`, r.id, uid, inv, unread, now, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// SGID is a signed global id for a user as Rails 7.1 and later write it: the
// JSON payload in base64, then "--" and a signature the importer never checks.
func SGID(userID int64) string {
	payload := fmt.Sprintf(`{"_rails":{"data":"gid://campfire/User/%d","pur":"attachable"}}`, userID)
	return base64.StdEncoding.EncodeToString([]byte(payload)) + "--0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
}

// LegacySGID is the Rails 7.0 form: a Marshal dump in which the global id
// appears as a plain string.
func LegacySGID(userID int64) string {
	gid := fmt.Sprintf("gid://campfire/User/%d", userID)
	payload := "\x04\bo:\x1dActiveSupport::Messages::Metadata\b:\x0d@messageI\"" + string(rune(len(gid)+5)) + gid + "\x06:\x06ET:\x10@expires_at0:\x10@purposeI\"\x0fattachable\x06;\x07T"
	return base64.StdEncoding.EncodeToString([]byte(payload)) + "--ffeeddccbbaa99887766554433221100ffeeddcc"
}

// mention is the markup Campfire's composer stores for an @mention.
func mention(sgid, name string) string {
	content := fmt.Sprintf(`<span class="mention"><img src="/users/x/avatar" class="avatar" alt="">%s</span>`, name)
	return `<action-text-attachment sgid="` + sgid + `" content-type="application/vnd.campfire.mention" content="` +
		strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(content) + `"></action-text-attachment>`
}

var words = []string{"deploy", "coffee", "lunch", "release", "design", "meeting", "review", "customers", "roadmap", "bugfix"}

func (g *gen) messages() error {
	msg, err := g.tx.PrepareContext(g.ctx, `INSERT INTO messages (id, room_id, creator_id, client_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer msg.Close()
	text, err := g.tx.PrepareContext(g.ctx, `INSERT INTO action_text_rich_texts (record_type, record_id, name, body, created_at, updated_at) VALUES ('Message', ?, 'body', ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer text.Close()
	roomOrder := []int64{OpenRoom, OpenRoom, OpenRoom, ClosedRoom, DirectRoom, BotDirectRoom}
	turn := map[int64]int{}
	for i := 1; i <= g.opt.Messages; i++ {
		id := int64(i)
		room := roomOrder[i%len(roomOrder)]
		var body string
		switch {
		case i == 7:
			room = OpenRoom
			body = `<div>Welcome ` + mention(SGID(Member), "Ben Member") + ` to the team!</div>`
			g.f.MentionMessage = id
		case i == 13:
			room = OpenRoom
			body = `<div>` + mention(LegacySGID(Member2), "Cat Member") + ` please review</div>`
			g.f.LegacyMention = id
		case i == 19:
			room = OpenRoom
			body = `<div>/play tada</div>`
			g.f.SoundMessage = id
		case i == 42:
			room = ClosedRoom
			body = `<div>The offsite is in <strong>` + UniqueWord + `</strong> this year</div>`
			g.f.UniqueMessage = id
		case i%10 == 0:
			body = fmt.Sprintf(`<div>Message %d: <strong>%s</strong> is <em>on</em> for today<br>see <a href="https://example.com/%d">the notes</a></div>`, i, words[i%len(words)], i)
		case i%10 == 5:
			body = fmt.Sprintf("Plain text from a bot, number %d, about %s", i, words[i%len(words)]) // ActionText keeps plain text as is
		default:
			body = fmt.Sprintf(`<div>Message %d about %s and %s</div>`, i, words[i%len(words)], words[(i/10)%len(words)])
		}
		who := authors[room][turn[room]%len(authors[room])]
		turn[room]++
		at := railsTime(epoch.Add(time.Duration(i) * time.Second))
		if _, err := msg.ExecContext(g.ctx, id, room, who, fmt.Sprintf("%08x-1d2c-4b3a-9f8e-%012x", i, i), at, at); err != nil {
			return err
		}
		if _, err := text.ExecContext(g.ctx, id, body, at, at); err != nil {
			return err
		}
		g.f.MessagesPerRoom[room]++
		g.f.Messages++
	}
	return nil
}

func (g *gen) extras() error {
	now := railsTime(epoch)
	g.f.BoostedMessage = g.f.MentionMessage
	for i, b := range []struct {
		who     int64
		content string
	}{{Admin, "🎉"}, {Member2, "welcome!"}} {
		if err := g.exec(`INSERT INTO boosts (id, message_id, booster_id, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			i+1, g.f.BoostedMessage, b.who, b.content, now, now); err != nil {
			return err
		}
	}
	if err := g.exec(`INSERT INTO push_subscriptions (user_id, endpoint, p256dh_key, auth_key, user_agent, created_at, updated_at)
		VALUES (?, 'https://push.example.com/send/abc123', 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U', 'tBHItJI5svbpez7KI4CCXg', 'Firefox', ?, ?)`,
		Admin, now, now); err != nil {
		return err
	}
	if err := g.exec(`INSERT INTO searches (user_id, query, created_at, updated_at) VALUES (?, 'pizza', ?, ?), (?, 'release notes', ?, ?)`,
		Admin, now, now, Member, now, now); err != nil {
		return err
	}
	if err := g.exec(`INSERT INTO sessions (user_id, token, ip_address, user_agent, last_active_at, created_at, updated_at)
		VALUES (?, 'tok-ada', '203.0.113.5', 'Safari', ?, ?, ?)`, Admin, now, now, now); err != nil {
		return err
	}
	if !g.opt.Broken {
		return nil
	}
	next := int64(g.opt.Messages)
	add := func(room, creator int64, clientID, body string) (int64, error) {
		next++
		at := railsTime(epoch.Add(time.Duration(next) * time.Second))
		if err := g.exec(`INSERT INTO messages (id, room_id, creator_id, client_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			next, room, creator, clientID, at, at); err != nil {
			return 0, err
		}
		return next, g.exec(`INSERT INTO action_text_rich_texts (record_type, record_id, name, body, created_at, updated_at) VALUES ('Message', ?, 'body', ?, ?, ?)`,
			next, body, at, at)
	}
	var err error
	if g.f.BrokenCreator, err = add(OpenRoom, 999, "broken-creator", "<div>from someone long gone</div>"); err != nil {
		return err
	}
	if g.f.BrokenBody, err = add(OpenRoom, Admin, "broken-body", "<script>alert(1)</script><style>p{}</style>"); err != nil {
		return err
	}
	if _, err = add(ClosedRoom, Admin, "same-id", "<div>first with this id</div>"); err != nil {
		return err
	}
	if g.f.RepeatedClientID, err = add(ClosedRoom, Member, "same-id", "<div>second with this id</div>"); err != nil {
		return err
	}
	g.f.MessagesPerRoom[ClosedRoom] += 2
	g.f.Messages += 2
	return nil
}

// files adds what Active Storage would hold, each with its blob row and its
// file on disk under the two-level key folders: a message that is only a
// picture (wider than a preview, so one is made), a message with a PDF and
// words, an avatar, the account's logo, and a message whose file is missing.
func (g *gen) files() error {
	now := railsTime(epoch)
	picture, err := pngOf(1300, 40)
	if err != nil {
		return err
	}
	square, err := pngOf(96, 96)
	if err != nil {
		return err
	}
	g.f.PictureBytes = picture
	g.f.PDFBytes = []byte("%PDF-1.4\n% a report\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	base := int64(g.opt.Messages) + 100
	g.f.FileMessage, g.f.PDFMessage, g.f.MissingFileMessage = base, base+1, base+2
	for _, m := range []struct {
		id       int64
		clientID string
		body     string
	}{{g.f.FileMessage, "file-message", ""}, {g.f.PDFMessage, "pdf-message", "<div>the quarterly report</div>"},
		{g.f.MissingFileMessage, "missing-file-message", "<div>the file of this one is gone</div>"}} {
		if err := g.exec(`INSERT INTO messages (id, room_id, creator_id, client_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			m.id, OpenRoom, Member, m.clientID, now, now); err != nil {
			return err
		}
		if m.body != "" {
			if err := g.exec(`INSERT INTO action_text_rich_texts (name, body, record_type, record_id, created_at, updated_at)
				VALUES ('body', ?, 'Message', ?, ?, ?)`, m.body, m.id, now, now); err != nil {
				return err
			}
		}
		g.f.MessagesPerRoom[OpenRoom]++
		g.f.Messages++
	}
	for i, f := range []struct {
		key, name, contentType, recordType, attachment string
		record                                         int64
		data                                           []byte // nil: the file is missing
	}{
		{"k3y1abcdefghijklmnop", "cat.png", "image/png", "Message", "attachment", g.f.FileMessage, picture},
		{"k3y2abcdefghijklmnop", "ben.png", "image/png", "User", "avatar", Member, square},
		{"k3y3abcdefghijklmnop", "Q3 report.pdf", "application/pdf", "Message", "attachment", g.f.PDFMessage, g.f.PDFBytes},
		{"k3y4abcdefghijklmnop", "logo.png", "image/png", "Account", "logo", 1, square},
		{"k3y5abcdefghijklmnop", "gone.txt", "text/plain", "Message", "attachment", g.f.MissingFileMessage, nil},
	} {
		if f.data != nil {
			p := filepath.Join(g.dir, f.key[:2], f.key[2:4], f.key)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, f.data, 0o644); err != nil {
				return err
			}
		}
		if err := g.exec(`INSERT INTO active_storage_blobs (id, key, filename, content_type, metadata, service_name, byte_size, checksum, created_at)
			VALUES (?, ?, ?, ?, '{}', 'local', ?, 'x', ?)`, i+1, f.key, f.name, f.contentType, len(f.data), now); err != nil {
			return err
		}
		if err := g.exec(`INSERT INTO active_storage_attachments (name, record_type, record_id, blob_id, created_at) VALUES (?, ?, ?, ?, ?)`,
			f.attachment, f.recordType, f.record, i+1, now); err != nil {
			return err
		}
	}
	return nil
}

// pngOf is a w × h picture: a gradient, so it is not all one colour.
func pngOf(w, h int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 160, 255})
		}
	}
	var buf bytes.Buffer
	err := png.Encode(&buf, img)
	return buf.Bytes(), err
}

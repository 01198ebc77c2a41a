// Package perf seeds databases for load tests and benchmarks, and holds the
// reference benchmarks Campfire's figures are compared with.
package perf

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
	"golang.org/x/crypto/bcrypt"
)

// Password is every seeded person's password.
const Password = "bench-password"

// Options shape a seeded database.
type Options struct {
	Users         int // people; user 1 is the administrator (default 2,000)
	FanoutMembers int // members of the Fanout room besides the administrator (default 1,000)
	Messages      int // messages in all (default 100,000)
	TenK          int // messages in the "Ten Thousand" room (default 10,000, at most Messages/10)
	SmallRoomMsgs int // messages in each 10-member room (default 20)
	AllTalkMsgs   int // messages in All Talk (default 1,000)
	FanoutMsgs    int // messages in the Fanout room (default 100)
	Events        int // newest messages of each room that have an events row (default 100)
	HundredRooms  int // 100-member rooms, without messages so the rest is as without them (default 10 or as many as people allow; -1: none)
	Seed          uint64
	Log           func(format string, args ...any)
}

func (o *Options) defaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Users, 2000)
	def(&o.FanoutMembers, 1000)
	def(&o.Messages, 100_000)
	def(&o.TenK, 10_000)
	def(&o.SmallRoomMsgs, 20)
	def(&o.AllTalkMsgs, 1000)
	def(&o.FanoutMsgs, 100)
	def(&o.Events, 100)
	o.FanoutMembers = min(o.FanoutMembers, o.Users-1)
	o.TenK = min(o.TenK, o.Messages/10)
	if o.HundredRooms == 0 {
		o.HundredRooms = 10
	}
	o.HundredRooms = max(0, min(o.HundredRooms, (o.Users-1)/100))
	if o.Log == nil {
		o.Log = func(string, ...any) {}
	}
}

// Layout is what was seeded, for load tools and benchmarks to find their way.
type Layout struct {
	Users   int   `json:"users"`
	AdminID int64 `json:"admin_id"`
	AllTalk int64 `json:"all_talk"`
	Fanout  int64 `json:"fanout"`
	// FanoutMembers is how many people besides the administrator are in
	// Fanout (ids 2 onwards); 0 in layouts written before it was recorded,
	// which had the default 1,000.
	FanoutMembers int             `json:"fanout_members,omitempty"`
	History       int64           `json:"history"`
	TenK          int64           `json:"ten_k"`
	Small         []int64         `json:"small"`             // 10-member rooms; room i holds users 10i+2 .. 10i+11
	Hundred       []int64         `json:"hundred,omitempty"` // 100-member rooms; room i holds users 100i+2 .. 100i+101 (not in older layouts)
	Messages      int             `json:"messages"`
	PerRoom       map[int64]int   `json:"per_room"`
	Cursors       map[int64]int64 `json:"cursors"` // per room: an event id with 5 events after it
	LastEvent     int64           `json:"last_event"`
}

// Email is the address of seeded user id.
func Email(id int64) string { return "user" + strconv.FormatInt(id, 10) + "@bench.test" }

// FanoutSize is how many people besides the administrator are in Fanout,
// also for layouts written before it was recorded.
func (l Layout) FanoutSize() int {
	if l.FanoutMembers == 0 {
		return 1000
	}
	return l.FanoutMembers
}

// FanoutMemberIDs are the Fanout room's members other than the administrator.
func (l Layout) FanoutMemberIDs(n int) []int64 {
	ids := make([]int64, 0, n)
	for i := 0; i < n; i++ {
		ids = append(ids, int64(i+2))
	}
	return ids
}

// SmallRoomMembers are the ten members of small room i.
func (l Layout) SmallRoomMembers(i int) []int64 {
	ids := make([]int64, 10)
	for k := range ids {
		ids[k] = int64((10*i+k)%(l.Users-1) + 2)
	}
	return ids
}

// HundredRoomMembers are the hundred members of 100-member room i.
func (l Layout) HundredRoomMembers(i int) []int64 {
	ids := make([]int64, 100)
	for k := range ids {
		ids[k] = int64((100*i+k)%(l.Users-1) + 2)
	}
	return ids
}

// Seed fills an empty database, opened through db.Open so the schema is the
// app's own, by writing rows directly in large transactions.
func Seed(ctx context.Context, store *db.Store, o Options) (Layout, error) {
	o.defaults()
	// A cancellable context makes the driver watch it on every statement,
	// which costs more than the insert itself; seeding is not interrupted.
	ctx = context.WithoutCancel(ctx)
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	w := store.Writer()
	// Only this process writes while seeding; a crash just means seeding again.
	if _, err := w.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		return Layout{}, err
	}
	defer w.ExecContext(ctx, `PRAGMA synchronous = NORMAL`)

	var n int
	if err := w.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return Layout{}, err
	}
	if n > 0 {
		return Layout{}, fmt.Errorf("perf: database already has %d users", n)
	}
	digest, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.MinCost)
	if err != nil {
		return Layout{}, err
	}
	start := time.Now()
	t0 := time.Now().Add(-365 * 24 * time.Hour).UnixMilli()
	l := Layout{Users: o.Users, AdminID: 1, FanoutMembers: o.FanoutMembers, PerRoom: map[int64]int{}, Cursors: map[int64]int64{}}

	// People and rooms.
	err = tx(ctx, w, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (name, join_code, created_at, updated_at)
			VALUES ('Campfire', 'bench-join-code', ?, ?)`, t0, t0); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO users (id, name, email_address, password_digest, role, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for id := int64(1); id <= int64(o.Users); id++ {
			role := model.RoleMember
			if id == 1 {
				role = model.RoleAdministrator
			}
			if _, err := ins.ExecContext(ctx, id, personName(rng, id), Email(id), string(digest), role, t0, t0); err != nil {
				return err
			}
		}
		room := func(kind model.RoomKind, name string) (int64, error) {
			res, err := tx.ExecContext(ctx, `INSERT INTO rooms (kind, name, creator_id, created_at, updated_at)
				VALUES (?, ?, 1, ?, ?)`, kind, name, t0, t0)
			if err != nil {
				return 0, err
			}
			return res.LastInsertId()
		}
		if l.AllTalk, err = room(model.RoomOpen, "All Talk"); err != nil {
			return err
		}
		if l.Fanout, err = room(model.RoomClosed, "Fanout"); err != nil {
			return err
		}
		if l.History, err = room(model.RoomOpen, "History"); err != nil {
			return err
		}
		if l.TenK, err = room(model.RoomOpen, "Ten Thousand"); err != nil {
			return err
		}
		for i := 0; i < (o.Users-1)/10; i++ {
			id, err := room(model.RoomClosed, fmt.Sprintf("Team %d", i+1))
			if err != nil {
				return err
			}
			l.Small = append(l.Small, id)
		}
		// After every other room, so the others keep their ids.
		for i := 0; i < o.HundredRooms; i++ {
			id, err := room(model.RoomClosed, fmt.Sprintf("Hundred %d", i+1))
			if err != nil {
				return err
			}
			l.Hundred = append(l.Hundred, id)
		}
		mem, err := tx.PrepareContext(ctx, `INSERT INTO memberships (room_id, user_id, involvement, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer mem.Close()
		add := func(roomID, userID int64) error {
			_, err := mem.ExecContext(ctx, roomID, userID, model.InvolvementMentions, t0)
			return err
		}
		for id := int64(1); id <= int64(o.Users); id++ {
			for _, r := range []int64{l.AllTalk, l.History, l.TenK} {
				if err := add(r, id); err != nil {
					return err
				}
			}
		}
		if err := add(l.Fanout, 1); err != nil {
			return err
		}
		for _, id := range l.FanoutMemberIDs(o.FanoutMembers) {
			if err := add(l.Fanout, id); err != nil {
				return err
			}
		}
		for i, r := range l.Small {
			if err := add(r, 1); err != nil {
				return err
			}
			for _, id := range l.SmallRoomMembers(i) {
				if err := add(r, id); err != nil {
					return err
				}
			}
		}
		for i, r := range l.Hundred {
			if err := add(r, 1); err != nil {
				return err
			}
			for _, id := range l.HundredRoomMembers(i) {
				if err := add(r, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return Layout{}, fmt.Errorf("perf: seed people and rooms: %w", err)
	}
	o.Log("seeded %d users and %d rooms in %s", o.Users, 4+len(l.Small)+len(l.Hundred), time.Since(start).Round(time.Millisecond))

	// Messages, interleaved across rooms in proportion to their share, so ids
	// and times mix the way a live install's do.
	anyone := func() int64 { return 1 + rng.Int64N(int64(o.Users)) }
	shares := []*share{
		{l.AllTalk, anyone, o.AllTalkMsgs},
		{l.Fanout, func() int64 { return 1 + rng.Int64N(int64(o.FanoutMembers)+1) }, o.FanoutMsgs},
		{l.TenK, anyone, o.TenK},
	}
	for i, r := range l.Small {
		members := append(l.SmallRoomMembers(i), 1)
		shares = append(shares, &share{r, func() int64 { return members[rng.IntN(len(members))] }, o.SmallRoomMsgs})
	}
	rest := o.Messages
	for _, s := range shares {
		s.left = min(s.left, rest)
		rest -= s.left
	}
	shares = append(shares, &share{l.History, anyone, rest})
	total := o.Messages
	for _, s := range shares {
		l.PerRoom[s.room] = s.left
	}

	vocab := NewVocabulary(rng, 20_000)
	const batch = 50_000
	step := max(int64(1), (time.Now().Add(-time.Hour).UnixMilli()-t0)/int64(max(total, 1)))
	written := 0
	for written < total {
		err := tx(ctx, w, func(tx *sql.Tx) error {
			ins, err := tx.PrepareContext(ctx, `INSERT INTO messages
				(room_id, creator_id, client_message_id, body_html, body_plain, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer ins.Close()
			for k := 0; k < batch && written < total; k++ {
				s := pick(rng, shares, total-written)
				s.left--
				plain := vocab.Sentence(rng)
				t := t0 + int64(written)*step
				cmid := "s" + strconv.FormatInt(int64(written), 36)
				if _, err := ins.ExecContext(ctx, s.room, s.members(), cmid, html.EscapeString(plain), plain, t, t); err != nil {
					return err
				}
				written++
			}
			return nil
		})
		if err != nil {
			return Layout{}, fmt.Errorf("perf: seed messages: %w", err)
		}
		o.Log("seeded %d/%d messages (%s)", written, total, time.Since(start).Round(time.Millisecond))
	}
	l.Messages = total

	// The replay log holds the newest messages of each room, recent enough
	// that the server's pruning keeps them.
	err = tx(ctx, w, func(tx *sql.Tx) error {
		nowMs := time.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO events (room_id, kind, message_id, dom_id, created_at)
			SELECT room_id, 'created', id, 'message_' || client_message_id, ? FROM (
				SELECT room_id, id, client_message_id,
				       row_number() OVER (PARTITION BY room_id ORDER BY id DESC) AS rn
				FROM messages)
			WHERE rn <= ? ORDER BY id`, nowMs, o.Events); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE rooms SET updated_at = coalesce(
			(SELECT max(created_at) FROM messages WHERE room_id = rooms.id), updated_at)`); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT room_id, id FROM (
				SELECT room_id, id, row_number() OVER (PARTITION BY room_id ORDER BY id DESC) AS rn FROM events)
			WHERE rn = 6`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var room, id int64
			if err := rows.Scan(&room, &id); err != nil {
				return err
			}
			l.Cursors[room] = id
		}
		return rows.Err()
	})
	if err != nil {
		return Layout{}, fmt.Errorf("perf: seed events: %w", err)
	}
	if err := w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&l.LastEvent); err != nil {
		return Layout{}, err
	}
	if _, err := w.ExecContext(ctx, `PRAGMA optimize`); err != nil {
		return Layout{}, err
	}
	if _, err := w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return Layout{}, err
	}
	// The messages were queued for the search index as a post's are; the
	// seed hands over a database with nothing queued.
	if err := store.CatchUpSearch(ctx); err != nil {
		return Layout{}, fmt.Errorf("perf: seed: %w", err)
	}
	o.Log("seeded in %s", time.Since(start).Round(time.Millisecond))
	return l, nil
}

// share is one room's part of the messages still to write.
type share struct {
	room    int64
	members func() int64
	left    int
}

// pick draws the room of the next message, weighted by how many it has left.
func pick(rng *rand.Rand, shares []*share, left int) *share {
	x := rng.IntN(left)
	for _, s := range shares {
		if x < s.left {
			return s
		}
		x -= s.left
	}
	return shares[len(shares)-1]
}

func tx(ctx context.Context, w *sql.DB, fn func(*sql.Tx) error) error {
	t, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(t); err != nil {
		_ = t.Rollback()
		return err
	}
	return t.Commit()
}

var firstNames = []string{"Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena",
	"Milo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Sam", "Tess", "Uma", "Vic", "Wren", "Xan", "Yara", "Zed"}
var lastNames = []string{"Adams", "Brook", "Costa", "Diaz", "Evans", "Fox", "Gray", "Hale", "Ito", "Jones",
	"Khan", "Lopez", "Moss", "Nagy", "Okafor", "Park", "Reyes", "Stone", "Tan", "Ueda", "Voss", "Wong"}

func personName(rng *rand.Rand, id int64) string {
	return firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))] + " " + strconv.FormatInt(id, 10)
}

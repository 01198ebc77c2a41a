package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

// roomCast is the people of the room tests: an administrator, a room's
// creator, another member of it, and someone outside it.
type roomCast struct {
	a                                *testApp
	anon, admin, creator, member, ou *client
}

func newRoomCast(t *testing.T) *roomCast {
	a := newTestApp(t)
	return &roomCast{
		a:       a,
		admin:   a.admin(),
		creator: a.member("Carl Creator"),
		member:  a.member("Mia Member"),
		ou:      a.member("Otto Outsider"),
		anon:    a.anonymous(),
	}
}

// closedRoom makes a closed room of the creator, the member and the administrator.
func (rc *roomCast) closedRoom(t *testing.T, name string) model.Room {
	t.Helper()
	ch, err := rc.a.store.CreateClosedRoom(context.Background(), name, rc.creator.user.ID,
		[]int64{rc.member.user.ID, rc.admin.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	return ch.Room
}

// directRoom finds or makes the direct room of the creator, the member and the administrator.
func (rc *roomCast) directRoom(t *testing.T) model.Room {
	t.Helper()
	ch, _, err := rc.a.store.FindOrCreateDirectRoom(context.Background(), rc.creator.user.ID,
		[]int64{rc.member.user.ID, rc.admin.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	return ch.Room
}

// dbState summarises every room and membership, to tell whether a request
// changed anything.
func (a *testApp) dbState(t *testing.T) string {
	t.Helper()
	rows, err := a.store.Writer().Query(`
		SELECT r.id, r.kind, coalesce(r.name, ''), coalesce(group_concat(m.user_id || ':' || m.involvement, ','), '')
		FROM rooms r LEFT JOIN (SELECT * FROM memberships ORDER BY user_id) m ON m.room_id = r.id
		GROUP BY r.id ORDER BY r.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id int64
		var kind, name, members string
		if err := rows.Scan(&id, &kind, &name, &members); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d %s %q [%s]\n", id, kind, name, members)
	}
	return b.String()
}

func (a *testApp) roomMembers(t *testing.T, roomID int64) []int64 {
	t.Helper()
	ids, err := a.store.RoomMemberIDs(context.Background(), roomID)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

func (a *testApp) roomExists(t *testing.T, roomID int64) bool {
	t.Helper()
	_, err := a.store.Room(context.Background(), roomID)
	return err == nil
}

func (a *testApp) roomNamed(t *testing.T, name string) (model.Room, bool) {
	t.Helper()
	var id int64
	err := a.store.Writer().QueryRow(`SELECT id FROM rooms WHERE name = ?`, name).Scan(&id)
	if err != nil {
		return model.Room{}, false
	}
	r, err := a.store.Room(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r, true
}

func (a *testApp) involvement(t *testing.T, roomID, userID int64) model.Involvement {
	t.Helper()
	var inv model.Involvement
	if err := a.store.Writer().QueryRow(`SELECT involvement FROM memberships WHERE room_id = ? AND user_id = ?`,
		roomID, userID).Scan(&inv); err != nil {
		return ""
	}
	return inv
}

func (a *testApp) restrictRoomCreation(t *testing.T, on bool) {
	t.Helper()
	if _, err := a.store.Writer().Exec(`UPDATE accounts SET restrict_room_creation_to_administrators = ?`, on); err != nil {
		t.Fatal(err)
	}
}

func (a *testApp) activeUserIDs(t *testing.T) []int64 {
	t.Helper()
	people, err := a.store.ActivePeople(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(people))
	for i, p := range people {
		ids[i] = p.ID
	}
	slices.Sort(ids)
	return ids
}

func sortedIDs(ids ...int64) []int64 {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

// form sends a form with a method (PUT, DELETE... as htmx would).
func (c *client) form(method, path string, form url.Values, headers ...string) *http.Response {
	c.app.t.Helper()
	return c.send(method, path, "application/x-www-form-urlencoded", form.Encode(), headers...)
}

// streamStatus opens /events for a room and returns the status, closing the stream.
func (c *client) streamStatus(t testing.TB, roomID int64) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/events?room_id=%d", c.app.srv.URL, roomID), nil)
	req.Header.Set("X-Forwarded-For", c.ip)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req = req.WithContext(ctx)
	hc := *c.http
	hc.Timeout = 0
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

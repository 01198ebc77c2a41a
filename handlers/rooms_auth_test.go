package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

// TestRoomRoutesAuthorization runs every room route of issue 3 as each kind of
// person and checks both the answer and what it did to the database: for
// people allowed, the change; for everyone else, nothing at all.
func TestRoomRoutesAuthorization(t *testing.T) {
	rc := newRoomCast(t)
	a := rc.a

	// fixture is what one row acts on, made fresh for it.
	type fixture struct {
		closed, direct model.Room
		name           string // unique per row, for rooms a row creates
	}
	// A route answers each actor with a status, and after an allowed request
	// its check sees the change.
	type route struct {
		name   string
		method string
		path   func(f fixture) string
		form   func(f fixture) url.Values
		// want: anonymous, member, creator, admin, outsider.
		want [5]int
		// changes tells which actors' requests change the database.
		changes [5]bool
		check   func(t *testing.T, f fixture, actor *client)
	}
	const (
		anon = iota
		member
		creator
		admin
		outsider
	)
	none := [5]bool{}
	allButAnon := [5]bool{false, true, true, true, true}
	admins := [5]bool{false, false, true, true, false}
	members := [5]bool{false, true, true, true, false}
	see := http.StatusSeeOther

	roomPath := func(f fixture) string { return fmt.Sprintf("/rooms/%d", f.closed.ID) }
	noForm := func(fixture) url.Values { return nil }

	routes := []route{
		{
			name: "new open room", method: "GET", path: func(fixture) string { return "/rooms/opens/new" }, form: noForm,
			want: [5]int{see, 200, 200, 200, 200}, changes: none,
		},
		{
			name: "create open room", method: "POST", path: func(fixture) string { return "/rooms/opens" },
			form: func(f fixture) url.Values { return url.Values{"room[name]": {f.name}} },
			want: [5]int{see, see, see, see, see}, changes: allButAnon,
			check: func(t *testing.T, f fixture, actor *client) {
				r, ok := a.roomNamed(t, f.name)
				if !ok || r.Kind != model.RoomOpen || r.CreatorID != actor.user.ID {
					t.Fatalf("room %+v (found %v)", r, ok)
				}
				if got, want := a.roomMembers(t, r.ID), a.activeUserIDs(t); !slices.Equal(got, want) {
					t.Fatalf("members %v, want every active user %v", got, want)
				}
			},
		},
		{
			name: "new closed room", method: "GET", path: func(fixture) string { return "/rooms/closeds/new" }, form: noForm,
			want: [5]int{see, 200, 200, 200, 200}, changes: none,
		},
		{
			name: "create closed room", method: "POST", path: func(fixture) string { return "/rooms/closeds" },
			form: func(f fixture) url.Values {
				return url.Values{"room[name]": {f.name}, "user_ids[]": {fmt.Sprint(rc.member.user.ID)}}
			},
			want: [5]int{see, see, see, see, see}, changes: allButAnon,
			check: func(t *testing.T, f fixture, actor *client) {
				r, ok := a.roomNamed(t, f.name)
				if !ok || r.Kind != model.RoomClosed {
					t.Fatalf("room %+v (found %v)", r, ok)
				}
				want := sortedIDs(slices.Compact(sortedIDs(actor.user.ID, rc.member.user.ID))...)
				if got := a.roomMembers(t, r.ID); !slices.Equal(got, want) {
					t.Fatalf("members %v, want exactly %v", got, want)
				}
			},
		},
		{
			name: "edit as open", method: "GET", path: func(f fixture) string { return fmt.Sprintf("/rooms/opens/%d/edit", f.closed.ID) },
			form: noForm, want: [5]int{see, 200, 200, 200, see}, changes: none,
		},
		{
			name: "update to open", method: "PUT", path: func(f fixture) string { return fmt.Sprintf("/rooms/opens/%d", f.closed.ID) },
			form: func(f fixture) url.Values { return url.Values{"room[name]": {f.name}} },
			want: [5]int{see, 403, see, see, 404}, changes: admins,
			check: func(t *testing.T, f fixture, _ *client) {
				r, err := a.store.Room(t.Context(), f.closed.ID)
				if err != nil || r.Kind != model.RoomOpen || r.Name != f.name {
					t.Fatalf("room %+v, %v", r, err)
				}
				if got, want := a.roomMembers(t, r.ID), a.activeUserIDs(t); !slices.Equal(got, want) {
					t.Fatalf("members %v, want every active user %v", got, want)
				}
			},
		},
		{
			name: "edit as closed", method: "GET", path: func(f fixture) string { return fmt.Sprintf("/rooms/closeds/%d/edit", f.closed.ID) },
			form: noForm, want: [5]int{see, 200, 200, 200, see}, changes: none,
		},
		{
			name: "update closed members", method: "PUT", path: func(f fixture) string { return fmt.Sprintf("/rooms/closeds/%d", f.closed.ID) },
			form: func(f fixture) url.Values {
				return url.Values{"room[name]": {f.name}, "user_ids[]": {fmt.Sprint(rc.admin.user.ID)}}
			},
			want: [5]int{see, 403, see, see, 404}, changes: admins,
			check: func(t *testing.T, f fixture, _ *client) {
				r, err := a.store.Room(t.Context(), f.closed.ID)
				if err != nil || r.Kind != model.RoomClosed || r.Name != f.name {
					t.Fatalf("room %+v, %v", r, err)
				}
				want := sortedIDs(rc.creator.user.ID, rc.admin.user.ID)
				if got := a.roomMembers(t, r.ID); !slices.Equal(got, want) {
					t.Fatalf("members %v, want %v (the member revoked, the creator kept)", got, want)
				}
			},
		},
		{
			name: "delete room", method: "DELETE", path: roomPath, form: noForm,
			want: [5]int{see, 403, see, see, 404}, changes: admins,
			check: func(t *testing.T, f fixture, _ *client) {
				if a.roomExists(t, f.closed.ID) {
					t.Fatal("room still there")
				}
				if len(a.roomMembers(t, f.closed.ID)) != 0 {
					t.Fatal("memberships left behind")
				}
			},
		},
		{
			name: "new direct room", method: "GET", path: func(fixture) string { return "/rooms/directs/new" }, form: noForm,
			want: [5]int{see, 200, 200, 200, 200}, changes: none,
		},
		{
			name: "create direct room", method: "POST", path: func(fixture) string { return "/rooms/directs" },
			form: func(fixture) url.Values { return url.Values{"user_ids[]": {fmt.Sprint(rc.ou.user.ID)}} },
			want: [5]int{see, see, see, see, see}, changes: allButAnon,
			check: func(t *testing.T, f fixture, actor *client) {
				want := slices.Compact(sortedIDs(actor.user.ID, rc.ou.user.ID))
				ch, created, err := a.store.FindOrCreateDirectRoom(t.Context(), actor.user.ID, []int64{rc.ou.user.ID})
				if err != nil || created {
					t.Fatalf("no direct room of %v was made (%v)", want, err)
				}
				if got := a.roomMembers(t, ch.Room.ID); !slices.Equal(got, want) || ch.Room.Kind != model.RoomDirect {
					t.Fatalf("members %v, want %v", got, want)
				}
			},
		},
		{
			name: "edit direct room", method: "GET", path: func(f fixture) string { return fmt.Sprintf("/rooms/directs/%d/edit", f.direct.ID) },
			form: noForm, want: [5]int{see, 200, 200, 200, see}, changes: none,
		},
		{
			name: "delete direct room", method: "DELETE", path: func(f fixture) string { return fmt.Sprintf("/rooms/directs/%d", f.direct.ID) },
			form: noForm, want: [5]int{see, see, see, see, 404}, changes: members,
			check: func(t *testing.T, f fixture, _ *client) {
				if a.roomExists(t, f.direct.ID) {
					t.Fatal("direct room still there")
				}
			},
		},
		{
			name: "direct room not deletable as a shared one", method: "DELETE",
			path: func(f fixture) string { return fmt.Sprintf("/rooms/directs/%d", f.closed.ID) },
			form: noForm, want: [5]int{see, 404, 404, 404, 404}, changes: none,
		},
		{
			name: "shared routes refuse a direct room", method: "PUT",
			path: func(f fixture) string { return fmt.Sprintf("/rooms/opens/%d", f.direct.ID) },
			form: func(f fixture) url.Values { return url.Values{"room[name]": {f.name}} },
			want: [5]int{see, 404, 404, 404, 404}, changes: none,
		},
		{
			name: "show involvement", method: "GET", path: func(f fixture) string { return roomPath(f) + "/involvement" },
			form: noForm, want: [5]int{see, 200, 200, 200, see}, changes: none,
		},
		{
			name: "update involvement", method: "PUT", path: func(f fixture) string { return roomPath(f) + "/involvement" },
			form: func(fixture) url.Values { return url.Values{"involvement": {"nothing"}} },
			want: [5]int{see, see, see, see, 404}, changes: members,
			check: func(t *testing.T, f fixture, actor *client) {
				if got := a.involvement(t, f.closed.ID, actor.user.ID); got != model.InvolvementNothing {
					t.Fatalf("involvement %q", got)
				}
			},
		},
		{
			name: "typing", method: "POST", path: func(f fixture) string { return roomPath(f) + "/typing" },
			form: func(fixture) url.Values { return url.Values{"state": {"start"}} },
			want: [5]int{see, 204, 204, 204, 404}, changes: none,
		},
		{
			name: "presence", method: "POST", path: func(f fixture) string { return roomPath(f) + "/presence" },
			form: func(fixture) url.Values { return url.Values{"state": {"absent"}} },
			want: [5]int{see, 204, 204, 204, 404}, changes: none,
		},
		{
			name: "sidebar", method: "GET", path: func(fixture) string { return "/users/me/sidebar" },
			form: noForm, want: [5]int{see, 200, 200, 200, 200}, changes: none,
		},
	}

	actors := []struct {
		name string
		c    *client
	}{{"anonymous", rc.anon}, {"member", rc.member}, {"creator", rc.creator}, {"admin", rc.admin}, {"outsider", rc.ou}}

	row := 0
	for _, rt := range routes {
		for i, actor := range actors {
			row++
			t.Run(rt.name+"/"+actor.name, func(t *testing.T) {
				f := fixture{
					closed: rc.closedRoom(t, fmt.Sprintf("Closed %d", row)),
					direct: rc.directRoom(t),
					name:   fmt.Sprintf("Room %d", row),
				}
				before := a.dbState(t)
				res := actor.c.form(rt.method, rt.path(f), rt.form(f))
				wantStatus(t, res, rt.want[i])
				if i == anon && rt.want[i] == see {
					if loc := res.Header.Get("Location"); loc != "/session/new" {
						t.Fatalf("anonymous sent to %q", loc)
					}
				}
				if i == outsider && rt.method == "GET" && rt.want[i] == see {
					if loc := res.Header.Get("Location"); loc != "/" {
						t.Fatalf("outsider sent to %q", loc)
					}
				}
				after := a.dbState(t)
				if !rt.changes[i] {
					if after != before {
						t.Fatalf("database changed:\nbefore:\n%s\nafter:\n%s", before, after)
					}
					return
				}
				if after == before {
					t.Fatal("database unchanged")
				}
				rt.check(t, f, actor.c)
			})
		}
	}
	_ = member
	_ = creator
	_ = admin
}

// TestSidebarFragmentListsOnlyOwnRooms: the list fragment holds the user's
// visible rooms, never others'.
func TestSidebarFragmentListsOnlyOwnRooms(t *testing.T) {
	rc := newRoomCast(t)
	closed := rc.closedRoom(t, "Inner circle")
	sel := fmt.Sprintf(`ul#sidebar_rooms a[data-room-id="%d"]`, closed.ID)

	if document(t, rc.member.get("/users/me/sidebar")).Find(sel).Length() != 1 {
		t.Fatal("member's list lacks the closed room")
	}
	if document(t, rc.ou.get("/users/me/sidebar")).Find(sel).Length() != 0 {
		t.Fatal("outsider's list shows the closed room")
	}
	wantStatus(t, rc.member.form("PUT", fmt.Sprintf("/rooms/%d/involvement", closed.ID),
		url.Values{"involvement": {"invisible"}}), http.StatusSeeOther)
	if document(t, rc.member.get("/users/me/sidebar")).Find(sel).Length() != 0 {
		t.Fatal("an invisible room is still listed")
	}
}

// TestRestrictRoomCreation keeps open and closed rooms for administrators;
// direct rooms stay open to all.
func TestRestrictRoomCreation(t *testing.T) {
	rc := newRoomCast(t)
	a := rc.a
	a.restrictRoomCreation(t, true)

	for _, path := range []string{"/rooms/opens/new", "/rooms/closeds/new"} {
		wantStatus(t, rc.member.get(path), http.StatusForbidden)
		wantStatus(t, rc.admin.get(path), http.StatusOK)
	}
	before := a.dbState(t)
	wantStatus(t, rc.member.postForm("/rooms/opens", url.Values{"room[name]": {"Nope"}}), http.StatusForbidden)
	wantStatus(t, rc.member.postForm("/rooms/closeds", url.Values{"room[name]": {"Nope"}}), http.StatusForbidden)
	if a.dbState(t) != before {
		t.Fatal("a refused creation changed the database")
	}
	wantStatus(t, rc.admin.postForm("/rooms/opens", url.Values{"room[name]": {"Allowed"}}), http.StatusSeeOther)
	if _, ok := a.roomNamed(t, "Allowed"); !ok {
		t.Fatal("admin's room missing")
	}
	wantStatus(t, rc.member.postForm("/rooms/directs", url.Values{"user_ids[]": {fmt.Sprint(rc.ou.user.ID)}}), http.StatusSeeOther)

	// The sidebar hides the new room link from those who may not use it.
	room := rc.closedRoom(t, "Somewhere")
	link := `a[href="/rooms/opens/new"]`
	if document(t, rc.member.get(fmt.Sprintf("/rooms/%d", room.ID))).Find(link).Length() != 0 {
		t.Fatal("member sees the new room link")
	}
	if document(t, rc.admin.get(fmt.Sprintf("/rooms/%d", room.ID))).Find(link).Length() != 1 {
		t.Fatal("admin lacks the new room link")
	}
}

// TestRoomRoutesRefuseBadInput: bad values get a clear 4xx and change nothing.
func TestRoomRoutesRefuseBadInput(t *testing.T) {
	rc := newRoomCast(t)
	a := rc.a
	closed := rc.closedRoom(t, "Quiet")
	room := fmt.Sprintf("/rooms/%d", closed.ID)
	long := strings.Repeat("x", 101)

	cases := []struct {
		name, method, path string
		form               url.Values
		want               int
	}{
		{"unknown involvement", "PUT", room + "/involvement", url.Values{"involvement": {"loud"}}, 422},
		{"missing involvement", "PUT", room + "/involvement", nil, 422},
		{"unknown typing state", "POST", room + "/typing", url.Values{"state": {"dance"}}, 422},
		{"missing typing state", "POST", room + "/typing", nil, 422},
		{"unknown presence state", "POST", room + "/presence", url.Values{"state": {"here"}}, 422},
		{"blank open room name", "POST", "/rooms/opens", url.Values{"room[name]": {"   "}}, 422},
		{"long open room name", "POST", "/rooms/opens", url.Values{"room[name]": {long}}, 422},
		{"control characters", "POST", "/rooms/opens", url.Values{"room[name]": {"a\x07b"}}, 422},
		{"invalid UTF-8", "POST", "/rooms/closeds", url.Values{"room[name]": {"\xff\xfe"}}, 422},
		{"user id not a number", "POST", "/rooms/closeds", url.Values{"room[name]": {"X"}, "user_ids[]": {"abc"}}, 400},
		{"unknown user", "POST", "/rooms/closeds", url.Values{"room[name]": {"X"}, "user_ids[]": {"999999"}}, 422},
		{"unknown user in direct", "POST", "/rooms/directs", url.Values{"user_ids[]": {"999999"}}, 422},
		{"negative user id", "POST", "/rooms/directs", url.Values{"user_ids[]": {"-3"}}, 400},
		{"blank rename", "PUT", "/rooms/closeds/" + fmt.Sprint(closed.ID), url.Values{"room[name]": {""}}, 422},
		{"rename to unknown members", "PUT", "/rooms/closeds/" + fmt.Sprint(closed.ID),
			url.Values{"room[name]": {"Y"}, "user_ids[]": {"424242"}}, 422},
		{"room id not a number", "DELETE", "/rooms/abc", nil, 404},
		{"no such room", "DELETE", "/rooms/999999", nil, 404},
		{"huge room id", "PUT", "/rooms/99999999999999999999/involvement", url.Values{"involvement": {"nothing"}}, 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := a.dbState(t)
			wantStatus(t, rc.creator.form(tc.method, tc.path, tc.form), tc.want)
			if after := a.dbState(t); after != before {
				t.Fatalf("database changed:\n%s\n%s", before, after)
			}
		})
	}

	// A refused form comes back with what was typed and why.
	res := rc.creator.postForm("/rooms/closeds", url.Values{"room[name]": {long}, "user_ids[]": {fmt.Sprint(rc.member.user.ID)}})
	doc := document(t, res)
	if doc.Find("#room_name_error").Length() != 1 || doc.Find("#room_name").AttrOr("value", "") != long {
		t.Fatal("the form did not come back with its error and value")
	}
	if _, ok := doc.Find(fmt.Sprintf(`input[name="user_ids[]"][value="%d"]`, rc.member.user.ID)).Attr("checked"); !ok {
		t.Fatal("the picked person is no longer ticked")
	}
}

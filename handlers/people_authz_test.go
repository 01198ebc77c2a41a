package handlers

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/model"
)

// peopleFixture is a small account: Ada the administrator, Bob a member who is
// in no closed room, Tina a member with messages and a sign-in, and a closed
// room "Secret" of Ada and Tina.
type peopleFixture struct {
	app      *testApp
	admin    *client
	bob      *client
	tina     *client
	allTalk  int64
	secret   int64
	joinCode string
}

func newPeopleFixture(t *testing.T) *peopleFixture {
	t.Helper()
	a := newTestApp(t)
	f := &peopleFixture{app: a, admin: a.admin()}
	f.bob = a.member("Bob Member")
	f.tina = a.member("Tina Target")
	f.allTalk = a.allTalk()
	room, err := a.store.CreateRoom(context.Background(), model.RoomClosed, "Secret", f.admin.user.ID, []int64{f.tina.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	f.secret = room.ID
	f.tina.mustPost(t, f.allTalk, "hello from Tina", "tina-1")
	f.tina.mustPost(t, f.secret, "a secret from Tina", "tina-2")
	f.joinCode = a.account().JoinCode
	return f
}

// client returns the client playing a role; outsider is Bob, who is not in
// the Secret room.
func (f *peopleFixture) client(role string) *client {
	switch role {
	case "anonymous":
		return f.app.anonymous()
	case "member", "outsider":
		return f.bob
	case "administrator":
		return f.admin
	}
	panic("unknown role " + role)
}

func (f *peopleFixture) transferToken(userID int64) string {
	f.app.t.Helper()
	tok, err := f.app.h.transferToken(context.Background(), userID)
	if err != nil {
		f.app.t.Fatal(err)
	}
	return tok
}

type authzCase struct {
	name   string
	method string
	// path and form are built from the fixture.
	path  func(f *peopleFixture) string
	form  func(f *peopleFixture) url.Values
	setup func(t *testing.T, f *peopleFixture)
	// want is the status per role; roles not listed are not tried.
	want map[string]int
	// check asserts what changed, or did not, in the database.
	check func(t *testing.T, f *peopleFixture, role string, res *http.Response)
}

func fixed(p string) func(*peopleFixture) string { return func(*peopleFixture) string { return p } }

func signInRedirect(t *testing.T, role string, res *http.Response) bool {
	t.Helper()
	if role != "anonymous" {
		return false
	}
	if loc := res.Header.Get("Location"); loc != "/session/new" {
		t.Errorf("anonymous: Location %q, want /session/new", loc)
	}
	return true
}

var (
	anyone      = map[string]int{"anonymous": 200, "member": 200, "administrator": 200}
	membersOnly = map[string]int{"anonymous": 303, "member": 200, "administrator": 200}
	adminOnly   = map[string]int{"anonymous": 303, "member": 403, "administrator": 303}
	adminPage   = map[string]int{"anonymous": 303, "member": 403, "administrator": 200}
)

func authzCases() []authzCase {
	return []authzCase{
		{
			name: "edit account", method: "GET", path: fixed("/account/edit"), want: membersOnly,
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				if signInRedirect(t, role, res) {
					return
				}
				doc := document(t, res)
				forms := doc.Find(`form[action="/account?_method=put"]`).Length()
				if (role == "administrator") != (forms == 1) {
					t.Errorf("%s sees %d account forms", role, forms)
				}
				if !strings.Contains(doc.Find("#join_url").AttrOr("value", ""), "/join/"+f.joinCode) {
					t.Errorf("%s: join link missing", role)
				}
			},
		},
		{
			name: "update account", method: "PUT", path: fixed("/account"), want: adminOnly,
			form: func(*peopleFixture) url.Values {
				return url.Values{"account[name]": {"Renamed"}, restrictField: {"false", "true"}}
			},
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				acc := f.app.account()
				changed := acc.Name == "Renamed" && acc.RestrictRoomCreation
				if changed != (role == "administrator") {
					t.Errorf("%s: account is %+v", role, acc)
				}
			},
		},
		{
			name: "reset join code", method: "POST", path: fixed("/account/join_code"), want: adminOnly,
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				changed := f.app.account().JoinCode != f.joinCode
				if changed != (role == "administrator") {
					t.Errorf("%s: join code changed = %v", role, changed)
				}
			},
		},
		{
			name: "edit custom styles", method: "GET", path: fixed("/account/custom_styles/edit"), want: adminPage,
		},
		{
			name: "update custom styles", method: "PUT", path: fixed("/account/custom_styles"), want: adminOnly,
			form: func(*peopleFixture) url.Values {
				return url.Values{"account[custom_styles]": {":root { --accent: red; }"}}
			},
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				changed := f.app.account().CustomStyles != ""
				if changed != (role == "administrator") {
					t.Errorf("%s: styles changed = %v", role, changed)
				}
			},
		},
		{
			name: "change role", method: "PUT", want: adminOnly,
			path: func(f *peopleFixture) string { return fmt.Sprintf("/account/users/%d", f.tina.user.ID) },
			form: func(*peopleFixture) url.Values { return url.Values{"user[role]": {"administrator"}} },
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				if got := f.app.user(f.tina.user.ID).Role; (got == model.RoleAdministrator) != (role == "administrator") {
					t.Errorf("%s: Tina's role is %s", role, got)
				}
			},
		},
		{
			name: "deactivate", method: "DELETE", want: adminOnly,
			path: func(f *peopleFixture) string { return fmt.Sprintf("/account/users/%d", f.tina.user.ID) },
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				if got := f.app.user(f.tina.user.ID).Status; (got == model.StatusDeactivated) != (role == "administrator") {
					t.Errorf("%s: Tina is %s", role, got)
				}
			},
		},
		{
			name: "profile card", method: "GET", want: membersOnly,
			path: func(f *peopleFixture) string { return fmt.Sprintf("/users/%d", f.tina.user.ID) },
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				if signInRedirect(t, role, res) {
					return
				}
				doc := document(t, res)
				seesEmail := doc.Find(`a[href="mailto:tina.target@example.com"]`).Length() == 1
				seesBan := doc.Find(fmt.Sprintf(`form[action="/users/%d/ban"]`, f.tina.user.ID)).Length() == 1
				seesTransfer := doc.Find("#transfer_url").Length() == 1
				admin := role == "administrator"
				if seesEmail != admin || seesBan != admin || seesTransfer != admin {
					t.Errorf("%s: email %v, ban %v, transfer %v", role, seesEmail, seesBan, seesTransfer)
				}
			},
		},
		{
			name: "avatar", method: "GET", want: membersOnly,
			path: func(f *peopleFixture) string { return fmt.Sprintf("/users/%d/avatar", f.tina.user.ID) },
		},
		{
			name: "ban", method: "POST", want: adminOnly,
			path: func(f *peopleFixture) string { return fmt.Sprintf("/users/%d/ban", f.tina.user.ID) },
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				admin := role == "administrator"
				if got := f.app.user(f.tina.user.ID).Status; (got == model.StatusBanned) != admin {
					t.Errorf("%s: Tina is %s", role, got)
				}
				msgs := f.app.count(`SELECT count(*) FROM messages WHERE creator_id = ?`, f.tina.user.ID)
				sessions := f.app.count(`SELECT count(*) FROM user_sessions WHERE user_id = ?`, f.tina.user.ID)
				if admin && (msgs != 0 || sessions != 0) || !admin && (msgs != 2 || sessions != 1) {
					t.Errorf("%s: Tina has %d messages and %d sessions", role, msgs, sessions)
				}
			},
		},
		{
			name: "unban", method: "DELETE", want: adminOnly,
			path: func(f *peopleFixture) string { return fmt.Sprintf("/users/%d/ban", f.tina.user.ID) },
			setup: func(t *testing.T, f *peopleFixture) {
				if _, err := f.app.store.BanUser(context.Background(), f.tina.user.ID); err != nil {
					t.Fatal(err)
				}
			},
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				admin := role == "administrator"
				if got := f.app.user(f.tina.user.ID).Status; (got == model.StatusActive) != admin {
					t.Errorf("%s: Tina is %s", role, got)
				}
				if n := f.app.count(`SELECT count(*) FROM bans WHERE user_id = ?`, f.tina.user.ID); (n == 0) != admin {
					t.Errorf("%s: %d ban rows", role, n)
				}
			},
		},
		{
			name: "own profile", method: "GET", path: fixed("/users/me/profile"), want: membersOnly,
		},
		{
			name: "update own profile", method: "PUT", path: fixed("/users/me/profile"),
			want: map[string]int{"anonymous": 303, "member": 303, "administrator": 303},
			form: func(*peopleFixture) url.Values {
				return url.Values{"user[name]": {"New Name"}, "user[bio]": {"Acrobat"}}
			},
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				renamed := f.app.count(`SELECT count(*) FROM users WHERE name = 'New Name' AND bio = 'Acrobat'`)
				var who int64
				switch role {
				case "member":
					who = f.bob.user.ID
				case "administrator":
					who = f.admin.user.ID
				}
				if who == 0 && renamed != 0 || who != 0 && (renamed != 1 || f.app.user(who).Name != "New Name") {
					t.Errorf("%s: %d people renamed", role, renamed)
				}
				if f.app.user(f.tina.user.ID).Name != "Tina Target" {
					t.Errorf("%s renamed Tina", role)
				}
			},
		},
		{
			name: "autocomplete", method: "GET", path: fixed("/autocompletable/users?query=t"), want: membersOnly,
		},
		{
			name: "autocomplete in a room", method: "GET",
			path: func(f *peopleFixture) string { return fmt.Sprintf("/autocompletable/users?room_id=%d", f.secret) },
			want: map[string]int{"anonymous": 303, "outsider": 404, "administrator": 200},
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				if role != "administrator" {
					return
				}
				var got []autocompleteUser
				decodeJSON(t, res, &got)
				if len(got) != 2 || got[0].Name != "Ada Admin" || got[1].Name != "Tina Target" {
					t.Errorf("room members: %+v", got)
				}
			},
		},
		{
			name: "join page", method: "GET", want: map[string]int{"anonymous": 200, "member": 303, "administrator": 303},
			path: func(f *peopleFixture) string { return "/join/" + f.joinCode },
		},
		{
			name: "join", method: "POST", want: map[string]int{"anonymous": 303, "member": 303, "administrator": 303},
			path: func(f *peopleFixture) string { return "/join/" + f.joinCode },
			form: func(*peopleFixture) url.Values {
				return url.Values{"user[name]": {"Nina New"}, "user[email_address]": {"nina@example.com"}, "user[password]": {"long-enough"}}
			},
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				n := f.app.count(`SELECT count(*) FROM users WHERE email_address = 'nina@example.com'`)
				if (n == 1) != (role == "anonymous") {
					t.Errorf("%s: %d new users", role, n)
				}
			},
		},
		{
			name: "join with a wrong code", method: "GET", path: fixed("/join/AAAA-BBBB-CCCC"),
			want: map[string]int{"anonymous": 404},
		},
		{
			name: "transfer page", method: "GET", want: anyone,
			path: func(f *peopleFixture) string { return "/session/transfers/" + f.transferToken(f.tina.user.ID) },
		},
		{
			// Someone signed in as another person is asked first (409 with
			// the question), never switched silently (issue 19, item 6).
			name: "transfer", method: "PUT", want: map[string]int{"anonymous": 303, "member": 409, "administrator": 409},
			path: func(f *peopleFixture) string { return "/session/transfers/" + f.transferToken(f.tina.user.ID) },
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				want := 1
				if role == "anonymous" {
					want = 2
				}
				if n := f.app.count(`SELECT count(*) FROM user_sessions WHERE user_id = ?`, f.tina.user.ID); n != want {
					t.Errorf("%s: Tina has %d sessions, want %d", role, n, want)
				}
			},
		},
		{
			name: "transfer with a forged token", method: "PUT",
			want: map[string]int{"anonymous": 400, "member": 400, "administrator": 400},
			path: func(f *peopleFixture) string {
				return fmt.Sprintf("/session/transfers/%d.0.%d.AAAA", f.tina.user.ID, time.Now().Add(time.Hour).Unix())
			},
			check: func(t *testing.T, f *peopleFixture, role string, res *http.Response) {
				if n := f.app.count(`SELECT count(*) FROM user_sessions WHERE user_id = ?`, f.tina.user.ID); n != 1 {
					t.Errorf("%s: Tina has %d sessions, want 1", role, n)
				}
			},
		},
		{
			name: "qr code", method: "GET", want: anyone,
			path: fixed("/qr_code/" + base64.RawURLEncoding.EncodeToString([]byte("https://example.com/join/X"))),
		},
		{
			name: "qr code with bad base64", method: "GET", path: fixed("/qr_code/not*base64"),
			want: map[string]int{"anonymous": 400, "member": 400},
		},
	}
}

// TestPeopleAuthorization tries every route of people and administration as
// each kind of visitor and checks both the answer and what the database holds
// afterwards. Requests that may change something get a fresh account each;
// GETs, which never change anything, share one per route.
func TestPeopleAuthorization(t *testing.T) {
	for _, tc := range authzCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var shared *peopleFixture
			if tc.method == "GET" {
				shared = newPeopleFixture(t)
				if tc.setup != nil {
					tc.setup(t, shared)
				}
			}
			for _, role := range []string{"anonymous", "member", "outsider", "administrator"} {
				want, ok := tc.want[role]
				if !ok {
					continue
				}
				t.Run(role, func(t *testing.T) {
					f := shared
					if f == nil {
						f = newPeopleFixture(t)
						if tc.setup != nil {
							tc.setup(t, f)
						}
					}
					c := f.client(role)
					path := tc.path(f)
					var res *http.Response
					if tc.method == "GET" {
						res = c.get(path)
					} else {
						var form url.Values
						if tc.form != nil {
							form = tc.form(f)
						}
						res = c.sendForm(tc.method, path, form)
					}
					wantStatus(t, res, want)
					if tc.check != nil {
						tc.check(t, f, role, res)
					}
				})
			}
		})
	}
}

package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

// TestDeactivationEndsSessionsAndFreesEmail removes a person who is signed in
// on two devices with a stream open: both sessions stop working at once, the
// stream closes, they leave shared rooms but keep direct ones, their devices
// and searches are forgotten, and their address can join again.
func TestDeactivationEndsSessionsAndFreesEmail(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	dora := a.member("Dora Departing")
	phone := a.signInFrom(t, "dora.departing@example.com", "198.51.100.20")
	room := a.allTalk()
	dora.mustPost(t, room, "my last words", "dora-1")
	ctx := context.Background()
	direct, err := a.store.CreateRoom(ctx, model.RoomDirect, "", admin.user.ID, []int64{dora.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.Writer().Exec(`
		INSERT INTO push_subscriptions (user_id, endpoint, p256dh_key, auth_key, created_at) VALUES (?, 'https://push.example/1', 'k', 'a', 0);
		INSERT INTO searches (user_id, query, updated_at) VALUES (?, 'words', 0)`, dora.user.ID, dora.user.ID); err != nil {
		t.Fatal(err)
	}
	stream := dora.openStream(t, room, 0, 0)

	res := admin.send(http.MethodDelete, fmt.Sprintf("/account/users/%d", dora.user.ID), "", "")
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/account/edit" {
		t.Errorf("Location %q", loc)
	}

	stream.waitClosed(t)
	for _, c := range []*client{dora, phone} {
		if id := c.signedInAs(t); id != 0 {
			t.Errorf("session from %s still signs in %d", c.ip, id)
		}
	}
	u := a.user(dora.user.ID)
	if u.Status != model.StatusDeactivated || u.Email == "dora.departing@example.com" {
		t.Errorf("after deactivation: %+v", u)
	}
	for q, want := range map[string]int{
		`SELECT count(*) FROM user_sessions WHERE user_id = ?`:      0,
		`SELECT count(*) FROM push_subscriptions WHERE user_id = ?`: 0,
		`SELECT count(*) FROM searches WHERE user_id = ?`:           0,
		`SELECT count(*) FROM memberships WHERE user_id = ?`:        1, // the direct room
		`SELECT count(*) FROM messages WHERE creator_id = ?`:        1, // messages stay
	} {
		if n := a.count(q, dora.user.ID); n != want {
			t.Errorf("%s: %d, want %d", q, n, want)
		}
	}
	if ok, _ := a.store.IsMember(ctx, direct.ID, dora.user.ID); !ok {
		t.Error("left the direct room")
	}
	// Signing in is refused.
	res = a.anonymous().postForm("/session", url.Values{"email_address": {"dora.departing@example.com"}, "password": {"secret-password"}})
	wantStatus(t, res, http.StatusUnauthorized)
	// The profile says so, and the name stays on past messages.
	doc := document(t, admin.get(fmt.Sprintf("/users/%d", dora.user.ID)))
	if !strings.Contains(doc.Find("main").Text(), "Dora Departing is no longer on this account.") {
		t.Errorf("profile: %q", doc.Find("main").Text())
	}
	if !strings.Contains(document(t, admin.get(fmt.Sprintf("/rooms/%d", room))).Find("#messages").Text(), "Dora Departing") {
		t.Error("the name is gone from past messages")
	}
	// The address is free: Dora can join again as a new person.
	joiner := a.anonymous()
	res = joiner.postForm("/join/"+a.account().JoinCode, url.Values{
		"user[name]": {"Dora Again"}, "user[email_address]": {"dora.departing@example.com"}, "user[password]": {"another-password"},
	})
	wantStatus(t, res, http.StatusSeeOther)
	if id := joiner.signedInAs(t); id == 0 || id == dora.user.ID {
		t.Errorf("rejoined as %d", id)
	}
	// A second deactivation of the same person is a 404.
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/account/users/%d", dora.user.ID), "", ""), http.StatusNotFound)
}

// TestSessionsOfInactiveUsersStopWorking changes a signed-in person's status
// behind the server's back (as another process would): the next request
// after the next check of sign-ins no longer signs them in.
func TestSessionsOfInactiveUsersStopWorking(t *testing.T) {
	for _, status := range []model.Status{model.StatusDeactivated, model.StatusBanned} {
		t.Run(string(status), func(t *testing.T) {
			a := newTestApp(t)
			a.admin()
			eve := a.member("Eve Member")
			if eve.signedInAs(t) != eve.user.ID {
				t.Fatal("not signed in to begin with")
			}
			if _, err := a.store.Writer().Exec(`UPDATE users SET status = ? WHERE id = ?`, status, eve.user.ID); err != nil {
				t.Fatal(err)
			}
			if err := a.h.endRevokedStreams(context.Background()); err != nil {
				t.Fatal(err)
			}
			if id := eve.signedInAs(t); id != 0 {
				t.Errorf("a %s user's session still signs in", status)
			}
			res := a.anonymous().postForm("/session", url.Values{"email_address": {"eve.member@example.com"}, "password": {"secret-password"}})
			wantStatus(t, res, http.StatusUnauthorized)
		})
	}
}

func TestRoleChanges(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	path := fmt.Sprintf("/account/users/%d", bob.user.ID)

	for _, role := range []string{"owner", "bot", "", "Administrator"} {
		wantStatus(t, admin.sendForm(http.MethodPut, path, url.Values{"user[role]": {role}}), http.StatusUnprocessableEntity)
	}
	if a.user(bob.user.ID).Role != model.RoleMember {
		t.Fatal("a refused role change changed something")
	}
	// Through the page's own form: POST with _method=put.
	wantStatus(t, admin.postForm(path, url.Values{"_method": {"put"}, "user[role]": {"administrator"}}), http.StatusSeeOther)
	if !a.user(bob.user.ID).IsAdmin() {
		t.Fatal("not promoted")
	}
	// A new administrator's powers apply on their very next request.
	wantStatus(t, bob.get("/account/custom_styles/edit"), http.StatusOK)

	// The account page lists administrators first, then a divider, then members.
	a.member("Aaron Member")
	doc := document(t, admin.get("/account/edit"))
	names := doc.Find("#account_users li strong").Map(func(_ int, s *goquerySelection) string { return s.Text() })
	if strings.Join(names, ",") != "Ada Admin,Bob Member,Aaron Member" {
		t.Errorf("people in order: %v", names)
	}
	if doc.Find("#account_users li[role=separator]").Length() != 1 {
		t.Error("no divider between administrators and members")
	}

	// Demote back; the last administrator can't be demoted or removed.
	wantStatus(t, admin.sendForm(http.MethodPut, path, url.Values{"user[role]": {"member"}}), http.StatusSeeOther)
	wantStatus(t, admin.sendForm(http.MethodPut, fmt.Sprintf("/account/users/%d", admin.user.ID),
		url.Values{"user[role]": {"member"}}), http.StatusUnprocessableEntity)
	if !a.user(admin.user.ID).IsAdmin() {
		t.Error("the last administrator was demoted")
	}
	wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/account/users/%d", admin.user.ID), "", ""), http.StatusUnprocessableEntity)
	// Unknown or inactive targets are 404.
	wantStatus(t, admin.sendForm(http.MethodPut, "/account/users/999999", url.Values{"user[role]": {"member"}}), http.StatusNotFound)
	if _, err := a.store.BanUser(context.Background(), bob.user.ID); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, admin.sendForm(http.MethodPut, path, url.Values{"user[role]": {"administrator"}}), http.StatusNotFound)
	wantStatus(t, admin.send(http.MethodDelete, path, "", ""), http.StatusNotFound)
}

func TestJoinCode(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	code := a.account().JoinCode

	doc := document(t, admin.get("/account/edit"))
	link := doc.Find("#join_url").AttrOr("value", "")
	if !strings.HasPrefix(link, "http://") || !strings.HasSuffix(link, "/join/"+code) {
		t.Errorf("join link %q", link)
	}
	if src := doc.Find("img.share-link__qr").AttrOr("src", ""); !strings.HasPrefix(src, "/qr_code/") {
		t.Errorf("QR code image %q", src)
	}

	wantStatus(t, admin.postForm("/account/join_code", nil), http.StatusSeeOther)
	fresh := a.account().JoinCode
	if fresh == code || len(fresh) != 14 || strings.Count(fresh, "-") != 2 {
		t.Fatalf("new code %q (old %q)", fresh, code)
	}
	// The old link is dead for showing and for joining.
	visitor := a.anonymous()
	wantStatus(t, visitor.get("/join/"+code), http.StatusNotFound)
	wantStatus(t, visitor.postForm("/join/"+code, url.Values{
		"user[name]": {"Late"}, "user[email_address]": {"late@example.com"}, "user[password]": {"long-enough"},
	}), http.StatusNotFound)
	if n := a.count(`SELECT count(*) FROM users WHERE email_address = 'late@example.com'`); n != 0 {
		t.Error("joined with a dead code")
	}
	wantStatus(t, visitor.get("/join/"+fresh), http.StatusOK)
}

func TestJoin(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	ctx := context.Background()
	second, err := a.store.CreateRoom(ctx, model.RoomOpen, "Second Open", admin.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	closed, err := a.store.CreateRoom(ctx, model.RoomClosed, "Closed", admin.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	path := "/join/" + a.account().JoinCode

	visitor := a.anonymous()
	doc := document(t, visitor.get(path))
	for _, name := range []string{"user[name]", "user[email_address]", "user[password]"} {
		if doc.Find(fmt.Sprintf(`form[action=%q] input[name=%q]`, path, name)).Length() != 1 {
			t.Errorf("join form lacks %s", name)
		}
	}

	// Invalid input: 422 with the form and what was typed, nobody created.
	res := visitor.postForm(path, url.Values{"user[name]": {""}, "user[email_address]": {"not-an-email"}, "user[password]": {"short"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	doc = document(t, res)
	if doc.Find(".field-error").Length() != 3 || doc.Find(`input[name="user[email_address]"]`).AttrOr("value", "") != "not-an-email" {
		t.Errorf("422 form: %q", doc.Find("form").Text())
	}
	// A taken address: 422 with a message, nobody created.
	res = visitor.postForm(path, url.Values{"user[name]": {"Copycat"}, "user[email_address]": {"ADA@example.com"}, "user[password]": {"long-enough"}})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if !strings.Contains(document(t, res).Find("#user_email_address_error").Text(), "already uses this email") {
		t.Error("no message about the taken address")
	}
	if n := a.count(`SELECT count(*) FROM users`); n != 1 {
		t.Fatalf("%d users after refused joins", n)
	}

	res = visitor.postForm(path, url.Values{"user[name]": {"Nina New"}, "user[email_address]": {"nina@example.com"}, "user[password]": {"long-enough"}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("Location %q", loc)
	}
	nina, err := a.store.ActiveUserByEmail(ctx, "nina@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if nina.Role != model.RoleMember || visitor.signedInAs(t) != nina.ID {
		t.Errorf("joined as %+v", nina)
	}
	for room, want := range map[int64]bool{a.allTalk(): true, second.ID: true, closed.ID: false} {
		if ok, _ := a.store.IsMember(ctx, room, nina.ID); ok != want {
			t.Errorf("member of room %d: %v, want %v", room, ok, want)
		}
	}
	// Signed in, the join page sends you home.
	res = visitor.get(path)
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("Location %q", loc)
	}
}

func TestUpdateAccountValidation(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	for _, form := range []url.Values{
		{"account[name]": {"   "}},
		{"account[name]": {strings.Repeat("x", 101)}},
		{restrictField: {"maybe"}},
	} {
		wantStatus(t, admin.sendForm(http.MethodPut, "/account", form), http.StatusUnprocessableEntity)
	}
	if acc := a.account(); acc.Name != "Campfire" || acc.RestrictRoomCreation {
		t.Errorf("refused updates changed the account: %+v", acc)
	}
	// Unchecking the box sends only the hidden "false".
	wantStatus(t, admin.sendForm(http.MethodPut, "/account", url.Values{restrictField: {"false", "true"}}), http.StatusSeeOther)
	if !a.account().RestrictRoomCreation {
		t.Fatal("not restricted")
	}
	wantStatus(t, admin.sendForm(http.MethodPut, "/account", url.Values{restrictField: {"false"}}), http.StatusSeeOther)
	if acc := a.account(); acc.RestrictRoomCreation || acc.Name != "Campfire" {
		t.Errorf("after unchecking: %+v", acc)
	}
	// Members see the page read-only.
	bob := a.member("Bob Member")
	doc := document(t, bob.get("/account/edit"))
	if doc.Find("form").FilterFunction(func(_ int, s *goquerySelection) bool {
		return s.AttrOr("action", "") != "/session"
	}).Length() != 0 {
		t.Error("a member sees forms that change the account")
	}
	if doc.Find("h1").Text() != "Campfire" {
		t.Errorf("heading %q", doc.Find("h1").Text())
	}
}

// TestCustomStylesCannotEndTheStyleElement saves CSS that tries to close the
// style element and open a script: every page gets the CSS, and the markup
// stays inside the style element as text.
func TestCustomStylesCannotEndTheStyleElement(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	css := `body { color: red; } </STYLE><script>alert(1)</script><style> p::after { content: "</style>"; }`
	wantStatus(t, admin.sendForm(http.MethodPut, "/account/custom_styles", url.Values{"account[custom_styles]": {css}}), http.StatusSeeOther)
	if got := a.account().CustomStyles; got != css {
		t.Errorf("stored %q", got)
	}
	for _, c := range []*client{admin, a.member("Bob Member")} {
		doc := document(t, c.get("/users/me/profile"))
		if doc.Find("script:not([src])").Length() != 0 {
			t.Fatal("custom styles broke out of the style element")
		}
		styles := doc.Find("head style")
		if styles.Length() != 1 || !strings.Contains(styles.Text(), "body { color: red; }") ||
			!strings.Contains(styles.Text(), `<\/STYLE><script>`) {
			t.Errorf("head style: %q", styles.Text())
		}
		if _, ok := styles.Attr("nonce"); !ok {
			t.Error("the style element has no nonce")
		}
	}
	// Bad input is refused and changes nothing.
	wantStatus(t, admin.sendForm(http.MethodPut, "/account/custom_styles", url.Values{"account[custom_styles]": {strings.Repeat("a", 64<<10+1)}}),
		http.StatusUnprocessableEntity)
	wantStatus(t, admin.sendForm(http.MethodPut, "/account/custom_styles", url.Values{"account[custom_styles]": {"\xff\xfe"}}),
		http.StatusUnprocessableEntity)
	wantStatus(t, admin.sendForm(http.MethodPut, "/account/custom_styles", url.Values{"other": {"x"}}),
		http.StatusUnprocessableEntity)
	if got := a.account().CustomStyles; got != css {
		t.Errorf("refused updates changed the styles to %q", got)
	}
}

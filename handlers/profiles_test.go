package handlers

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

func TestProfile(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	other := a.signInFrom(t, "bob.member@example.com", "198.51.100.50")
	ctx := context.Background()
	if _, err := a.store.CreateRoom(ctx, model.RoomDirect, "", admin.user.ID, []int64{bob.user.ID}); err != nil {
		t.Fatal(err)
	}

	doc := document(t, bob.get("/users/me/profile"))
	if doc.Find(`form[action="/users/me/profile?_method=put"] input[name="user[name]"]`).AttrOr("value", "") != "Bob Member" {
		t.Error("profile form not filled")
	}
	rooms := doc.Find(".memberships li").Map(func(_ int, s *goquerySelection) string { return s.Find("a").First().Text() })
	if strings.Join(rooms, ",") != "All Talk,Ada Admin" {
		t.Errorf("memberships %v", rooms)
	}
	if doc.Find(`form[action="/session"] input[name="_method"][value="delete"]`).Length() == 0 {
		t.Error("no sign-out button")
	}

	// Invalid: each refused with 422, the form keeps what was typed, nothing changes.
	for name, form := range map[string]url.Values{
		"long bio":      {"user[name]": {"Bob"}, "user[bio]": {strings.Repeat("é", 201)}},
		"blank name":    {"user[name]": {"  "}},
		"bad email":     {"user[email_address]": {"bob-at-example"}},
		"short pass":    {"user[password]": {"short"}},
		"taken email":   {"user[email_address]": {"ada@example.com"}},
		"invalid utf-8": {"user[bio]": {"\xff"}},
	} {
		res := bob.sendForm(http.MethodPut, "/users/me/profile", form)
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if document(t, res).Find(".field-error").Length() == 0 {
			t.Errorf("%s: no error shown", name)
		}
	}
	if u := a.user(bob.user.ID); u.Name != "Bob Member" || u.Bio != "" || u.Email != "bob.member@example.com" {
		t.Fatalf("refused updates changed %+v", u)
	}

	// A bio of exactly 200 characters and a blank password: saved, password kept,
	// the other device still signed in.
	bio := strings.Repeat("é", 200)
	res := bob.sendForm(http.MethodPut, "/users/me/profile", url.Values{
		"user[name]": {"Robert"}, "user[email_address]": {"Robert@Example.com"}, "user[password]": {""}, "user[bio]": {bio},
	})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/users/me/profile" {
		t.Errorf("Location %q", loc)
	}
	u := a.user(bob.user.ID)
	if u.Name != "Robert" || u.Email != "robert@example.com" || u.Bio != bio {
		t.Errorf("saved %+v", u)
	}
	if other.signedInAs(t) != bob.user.ID {
		t.Error("saving without a new password signed out the other device")
	}
	if _, err := a.store.ActiveUserByEmail(ctx, "robert@example.com"); err != nil {
		t.Error("can't sign in with the new address")
	}

	// A new password: the old one stops working and other sessions end.
	_, digest, _ := a.store.UserPassword(ctx, "robert@example.com")
	wantStatus(t, bob.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[password]": {"a-new-password"}}), http.StatusSeeOther)
	if _, after, _ := a.store.UserPassword(ctx, "robert@example.com"); after == digest {
		t.Error("password not changed")
	}
	if bob.signedInAs(t) != bob.user.ID {
		t.Error("changing the password signed out the device that changed it")
	}
	if other.signedInAs(t) != 0 {
		t.Error("changing the password left another device signed in")
	}
	wantStatus(t, a.anonymous().postForm("/session", url.Values{"email_address": {"robert@example.com"}, "password": {"a-new-password"}}),
		http.StatusSeeOther)

	// Someone else's profile card: name and bio, no email, a Ping button.
	doc = document(t, admin.get(fmt.Sprintf("/users/%d", bob.user.ID)))
	if doc.Find("h1").Text() != "Robert" || doc.Find(".profile-card__bio").Text() != bio {
		t.Errorf("card: %q", doc.Find("main").Text())
	}
	if doc.Find(`form[action="/rooms/directs"] input[name="user_ids[]"]`).AttrOr("value", "") != fmt.Sprint(bob.user.ID) {
		t.Error("no Ping button")
	}
	// Nobody else's profile is reachable for editing.
	wantStatus(t, admin.get("/users/999999"), http.StatusNotFound)
	wantStatus(t, admin.get("/users/abc"), http.StatusNotFound)
}

func TestAutocompleteUsers(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	ctx := context.Background()
	for _, name := range []string{"Émile Zola", "emma Stone", "Zed Émeraude", "Gone Person"} {
		a.member(name)
	}
	gone, _ := a.store.ActiveUserByEmail(ctx, "gone.person@example.com")
	if err := a.store.DeactivateUser(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	var bot int64
	if err := a.store.Writer().QueryRow(`
		INSERT INTO users (name, role, created_at, updated_at) VALUES ('Emoji Bot', 'bot', 0, 0) RETURNING id`).Scan(&bot); err != nil {
		t.Fatal(err)
	}

	names := func(c *client, q string) []string {
		t.Helper()
		res := c.get("/autocompletable/users?" + q)
		wantStatus(t, res, http.StatusOK)
		var got []autocompleteUser
		decodeJSON(t, res, &got)
		out := make([]string, len(got))
		for i, u := range got {
			out[i] = u.Name
			if !strings.HasSuffix(u.AvatarURL, fmt.Sprintf("/users/%d/avatar", u.ID)) || !strings.HasPrefix(u.AvatarURL, "http") {
				t.Errorf("avatar_url %q", u.AvatarURL)
			}
		}
		return out
	}
	// Whole-name prefixes first (by name, ignoring case and accents' case),
	// then later words; bots included, deactivated people not.
	if got := strings.Join(names(admin, "query=%C3%A9m"), ","); got != "Émile Zola,Zed Émeraude" {
		t.Errorf("query ém: %s", got)
	}
	if got := strings.Join(names(admin, "query=EM"), ","); got != "emma Stone,Emoji Bot" {
		t.Errorf("query EM: %s", got)
	}
	if got := strings.Join(names(admin, "query=@gone"), ","); got != "" {
		t.Errorf("deactivated listed: %s", got)
	}
	// At most 20.
	for i := range 25 {
		a.member(fmt.Sprintf("Many %02d", i))
	}
	if got := names(admin, "query=many"); len(got) != 20 || got[0] != "Many 00" {
		t.Errorf("%d results: %v", len(got), got)
	}
	// Restricted to a room's members; a room that isn't yours is a 404.
	room, err := a.store.CreateRoom(ctx, model.RoomClosed, "Pair", admin.user.ID, []int64{bot})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(admin, fmt.Sprintf("room_id=%d", room.ID)), ","); got != "Ada Admin,Emoji Bot" {
		t.Errorf("room members: %s", got)
	}
	outsider := a.member("Olga Outsider")
	wantStatus(t, outsider.get(fmt.Sprintf("/autocompletable/users?room_id=%d", room.ID)), http.StatusNotFound)
	wantStatus(t, outsider.get("/autocompletable/users?room_id=999999"), http.StatusNotFound)
	wantStatus(t, outsider.get("/autocompletable/users?room_id=abc"), http.StatusBadRequest)
	wantStatus(t, outsider.get("/autocompletable/users?query=%FF"), http.StatusBadRequest)
	// Names are data, not markup: JSON escapes them safely.
	a.member("Mal <script>")
	res := admin.get("/autocompletable/users?query=mal")
	body := readAll(t, res)
	if strings.Contains(body, "<script>") || !strings.Contains(body, `Mal \u003cscript\u003e`) {
		t.Errorf("body %s", body)
	}
	// Anonymous asking for JSON gets a 401, not a sign-in page.
	wantStatus(t, a.anonymous().get("/autocompletable/users", "Accept", "application/json"), http.StatusUnauthorized)
}

func TestAvatar(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	path := fmt.Sprintf("/users/%d/avatar", bob.user.ID)

	res := admin.get(path)
	wantStatus(t, res, http.StatusOK)
	etag := res.Header.Get("Etag")
	if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=1800") || etag == "" {
		t.Errorf("Cache-Control %q, ETag %q", cc, etag)
	}
	if body := readAll(t, res); !strings.Contains(body, ">BM</text>") {
		t.Errorf("avatar %s", body)
	}
	wantStatus(t, admin.get(path, "If-None-Match", etag), http.StatusNotModified)
	wantStatus(t, admin.get(path, "If-None-Match", `"other", `+etag), http.StatusNotModified)

	// A new name is a new avatar and a new ETag.
	wantStatus(t, bob.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[name]": {"Carla Dee"}}), http.StatusSeeOther)
	res = admin.get(path, "If-None-Match", etag)
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("Etag") == etag || !strings.Contains(readAll(t, res), ">CD</text>") {
		t.Error("the avatar did not change with the name")
	}
	wantStatus(t, admin.get("/users/999999/avatar"), http.StatusNotFound)
	wantStatus(t, admin.get("/users/0/avatar"), http.StatusNotFound)
}

func TestQRCode(t *testing.T) {
	a := newTestApp(t)
	c := a.anonymous()
	text := "https://chat.example.com/join/ABCD-EFGH-JKLM"
	for _, enc := range []string{base64.RawURLEncoding.EncodeToString([]byte(text)), base64.URLEncoding.EncodeToString([]byte(text))} {
		res := c.get("/qr_code/" + enc)
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" {
			t.Errorf("Content-Type %q", ct)
		}
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "public") {
			t.Errorf("Cache-Control %q", cc)
		}
		if body := readAll(t, res); !strings.HasPrefix(body, "<svg") {
			t.Errorf("body %.60s", body)
		}
	}
	// Standard base64's + and / are not URL-safe base64.
	for _, bad := range []string{"a+bc", "%2F%2F%2F%2F", "!!!!", "A"} {
		wantStatus(t, c.get("/qr_code/"+bad), http.StatusBadRequest)
	}
	long := base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("x", 1025)))
	wantStatus(t, c.get("/qr_code/"+long), http.StatusRequestURITooLong)
	longer := base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("x", 5000)))
	wantStatus(t, c.get("/qr_code/"+longer), http.StatusRequestURITooLong)
}

// TestPingFromProfileCard submits the card's Ping form as a browser would and
// lands in the direct room of the two people.
func TestPingFromProfileCard(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	form := document(t, admin.get(fmt.Sprintf("/users/%d", bob.user.ID))).Find(`form[action="/rooms/directs"]`)
	vals := url.Values{}
	form.Find("input").Each(func(_ int, s *goquerySelection) { vals.Add(s.AttrOr("name", ""), s.AttrOr("value", "")) })
	res := admin.postForm("/rooms/directs", vals)
	wantStatus(t, res, http.StatusSeeOther)
	var id int64
	if _, err := fmt.Sscanf(res.Header.Get("Location"), "/rooms/%d", &id); err != nil {
		t.Fatalf("Location %q", res.Header.Get("Location"))
	}
	room, err := a.store.MemberRoom(context.Background(), id, bob.user.ID)
	if err != nil || room.Kind != model.RoomDirect {
		t.Errorf("room %+v: %v", room, err)
	}
}

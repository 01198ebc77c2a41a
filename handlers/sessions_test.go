package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFirstRunOnlyOnce(t *testing.T) {
	a := newTestApp(t)
	anon := a.anonymous()
	res := anon.get("/")
	wantStatus(t, res, http.StatusSeeOther)
	if res.Header.Get("Location") != "/session/new" {
		t.Fatalf("anonymous / → %s", res.Header.Get("Location"))
	}
	res = anon.get("/session/new")
	wantStatus(t, res, http.StatusSeeOther)
	if res.Header.Get("Location") != "/first_run" {
		t.Fatalf("sign-in on a fresh install → %s", res.Header.Get("Location"))
	}
	wantStatus(t, anon.get("/first_run"), http.StatusOK)

	bad := anon.postForm("/first_run", url.Values{"user[name]": {""}, "user[email_address]": {"nope"}, "user[password]": {"short"}})
	wantStatus(t, bad, http.StatusUnprocessableEntity)
	if doc := document(t, bad); doc.Find(".field-error").Length() != 3 {
		t.Fatal("expected an error per field")
	}

	admin := a.admin()
	doc := document(t, admin.get(fmt.Sprintf("/rooms/%d", a.allTalk())))
	if doc.Find("#room-name").Text() != "All Talk" {
		t.Fatal("no All Talk room")
	}
	if doc.Find(`meta[name="current-user-id"]`).AttrOr("content", "") != fmt.Sprint(admin.user.ID) {
		t.Fatal("current-user-id meta missing")
	}

	// A second first run changes nothing.
	res = a.anonymous().postForm("/first_run", url.Values{
		"user[name]": {"Mallory"}, "user[email_address]": {"mallory@example.com"}, "user[password]": {"takeover-attempt"},
	})
	wantStatus(t, res, http.StatusSeeOther)
	if res.Header.Get("Location") != "/" {
		t.Fatalf("second first run → %s", res.Header.Get("Location"))
	}
	wantStatus(t, a.anonymous().get("/first_run"), http.StatusSeeOther)
}

func TestSignInReturnsToTheRequestedPage(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	c := a.anonymous()
	want := fmt.Sprintf("/rooms/%d", a.allTalk())
	wantStatus(t, c.get(want), http.StatusSeeOther)

	res := c.postForm("/session", url.Values{"email_address": {"ada@example.com"}, "password": {"wrong"}})
	wantStatus(t, res, http.StatusUnauthorized)
	if doc := document(t, res); doc.Find(".flash--alert").Text() != signInAlert {
		t.Fatal("no alert on a wrong password")
	}

	res = c.postForm("/session", url.Values{"email_address": {"ADA@example.com"}, "password": {"secret-password"}})
	wantStatus(t, res, http.StatusSeeOther)
	if got := res.Header.Get("Location"); got != want {
		t.Fatalf("after sign-in → %s, want %s", got, want)
	}
	wantStatus(t, c.get(want), http.StatusOK)
}

func TestSignOutEndsTheSession(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := fmt.Sprintf("/rooms/%d", a.allTalk())
	u, _ := url.Parse(a.srv.URL)
	old := admin.http.Jar.Cookies(u)

	wantStatus(t, admin.postForm("/session", url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	wantStatus(t, admin.get(room), http.StatusSeeOther)

	// Replaying the old cookie does not sign anyone in.
	thief := a.anonymous()
	thief.http.Jar.SetCookies(u, old)
	res := thief.get(room)
	wantStatus(t, res, http.StatusSeeOther)
	if res.Header.Get("Location") != "/session/new" {
		t.Fatalf("old cookie → %s", res.Header.Get("Location"))
	}
}

func TestValidReturnTo(t *testing.T) {
	for in, want := range map[string]bool{
		"/rooms/1": true, "/": true, "//evil.example": false, "/\\evil.example": false,
		"https://evil.example": false, "": false, "/rooms/1\r\nX: y": false,
		"/" + strings.Repeat("a", maxReturnTo-1): true, "/" + strings.Repeat("a", maxReturnTo): false,
	} {
		if got := validReturnTo(in); got != want {
			t.Errorf("validReturnTo(%.40q) = %v", in, got)
		}
	}
}

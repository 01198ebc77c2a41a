package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
)

// sessionExpiry is when the database says the client's session ends.
func (a *testApp) sessionExpiry(t *testing.T, token string) time.Time {
	t.Helper()
	var unix float64
	err := a.store.Writer().QueryRowContext(context.Background(),
		`SELECT (expiry - 2440587.5) * 86400 FROM sessions WHERE token = ?`, token).Scan(&unix)
	if err != nil {
		t.Fatal(err)
	}
	return time.Unix(int64(unix), 0)
}

// ageSession moves the session's expiry to the given time, as if it had been
// renewed last long ago. It goes through the session store, which remembers
// sessions: a write behind its back is a change by another process, seen
// only after db's memo TTL.
func (a *testApp) ageSession(t *testing.T, token string, expiry time.Time) {
	t.Helper()
	ctx := context.Background()
	var b []byte
	if err := a.store.Writer().QueryRowContext(ctx, `SELECT data FROM sessions WHERE token = ?`, token).Scan(&b); err != nil {
		t.Fatal(err)
	}
	_, values, err := sessionCodec{}.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if b, err = (sessionCodec{}).Encode(expiry, values); err != nil {
		t.Fatal(err)
	}
	if err := a.h.sessions.Store.(*db.SessionStore).CommitCtx(ctx, token, b, expiry); err != nil {
		t.Fatal(err)
	}
}

func withinOf(got, want, tolerance time.Duration) bool {
	return got > want-tolerance && got < want+tolerance
}

// TestSessionLifetimeDefaultYear: a sign-in's cookie and session last a year
// unless configured otherwise.
func TestSessionLifetimeDefaultYear(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	c, res := a.signInWith(t, "yvonne")
	ck := sessionCookie(t, res)
	year := 365 * 24 * time.Hour
	if got := time.Duration(ck.MaxAge) * time.Second; !withinOf(got, year, time.Hour) {
		t.Fatalf("cookie Max-Age %v, want a year", got)
	}
	if got := time.Until(a.sessionExpiry(t, c.tokenOf())); !withinOf(got, year, time.Hour) {
		t.Fatalf("session expires in %v, want a year", got)
	}
}

// TestSessionRenewedOnUse: a session used after most of its lifetime has
// passed gets a whole lifetime again, in the database and in the cookie; one
// renewed recently is left alone (no write per request).
func TestSessionRenewedOnUse(t *testing.T) {
	lifetime := 48 * time.Hour
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(c *Config, _ *live.Options) { c.SessionLifetime = lifetime })
	a.admin()
	room := a.allTalk()
	c, res := a.signInWith(t, "rene")
	if got := time.Duration(sessionCookie(t, res).MaxAge) * time.Second; !withinOf(got, lifetime, time.Minute) {
		t.Fatalf("cookie Max-Age %v, want %v", got, lifetime)
	}

	// Fresh: a page view sends no new cookie.
	page := c.get(fmt.Sprintf("/rooms/%d", room))
	wantStatus(t, page, http.StatusOK)
	for _, ck := range page.Cookies() {
		if ck.Name == "session_token" {
			t.Fatalf("a fresh session was rewritten: %v", ck)
		}
	}

	// An hour from the end: the next page view renews it.
	token := c.tokenOf()
	a.ageSession(t, token, time.Now().Add(time.Hour))
	page = c.get(fmt.Sprintf("/rooms/%d", room))
	wantStatus(t, page, http.StatusOK)
	if got := time.Duration(sessionCookie(t, page).MaxAge) * time.Second; !withinOf(got, lifetime, time.Minute) {
		t.Fatalf("renewed cookie Max-Age %v, want %v", got, lifetime)
	}
	if got := time.Until(a.sessionExpiry(t, c.tokenOf())); !withinOf(got, lifetime, time.Minute) {
		t.Fatalf("renewed session expires in %v, want %v", got, lifetime)
	}

	// Past its end it signs nobody in.
	a.ageSession(t, c.tokenOf(), time.Now().Add(-time.Minute))
	wantStatus(t, c.get(fmt.Sprintf("/rooms/%d", room)), http.StatusSeeOther)
}

// TestSignOutEverywhereElse: the profile lists the person's sign-ins, and
// the button ends all but this one, streams included.
func TestSignOutEverywhereElse(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	room := a.allTalk()
	laptop, _ := a.signInWith(t, "sam", "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
	phone := a.anonymous()
	wantStatus(t, phone.postForm("/session", url.Values{"email_address": {"sam@example.com"}, "password": {"secret-password"}},
		"User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"), http.StatusSeeOther)
	other := a.member("Olga Other")

	doc := document(t, laptop.get("/users/me/profile"))
	items := doc.Find(".sessions li")
	if items.Length() != 2 {
		t.Fatalf("%d sign-ins listed, want 2: %s", items.Length(), items.Text())
	}
	if !strings.Contains(items.First().Text(), "this browser") && !strings.Contains(items.Last().Text(), "this browser") {
		t.Fatalf("this browser is not marked: %s", items.Text())
	}
	if doc.Find(`form[action="/users/me/sessions"] input[name="_method"][value="delete"]`).Length() != 1 {
		t.Fatal("no sign-out-everywhere-else form")
	}

	res := laptop.postForm("/users/me/sessions", url.Values{"_method": {"delete"}})
	wantStatus(t, res, http.StatusSeeOther)
	if !a.signedIn(t, laptop.tokenOf(), room) {
		t.Fatal("this browser was signed out too")
	}
	if a.signedIn(t, phone.tokenOf(), room) {
		t.Fatal("the other browser is still signed in")
	}
	if !a.signedIn(t, other.tokenOf(), room) {
		t.Fatal("someone else was signed out")
	}
	doc = document(t, laptop.get("/users/me/profile"))
	if n := doc.Find(".sessions li").Length(); n != 1 {
		t.Fatalf("%d sign-ins listed after, want 1", n)
	}
	if doc.Find(`form[action="/users/me/sessions"]`).Length() != 0 {
		t.Fatal("the button stays with nothing else to sign out")
	}
}

package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAnonymousVisitsStoreNothing: anonymous requests to protected pages,
// with URLs of any length, a failed sign-in, and a cookie whose sign-in has
// ended leave no session row and get no session cookie (issue 19, item 2:
// each used to store a 30-day row holding the whole URL). The page asked
// for still comes back after signing in, from a small signed cookie, when it
// is a short local path.
func TestAnonymousVisitsStoreNothing(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Member")
	room := a.allTalk()
	rows := func() int { return a.count(`SELECT count(*) FROM sessions`) }
	before := rows()

	anon := a.anonymous()
	long := fmt.Sprintf("/rooms/%d?q=%s", room, strings.Repeat("x", 60_000))
	for _, path := range []string{fmt.Sprintf("/rooms/%d", room), long, "/account/edit", "/users/me/profile", "/searches?q=a"} {
		res := anon.get(path)
		wantStatus(t, res, http.StatusSeeOther)
		for _, c := range res.Cookies() {
			if c.Name == "session_token" || len(c.Value) > 4*maxReturnTo/3+64 {
				t.Errorf("%.40s: anonymous visit set cookie %s of %d bytes", path, c.Name, len(c.Value))
			}
		}
	}
	wantStatus(t, anon.postForm("/session", url.Values{"email_address": {"bob.member@example.com"}, "password": {"wrong"}}),
		http.StatusUnauthorized)
	// A cookie of a sign-in that has ended: its row goes, none is made.
	ended := bob.tokenOf()
	wantStatus(t, bob.send(http.MethodDelete, "/session", "", ""), http.StatusSeeOther)
	wantStatus(t, a.withToken(ended).get("/"), http.StatusSeeOther)
	if n := rows(); n != before-1 {
		t.Fatalf("session rows: %d before, %d after anonymous visits and a sign-out (want %d)", before, n, before-1)
	}

	signIn := func(c *client) string {
		res := c.postForm("/session", url.Values{"email_address": {"bob.member@example.com"}, "password": {"secret-password"}})
		wantStatus(t, res, http.StatusSeeOther)
		return res.Header.Get("Location")
	}
	// The page asked for comes back after signing in, once.
	visitor := a.anonymous()
	target := fmt.Sprintf("/rooms/%d?x=1", room)
	wantStatus(t, visitor.get(target), http.StatusSeeOther)
	if got := signIn(visitor); got != target {
		t.Errorf("after sign-in → %q, want %q", got, target)
	}
	if got := signIn(visitor); got != "/" {
		t.Errorf("second sign-in → %q, want / (the page is forgotten once used)", got)
	}

	// Too long to keep: signing in goes home.
	visitor = a.anonymous()
	wantStatus(t, visitor.get(long), http.StatusSeeOther)
	if got := signIn(visitor); got != "/" {
		t.Errorf("after a %d-byte address → %q, want /", len(long), got)
	}

	// A cookie not made by the server is not followed.
	u, _ := url.Parse(a.srv.URL + "/session")
	for _, v := range []string{"Ly9ldmlsLmV4YW1wbGU.x", "L3Jvb21zLzE", "L3Jvb21zLzE.", "." + strings.Repeat("A", 43)} {
		visitor = a.anonymous()
		visitor.http.Jar.SetCookies(u, []*http.Cookie{{Name: returnToCookie, Value: v, Path: "/session"}})
		if got := signIn(visitor); got != "/" {
			t.Errorf("forged cookie %q → %q, want /", v, got)
		}
	}
}

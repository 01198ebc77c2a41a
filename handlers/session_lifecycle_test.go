package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
)

// tokenOf is the client's current session_token ("" if none).
func (c *client) tokenOf() string {
	u, _ := url.Parse(c.app.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "session_token" {
			return ck.Value
		}
	}
	return ""
}

// withToken is a new browser carrying only the given session token, as a
// thief replaying a stolen cookie would.
func (a *testApp) withToken(token string) *client {
	c := a.anonymous()
	u, _ := url.Parse(a.srv.URL)
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: "session_token", Value: token, Path: "/"}})
	return c
}

// signedIn reports whether the token opens a room page and its stream.
func (a *testApp) signedIn(t *testing.T, token string, room int64) bool {
	t.Helper()
	c := a.withToken(token)
	page := c.get(fmt.Sprintf("/rooms/%d", room))
	stream := c.get(fmt.Sprintf("/events?room_id=%d", room))
	switch {
	case page.StatusCode == http.StatusOK && stream.StatusCode == http.StatusOK:
		return true
	case page.StatusCode == http.StatusSeeOther && page.Header.Get("Location") == "/session/new" &&
		stream.StatusCode == http.StatusUnauthorized:
		return false
	default:
		t.Fatalf("token half works: page %d (%s), stream %d", page.StatusCode, page.Header.Get("Location"), stream.StatusCode)
		return false
	}
}

// TestSessionFixation: a token handed out before sign-in (and possibly
// planted by someone else) is replaced at sign-in and never becomes signed in.
func TestSessionFixation(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	room := a.allTalk()
	email := "victim@example.com"
	a.signInWith(t, "victim") // creates the person; this browser is discarded

	// Anonymous visitors are handed no token (issue 19), so the attacker
	// plants one of their own making.
	planted := "planted-by-an-attacker-000000000000000000000"

	victim := a.withToken(planted)
	wantStatus(t, victim.postForm("/session", url.Values{"email_address": {email}, "password": {"secret-password"}}), http.StatusSeeOther)
	after := victim.tokenOf()
	if after == "" || after == planted {
		t.Fatalf("token not renewed at sign-in: before %q after %q", planted, after)
	}
	if !a.signedIn(t, after, room) {
		t.Fatal("the new token does not sign the victim in")
	}
	if a.signedIn(t, planted, room) {
		t.Fatal("the planted token signs the attacker in as the victim")
	}
}

// TestSignOutEndsOnlyThatSignIn: the old cookie stops working on pages and
// streams, while the person's other browsers stay signed in.
func TestSignOutEndsOnlyThatSignIn(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	laptop := a.member("Bob Builder")
	phone := a.anonymous()
	wantStatus(t, phone.postForm("/session", url.Values{"email_address": {"bob.builder@example.com"}, "password": {"secret-password"}}), http.StatusSeeOther)
	laptopToken, phoneToken := laptop.tokenOf(), phone.tokenOf()

	wantStatus(t, laptop.send(http.MethodDelete, "/session", "", ""), http.StatusSeeOther)
	if a.signedIn(t, laptopToken, room) {
		t.Fatal("signed-out token still works")
	}
	if !a.signedIn(t, phoneToken, room) {
		t.Fatal("signing out on one device signed out another")
	}
	if !a.signedIn(t, admin.tokenOf(), room) {
		t.Fatal("signing out affected another person")
	}
}

// TestEndedSignInsStopWorking covers the hooks deactivation and bans rely
// on: ending a person's sign-ins, or changing their status, behind the
// server's back (as another process on the same file would) makes every
// cookie they hold worthless at the next check of sign-ins, although the
// store remembered the sign-in. Changes made through the server itself take
// effect at once (TestSignInChangesSeenAtOnce).
func TestEndedSignInsStopWorking(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		end  func(a *testApp, userID int64) error
	}{
		{"sign-ins deleted", func(a *testApp, id int64) error {
			_, err := a.store.Writer().ExecContext(ctx, `DELETE FROM user_sessions WHERE user_id = ?`, id)
			return err
		}},
		{"deactivated", func(a *testApp, id int64) error {
			_, err := a.store.Writer().ExecContext(ctx, `UPDATE users SET status = 'deactivated' WHERE id = ?`, id)
			return err
		}},
		{"banned", func(a *testApp, id int64) error {
			_, err := a.store.Writer().ExecContext(ctx, `UPDATE users SET status = 'banned' WHERE id = ?`, id)
			return err
		}},
		{"made a bot", func(a *testApp, id int64) error {
			_, err := a.store.Writer().ExecContext(ctx, `UPDATE users SET role = 'bot' WHERE id = ?`, id)
			return err
		}},
		{"deleted", func(a *testApp, id int64) error {
			_, err := a.store.Writer().ExecContext(ctx, `DELETE FROM users WHERE id = ?`, id)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestApp(t)
			admin := a.admin()
			room := a.allTalk()
			bob := a.member("Bob Builder")
			token := bob.tokenOf()
			if !a.signedIn(t, token, room) {
				t.Fatal("not signed in to begin with")
			}
			if err := tc.end(a, bob.user.ID); err != nil {
				t.Fatal(err)
			}
			if err := a.h.endRevokedStreams(ctx); err != nil {
				t.Fatal(err)
			}
			if a.signedIn(t, token, room) {
				t.Fatal("the old cookie still works")
			}
			// A post with the old cookie is refused and stores nothing.
			before := a.countMessages(t)
			res := a.withToken(token).post(room, "still here?", "ghost")
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/session/new" {
				t.Fatalf("post with an ended sign-in: %d %s", res.StatusCode, res.Header.Get("Location"))
			}
			if a.countMessages(t) != before {
				t.Fatal("a post with an ended sign-in was stored")
			}
			if !a.signedIn(t, admin.tokenOf(), room) {
				t.Fatal("ending one person's sign-ins affected another")
			}
		})
	}
}

// Signing out deletes the session row itself, not only the sign-in it points
// at; an expired session signs nobody in.
func TestSessionRowsEndWithSignOutAndExpiry(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	token := admin.tokenOf()
	if a.count(`SELECT count(*) FROM sessions WHERE token = ?`, token) != 1 {
		t.Fatal("no session row after sign-in")
	}
	if !a.signedIn(t, token, room) {
		t.Fatal("fresh sign-in does not work")
	}
	wantStatus(t, admin.postForm("/session", url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	if n := a.count(`SELECT count(*) FROM sessions WHERE token = ?`, token); n != 0 {
		t.Fatalf("%d session rows left after sign-out", n)
	}
	if a.signedIn(t, token, room) {
		t.Fatal("a signed-out token still works")
	}

	bob := a.member("Bob")
	token = bob.tokenOf()
	if !a.signedIn(t, token, room) {
		t.Fatal("Bob is not signed in")
	}
	if _, err := a.store.Writer().Exec(`UPDATE sessions SET expiry = julianday('now') - 1 WHERE token = ?`, token); err != nil {
		t.Fatal(err)
	}
	// The row was changed behind the session store's back: it is seen at
	// the next check of sign-ins.
	if err := a.h.endRevokedStreams(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.signedIn(t, token, room) {
		t.Fatal("an expired session still works")
	}
}

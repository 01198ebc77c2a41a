//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// sessionCookie is the browser's session cookie for the app.
func (p *person) sessionCookie() *network.Cookie {
	p.t.Helper()
	res, err := chromedp.Call(p.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{p.app.URL + "/"}})
	if err != nil {
		p.t.Fatal(err)
	}
	for _, c := range res.Cookies {
		if c.Name == "session_token" {
			return c
		}
	}
	return nil
}

// Journey 12: the session cookie is out of scripts' reach and not sent on
// cross-site requests, and signing out ends it for good: the old cookie, put
// back in the browser or replayed by hand, opens nothing.
func TestJourneySessionCookieAndSignOut(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signIn()
	room := a.allTalk(ada.user)

	c := ada.sessionCookie()
	if c == nil {
		t.Fatal("no session_token cookie after signing in")
	}
	if !c.HTTPOnly {
		t.Error("session_token is not HttpOnly")
	}
	if c.SameSite != network.CookieSameSiteLax {
		t.Errorf("session_token SameSite = %q, want Lax", c.SameSite)
	}
	if got := eval[string](ada, `document.cookie`); strings.Contains(got, "session_token") {
		t.Errorf("scripts can read the session cookie: %q", got)
	}
	// The stolen-cookie check below must be able to fail: the cookie works now.
	if status, where := getWithCookie(t, a, "/rooms/"+itoa(room), c.Value); status != http.StatusOK {
		t.Fatalf("the live cookie does not open the room by hand: %d → %s", status, where)
	}

	ada.submit(`form.sidebar__signout button[type="submit"]`)
	if got := ada.path(); got != "/session/new" {
		t.Fatalf("after signing out the page is %s, want the sign-in page", got)
	}

	// Replayed by hand, the old cookie is refused.
	if status, where := getWithCookie(t, a, "/rooms/"+itoa(room), c.Value); status != http.StatusSeeOther || where != "/session/new" {
		t.Errorf("the old cookie still opens the room: %d → %q", status, where)
	}
	// Put back in the browser, it opens nothing either.
	_, err := chromedp.Call(ada.ctx, network.SetCookie, network.SetCookieParams{
		Name: c.Name, Value: c.Value, URL: a.URL + "/", HTTPOnly: new(true), SameSite: network.CookieSameSiteLax,
	})
	if err != nil {
		t.Fatal(err)
	}
	ada.visit("/rooms/" + itoa(room))
	if got := ada.path(); got != "/session/new" {
		t.Errorf("with the old cookie back the browser reaches %s, want the sign-in page", got)
	}
}

// getWithCookie requests a path with only the given session cookie and
// reports the status and where a redirect points.
func getWithCookie(t *testing.T, a *app, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "session_token", Value: token})
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// transferLink is the sign-in link a page shows (#transfer_url), as a path.
func transferLink(t *testing.T, c *client, page string) string {
	t.Helper()
	link := document(t, c.get(page)).Find("#transfer_url").AttrOr("value", "")
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/session/transfers/") {
		t.Fatalf("%s: transfer link %q", page, link)
	}
	return u.Path
}

// useTransfer sends a new device's sign-in form and returns the status and
// who is signed in there after.
func (a *testApp) useTransfer(t *testing.T, path string) (int, int64) {
	t.Helper()
	c := a.anonymous()
	res := c.sendForm(http.MethodPut, path, nil)
	res.Body.Close()
	return res.StatusCode, c.signedInAs(t)
}

// TestTransferLinksAreSingleUseAndRevoked: a sign-in link works once; a
// password change and a sign-out by its person end it, whether the person
// or an administrator made it (issue 19, item 7: links worked for 4 hours
// whatever happened).
func TestTransferLinksAreSingleUseAndRevoked(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	phone := a.signInFrom(t, "bob.member@example.com", "198.51.100.7")
	bobCard := fmt.Sprintf("/users/%d", bob.user.ID)

	// Used once, then never again; the page says so too.
	link := transferLink(t, bob, "/users/me/profile")
	if status, who := a.useTransfer(t, link); status != http.StatusSeeOther || who != bob.user.ID {
		t.Fatalf("first use: %d, signed in as %d", status, who)
	}
	if status, who := a.useTransfer(t, link); status != http.StatusBadRequest || who != 0 {
		t.Errorf("second use: %d, signed in as %d", status, who)
	}
	wantStatus(t, a.anonymous().get(link), http.StatusBadRequest)

	// A sign-out ends the links made before it, the person's own and an
	// administrator's.
	own, given := transferLink(t, bob, "/users/me/profile"), transferLink(t, admin, bobCard)
	wantStatus(t, phone.send(http.MethodDelete, "/session", "", ""), http.StatusSeeOther)
	for _, l := range []string{own, given} {
		if status, who := a.useTransfer(t, l); status != http.StatusBadRequest || who != 0 {
			t.Errorf("link after a sign-out: %d, signed in as %d", status, who)
		}
	}

	// So does a password change.
	own, given = transferLink(t, bob, "/users/me/profile"), transferLink(t, admin, bobCard)
	wantStatus(t, bob.sendForm(http.MethodPut, "/users/me/profile", url.Values{"user[password]": {"a-new-password"}}),
		http.StatusSeeOther)
	for _, l := range []string{own, given} {
		if status, who := a.useTransfer(t, l); status != http.StatusBadRequest || who != 0 {
			t.Errorf("link after a password change: %d, signed in as %d", status, who)
		}
	}

	// A link made after all that works.
	if status, who := a.useTransfer(t, transferLink(t, bob, "/users/me/profile")); status != http.StatusSeeOther || who != bob.user.ID {
		t.Errorf("fresh link: %d, signed in as %d", status, who)
	}
}

// TestTransferAsksBeforeReplacingASignIn: the link's page names the account
// and does not submit itself; someone signed in as another person is told
// they would be signed out of their own account, and only a form that says
// so (switch_from, their id) switches, ending their sign-in there. Without
// it: 409, nothing changes and the link is not spent (issue 19, item 6).
func TestTransferAsksBeforeReplacingASignIn(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Member")
	link := transferLink(t, bob, "/users/me/profile")
	adminSessions := func() int { return a.count(`SELECT count(*) FROM user_sessions WHERE user_id = ?`, admin.user.ID) }
	before := adminSessions()

	page := document(t, admin.get(link))
	if h := page.Find("h1").Text(); !strings.Contains(h, "Bob Member") {
		t.Errorf("heading %q does not name the account", h)
	}
	if w := page.Find("#transfer_switch").Text(); !strings.Contains(w, "Ada Admin") || !strings.Contains(w, "signs you out") {
		t.Errorf("no warning about the current sign-in: %q", w)
	}
	if page.Find("script[src*=transfer], form[data-auto-submit]").Length() != 0 {
		t.Error("the page submits itself")
	}

	// A form without the confirmation (an old page, a crafted post) asks.
	res := admin.sendForm(http.MethodPut, link, nil)
	wantStatus(t, res, http.StatusConflict)
	if document(t, res).Find("#transfer_switch").Length() != 1 {
		t.Error("the 409 does not ask")
	}
	if who := admin.signedInAs(t); who != admin.user.ID {
		t.Fatalf("signed in as %d after an unconfirmed switch", who)
	}
	// A confirmation naming someone else is no confirmation.
	wantStatus(t, admin.sendForm(http.MethodPut, link, url.Values{"switch_from": {strconv.FormatInt(bob.user.ID, 10)}}),
		http.StatusConflict)

	res = admin.sendForm(http.MethodPut, link, url.Values{"switch_from": {strconv.FormatInt(admin.user.ID, 10)}})
	wantStatus(t, res, http.StatusSeeOther)
	if who := admin.signedInAs(t); who != bob.user.ID {
		t.Fatalf("after the confirmed switch signed in as %d", who)
	}
	if n := adminSessions(); n != before-1 {
		t.Errorf("the replaced sign-in was not ended: %d sessions, had %d", n, before)
	}

	// The person the link is for, already signed in: nothing to do, and the
	// link is not spent.
	link = transferLink(t, bob, "/users/me/profile")
	wantStatus(t, bob.sendForm(http.MethodPut, link, nil), http.StatusSeeOther)
	if status, who := a.useTransfer(t, link); status != http.StatusSeeOther || who != bob.user.ID {
		t.Errorf("link after its own person followed it: %d, %d", status, who)
	}
}

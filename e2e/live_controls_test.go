//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// clickOnArrival makes the page click the first element matching sel in the
// same moment it is put into the message list: from a mutation observer,
// which runs before the browser paints the new element, so sooner than anyone
// could see it and click. Whether the form it submits went through htmx or
// posted itself as a plain form is kept for wantSubmittedInPlace.
func (p *person) clickOnArrival(sel string) {
	p.t.Helper()
	eval[bool](p, fmt.Sprintf(`(() => {
		const list = document.getElementById("messages");
		new MutationObserver((_, observer) => {
			const el = list.querySelector(%s);
			if (!el) return;
			observer.disconnect();
			// Bubbling listeners on the document run after the form's own, so
			// this sees whether htmx took the submission over.
			document.addEventListener("submit", e => {
				if (e.target === el.form) window.__e2ePlainPost = !e.defaultPrevented;
			});
			el.click();
		}).observe(list, { childList: true, subtree: true });
		return true;
	})()`, jsString(sel)))
}

// wantSubmittedInPlace fails when the control clickOnArrival clicked posted
// a plain form (or the page was replaced since).
func (p *person) wantSubmittedInPlace(what string) {
	p.t.Helper()
	got, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`String(window.__e2ePlainPost)`))
	if err != nil && !documentGone(err) {
		p.t.Fatalf("%s: %v", p.user.Name, err)
	}
	switch got {
	case "false":
	case "true":
		p.t.Fatalf("%s: %s, clicked as it arrived live, posted a plain form; htmx had not wired it up yet", p.user.Name, what)
	default:
		p.t.Fatalf("%s: the page was replaced after %s was clicked as it arrived live; it should have updated in place", p.user.Name, what)
	}
	p.wantSamePage()
}

// settledOr holds once the click clickOnArrival made has had its effect:
// done holds after a submission through htmx, or at once after a plain post
// (or in the page that replaced this one), which wantSubmittedInPlace reports.
func settledOr(done string) string {
	return `window.__e2eSamePage !== true || window.__e2ePlainPost === true || (window.__e2ePlainPost === false && ` + done + `)`
}

// httpClient signs in with a plain HTTP client, as a second device or a
// script would.
func httpClient(t *testing.T, a *app, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	// Connections of its own, none kept: the shared transport may hold a
	// keep-alive connection to a server a journey has since restarted on the
	// same port, and a POST on it fails with EOF (Go retries no POST).
	c := &http.Client{Jar: jar, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := c.PostForm(a.URL+"/session", url.Values{"email_address": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Request.URL.Path, "/rooms/") {
		t.Fatalf("sign in over HTTP: %d at %s", res.StatusCode, res.Request.URL.Path)
	}
	return c
}

// A boost made on another device arrives live with its remove button, and
// that button works the moment it is on the page: the removal goes through
// htmx, it does not post a plain form that reloads the page.
func TestBoostArrivingLiveIsRemovableAtOnce(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "Boost me elsewhere")
	ada.openRoom(room)
	ada.waitForMessage("Boost me elsewhere")
	ada.markPage()

	ada.clickOnArrival(".boost__remove-button")
	msg := a.messages(room)[0]
	res, err := httpClient(t, a, ada.user.Email).PostForm(a.URL+fmt.Sprintf("/messages/%d/boosts", msg.ID), url.Values{"boost[content]": {"🎉"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("boost over HTTP: %d", res.StatusCode)
	}
	ada.waitUntil("the boost to come and go", settledOr(boostsOn("Boost me elsewhere")+` === ""`))
	ada.wantSubmittedInPlace("the boost's remove button")
}

// A message that arrives live brings its delete form, and it works the
// moment the message is on the page.
func TestMessageArrivingLiveIsDeletableAtOnce(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	ada.markPage()
	// The delete form asks first; this person always says yes.
	eval[bool](ada, `window.confirm = () => true, true`)

	ada.clickOnArrival(".message__menu form button")
	httpPost(t, a, ada.user.Email, room, "Delete me at once")
	ada.waitUntil("the message to come and go", settledOr(`document.querySelectorAll("#messages article.message").length === 0`))
	ada.wantSubmittedInPlace("the message's delete button")
	if n := len(a.messages(room)); n != 0 {
		t.Errorf("%d messages left in the room, want none", n)
	}
}

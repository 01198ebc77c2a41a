//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// markPage tags the page's window; the tag survives anything but a reload.
func (p *person) markPage() {
	p.t.Helper()
	eval[bool](p, `window.__e2eSamePage = true`)
}

// wantSamePage fails when the page was reloaded since markPage.
func (p *person) wantSamePage() {
	p.t.Helper()
	if !eval[bool](p, `window.__e2eSamePage === true`) {
		p.t.Fatalf("%s: the page reloaded; it should have updated in place", p.user.Name)
	}
}

// Journey 1: two people sign in and open a room; what one sends, the other
// sees appear without reloading.
func TestJourneySendAndSeeLive(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signIn()
	bo.signIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)
	bo.markPage()

	ada.typeMessage("The fire is lit")
	ada.do(chromedp.Click(chromedp.CSS(`#composer button[name="send"]`), chromedp.NodeVisible))

	ada.waitForMessage("The fire is lit")
	bo.waitForMessage("The fire is lit")
	bo.wantSamePage()
	ada.waitComposerEmpty()

	// And back the other way, sent with Enter.
	bo.typeMessage("Warm already\n")
	ada.waitForMessage("Warm already")
	if got := ada.messageTexts(); len(got) != 2 || got[0] != "The fire is lit" || got[1] != "Warm already" {
		t.Fatalf("Ada sees %q, want both messages once, in order", got)
	}
}

// Journey 2: clicking Send five times in a burst posts one message.
func TestJourneyBurstOfClicksPostsOnce(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)

	ada.typeMessage("Only once, please")
	box, err := chromedp.Run(ada.ctx, chromedp.Dimensions(chromedp.CSS(`#composer button[name="send"]`), chromedp.NodeVisible))
	if err != nil {
		t.Fatal(err)
	}
	x, y := center(box.Content)
	clicks := make([]chromedp.Action[chromedp.Void], 5)
	for i := range clicks {
		clicks[i] = chromedp.MouseClickXY(x, y)
	}
	ada.do(clicks...)

	// A message Bo sends afterwards is a barrier: the clicks' requests left
	// Ada's page before it, so once it shows, any duplicate shows too.
	ada.waitForMessage("Only once, please")
	bo.waitForMessage("Only once, please")
	bo.typeMessage("Got it\n")
	ada.waitForMessage("Got it")
	bo.waitForMessage("Got it")

	for _, p := range []*person{ada, bo} {
		if n := p.countMessage("Only once, please"); n != 1 {
			t.Errorf("%s sees the message %d times, want once: %q", p.user.Name, n, p.messageTexts())
		}
	}
	stored := 0
	for _, m := range a.messages(room) {
		if m.Plain == "Only once, please" {
			stored++
		}
	}
	if stored != 1 {
		t.Errorf("the room stores the message %d times, want once", stored)
	}
	ada.waitComposerEmpty()
}

// center is the middle of a box model's quad.
func center(q []float64) (x, y float64) {
	for i := 0; i+1 < len(q); i += 2 {
		x += q[i]
		y += q[i+1]
	}
	n := float64(len(q) / 2)
	return x / n, y / n
}

// Journey 3: the server stops and comes back while both pages stay open.
// What was posted in between (by another process on the database while it was
// down, and over HTTP once it is back) appears on both pages, each once, and
// the pages are live again.
func TestJourneyServerRestartKeepsPagesCurrent(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)
	ada.typeMessage("Before the restart\n")
	bo.waitForMessage("Before the restart")
	ada.markPage()
	bo.markPage()

	a.Stop()
	a.postOffline(room, ada.user, "Posted while the server was down")
	a.Start()
	httpPost(t, a, bo.user.Email, room, "Posted over HTTP after the restart")

	want := []string{"Before the restart", "Posted while the server was down", "Posted over HTTP after the restart"}
	for _, p := range []*person{ada, bo} {
		for _, text := range want[1:] {
			p.waitForMessage(text)
		}
		p.wantSamePage()
	}

	// The streams are open again: what is sent now arrives live.
	ada.waitUntilLive()
	bo.waitUntilLive()
	bo.typeMessage("Live again\n")
	ada.waitForMessage("Live again")
	want = append(want, "Live again")

	for _, p := range []*person{ada, bo} {
		if got := p.messageTexts(); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s sees %q, want each message once, in order: %q", p.user.Name, got, want)
		}
	}
}

// httpPost posts a message to a room through the form endpoint, as a script
// signed in with a plain HTTP client would.
func httpPost(t *testing.T, a *app, email string, roomID int64, body string) {
	t.Helper()
	res, err := httpClient(t, a, email).PostForm(fmt.Sprintf("%s/rooms/%d/messages", a.URL, roomID), url.Values{"message[body]": {body}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("post over HTTP: %d", res.StatusCode)
	}
}

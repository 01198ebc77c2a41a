//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/campfire-go/campfire/internal/model"
)

// TestScreenshots saves pictures of the main pages under docs/screenshots/
// (named e2e-*.png) when E2E_SCREENSHOTS=1: `E2E_SCREENSHOTS=1 make e2e`.
func TestScreenshots(t *testing.T) {
	if os.Getenv("E2E_SCREENSHOTS") != "1" {
		t.Skip("set E2E_SCREENSHOTS=1 to save pictures of the pages")
	}
	a := newApp(t)
	visitor := a.browser(t)
	visitor.visit("/first_run")
	visitor.screenshot("first-run")

	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	room := a.allTalk(ada.user)
	for _, m := range []struct{ email, body string }{
		{ada.user.Email, "Morning, everyone. The release notes are in the usual place."},
		{bo.user.Email, "Thanks! I'll read them over coffee."},
		{ada.user.Email, "Shout if anything looks off before noon."},
		{bo.user.Email, "🔥"},
	} {
		httpPost(t, a, m.email, room, m.body)
	}

	ada.visit("/session/new")
	ada.screenshot("sign-in")
	ada.colorScheme("dark")
	ada.screenshot("sign-in-dark")
	ada.colorScheme("light")

	ada.signIn()
	ada.openRoom(room)
	ada.waitForMessage("🔥")
	ada.screenshot("room")
	ada.colorScheme("dark")
	ada.screenshot("room-dark")

	bo.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	bo.signIn()
	bo.openRoom(room)
	bo.waitForMessage("🔥")
	bo.screenshot("room-phone")

	quiet := a.browser(t)
	quiet.user = bo.user
	quiet.disableScripts()
	quiet.signIn()
	quiet.screenshot("room-no-javascript")
}

// TestReadmeScreenshots saves the README's pictures (docs/screenshots/
// room-light.png, room-dark.png, phone.png, phone-rooms.png, sign-in.png)
// when E2E_SCREENSHOTS=1: a room with a conversation (a reply, a quote, a
// bot, a mention, boosts, a sound) in both schemes, the same room on a 390 px phone and
// its room list opened from the Rooms button, and the sign-in page.
func TestReadmeScreenshots(t *testing.T) {
	if os.Getenv("E2E_SCREENSHOTS") != "1" {
		t.Skip("set E2E_SCREENSHOTS=1 to save the README's pictures")
	}
	a := newApp(t)
	ada := a.newPerson(t, "Ada Lovelace")
	bo := a.newPerson(t, "Bo Diaz")
	a.newPerson(t, "Chen Wu")
	room := a.allTalk(ada.user)
	ctx := context.Background()
	if _, err := a.Store().CreateRoom(ctx, model.RoomOpen, "Design", ada.user.ID, []int64{ada.user.ID, bo.user.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store().CreateRoom(ctx, model.RoomOpen, "Releases", ada.user.ID, []int64{ada.user.ID, bo.user.ID}); err != nil {
		t.Fatal(err)
	}
	bot, err := a.Store().CreateBot(ctx, "Deploy Bot", "")
	if err != nil {
		t.Fatal(err)
	}
	post := func(email, body string) {
		httpPost(t, a, email, room, body)
	}
	post(ada.user.Email, "Morning, everyone. The release notes are in the usual place.")
	post(bo.user.Email, "Thanks! I'll read them over coffee.")
	post(bo.user.Email, "One question on the migration step: does it need downtime?")
	post(ada.user.Email, "<blockquote><strong>Bo Diaz:</strong> does it need downtime?</blockquote><div>No, it runs online. About a minute on our data.</div>")
	res, err := http.Post(fmt.Sprintf("%s/rooms/%d/%s/messages", a.URL, room, bot.Key()), "text/plain",
		strings.NewReader("Build 1842 deployed to staging ✅"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	post(bo.user.Email, "@Ada Lovelace staging looks good, shall I tag the release?")
	post(bo.user.Email, "/play tada")
	post(ada.user.Email, "🔥")
	msgs := a.messages(room)
	boost := func(email string, m model.Message, content string) {
		res, err := httpClient(t, a, email).PostForm(fmt.Sprintf("%s/messages/%d/boosts", a.URL, m.ID), url.Values{"boost[content]": {content}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	boost(bo.user.Email, msgs[0], "👍")
	boost(bo.user.Email, msgs[3], "🙏")
	boost(ada.user.Email, msgs[4], "🎉")

	shot := func(p *person, name string) {
		t.Helper()
		// The page settles: no running fades, the composer ready.
		p.waitUntil("the page to settle", `document.getAnimations().every(a => a.playState !== "running")`)
		buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	ada.do(chromedp.EmulateViewport(1280, 800))
	ada.visit("/session/new")
	shot(ada, "sign-in")
	ada.signIn()
	ada.openRoom(room)
	ada.waitForMessage("🔥")
	bo.signedIn()
	bo.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	bo.openRoom(room)
	bo.waitForMessage("🔥")
	ada.waitUntil("Bo here", `document.getElementById("presence").textContent.includes("Bo")`)
	eval[bool](ada, `document.activeElement.blur(), true`)
	shot(ada, "room-light")
	ada.colorScheme("dark")
	shot(ada, "room-dark")

	eval[bool](bo, `document.activeElement.blur(), true`)
	shot(bo, "phone")
	bo.do(chromedp.Click(chromedp.CSS(`[data-rooms-toggle]`), chromedp.NodeVisible))
	bo.waitUntil("the room list", `document.getElementById("sidebar").getClientRects().length > 0`)
	shot(bo, "phone-rooms")
}

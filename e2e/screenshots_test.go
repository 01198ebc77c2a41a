//go:build e2e

package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
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

//go:build e2e

package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Issue 15 item 9: an emoji picker of our own, for boosts (from the boost
// menu) and for the composer.
func TestJourneyEmojiPicker(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "Pick one")
	msg := a.messages(room)[0]
	ada.openRoom(room)
	ada.markPage()

	ada.click("#" + msg.DomID() + " .boost-menu summary")
	ada.click("#" + msg.DomID() + ` [data-emoji-picker="boost"]`)
	ada.waitUntil("the picker, focused", `!!document.querySelector(".emoji-picker") && document.activeElement.closest(".emoji-picker") !== null`)
	ada.wantAccessible("room, emoji picker open")
	ada.click(`.emoji-picker [data-emoji="🦄"]`)
	ada.waitUntil("the 🦄 boost", boostsOn("Pick one")+` === "🦄"`)

	ada.click(`[data-emoji-picker="composer"]`)
	ada.waitUntil("the picker", `!!document.querySelector(".emoji-picker")`)
	ada.do(chromedp.KeyEvent(kb.Escape))
	ada.waitUntil("the picker closed, focus back on its button", `!document.querySelector(".emoji-picker") && document.activeElement.matches("[data-emoji-picker='composer']")`)
	ada.click(`[data-emoji-picker="composer"]`)
	ada.click(`.emoji-picker [data-emoji="🎈"]`)
	ada.waitUntil("🎈 in the composer, focused", composerFocusedJS+` && (new FormData(document.getElementById("composer")).get("message[body]") || "").includes("🎈")`)
	ada.typeKeys(" up\n")
	ada.waitForMessage("🎈 up")
	ada.wantSamePage()
}

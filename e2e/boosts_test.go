//go:build e2e

package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// boostsOn lists the boosts shown on a message, by its text.
func boostsOn(text string) string {
	return fmt.Sprintf(`(() => {
		const m = Array.from(document.querySelectorAll("#messages article.message"))
			.find(a => a.querySelector(".message__body").textContent.trim() === %s);
		return m ? Array.from(m.querySelectorAll(".boost .boost__content"), b => b.textContent.trim()).join(" ") : null;
	})()`, jsString(text))
}

// Journey 5: a boost appears for both people, and disappears for both when
// its booster removes it.
func TestJourneyBoostAppearsAndGoes(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)
	ada.typeMessage("We shipped it\n")
	bo.waitForMessage("We shipped it")
	ada.markPage()
	bo.markPage()

	msg := a.messages(room)[0]
	menu := fmt.Sprintf(`#%s .boost-menu summary`, msg.DomID())
	bo.do(chromedp.Click(chromedp.CSS(menu), chromedp.NodeVisible))
	bo.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#%s button[aria-label="Boost with 🎉"]`, msg.DomID())), chromedp.NodeVisible))
	for _, p := range []*person{ada, bo} {
		p.waitUntil("the 🎉 boost", boostsOn("We shipped it")+` === "🎉"`)
	}

	// Only the booster is offered the remove button.
	remove := fmt.Sprintf(`#%s .boost__remove-button`, msg.DomID())
	if eval[bool](ada, fmt.Sprintf(`(() => { const b = document.querySelector(%s); return !!b && b.offsetParent !== null; })()`, jsString(remove))) {
		t.Error("Ada is offered to remove Bo's boost")
	}
	bo.do(chromedp.Click(chromedp.CSS(remove), chromedp.NodeVisible))
	for _, p := range []*person{ada, bo} {
		p.waitUntil("the boost to go", boostsOn("We shipped it")+` === ""`)
		p.wantSamePage()
	}
}

// The message actions work from the keyboard alone: Tab reaches a message's
// boost menu, Enter opens it, Tab reaches the first boost, and Enter boosts.
func TestKeyboardOnlyBoost(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "Boost me with the keyboard")
	ada.openRoom(room)
	ada.waitForMessage("Boost me with the keyboard")

	inBoostMenu := `(() => { const e = document.activeElement; return !!e && e.tagName === "SUMMARY" && !!e.closest(".boost-menu"); })()`
	var path []string
	for range 40 {
		ada.do(chromedp.KeyEvent(kb.Tab))
		if eval[bool](ada, inBoostMenu) {
			break
		}
		path = append(path, eval[string](ada, `document.activeElement ? document.activeElement.tagName + "." + document.activeElement.className : ""`))
	}
	if !eval[bool](ada, inBoostMenu) {
		t.Fatalf("Tab never reached a boost menu; focus went %q", path)
	}
	ada.do(chromedp.KeyEvent(kb.Enter))
	ada.waitUntil("the boost menu to open", `!!document.activeElement.closest("details[open]")`)
	ada.do(chromedp.KeyEvent(kb.Tab))
	choice := eval[string](ada, `document.activeElement.value || ""`)
	if choice == "" {
		t.Fatalf("Tab in the open menu reached %q, want a boost", eval[string](ada, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	ada.do(chromedp.KeyEvent(kb.Enter))
	ada.waitUntil("the boost "+choice, boostsOn("Boost me with the keyboard")+` === `+jsString(choice))
}

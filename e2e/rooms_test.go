//go:build e2e

package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// presentJS lists the names in the room header's "here now" list.
const presentJS = `Array.from(document.querySelectorAll("#presence .presence__person"), e => e.textContent.trim())`

// Journey 7: each person shows as here to the other, and is gone once they
// close their tab.
func TestJourneyPresence(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)

	ada.waitUntil("Bo to show as here", presentJS+`.includes("Bo Member")`)
	bo.waitUntil("Ada to show as here", presentJS+`.includes("Ada Admin")`)

	bo.close()
	ada.waitUntil("Bo to be gone", `!`+presentJS+`.includes("Bo Member")`)
	ada.wantSelfPresent()
}

// wantSelfPresent fails unless the list names the person themselves.
func (p *person) wantSelfPresent() {
	p.t.Helper()
	if !eval[bool](p, presentJS+`.includes(`+jsString(p.user.Name)+`)`) {
		p.t.Errorf("%s no longer shows themselves as here", p.user.Name)
	}
}

// Journey 8: while one person writes, the other sees that they are typing;
// the line clears when the message is sent.
func TestJourneyTypingIndicator(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)

	typingLine := fmt.Sprintf(`(() => { const e = document.querySelector("#typing [data-user-id=\"%d\"]"); return e ? e.textContent.trim() : ""; })()`, bo.user.ID)
	bo.typeMessage("Half a thought")
	ada.waitUntil("Bo's typing line", typingLine+` === "Bo Member is typing…"`)
	if got := eval[string](bo, `document.getElementById("typing").textContent.trim()`); got != "" {
		t.Errorf("Bo sees his own typing line: %q", got)
	}
	bo.typeKeys(", finished\n")
	ada.waitForMessage("Half a thought, finished")
	ada.waitUntil("Bo's typing line to clear", typingLine+` === ""`)
}

// Journey 10: a closed room made for one other person: they see it, and a
// third person neither sees it nor can open it.
func TestJourneyClosedRoom(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	cy := a.newPerson(t, "Cy Member")
	ada.signedIn()
	bo.signedIn()
	cy.signedIn()
	allTalk := a.allTalk(ada.user)
	bo.openRoom(allTalk)
	cy.openRoom(allTalk)

	ada.visit("/rooms/closeds/new")
	ada.do(
		chromedp.Clear(chromedp.ID("room_name")),
		chromedp.SendKeys(chromedp.ID("room_name"), "Just us two"),
		chromedp.Click(chromedp.ID(fmt.Sprintf("user_%d", bo.user.ID)), chromedp.NodeVisible),
	)
	ada.submit(`main form button[type="submit"].btn--primary`)
	ada.waitUntil("the new room to open", `document.getElementById("room-name").textContent.trim() === "Just us two"`)
	roomPath := ada.path()

	sidebarHas := func(name string) string {
		return fmt.Sprintf(`Array.from(document.querySelectorAll("#sidebar .room-link__name"), e => e.textContent.trim()).includes(%s)`, jsString(name))
	}
	bo.waitUntil("the closed room in Bo's sidebar", sidebarHas("Just us two"))
	ada.typeMessage("Only for you, Bo\n")
	ada.waitForMessage("Only for you, Bo")
	bo.visit(roomPath)
	bo.waitForMessage("Only for you, Bo")

	// Cy's page, open all along, never learns of it, nor does a fresh one.
	if eval[bool](cy, sidebarHas("Just us two")) {
		t.Error("Cy's open page lists the closed room")
	}
	cy.visit("/")
	if eval[bool](cy, sidebarHas("Just us two")) {
		t.Error("Cy's sidebar lists the closed room")
	}
	cy.visit(roomPath)
	if cy.path() == roomPath {
		t.Errorf("Cy opened the closed room at %s", roomPath)
	}
	if n := cy.countMessage("Only for you, Bo"); n != 0 {
		t.Error("Cy sees the closed room's message")
	}
}

//go:build e2e

package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// countErrors counts, from now on, the htmx error events the page raises
// (htmx logs each to the console).
func (p *person) countErrors() {
	p.t.Helper()
	eval[bool](p, `(() => {
		window.__htmxErrors = [];
		for (const name of ["htmx:partialErrorNoTarget", "htmx:oobErrorNoTarget", "htmx:targetError", "htmx:swapError"]) {
			document.addEventListener(name, e => window.__htmxErrors.push(name + " " + ((e.detail && e.detail.targetSelector) || "")), true);
		}
		return true;
	})()`)
}

// wantNoErrors fails for each htmx error event since countErrors.
func (p *person) wantNoErrors(after string) {
	p.t.Helper()
	if got := eval[[]string](p, `window.__htmxErrors`); len(got) > 0 {
		p.t.Errorf("%s: after %s the page raised %q", p.user.Name, after, got)
	}
}

// focusedJS describes the focused element.
const focusedJS = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return "body";
	return e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + String(e.className).split(" ")[0] : "");
})()`

// Issue 15 item 9: a boost from the keyboard keeps the focus on the message
// (its boost menu's button), not the page's body; boosting, removing the
// boost and deleting the message raise no htmx error (each used to log
// htmx:partialErrorNoTarget: the answer to the form arrived after the
// stream had already replaced or removed the message).
func TestJourneyBoostKeepsFocusAndNoErrors(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "Boost me")
	msg := a.messages(room)[0]
	ada.openRoom(room)
	ada.markPage()
	ada.countErrors()

	ada.click("#" + msg.DomID() + " .boost-menu summary")
	eval[bool](ada, `document.querySelector("#`+msg.DomID()+` .boost-menu__choice").focus(), true`)
	ada.do(chromedp.KeyEvent(kb.Enter))
	ada.waitUntil("the boost", boostsOn("Boost me")+` === "👍"`)
	ada.waitUntil("the focus on the message's boost button", `(() => {
		const e = document.activeElement;
		return !!e && e !== document.body && !!e.closest("#`+msg.DomID()+`");
	})()`)

	ada.click("#" + msg.DomID() + " .boost__remove-button")
	ada.waitUntil("the boost to go", boostsOn("Boost me")+` === ""`)
	if got := eval[string](ada, focusedJS); got == "body" {
		t.Errorf("after removing the boost the focus is on the page's body")
	}

	eval[bool](ada, `window.confirm = () => true, true`)
	ada.openMessageMenu(msg.DomID())
	ada.click("#" + msg.DomID() + " .message__menu form button")
	ada.waitUntil("the message to go", `!document.getElementById("`+msg.DomID()+`")`)
	// A message sent afterwards is a barrier: the stream's copy of the
	// removal came before it.
	httpPost(t, a, ada.user.Email, room, "After the delete")
	ada.waitForMessage("After the delete")
	ada.wantSamePage()
	ada.wantNoErrors("boosting, unboosting and deleting")
	if got := eval[string](ada, focusedJS); got == "body" {
		t.Errorf("after deleting the message the focus is on the page's body")
	}
}

// Issue 15 item 9: the room page puts the focus in the composer, ready to
// type.
func TestJourneyRoomFocusesComposer(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	ada.waitUntil("the composer focused", composerFocusedJS)
}

// Issue 15 item 9: a direct message with nobody chosen is refused with the
// form again and a reason, with and without scripts; no room is made.
func TestJourneyDirectMessageWithNobody(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	a.newPerson(t, "Bo Member")
	for _, scripts := range []bool{true, false} {
		p := a.browser(t)
		p.user = ada.user
		if !scripts {
			p.disableScripts()
		}
		p.signIn()
		p.visit("/rooms/directs/new")
		status := p.submit(`main form button[type="submit"]`)
		if status != 422 {
			t.Errorf("scripts %v: sending the form with nobody answered %d, want 422", scripts, status)
		}
		if got := p.path(); strings.HasPrefix(got, "/rooms/") && !strings.HasPrefix(got, "/rooms/directs") {
			t.Errorf("scripts %v: with nobody chosen the page became %s", scripts, got)
		}
		if !eval[bool](p, `!!document.querySelector("main [role=alert]") && /choose/i.test(document.querySelector("main [role=alert]").textContent)`) {
			t.Errorf("scripts %v: no reason given on the form", scripts)
		}
		if !eval[bool](p, `!!document.querySelector("main form input[name='user_ids[]']")`) {
			t.Errorf("scripts %v: the form is not shown again", scripts)
		}
	}
	rooms, err := a.Store().SidebarRooms(t.Context(), ada.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rooms {
		if r.IsDirect() {
			t.Errorf("a direct room %q was made with nobody", r.DisplayName)
		}
	}
}

// Issue 15 item 9: opening a room one may not see says so where it can be
// read, as an error (not a green notice), above the room one lands in.
func TestJourneyRoomNotFoundIsAnAlert(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	for i := range 30 {
		httpPost(t, a, ada.user.Email, a.allTalk(ada.user), fmt.Sprintf("Filler %d", i))
	}
	ada.visit("/rooms/424242")
	ada.waitUntil("the room one lands in", `!!document.getElementById("room-name")`)
	alert := `document.querySelector(".flash")`
	ada.waitUntil("the message on screen", `(() => {
		const f = `+alert+`;
		if (!f || !/not found/i.test(f.textContent)) return false;
		const r = f.getBoundingClientRect();
		return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
	})()`)
	if !eval[bool](ada, alert+`.getAttribute("role") === "alert" && `+alert+`.classList.contains("flash--alert")`) {
		t.Errorf("the message is not an alert: %s", eval[string](ada, alert+`.outerHTML`))
	}
	ada.wantAccessible("room, after room not found")
}

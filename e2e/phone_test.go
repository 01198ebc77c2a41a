//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/campfire-go/campfire/internal/model"
)

// onPhone makes the person's tab a 390 px wide touch screen.
func (p *person) onPhone() {
	p.t.Helper()
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	if _, err := chromedp.Call(p.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
		p.t.Fatal(err)
	}
}

// shownJS holds when the element is rendered and wholly on screen.
func shownJS(sel string) string {
	return fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e || e.getClientRects().length === 0) return false;
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth;
	})()`, jsString(sel))
}

// phoneJourney is the phone's room, with or without scripts: the room list
// is behind the header's Rooms button, with search, profile, settings and
// signing out in it, and another room opens from it.
func phoneJourney(t *testing.T, scripts bool) (*app, *person, int64) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	room := a.allTalk(ada.user)
	if _, err := a.Store().CreateRoom(context.Background(), model.RoomOpen, "Watercooler", ada.user.ID, []int64{ada.user.ID}); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"One", "Two, right after", "Three, grouped too"} {
		httpPost(t, a, ada.user.Email, room, body)
	}
	ada.onPhone()
	if scripts {
		ada.signedIn()
		ada.openRoom(room)
	} else {
		ada.disableScripts()
		ada.signIn()
	}

	if eval[bool](ada, `document.documentElement.scrollWidth > innerWidth`) {
		t.Errorf("the room is wider than the phone: %v px", eval[float64](ada, `document.documentElement.scrollWidth`))
	}
	if eval[bool](ada, `(() => { const s = document.getElementById("sidebar"); return s.getClientRects().length > 0 && s.getBoundingClientRect().bottom > 0; })()`) {
		t.Error("the room list takes the top of the phone's screen; it should wait behind a button")
	}
	if !eval[bool](ada, shownJS(`.room__header [href="#sidebar"]`)) {
		t.Fatal("no Rooms button on screen in the room's header")
	}
	ada.do(chromedp.Click(chromedp.CSS(`.room__header [href="#sidebar"]`), chromedp.NodeVisible))
	for _, sel := range []string{
		`#sidebar a[href="/searches"]`, `#sidebar a[href="/users/me/profile"]`, `#sidebar a[href="/account/edit"]`,
		`#sidebar .sidebar__signout button`, `#sidebar a.room-link[data-room-id]`,
	} {
		ada.waitUntil(sel+" on screen", shownJS(sel))
	}
	if scripts {
		if !eval[bool](ada, `!!document.activeElement.closest("#sidebar")`) {
			t.Error("opening the room list did not move the focus into it")
		}
		if eval[string](ada, `location.hash`) != "" {
			t.Error("with scripts the list opened by changing the address")
		}
		ada.do(chromedp.KeyEvent("\u001b"))
		ada.waitUntil("the list to close on Escape, focus back on the button",
			`document.getElementById("sidebar").getClientRects().length === 0 && document.activeElement.matches("[data-rooms-toggle]")`)
		ada.do(chromedp.Click(chromedp.CSS(`.room__header [href="#sidebar"]`), chromedp.NodeVisible))
		ada.waitUntil("the list open again", shownJS(`#sidebar a.room-link`))
	}
	water := `#sidebar a.room-link:not(.current)`
	if status := ada.submit(water); status != 200 {
		t.Fatalf("opening Watercooler answered %d", status)
	}
	ada.waitUntil("the Watercooler room", `document.getElementById("room-name").textContent.trim() === "Watercooler"`)
	return a, ada, room
}

// Issue 15 item 6, with scripts: the phone's room list and the message
// actions of grouped messages, which sit beside the message instead of
// taking a row of their own.
func TestJourneyPhoneRoom(t *testing.T) {
	a, ada, room := phoneJourney(t, true)
	ada.openRoom(room)
	msgs := a.messages(room)
	ada.waitUntil("grouped messages", fmt.Sprintf(`document.querySelectorAll("#messages .message--grouped").length === %d`, len(msgs)-1))
	for _, m := range msgs[1:] {
		extra := eval[float64](ada, fmt.Sprintf(`(() => {
			const m = document.getElementById(%s), b = m.querySelector(".message__body");
			return m.getBoundingClientRect().height - b.getBoundingClientRect().height;
		})()`, jsString(m.DomID())))
		if extra > 12 {
			t.Errorf("grouped message %q is %.0f px taller than its text: its actions take a row of their own", m.Plain, extra)
		}
	}
	// The compact menu still opens and offers the actions, on screen.
	last := msgs[len(msgs)-1].DomID()
	ada.click("#" + last + " .message__menu summary")
	ada.waitUntil("the menu's Edit on screen", shownJS("#"+last+" .message__menu .message__edit-link"))
}

// Issue 15 item 6, without scripts: the Rooms button is a link that shows
// the list all the same.
func TestJourneyPhoneRoomWithoutJavaScript(t *testing.T) {
	phoneJourney(t, false)
}

//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/campfire-go/campfire/internal/model"
)

// Issue 15 defect 1: a room left for another page stays in Chromium's
// back/forward cache. While it waits there the person is not in the room
// (gone from "Here now", and new messages mark the room unread for them);
// back again, the page is the cached one (pageshow says persisted), its
// stream is open again, and what was posted meanwhile is on it.
func TestJourneyBackForwardCacheLeavesTheRoom(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "Before Bo left")
	ada.openRoom(room)
	bo.openRoom(room)
	ada.waitUntil("Bo to show as here", presentJS+`.includes("Bo Member")`)

	var notUsed []string
	var rooms []model.SidebarRoom
	err := chromedp.Listen(bo.ctx, func(ev any) {
		if e, ok := ev.(*page.EventBackForwardCacheNotUsed); ok {
			for _, r := range e.NotRestoredExplanations {
				notUsed = append(notUsed, string(r.Reason))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// A mark only the cached document keeps: a page loaded afresh has none.
	eval[bool](bo, `window.addEventListener("pageshow", e => { window.restoredFromCache = e.persisted }), window.cachedMark = true`)

	bo.visit("/users/me/profile")
	ada.waitUntil("Bo to be gone from here now", `!`+presentJS+`.includes("Bo Member")`)
	httpPost(t, a, ada.user.Email, room, "Posted while Bo was away")
	rooms, err = a.Store().SidebarRooms(context.Background(), bo.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rooms {
		if r.ID == room && !r.Unread {
			t.Errorf("the room is not unread for Bo, who left it for another page")
		}
	}

	// history.back, not chromedp.NavigateBack: a page restored from the cache
	// fires no load event, which NavigateBack waits for.
	eval[bool](bo, `history.back(), true`)
	bo.waitRestored("the room to be shown again", `location.pathname === "/rooms/`+itoa(room)+`" && document.readyState === "complete"`)
	if !eval[bool](bo, `window.cachedMark === true && window.restoredFromCache === true`) {
		t.Fatalf("going back loaded the room afresh, not from the back/forward cache (reasons: %s)", strings.Join(notUsed, ", "))
	}
	bo.waitRestored("the stream to open again", streamOpenJS)
	bo.waitRestored("what was posted meanwhile", `Array.from(document.querySelectorAll("#messages .message__body"), e => e.textContent.trim()).includes("Posted while Bo was away")`)
	ada.waitUntil("Bo to be here again", presentJS+`.includes("Bo Member")`)
	bo.waitRestored("the room to be read again", `!document.querySelector("#sidebar_rooms a.unread")`)
	httpPost(t, a, ada.user.Email, room, "Posted with Bo back")
	bo.waitRestored("the live message", `Array.from(document.querySelectorAll("#messages .message__body"), e => e.textContent.trim()).includes("Posted with Bo back")`)
	if n := eval[int](bo, `document.querySelectorAll("#messages .message").length`); n != 3 {
		t.Errorf("the room shows %d messages, want the 3 posted, each once", n)
	}
}

// waitRestored waits for a condition on a page the back/forward cache gave
// back. chromedp's Poll waits for an execution context it never learns of
// on such a page, so this asks with plain evaluations, until waitTimeout.
func (p *person) waitRestored(what, cond string) {
	p.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for {
		ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: waited for %s (last error %v); page shows messages %q", p.user.Name, what, err, p.messageTexts())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// streamOpenJS holds while the page's event stream is open (htmx-ext-sse
// keeps the EventSource in the element's htmx data).
const streamOpenJS = `(() => {
	const el = document.getElementById("stream");
	const data = el && el["htmx-internal-data"];
	return !!(data && data.sseEventSource && data.sseEventSource.readyState === EventSource.OPEN);
})()`

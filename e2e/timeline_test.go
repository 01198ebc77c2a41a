//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
)

// seedMessages stores n messages "Message 1" … "Message n" by the author,
// straight into the database (no page is open yet), and returns their ids.
func (a *app) seedMessages(roomID int64, author model.User, n int) []int64 {
	a.t.Helper()
	batch := make([]db.NewMessage, n)
	for i := range batch {
		text := fmt.Sprintf("Message %d", i+1)
		batch[i] = db.NewMessage{RoomID: roomID, CreatorID: author.ID, ClientMessageID: fmt.Sprintf("seed%d", i+1),
			HTML: "<div>" + text + "</div>", Plain: text}
	}
	posted, err := a.Store().CreateMessages(context.Background(), batch)
	if err != nil {
		a.t.Fatal(err)
	}
	ids := make([]int64, n)
	for i, p := range posted {
		if p.Err != nil {
			a.t.Fatal(p.Err)
		}
		ids[i] = p.Message.ID
	}
	return ids
}

// Page facts a timeline journey asks about.
const (
	messageCountJS = `document.querySelectorAll("#messages article.message").length`
	firstTextJS    = `(document.querySelector("#messages article.message .message__body") || {}).textContent.trim()`
	noPagerJS      = `!document.getElementById("pager_older")`
	// settledJS: no page of messages is loading or being put in place.
	settledJS = `!document.querySelector("#messages[aria-busy]")`
)

// inViewJS holds when the message with this text is at least partly on screen.
func inViewJS(text string) string {
	return fmt.Sprintf(`(() => {
		const m = Array.from(document.querySelectorAll("#messages article.message")).find(e => e.querySelector(".message__body").textContent.trim() === %s);
		if (!m) return false;
		const r = m.getBoundingClientRect();
		return r.bottom > 0 && r.top < innerHeight;
	})()`, jsString(text))
}

// topOfJS is where the message with this text is on screen.
func topOfJS(text string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll("#messages article.message")).find(e => e.querySelector(".message__body").textContent.trim() === %s).getBoundingClientRect().top`, jsString(text))
}

// Issue 15 defect 3: history scrolls. The room opens at its newest
// messages; scrolling to the top loads the page before, above, and the
// message that was first stays where it was on screen; at the start of
// the room the loading stops, with no empty page.
func TestJourneyHistoryLoadsAsYouScrollUp(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ada.signedIn()
	room := a.allTalk(ada.user)
	a.seedMessages(room, ada.user, 100)
	ada.openRoom(room)

	if n := eval[int](ada, messageCountJS); n != db.PageSize {
		t.Fatalf("the room opens with %d messages, want a page of %d", n, db.PageSize)
	}
	if !eval[bool](ada, inViewJS("Message 100")) {
		t.Fatal("the room does not open at its newest message")
	}

	eval[bool](ada, `window.scrollTo(0, 0), true`)
	before := eval[float64](ada, topOfJS("Message 61"))
	ada.waitUntil("the page before to load above", messageCountJS+` === 80 && `+settledJS)
	if got := eval[string](ada, firstTextJS); got != "Message 21" {
		t.Fatalf("after loading older messages the first is %q, want Message 21", got)
	}
	if after := eval[float64](ada, topOfJS("Message 61")); after < before-2 || after > before+2 {
		t.Errorf("the message the reader was at moved from %.0f to %.0f px on screen", before, after)
	}

	eval[bool](ada, `window.scrollTo(0, 0), true`)
	ada.waitUntil("the first page of the room", messageCountJS+` === 100 && `+noPagerJS)
	if got := eval[string](ada, firstTextJS); got != "Message 1" {
		t.Fatalf("the room's first message is %q, want Message 1", got)
	}
	if got := eval[int](ada, `new Set(Array.from(document.querySelectorAll("#messages article.message"), e => e.id)).size`); got != 100 {
		t.Errorf("%d distinct messages on the page, want 100", got)
	}
	ada.wantAccessible("room after loading its history")
}

// Issue 15 defect 3 without scripts: the room opens at its newest messages,
// and "Earlier messages" leads to the page before, opened at its end,
// from where "Later messages" leads back.
func TestJourneyHistoryWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	bo := a.newPerson(t, "Bo Member")
	ada := a.newPerson(t, "Ada Admin")
	room := a.allTalk(ada.user)
	a.seedMessages(room, ada.user, 60)

	bo.disableScripts()
	bo.signIn()
	if !eval[bool](bo, inViewJS("Message 60")) {
		t.Fatal("without scripts the room does not open at its newest message")
	}
	bo.submit(`#pager_older a`)
	if got := bo.messageTexts(); len(got) != 20 || got[0] != "Message 1" || got[19] != "Message 20" {
		t.Fatalf("Earlier messages shows %q, want Message 1 to 20", got)
	}
	if !eval[bool](bo, inViewJS("Message 20")) {
		t.Error("the earlier page does not open where the reader left off (its end)")
	}
	if eval[bool](bo, `!!document.getElementById("pager_older")`) {
		t.Error("the room's first page offers earlier messages")
	}
	bo.submit(`#pager_newer a`)
	if got := bo.messageTexts(); len(got) != 40 || got[0] != "Message 21" || got[39] != "Message 60" {
		t.Fatalf("Later messages shows %q, want Message 21 to 60", got)
	}
	if eval[bool](bo, `!!document.getElementById("pager_newer")`) {
		t.Error("the newest page offers later messages")
	}
}

// Issue 15 defect 2: a permalink (here from a search result) opens the
// room centred on its message, highlighted, among its neighbours; the room
// scrolls on both ways; a live message waits below an older page behind a
// "jump to latest" bar, and joins the list once the newest page is shown.
func TestJourneyPermalinkOpensAtTheMessage(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	a.seedMessages(room, ada.user, 100)

	bo.visit("/searches?q=" + "%22Message+50%22")
	bo.submit(`#search-results article.message .message__permalink`)
	bo.waitUntilLive()
	if !strings.HasPrefix(bo.path(), fmt.Sprintf("/rooms/%d/@", room)) {
		t.Fatalf("the search result led to %s, want a permalink", bo.path())
	}
	texts := bo.messageTexts()
	if len(texts) == 0 || texts[0] != "Message 30" || texts[len(texts)-1] != "Message 70" {
		t.Fatalf("the permalink shows %q, want Message 30 to 70 around 50", texts)
	}
	centred := eval[bool](bo, fmt.Sprintf(`(() => { const r = Array.from(document.querySelectorAll("#messages article.message")).find(e => e.querySelector(".message__body").textContent.trim() === "Message 50").getBoundingClientRect(); const mid = (r.top + r.bottom) / 2; return mid > innerHeight / 4 && mid < innerHeight * 3 / 4; })()`))
	if !centred {
		t.Error("the permalinked message is not in the middle of the screen")
	}
	highlight := `(text => getComputedStyle(Array.from(document.querySelectorAll("#messages article.message")).find(e => e.querySelector(".message__body").textContent.trim() === text)).boxShadow)`
	if got, other := eval[string](bo, highlight+`("Message 50")`), eval[string](bo, highlight+`("Message 49")`); got == other || got == "none" {
		t.Errorf("the permalinked message is not highlighted: %q, its neighbour %q", got, other)
	}
	bo.wantAccessible("permalink")

	// A live message while an older page is shown: not appended, announced.
	httpPost(t, a, ada.user.Email, room, "Live while Bo reads history")
	bo.waitUntil("the jump to latest bar", `(document.getElementById("jump_latest") || {}).textContent === "New messages below — jump to latest"`)
	if bo.countMessage("Live while Bo reads history") != 0 {
		t.Fatal("a live message was appended below an older page")
	}

	// Up: the pages before load, down to the room's first message.
	for range 3 {
		eval[bool](bo, `window.scrollTo(0, 0), true`)
		bo.waitUntil("earlier messages", firstTextJS+` !== "Message 30"`)
		if eval[bool](bo, noPagerJS) {
			break
		}
	}
	bo.waitUntil("the room's first message", firstTextJS+` === "Message 1" && `+noPagerJS)
	// Down: the pages after load until the newest, the live message among them.
	bo.poll(`(() => { window.scrollTo(0, document.scrollingElement.scrollHeight); return !document.getElementById("pager_newer"); })()`, waitTimeout)
	bo.waitUntil("the newest messages", `!document.getElementById("pager_newer")`)
	got := bo.messageTexts()
	if len(got) != 101 || got[99] != "Message 100" || got[100] != "Live while Bo reads history" {
		t.Fatalf("scrolled through, the room shows %d messages ending %q, want all 101 in order", len(got), got[max(0, len(got)-2):])
	}
	for i := range 100 {
		if got[i] != fmt.Sprintf("Message %d", i+1) {
			t.Fatalf("message %d is %q", i+1, got[i])
		}
	}
	bo.waitUntil("the bar to go", `document.getElementById("jump_latest").textContent === ""`)

	// At the newest page, live messages join the list again.
	httpPost(t, a, ada.user.Email, room, "Live with Bo at the end")
	bo.waitForMessage("Live with Bo at the end")
	if bo.countMessage("Live with Bo at the end") != 1 {
		t.Error("the live message shows more than once")
	}
}

// Issue 15 defect 2 without scripts: a permalink shows its message, marked,
// and its pager links lead only to pages that hold messages (near the end
// of a room there is no "Later messages" to an empty page).
func TestJourneyPermalinkWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	ids := a.seedMessages(a.allTalk(ada.user), ada.user, 30)
	room := a.allTalk(ada.user)

	ada.disableScripts()
	ada.signedIn()
	ada.visit(fmt.Sprintf("/rooms/%d/@%d#message_seed28", room, ids[27]))
	if !eval[bool](ada, inViewJS("Message 28")) {
		t.Error("the permalinked message is not on screen")
	}
	highlight := `(text => getComputedStyle(Array.from(document.querySelectorAll("#messages article.message")).find(e => e.querySelector(".message__body").textContent.trim() === text)).boxShadow)`
	if got, other := eval[string](ada, highlight+`("Message 28")`), eval[string](ada, highlight+`("Message 27")`); got == other || got == "none" {
		t.Errorf("the permalinked message is not highlighted: %q, its neighbour %q", got, other)
	}
	if eval[bool](ada, `!!document.getElementById("pager_newer")`) {
		t.Fatal("a permalink near the room's end offers later messages")
	}
	ada.submit(`#pager_older a`)
	if got := ada.messageTexts(); len(got) != 7 || got[0] != "Message 1" || got[6] != "Message 7" {
		t.Fatalf("Earlier messages from the permalink shows %q, want Message 1 to 7", got)
	}
	ada.submit(`#pager_newer a`)
	if got := ada.messageTexts(); len(got) != 23 || got[0] != "Message 8" {
		t.Fatalf("Later messages shows %q, want Message 8 to 30", got)
	}
}

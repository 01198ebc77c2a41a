//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/views"
)

// httpMessage posts, edits or deletes a message over plain HTTP as the
// person with this email, as another device would.
func httpMessage(t *testing.T, a *app, email, path string, form url.Values) {
	t.Helper()
	res, err := httpClient(t, a, email).PostForm(a.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s over HTTP: %d", form.Get("_method"), path, res.StatusCode)
	}
}

// storedID is the id of the room's newest message with this client id.
func (a *app) storedID(roomID int64, clientMessageID string) int64 {
	a.t.Helper()
	msgs, err := a.Store().Messages(context.Background(), roomID, db.Page{})
	if err != nil {
		a.t.Fatal(err)
	}
	for _, m := range msgs {
		if m.ClientMessageID == clientMessageID {
			return m.ID
		}
	}
	a.t.Fatalf("no message %q in room %d", clientMessageID, roomID)
	return 0
}

// Issue 15 leftovers. While an older page is shown, live messages wait
// behind the "jump to latest" bar; an edit or a deletion of one of them
// now applies to it there (before, the edit was lost and the deletion
// raised an htmx error), so the newest page shows it as it is. And a
// message sent from an older page opens the newest page, where it is last
// (before, it stayed at the end of the older page, out of order).
func TestJourneyHeldMessagesFollowEditsAndSendingOpensTheLatest(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ids := a.seedMessages(room, ada.user, 100)
	permalink := views.MessagePermalink(room, ids[49])

	bo.visit(permalink)
	bo.waitUntilLive()
	bo.countErrors()
	messages := fmt.Sprintf("/rooms/%d/messages", room)
	httpMessage(t, a, ada.user.Email, messages, url.Values{"message[body]": {"Held, to be edited"}, "message[client_message_id]": {"held1"}})
	httpMessage(t, a, ada.user.Email, messages, url.Values{"message[body]": {"Held, to be deleted"}, "message[client_message_id]": {"held2"}})
	bo.waitUntil("the jump to latest bar", `(document.getElementById("jump_latest") || {}).textContent === "New messages below — jump to latest"`)
	bo.waitUntil("both held", `!!(document.getElementById("message_held1") && document.getElementById("message_held2"))`)
	kept, gone := a.storedID(room, "held1"), a.storedID(room, "held2")
	httpMessage(t, a, ada.user.Email, fmt.Sprintf("%s/%d", messages, kept), url.Values{"_method": {"put"}, "message[body]": {"Held, then edited"}})
	httpMessage(t, a, ada.user.Email, fmt.Sprintf("%s/%d", messages, gone), url.Values{"_method": {"delete"}})
	bo.waitUntil("the held message edited and the other gone", `(document.querySelector("#message_held1 .message__body") || {}).textContent.trim() === "Held, then edited" && !document.getElementById("message_held2")`)
	bo.wantNoErrors("an edit and a deletion of held messages")
	if bo.countMessage("Held, then edited") != 0 {
		t.Fatal("a held message was shown below the older page")
	}

	// Down to the newest page: the held message is last, as it is now.
	bo.poll(`(() => { window.scrollTo(0, document.scrollingElement.scrollHeight); return !document.getElementById("pager_newer"); })()`, waitTimeout)
	bo.waitUntil("the newest messages", `!document.getElementById("pager_newer") && document.getElementById("jump_latest").textContent === ""`)
	got := bo.messageTexts()
	if last := got[len(got)-1]; last != "Held, then edited" || bo.countMessage("Held, then edited") != 1 || bo.countMessage("Held, to be deleted") != 0 {
		t.Fatalf("the newest page ends %q: want the edited message once and not the deleted one", got[max(0, len(got)-3):])
	}

	// Sending from an older page opens the newest page once the server has
	// the message.
	bo.visit(permalink)
	bo.waitUntilLive()
	bo.typeMessage("Sent from history\n")
	bo.waitUntil("the newest page", `location.search === "" && !location.pathname.includes("@") && !document.getElementById("pager_newer")`)
	bo.waitForMessage("Sent from history")
	got = bo.messageTexts()
	if got[len(got)-1] != "Sent from history" || bo.countMessage("Sent from history") != 1 {
		t.Fatalf("after sending from history the page ends %q, want the message once, last", got[max(0, len(got)-3):])
	}
	bo.wantAccessible("the newest page after sending from history")
}

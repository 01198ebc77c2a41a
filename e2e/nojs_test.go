//go:build e2e

package e2e

import (
	"strings"
	"testing"
)

// The core journey with JavaScript off: sign in, read a room, post. Every
// step is a plain form post answered with a redirect to a full page.
// (Search joins this journey when it lands; see README.md.)
func TestJourneyWithoutJavaScript(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")
	room := a.allTalk(ada.user)
	httpPost(t, a, ada.user.Email, room, "Can you read this without scripts?")

	bo.disableScripts()
	bo.signIn()
	if bo.path() != "/rooms/"+itoa(room) {
		t.Fatalf("signed in at %s, want the room", bo.path())
	}
	// Proof that scripts are off: htmx never loaded, so nothing enhances
	// the page and the form below can only post the old way.
	if eval[bool](bo, `typeof window.htmx !== "undefined"`) {
		t.Fatal("htmx loaded: scripts are not disabled")
	}
	if got := bo.messageTexts(); len(got) != 1 || got[0] != "Can you read this without scripts?" {
		t.Fatalf("the room shows %q, want the posted message", got)
	}

	bo.typeMessage("Loud and clear")
	if status := bo.submit(`#composer button[name="send"]`); status != 200 {
		t.Fatalf("posting answered %d", status)
	}
	// The plain post redirects back to the room, at the new message.
	if got := bo.path(); got != "/rooms/"+itoa(room) {
		t.Fatalf("after posting the page is %s, want the room", got)
	}
	hash := eval[string](bo, `location.hash`)
	if !strings.HasPrefix(hash, "#message_") {
		t.Errorf("after posting the page is not at the new message: hash %q", hash)
	}
	if got := bo.messageTexts(); len(got) != 2 || got[1] != "Loud and clear" {
		t.Fatalf("after posting the room shows %q, want the new message last", got)
	}
	if n := eval[int](bo, `document.querySelectorAll("#messages "+location.hash).length`); n != 1 {
		t.Errorf("the redirect's anchor %s names %d messages, want 1", hash, n)
	}
	if msgs := a.messages(room); len(msgs) != 2 || msgs[1].Plain != "Loud and clear" || msgs[1].CreatorID != bo.user.ID {
		t.Errorf("stored messages %+v, want Bo's post last", msgs)
	}
}

package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Reply and Quote without scripts (issue 15 item 10): the room opens with
// the composer holding a mention of the author, or the message quoted; a
// message of another room fills in nothing, and a bad id is a 400.
func TestReplyAndQuoteFillTheComposer(t *testing.T) {
	rc := newRoomCast(t)
	closed := rc.closedRoom(t, "Inner circle")
	other := rc.closedRoom(t, "Elsewhere")
	m := rc.member.postOK(closed.ID, "Lunch at noon?\nOr later", "rq-1")
	secret := rc.creator.postOK(other.ID, "Not for this room", "rq-2")

	composer := func(path string) string {
		t.Helper()
		res := rc.creator.get(path)
		wantStatus(t, res, http.StatusOK)
		return document(t, res).Find("#composer textarea").Text()
	}
	doc := document(t, rc.creator.get(fmt.Sprintf("/rooms/%d", closed.ID)))
	reply, _ := doc.Find("#" + m.DomID() + " .message__menu [data-reply]").Attr("href")
	quote, _ := doc.Find("#" + m.DomID() + " .message__menu [data-quote]").Attr("href")
	reply, _, _ = strings.Cut(reply, "#")
	quote, _, _ = strings.Cut(quote, "#")

	if got := composer(reply); got != "@Mia Member " {
		t.Errorf("Reply fills the composer with %q", got)
	}
	if got := composer(quote); got != "> Mia Member: Lunch at noon?\n> Or later\n\n" {
		t.Errorf("Quote fills the composer with %q", got)
	}
	// A message with a file quotes its words, not the file's name, which
	// only its searchable text carries.
	wantStatus(t, rc.member.attach(closed.ID, "the plan", "rq-3", "plan.txt", []byte("steps")), http.StatusSeeOther)
	doc = document(t, rc.creator.get(fmt.Sprintf("/rooms/%d", closed.ID)))
	withFile, _ := doc.Find("#message_rq-3 .message__menu [data-quote]").Attr("href")
	withFile, _, _ = strings.Cut(withFile, "#")
	if got := composer(withFile); got != "> Mia Member: the plan\n\n" {
		t.Errorf("Quote of a message with a file fills the composer with %q", got)
	}
	if got := composer(fmt.Sprintf("/rooms/%d?quote=%d", closed.ID, secret.ID)); got != "" {
		t.Errorf("quoting another room's message filled in %q", got)
	}
	wantStatus(t, rc.creator.get(fmt.Sprintf("/rooms/%d?reply_to=x", closed.ID)), http.StatusBadRequest)
	// An outsider learns nothing: sent home, as for the room.
	wantStatus(t, rc.ou.get(reply), http.StatusSeeOther)
}

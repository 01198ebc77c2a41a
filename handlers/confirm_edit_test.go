package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
)

// Deleting a message or a room from a page without scripts opens a page that
// asks first (issue 15 item 8): its GET changes nothing, only its form
// deletes, and only those who may delete see it.
func TestDeleteConfirmationPages(t *testing.T) {
	rc := newRoomCast(t)
	a := rc.a
	closed := rc.closedRoom(t, "Inner circle")
	m := rc.member.postOK(closed.ID, "Delete me, but ask", "confirm-1")

	msgPage := fmt.Sprintf("/rooms/%d/messages/%d/delete", closed.ID, m.ID)
	res := rc.member.get(msgPage)
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	if !strings.Contains(doc.Find("main").Text(), "Delete me, but ask") {
		t.Errorf("the message's confirmation page does not show it")
	}
	form := doc.Find(`main form[method="post"]`)
	if action, _ := form.Attr("action"); action != fmt.Sprintf("/rooms/%d/messages/%d", closed.ID, m.ID) {
		t.Errorf("the form posts to %q, want the message", action)
	}
	if v, _ := form.Find(`input[name="_method"]`).Attr("value"); v != "delete" {
		t.Errorf("the form's method is %q, want delete", v)
	}
	if n := a.messagesIn(t, closed.ID); n != 1 {
		t.Fatalf("opening the confirmation page left %d messages", n)
	}
	// Not the author's or an administrator's: refused, as the delete is.
	wantStatus(t, rc.creator.get(msgPage), http.StatusForbidden)
	wantStatus(t, rc.admin.get(msgPage), http.StatusOK)
	// Outsiders are sent home, as for the room itself.
	wantStatus(t, rc.ou.get(msgPage), http.StatusSeeOther)

	res = rc.member.send(http.MethodPost, fmt.Sprintf("/rooms/%d/messages/%d", closed.ID, m.ID),
		"application/x-www-form-urlencoded", url.Values{"_method": {"delete"}}.Encode())
	wantStatus(t, res, http.StatusSeeOther)
	if n := a.messagesIn(t, closed.ID); n != 0 {
		t.Fatalf("confirming left %d messages", n)
	}

	roomPage := fmt.Sprintf("/rooms/%d/delete", closed.ID)
	before := a.dbState(t)
	wantStatus(t, rc.member.get(roomPage), http.StatusForbidden)
	res = rc.creator.get(roomPage)
	wantStatus(t, res, http.StatusOK)
	form = document(t, res).Find(`main form[method="post"]`)
	if action, _ := form.Attr("action"); action != fmt.Sprintf("/rooms/%d", closed.ID) {
		t.Errorf("the room's form posts to %q, want the room", action)
	}
	if after := a.dbState(t); after != before {
		t.Fatalf("opening the room's confirmation page changed rooms:\n%s\nwas\n%s", after, before)
	}

	// A direct room is deleted under its own route, by any participant.
	direct := rc.directRoom(t)
	res = rc.member.get(fmt.Sprintf("/rooms/%d/delete", direct.ID))
	wantStatus(t, res, http.StatusOK)
	if action, _ := document(t, res).Find(`main form[method="post"]`).Attr("action"); action != fmt.Sprintf("/rooms/directs/%d", direct.ID) {
		t.Errorf("the direct room's form posts to %q", action)
	}
	wantStatus(t, rc.member.get("/rooms/999999/delete"), http.StatusSeeOther)
}

// The room page's delete controls are GET forms to the confirmation pages,
// which htmx turns into a DELETE (asked in a dialog) when scripts run.
func TestDeleteControlsOpenConfirmationWithoutScripts(t *testing.T) {
	rc := newRoomCast(t)
	closed := rc.closedRoom(t, "Inner circle")
	m := rc.creator.postOK(closed.ID, "Mine", "controls-1")
	doc := document(t, rc.creator.get(fmt.Sprintf("/rooms/%d", closed.ID)))

	del := doc.Find("#" + m.DomID() + " .message__menu form")
	if method, _ := del.Attr("method"); method != "get" {
		t.Errorf("the message's delete form is %q, want get", method)
	}
	if action, _ := del.Attr("action"); action != fmt.Sprintf("/rooms/%d/messages/%d/delete", closed.ID, m.ID) {
		t.Errorf("the message's delete form opens %q", action)
	}
	if _, ok := del.Attr("hx-confirm"); !ok {
		t.Error("the message's delete form does not ask with scripts")
	}
	if del.Find(`input[name="_method"]`).Length() != 0 {
		t.Error("the GET form carries _method, which would end up in its address")
	}
	room := doc.Find(".room__delete")
	if action, _ := room.Attr("action"); action != fmt.Sprintf("/rooms/%d/delete", closed.ID) {
		t.Errorf("the room's delete form opens %q", action)
	}
	if vals, _ := room.Attr("hx-vals"); vals != `{"_method":"delete"}` {
		t.Errorf("the room's delete form sends %q with htmx", vals)
	}
}

// Editing in place (issue 15 item 7): htmx gets the message with its form,
// a refused edit comes back as the form with its error (422), a saved one as
// the message; without htmx, saving goes back to the room at the message.
func TestEditMessageInPlace(t *testing.T) {
	rc := newRoomCast(t)
	closed := rc.closedRoom(t, "Inner circle")
	m := rc.member.postOK(closed.ID, "Helo", "edit-1")
	edit := fmt.Sprintf("/rooms/%d/messages/%d/edit", closed.ID, m.ID)
	msgURL := fmt.Sprintf("/rooms/%d/messages/%d", closed.ID, m.ID)

	res := rc.member.get(edit, "HX-Request", "true")
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	if doc.Find("body").Children().Length() != 1 || doc.Find("head title").Length() != 0 {
		t.Errorf("the fragment is more than the message")
	}
	article := doc.Find("article#" + m.DomID() + ".message--editing")
	if article.Length() != 1 {
		t.Fatalf("the fragment is not the message being edited")
	}
	form := article.Find("form.message__edit")
	if v, _ := form.Attr("hx-post"); v != msgURL {
		t.Errorf("the form saves to %q, want %q", v, msgURL)
	}
	if v, _ := form.Find("textarea").Attr("data-rich-html"); !strings.Contains(v, "Helo") {
		t.Errorf("the editor starts with %q", v)
	}
	wantStatus(t, rc.creator.get(edit, "HX-Request", "true"), http.StatusForbidden)

	res = rc.member.postForm(msgURL, url.Values{"_method": {"put"}, "message[body]": {"  "}}, "HX-Request", "true")
	wantStatus(t, res, http.StatusUnprocessableEntity)
	doc = document(t, res)
	if doc.Find("article#"+m.DomID()+" form.message__edit .field-error").Length() != 1 {
		t.Error("a refused edit does not come back as the form with its error")
	}

	res = rc.member.postForm(msgURL, url.Values{"_method": {"put"}, "message[body]": {"Hello"}}, "HX-Request", "true")
	wantStatus(t, res, http.StatusOK)
	doc = document(t, res)
	if got := strings.TrimSpace(doc.Find("article#" + m.DomID() + " .message__body").Text()); got != "Hello" {
		t.Errorf("the saved message reads %q", got)
	}
	if doc.Find("form.message__edit").Length() != 0 {
		t.Error("the saved message still holds the form")
	}

	res = rc.member.postForm(msgURL, url.Values{"_method": {"put"}, "message[body]": {"Hello again"}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != fmt.Sprintf("/rooms/%d#%s", closed.ID, m.DomID()) {
		t.Errorf("a plain save goes to %q, want the room at the message", loc)
	}
}

// messagesIn counts a room's stored messages (its newest page).
func (a *testApp) messagesIn(t *testing.T, roomID int64) int {
	t.Helper()
	msgs, err := a.store.Messages(context.Background(), roomID, db.Page{})
	if err != nil {
		t.Fatal(err)
	}
	return len(msgs)
}

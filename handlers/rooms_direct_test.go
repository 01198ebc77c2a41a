package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
)

// TestConcurrentDirectRoomsMakeOne: many tabs starting the same conversation
// at once end up in one room.
func TestConcurrentDirectRoomsMakeOne(t *testing.T) {
	rc := newRoomCast(t)
	var wg sync.WaitGroup
	locations := make(chan string, 20)
	for i := range 20 {
		starter, other := rc.member, rc.ou
		if i%2 == 1 {
			starter, other = rc.ou, rc.member
		}
		wg.Go(func() {
			res := starter.postForm("/rooms/directs", url.Values{"user_ids[]": {fmt.Sprint(other.user.ID)}})
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("status %d", res.StatusCode)
			}
			locations <- res.Header.Get("Location")
		})
	}
	wg.Wait()
	close(locations)
	seen := map[string]bool{}
	for l := range locations {
		seen[l] = true
	}
	if len(seen) != 1 {
		t.Fatalf("%d rooms made: %v", len(seen), seen)
	}
	var n int
	if err := rc.a.store.Writer().QueryRow(`SELECT count(*) FROM rooms WHERE kind = 'direct'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d direct rooms (%v)", n, err)
	}
}

// TestInvisibleRoomsNeverTurnUnread: hiding a room clears its unread mark,
// and new messages there mark nothing.
func TestInvisibleRoomsNeverTurnUnread(t *testing.T) {
	rc := newRoomCast(t)
	room := rc.closedRoom(t, "Muted")
	wantStatus(t, rc.creator.post(room.ID, "first", "m-1"), http.StatusSeeOther)
	unread := func() bool {
		sr, err := rc.a.store.MemberRoom(t.Context(), room.ID, rc.member.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		return sr.Unread
	}
	if !unread() {
		t.Fatal("the message did not mark the room unread")
	}
	wantStatus(t, rc.member.form("PUT", fmt.Sprintf("/rooms/%d/involvement", room.ID),
		url.Values{"involvement": {"invisible"}}), http.StatusSeeOther)
	if unread() {
		t.Fatal("hiding the room kept it unread")
	}
	wantStatus(t, rc.creator.post(room.ID, "second", "m-2"), http.StatusSeeOther)
	if unread() {
		t.Fatal("a hidden room turned unread")
	}
	// The room page still opens by its address, with the bell showing hidden.
	doc := document(t, rc.member.get(fmt.Sprintf("/rooms/%d", room.ID)))
	if doc.Find(`#involvement button[data-involvement="invisible"]`).Length() != 1 {
		t.Fatal("bell does not show the hidden state")
	}
	if v, _ := doc.Find(`#involvement input[name="involvement"]`).Attr("value"); v != "mentions" {
		t.Fatalf("bell's next state %q, want mentions", v)
	}
}

// TestPlainFormsReachTheRoomRoutes: without scripts, forms POST with _method,
// as the room page's bell and delete button do.
func TestPlainFormsReachTheRoomRoutes(t *testing.T) {
	rc := newRoomCast(t)
	room := rc.closedRoom(t, "Porch")
	path := fmt.Sprintf("/rooms/%d", room.ID)
	doc := document(t, rc.creator.get(path))
	bell := doc.Find("form#involvement")
	next, _ := bell.Find(`input[name="involvement"]`).Attr("value")
	action, _ := bell.Attr("action")
	res := rc.creator.postForm(action, url.Values{"_method": {"put"}, "involvement": {next}})
	wantStatus(t, res, http.StatusSeeOther)
	if got := rc.a.involvement(t, room.ID, rc.creator.user.ID); string(got) != next {
		t.Fatalf("involvement %q, want %q", got, next)
	}
	// The delete button opens a page that asks; its form deletes.
	confirm, _ := doc.Find("form.room__delete").Attr("action")
	res = rc.creator.get(confirm)
	wantStatus(t, res, http.StatusOK)
	if !rc.a.roomExists(t, room.ID) {
		t.Fatal("opening the confirmation page deleted the room")
	}
	del, _ := document(t, res).Find(`main form[method="post"]`).Attr("action")
	wantStatus(t, rc.creator.postForm(del, url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	if rc.a.roomExists(t, room.ID) {
		t.Fatal("the room survived its delete button")
	}
	// The member's page has no delete button; the admin's has.
	other := rc.closedRoom(t, "Shed")
	if document(t, rc.member.get(fmt.Sprintf("/rooms/%d", other.ID))).Find("form.room__delete").Length() != 0 {
		t.Fatal("a member is offered to delete the room")
	}
	if document(t, rc.admin.get(fmt.Sprintf("/rooms/%d", other.ID))).Find("form.room__delete").Length() != 1 {
		t.Fatal("the administrator is not offered to delete the room")
	}
}

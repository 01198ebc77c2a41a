package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// ended waits for the server to end the stream.
func (s *sseStream) ended(t testing.TB) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream is still open")
	}
}

// nextWith waits for an event with the name whose data holds every part.
func (s *sseStream) nextWith(t testing.TB, name string, parts ...string) sseEvent {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ev := s.next(t, name)
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(ev.Data, p)
		}
		if ok {
			return ev
		}
	}
	t.Fatalf("no %q event holding %q", name, parts)
	return sseEvent{}
}

func TestTypingReachesTheOthersInTheRoom(t *testing.T) {
	rc := newRoomCast(t)
	room := rc.closedRoom(t, "Workshop")
	watcher := rc.member.openStream(t, room.ID, 0, 0)
	typist := rc.creator.openStream(t, room.ID, 0, 0)

	path := fmt.Sprintf("/rooms/%d/typing", room.ID)
	wantStatus(t, rc.creator.postForm(path, url.Values{"state": {"start"}}), http.StatusNoContent)
	ev := watcher.nextWith(t, "typing", `hx-target="#typing"`, fmt.Sprintf(`id="typing_user_%d"`, rc.creator.user.ID))
	if !strings.Contains(ev.Data, "Carl Creator is typing…") {
		t.Fatalf("typing event %q", ev.Data)
	}
	if ev.ID != rc.a.hub.LastEventID() {
		t.Fatalf("typing event id %d, want the last durable id %d", ev.ID, rc.a.hub.LastEventID())
	}
	wantStatus(t, rc.creator.postForm(path, url.Values{"state": {"stop"}}), http.StatusNoContent)
	watcher.nextWith(t, "typing", fmt.Sprintf(`hx-target="#typing_user_%d"`, rc.creator.user.ID), `hx-swap="delete"`)

	if !typist.quiet("typing", 300*time.Millisecond) {
		t.Fatal("the typist was told about their own typing")
	}
	// Someone outside the room hears nothing of it, on any stream.
	outside := rc.ou.openStream(t, rc.a.allTalk(), 0, 0)
	wantStatus(t, rc.creator.postForm(path, url.Values{"state": {"start"}}), http.StatusNoContent)
	watcher.next(t, "typing")
	if !outside.quiet("typing", 300*time.Millisecond) {
		t.Fatal("an outsider got a typing event")
	}
}

func TestPresenceTravelsOnTheStream(t *testing.T) {
	rc := newRoomCast(t)
	room := rc.closedRoom(t, "Lounge")

	first := rc.member.openStream(t, room.ID, 0, 0)
	first.nextWith(t, "presence", `hx-target="#presence"`, "Mia Member")

	second := rc.creator.openStream(t, room.ID, 0, 0)
	first.nextWith(t, "presence", "Mia Member", "Carl Creator")
	second.nextWith(t, "presence", "Mia Member", "Carl Creator")

	// The room page shows who is here, the viewer among them.
	doc := document(t, rc.admin.get(fmt.Sprintf("/rooms/%d", room.ID)))
	names := doc.Find("header #presence .presence__person").Text()
	for _, n := range []string{"Mia Member", "Carl Creator", "Ada Admin"} {
		if !strings.Contains(names, n) {
			t.Fatalf("#presence %q lacks %s", names, n)
		}
	}

	// The creator hides the tab: gone for the others; shown again: back.
	path := fmt.Sprintf("/rooms/%d/presence", room.ID)
	wantStatus(t, rc.creator.postForm(path, url.Values{"state": {"absent"}}), http.StatusNoContent)
	ev := first.next(t, "presence")
	if strings.Contains(ev.Data, "Carl Creator") || !strings.Contains(ev.Data, "Mia Member") {
		t.Fatalf("after absent: %q", ev.Data)
	}
	if rc.a.hub.IsPresent(room.ID, rc.creator.user.ID) {
		t.Fatal("hub still counts the hidden tab")
	}
	wantStatus(t, rc.creator.postForm(path, url.Values{"state": {"present"}}), http.StatusNoContent)
	first.nextWith(t, "presence", "Carl Creator")

	// Leaving: the stream closes and the others see one name.
	second.close()
	ev = first.next(t, "presence")
	if strings.Contains(ev.Data, "Carl Creator") {
		t.Fatalf("after leaving: %q", ev.Data)
	}
}

func TestSidebarFollowsRoomsLive(t *testing.T) {
	rc := newRoomCast(t)
	a := rc.a
	lobby := a.allTalk()
	mia := rc.member.openStream(t, lobby, 0, 0)
	otto := rc.ou.openStream(t, lobby, 0, 0)

	// An open room reaches everyone's list, in place.
	wantStatus(t, rc.creator.postForm("/rooms/opens", url.Values{"room[name]": {"Kitchen"}}), http.StatusSeeOther)
	kitchen, _ := a.roomNamed(t, "Kitchen")
	attr := fmt.Sprintf(`data-room-id="%d"`, kitchen.ID)
	mia.nextWith(t, "sidebar", `hx-target="#sidebar_rooms"`, `hx-swap="outerHTML"`, attr, "Kitchen")
	otto.nextWith(t, "sidebar", attr)

	// Renamed: the lists and the header of tabs in the room follow.
	inKitchen := rc.member.openStream(t, kitchen.ID, 0, 0)
	wantStatus(t, rc.creator.form("PUT", fmt.Sprintf("/rooms/opens/%d", kitchen.ID), url.Values{"room[name]": {"Galley"}}),
		http.StatusSeeOther)
	mia.nextWith(t, "sidebar", attr, "Galley")
	otto.nextWith(t, "sidebar", attr, "Galley")
	inKitchen.nextWith(t, "sidebar", `hx-target="#room-name"`, "Galley")

	// A closed room reaches its members only.
	wantStatus(t, rc.creator.postForm("/rooms/closeds", url.Values{
		"room[name]": {"Backstage"}, "user_ids[]": {fmt.Sprint(rc.member.user.ID)},
	}), http.StatusSeeOther)
	backstage, _ := a.roomNamed(t, "Backstage")
	mia.nextWith(t, "sidebar", fmt.Sprintf(`data-room-id="%d"`, backstage.ID), "Backstage")
	if !otto.quiet("sidebar", 300*time.Millisecond) {
		t.Fatal("an outsider was sent a closed room")
	}

	// A direct room reaches the other participant, named after the starter.
	wantStatus(t, rc.ou.postForm("/rooms/directs", url.Values{"user_ids[]": {fmt.Sprint(rc.member.user.ID)}}), http.StatusSeeOther)
	ev := mia.nextWith(t, "sidebar", "room-link--direct")
	if !strings.Contains(ev.Data, "Otto Outsider") {
		t.Fatalf("direct room line %q", ev.Data)
	}

	// Hidden from the list and shown again.
	inv := fmt.Sprintf("/rooms/%d/involvement", backstage.ID)
	wantStatus(t, rc.member.form("PUT", inv, url.Values{"involvement": {"invisible"}}), http.StatusSeeOther)
	mia.nextWith(t, "sidebar", fmt.Sprintf(`hx-target="#sidebar_room_%d"`, backstage.ID), `hx-swap="delete"`)
	wantStatus(t, rc.member.form("PUT", inv, url.Values{"involvement": {"mentions"}}), http.StatusSeeOther)
	mia.nextWith(t, "sidebar", `hx-target="#sidebar_rooms"`, "Backstage")

	// With htmx, the bell comes back in its new state.
	res := rc.member.form("PUT", inv, url.Values{"involvement": {"everything"}}, "HX-Request", "true")
	wantStatus(t, res, http.StatusOK)
	if document(t, res).Find(`hx-partial[hx-target="#involvement"] form#involvement button[data-involvement="everything"]`).Length() != 1 {
		t.Fatal("no bell in the answer")
	}

	// Deleted: off every member's list.
	wantStatus(t, rc.admin.form("DELETE", fmt.Sprintf("/rooms/%d", kitchen.ID), nil), http.StatusSeeOther)
	mia.nextWith(t, "sidebar", fmt.Sprintf(`hx-target="#sidebar_room_%d"`, kitchen.ID), `hx-swap="delete"`)
	otto.nextWith(t, "sidebar", fmt.Sprintf(`hx-target="#sidebar_room_%d"`, kitchen.ID))
	inKitchen.ended(t)
}

// TestRevokedMemberLosesTheRoomAtOnce: left out of a closed room, a member's
// stream on it ends straight away, their other tabs drop it from the list,
// and they can't reconnect; those who stay keep receiving.
func TestRevokedMemberLosesTheRoomAtOnce(t *testing.T) {
	rc := newRoomCast(t)
	a := rc.a
	room := rc.closedRoom(t, "Board")
	inRoom := rc.member.openStream(t, room.ID, 0, 0)
	elsewhere := rc.member.openStream(t, a.allTalk(), 0, 0)
	stays := rc.creator.openStream(t, room.ID, 0, 0)

	wantStatus(t, rc.creator.form("PUT", fmt.Sprintf("/rooms/closeds/%d", room.ID), url.Values{
		"room[name]": {"Board"}, "user_ids[]": {fmt.Sprint(rc.admin.user.ID)},
	}), http.StatusSeeOther)

	inRoom.ended(t)
	elsewhere.nextWith(t, "sidebar", fmt.Sprintf(`hx-target="#sidebar_room_%d"`, room.ID), `hx-swap="delete"`)
	if got := rc.member.streamStatus(t, room.ID); got != http.StatusNotFound {
		t.Fatalf("reconnect: %d, want 404", got)
	}
	wantStatus(t, rc.creator.post(room.ID, "still here", "after-revoke"), http.StatusSeeOther)
	stays.nextWith(t, "message", "message_after-revoke")

	// Converting to open brings them back.
	wantStatus(t, rc.creator.form("PUT", fmt.Sprintf("/rooms/opens/%d", room.ID), url.Values{"room[name]": {"Board"}}),
		http.StatusSeeOther)
	elsewhere.nextWith(t, "sidebar", fmt.Sprintf(`data-room-id="%d"`, room.ID))
	if got := rc.member.streamStatus(t, room.ID); got != http.StatusOK {
		t.Fatalf("after reopening: %d", got)
	}
}

// TestDirectRoomIsFoundAgain: the same people make one direct room, whoever
// starts it and in whatever order.
func TestDirectRoomIsFoundAgain(t *testing.T) {
	rc := newRoomCast(t)
	start := func(c *client, ids ...int64) string {
		form := url.Values{}
		for _, id := range ids {
			form.Add("user_ids[]", fmt.Sprint(id))
		}
		res := c.postForm("/rooms/directs", form)
		wantStatus(t, res, http.StatusSeeOther)
		return res.Header.Get("Location")
	}
	m, o, c := rc.member.user.ID, rc.ou.user.ID, rc.creator.user.ID
	first := start(rc.member, o, c)
	if again := start(rc.ou, c, m); again != first {
		t.Fatalf("%s then %s", first, again)
	}
	if again := start(rc.creator, m, o, m); again != first {
		t.Fatalf("duplicates made another room: %s", again)
	}
	if pair := start(rc.member, o); pair == first {
		t.Fatal("a pair found the trio's room")
	}
	// The room page names the others and offers the participants' page.
	doc := document(t, rc.member.get(first))
	if name := doc.Find("#room-name").Text(); !strings.Contains(name, "Carl Creator") || !strings.Contains(name, "Otto Outsider") {
		t.Fatalf("direct room name %q", name)
	}
	if doc.Find(`a[href$="/edit"][href^="/rooms/directs/"]`).Length() != 1 {
		t.Fatal("no link to the participants")
	}
}

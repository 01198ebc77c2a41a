package handlers

import (
	"context"
	"testing"
	"time"
)

// A page the back/forward cache keeps closes its stream as it is hidden and
// opens a new one when shown again, and the two may reach the server in
// either order. Opened before the old one closes, the person stays here
// throughout and the room stays read; closed first, they are away (a new
// message marks the room unread) until the new stream, which replays what
// they missed and reads the room again.
func TestReopenedStreamInEitherOrder(t *testing.T) {
	rc := newRoomCast(t)
	room := rc.closedRoom(t, "Lounge")
	ctx := context.Background()
	unread := func() bool {
		t.Helper()
		r, err := rc.a.store.MemberRoom(ctx, room.ID, rc.member.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		return r.Unread
	}
	present := func(want bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for rc.a.hub.IsPresent(room.ID, rc.member.user.ID) != want {
			if time.Now().After(deadline) {
				t.Fatalf("the member is present: %v, want %v", !want, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	first := rc.member.openStream(t, room.ID, 0, 0)
	first.nextWith(t, "presence", "Mia Member")

	// New before old: never away.
	second := rc.member.openStream(t, room.ID, 0, rc.a.hub.LastEventID())
	second.nextWith(t, "presence", "Mia Member")
	first.close()
	present(true)
	rc.creator.postOK(room.ID, "while the member is here", "reopen-1")
	if unread() {
		t.Fatal("a message posted while the member was here made the room unread")
	}

	// Old before new: away in between, back with the missed message.
	cursor := rc.a.hub.LastEventID()
	second.close()
	present(false)
	rc.creator.postOK(room.ID, "while the member is away", "reopen-2")
	if !unread() {
		t.Fatal("a message posted while the member was away left the room read")
	}
	third := rc.member.openStream(t, room.ID, 0, cursor)
	third.nextWith(t, "message", "while the member is away")
	present(true)
	if unread() {
		t.Fatal("the reopened stream left the room unread")
	}
}

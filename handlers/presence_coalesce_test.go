package handlers

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/views"
)

// A burst of presence changes in a room makes one announcement, not one each.
func TestPresenceAnnouncementsAreCoalesced(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	s := admin.openStream(t, room, 0, 0)
	s.next(t, "presence") // written with the stream's opening
	s.next(t, "presence") // the app's announcement of this arrival

	for range 100 {
		a.chat.PresenceChanged(room, admin.user.ID, true)
	}
	s.next(t, "presence")
	// Three times the chat service's delay of 250 ms.
	if !s.quiet("presence", 750*time.Millisecond) {
		t.Fatal("a burst of 100 changes made more than one announcement")
	}
	a.chat.PresenceChanged(room, admin.user.ID, false)
	s.next(t, "presence")
}

// A crowded room names a few of those present and counts the rest, so each
// announcement stays small.
func TestPresenceListIsBounded(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	for i := range views.PresenceShown + 3 {
		m := a.member(fmt.Sprintf("Person %02d", i))
		m.openStream(t, room, 0, 0)
	}
	doc := document(t, admin.get(fmt.Sprintf("/rooms/%d", room)))
	if n := doc.Find("#presence .presence__person").Length(); n != views.PresenceShown {
		t.Fatalf("%d people named, want %d", n, views.PresenceShown)
	}
	// The viewer is named first among those shown, and 4 more are counted.
	if doc.Find(fmt.Sprintf(`#presence .presence__person[data-user-id="%d"]`, admin.user.ID)).Length() != 1 {
		t.Fatal("the viewer is not among those named")
	}
	if got := strings.TrimSpace(doc.Find("#presence .presence__more").Text()); got != "and 4 more" {
		t.Fatalf("more: %q", got)
	}
}

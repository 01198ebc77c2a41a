package handlers

import (
	"io"
	"log/slog"
	"testing"
)

// A burst of presence changes in a room makes one announcement, not one each.
func TestPresenceAnnouncementsAreCoalesced(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	s := admin.openStream(t, room, 0, 0)
	s.next(t, "presence") // written with the stream's opening
	s.next(t, "presence") // the app's announcement of this arrival

	p := NewPresenceAnnouncer(a.store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	p.Attach(a.hub)
	for range 100 {
		p.Changed(room, admin.user.ID, true)
	}
	s.next(t, "presence")
	if !s.quiet("presence", 3*presenceDelay) {
		t.Fatal("a burst of 100 changes made more than one announcement")
	}
	p.Changed(room, admin.user.ID, false)
	s.next(t, "presence")
}

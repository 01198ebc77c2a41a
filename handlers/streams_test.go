package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/model"
)

func TestStreamDeliversNewMessagesLive(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()

	s := bob.openStream(t, room, 0, a.hub.LastEventID())
	wantStatus(t, admin.post(room, "live hello", "live-1"), http.StatusSeeOther)
	ev := s.next(t, "message")
	if !strings.Contains(ev.Data, `id="message_live-1"`) || !strings.Contains(ev.Data, "live hello") {
		t.Fatalf("event data: %s", ev.Data)
	}
	if !strings.Contains(ev.Data, `<hx-partial hx-target="#messages" hx-swap="beforeend">`) {
		t.Fatalf("not an append partial: %s", ev.Data)
	}
	if ev.ID == 0 {
		t.Fatal("event without id")
	}
}

// collectMessages reads message events until n distinct client ids are seen.
func collectMessages(t *testing.T, s *sseStream, n int) []string {
	t.Helper()
	var order []string
	seen := map[string]int{}
	for len(seen) < n {
		ev := s.next(t, "message")
		i := strings.Index(ev.Data, `id="message_`)
		if i < 0 {
			continue
		}
		rest := ev.Data[i+len(`id="message_`):]
		cmid := rest[:strings.IndexByte(rest, '"')]
		seen[cmid]++
		order = append(order, cmid)
	}
	for cmid, count := range seen {
		if count > 1 {
			t.Fatalf("%s delivered %d times", cmid, count)
		}
	}
	return order
}

func TestReplayAfterDisconnectWithLastEventID(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()

	s := bob.openStream(t, room, 0, a.hub.LastEventID())
	wantStatus(t, admin.post(room, "before the drop", "before"), http.StatusSeeOther)
	last := s.next(t, "message").ID
	s.close()

	for i := range 25 {
		wantStatus(t, admin.post(room, fmt.Sprintf("missed %d", i), fmt.Sprintf("missed-%02d", i)), http.StatusSeeOther)
	}
	s = bob.openStream(t, room, last, 0)
	got := collectMessages(t, s, 25)
	for i, cmid := range got {
		if want := fmt.Sprintf("missed-%02d", i); cmid != want {
			t.Fatalf("event %d is %s, want %s (order %v)", i, cmid, want, got)
		}
	}
	// Live delivery continues after the replay.
	wantStatus(t, admin.post(room, "after", "after"), http.StatusSeeOther)
	if got := collectMessages(t, s, 1); got[0] != "after" {
		t.Fatalf("then got %v", got)
	}
}

func TestReplayAcrossServerRestart(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()

	s := bob.openStream(t, room, 0, a.hub.LastEventID())
	wantStatus(t, admin.post(room, "before restart", "before"), http.StatusSeeOther)
	last := s.next(t, "message").ID
	s.close()
	path := a.dbPath
	a.stop()

	// The same database, a new process: sessions, messages and the event log survive.
	b := newTestAppAt(t, path)
	admin.app, bob.app = b, b
	for i := range 25 {
		wantStatus(t, admin.post(room, fmt.Sprintf("while away %d", i), fmt.Sprintf("away-%02d", i)), http.StatusSeeOther)
	}
	s = bob.openStream(t, room, last, 0)
	got := collectMessages(t, s, 25)
	for i, cmid := range got {
		if want := fmt.Sprintf("away-%02d", i); cmid != want {
			t.Fatalf("event %d is %s, want %s", i, cmid, want)
		}
	}
	if b.hub.LastEventID() <= last {
		t.Fatal("the restarted hub did not continue the event ids")
	}
}

func TestReplayUsesTheLaterOfLastEventIDAndAfter(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	for i := range 3 {
		wantStatus(t, admin.post(room, fmt.Sprintf("m %d", i), fmt.Sprintf("m%d", i)), http.StatusSeeOther)
	}
	events, _ := a.store.EventsAfter(context.Background(), room, 0, 10)
	// The extension reopens streams without Last-Event-ID; after= carries the cursor.
	s := admin.openStream(t, room, 0, events[1].ID)
	if got := collectMessages(t, s, 1); got[0] != "m2" {
		t.Fatalf("got %v", got)
	}
	s.close()
	s = admin.openStream(t, room, events[0].ID, events[1].ID)
	if got := collectMessages(t, s, 1); got[0] != "m2" {
		t.Fatalf("got %v", got)
	}
}

func TestFirstConnectionWithoutCursorReplaysNothing(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	wantStatus(t, admin.post(room, "old news", "old"), http.StatusSeeOther)
	s := admin.openStream(t, room, 0, 0)
	if !s.quiet("message", 300*time.Millisecond) {
		t.Fatal("a stream without a cursor replayed history")
	}
}

func TestTooOldCursorGetsReload(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	for i := range 3 {
		wantStatus(t, admin.post(room, fmt.Sprintf("m %d", i), fmt.Sprintf("m%d", i)), http.StatusSeeOther)
	}
	if _, err := a.store.PruneEvents(context.Background(), time.Now().Add(time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	s := admin.openStream(t, room, 1, 0)
	ev := s.next(t, "reload")
	if ev.ID == 0 {
		t.Fatal("reload without id")
	}
}

func TestStreamAccess(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	eve := a.member("Eve Outsider")
	closed, err := a.store.CreateRoom(context.Background(), model.RoomClosed, "Secret plans", admin.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}

	wantStatus(t, a.anonymous().get(fmt.Sprintf("/events?room_id=%d", closed.ID)), http.StatusUnauthorized)
	wantStatus(t, eve.get(fmt.Sprintf("/events?room_id=%d", closed.ID)), http.StatusNotFound)
	for _, q := range []string{"room_id=abc", "room_id=", "room_id=1&after=x", "room_id=1&after=-5"} {
		wantStatus(t, eve.get("/events?"+q), http.StatusBadRequest)
	}
	// A garbage Last-Event-ID is ignored rather than breaking the stream.
	res := eve.get(fmt.Sprintf("/events?room_id=%d", a.allTalk()), "Last-Event-ID", "garbage")
	wantStatus(t, res, http.StatusOK)
	res.Body.Close()

	// Eve, viewing All Talk, hears nothing of the closed room.
	s := eve.openStream(t, a.allTalk(), 0, a.hub.LastEventID())
	wantStatus(t, admin.post(closed.ID, "top secret", "secret-1"), http.StatusSeeOther)
	wantStatus(t, admin.post(a.allTalk(), "public", "public-1"), http.StatusSeeOther)
	ev := s.next(t, "message")
	if strings.Contains(ev.Data, "top secret") || !strings.Contains(ev.Data, "public") {
		t.Fatalf("outsider got %s", ev.Data)
	}
}

func TestStreamHeaders(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	s := admin.openStream(t, a.allTalk(), 0, 0)
	if got := s.res.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Fatalf("content type %q", got)
	}
	if s.res.Header.Get("X-Accel-Buffering") != "no" {
		t.Fatal("X-Accel-Buffering missing")
	}
}

func TestUnreadMarksTravelToTheSidebar(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	other, err := a.store.CreateRoom(context.Background(), model.RoomOpen, "Watercooler", admin.user.ID, []int64{bob.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	// Bob is looking at All Talk; a message in Watercooler marks it unread for him.
	s := bob.openStream(t, a.allTalk(), 0, a.hub.LastEventID())
	wantStatus(t, admin.post(other.ID, "over here", "wc-1"), http.StatusSeeOther)
	ev := s.next(t, "sidebar")
	if !strings.Contains(ev.Data, fmt.Sprintf(`hx-target="#sidebar_room_%d"`, other.ID)) || !strings.Contains(ev.Data, "unread") {
		t.Fatalf("sidebar event: %s", ev.Data)
	}
	doc := document(t, bob.get(fmt.Sprintf("/rooms/%d", a.allTalk())))
	if doc.Find(fmt.Sprintf(`a.unread[data-room-id="%d"]`, other.ID)).Length() != 1 {
		t.Fatal("sidebar does not show the room unread")
	}
	// Opening the room reads it.
	bob.get(fmt.Sprintf("/rooms/%d", other.ID))
	doc = document(t, bob.get(fmt.Sprintf("/rooms/%d", a.allTalk())))
	if doc.Find(`a.unread`).Length() != 0 {
		t.Fatal("room still unread after reading it")
	}
	// A member present in the room does not get an unread mark.
	s2 := bob.openStream(t, other.ID, 0, a.hub.LastEventID())
	wantStatus(t, admin.post(other.ID, "you are here", "wc-2"), http.StatusSeeOther)
	s2.next(t, "message")
	m, err := a.store.MemberRoom(context.Background(), other.ID, bob.user.ID)
	if err != nil || m.Unread {
		t.Fatalf("present member marked unread (%v)", err)
	}
}

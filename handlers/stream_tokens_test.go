package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// pageStreamURL is the stream address a room page gives its tab.
func (c *client) pageStreamURL(t *testing.T, roomID int64) string {
	t.Helper()
	res := c.get(fmt.Sprintf("/rooms/%d", roomID))
	wantStatus(t, res, http.StatusOK)
	u, ok := document(t, res).Find("#stream").Attr("sse-connect")
	if !ok {
		t.Fatal("the room page has no stream")
	}
	return u
}

// withToken returns the stream address with its token replaced.
func withToken(t *testing.T, stream, token string) string {
	t.Helper()
	u, err := url.Parse(stream)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("token", token)
	u.RawQuery = q.Encode()
	return u.String()
}

func tokenOf(t *testing.T, stream string) string {
	t.Helper()
	u, err := url.Parse(stream)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("token")
	if tok == "" {
		t.Fatalf("no token in %s", stream)
	}
	return tok
}

// openBare opens a stream with no cookie at all: only the address speaks for
// the tab. It returns the response (its body open while the stream is).
func (a *testApp) openBare(t *testing.T, path string, lastEventID int64) *http.Response {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.srv.URL+path, nil)
	if lastEventID > 0 {
		req.Header.Set("Last-Event-ID", fmt.Sprint(lastEventID))
	}
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func wantRefused(t *testing.T, res *http.Response, why string) {
	t.Helper()
	if res.StatusCode == http.StatusOK {
		t.Fatalf("%s: the stream opened without a cookie", why)
	}
}

// TestStreamTokenOpensTheRoomsStreamAlone: the page's stream address opens
// the stream with no cookie, replays after Last-Event-ID and delivers live,
// and the old address without a token still works on the cookie.
func TestStreamTokenOpensTheRoomsStreamAlone(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()
	// The page is current to an event; what follows it is replayed.
	wantStatus(t, admin.post(room, "zero", "tok-0"), http.StatusSeeOther)
	stream := bob.pageStreamURL(t, room)

	wantStatus(t, admin.post(room, "first", "tok-1"), http.StatusSeeOther)
	res := a.openBare(t, stream, 0)
	wantStatus(t, res, http.StatusOK)
	s := &sseStream{res: res, events: make(chan sseEvent, 64), cancel: func() {}, done: make(chan struct{})}
	go s.read()
	first := s.next(t, "message")
	if !strings.Contains(first.Data, "message_tok-1") {
		t.Fatalf("replay: %s", first.Data)
	}
	wantStatus(t, admin.post(room, "second", "tok-2"), http.StatusSeeOther)
	if ev := s.next(t, "message"); !strings.Contains(ev.Data, "message_tok-2") {
		t.Fatalf("live: %s", ev.Data)
	}

	// A reconnect with Last-Event-ID replays only what follows it.
	res = a.openBare(t, stream, first.ID)
	wantStatus(t, res, http.StatusOK)
	s2 := &sseStream{res: res, events: make(chan sseEvent, 64), cancel: func() {}, done: make(chan struct{})}
	go s2.read()
	if ev := s2.next(t, "message"); !strings.Contains(ev.Data, "message_tok-2") {
		t.Fatalf("replay after Last-Event-ID: %s", ev.Data)
	}

	bob.openStream(t, room, 0, 0) // no token: the cookie serves
}

// TestStreamTokenRefusesForgery: a token altered in any part, or made with
// another key, opens nothing without a cookie.
func TestStreamTokenRefusesForgery(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	carol := a.member("Carol Cook")
	room := a.allTalk()
	stream := bob.pageStreamURL(t, room)
	tok := tokenOf(t, stream)
	f := strings.Split(tok, ".")
	if len(f) != 7 {
		t.Fatalf("token %q", tok)
	}
	alter := func(i int, v string) string {
		g := append([]string(nil), f...)
		g[i] = v
		return strings.Join(g, ".")
	}
	for why, forged := range map[string]string{
		"another person":    alter(1, fmt.Sprint(carol.user.ID)),
		"a later expiry":    alter(5, fmt.Sprint(time.Now().Add(48*time.Hour).Unix())),
		"a later issue":     alter(4, fmt.Sprint(time.Now().Add(time.Hour).UnixMilli())),
		"another sign-in":   alter(3, "1"),
		"a cut signature":   tok[:len(tok)-2],
		"no signature":      strings.Join(f[:6], "."),
		"garbage":           "not-a-token",
		"another key's mac": alter(6, "AAAAAAAAAAAAAAAAAAAAAAAA"),
	} {
		wantRefused(t, a.openBare(t, withToken(t, stream, forged), 0), why)
	}
	wantStatus(t, a.openBare(t, stream, 0), http.StatusOK) // the real one still works
}

// TestStreamTokenExpires: a token past its expiry opens nothing, though it
// is signed and its sign-in stands.
func TestStreamTokenExpires(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()
	stream := bob.pageStreamURL(t, room)
	f := strings.Split(tokenOf(t, stream), ".")
	sid := f[3]
	var sidN int64
	fmt.Sscan(sid, &sidN)
	// Made by this run (so only its expiry can refuse it), good for a
	// nanosecond: its expiry, in whole seconds, is already past.
	old := a.h.tokens.Issue(bob.user.ID, room, sidN, time.Now(), time.Nanosecond)
	wantRefused(t, a.openBare(t, withToken(t, stream, old), 0), "expired")
	fresh := a.h.tokens.Issue(bob.user.ID, room, sidN, time.Now(), streamTokenTTL)
	wantStatus(t, a.openBare(t, withToken(t, stream, fresh), 0), http.StatusOK)
}

// TestStreamTokenIsForItsRoomOnly: a token for one room does not open
// another, even one the person is in.
func TestStreamTokenIsForItsRoomOnly(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()
	wantStatus(t, admin.postForm("/rooms/closeds", url.Values{
		"room[name]": {"Door"}, "user_ids[]": {fmt.Sprint(admin.user.ID), fmt.Sprint(bob.user.ID)},
	}), http.StatusSeeOther)
	door, ok := a.roomNamed(t, "Door")
	if !ok {
		t.Fatal("no room Door")
	}
	stream := bob.pageStreamURL(t, room)
	other := strings.Replace(stream, fmt.Sprintf("room_id=%d", room), fmt.Sprintf("room_id=%d", door.ID), 1)
	wantRefused(t, a.openBare(t, other, 0), "another room")
}

// TestStreamTokenEndsWithWhatItCameFrom: signing out, losing the room,
// deactivation and a ban each end the token (a reuse opens nothing) and the
// streams it opened.
func TestStreamTokenEndsWithWhatItCameFrom(t *testing.T) {
	for _, end := range []string{"sign-out", "removal", "deactivation", "ban"} {
		t.Run(end, func(t *testing.T) {
			a := newTestApp(t)
			admin := a.admin()
			bob := a.member("Bob Builder")
			wantStatus(t, admin.postForm("/rooms/closeds", url.Values{
				"room[name]": {"Door"}, "user_ids[]": {fmt.Sprint(admin.user.ID), fmt.Sprint(bob.user.ID)},
			}), http.StatusSeeOther)
			door, _ := a.roomNamed(t, "Door")
			stream := bob.pageStreamURL(t, door.ID)
			open := a.openBare(t, stream, 0)
			wantStatus(t, open, http.StatusOK)
			s := &sseStream{res: open, events: make(chan sseEvent, 64), cancel: func() {}, done: make(chan struct{})}
			go s.read()

			switch end {
			case "sign-out":
				wantStatus(t, bob.send(http.MethodDelete, "/session", "", ""), http.StatusSeeOther)
			case "removal":
				wantStatus(t, admin.postForm(fmt.Sprintf("/rooms/closeds/%d", door.ID), url.Values{
					"_method": {"put"}, "room[name]": {"Door"}, "user_ids[]": {fmt.Sprint(admin.user.ID)},
				}), http.StatusSeeOther)
			case "deactivation":
				wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/account/users/%d", bob.user.ID), "", ""), http.StatusSeeOther)
			case "ban":
				wantStatus(t, admin.postForm(fmt.Sprintf("/users/%d/ban", bob.user.ID), nil), http.StatusSeeOther)
			}
			// The open stream ends: its reader sees the end of the body.
			select {
			case <-s.done:
			case <-time.After(10 * time.Second):
				t.Fatal("the token's open stream outlived the " + end)
			}
			wantRefused(t, a.openBare(t, stream, 0), "after the "+end)
		})
	}
}

// TestStreamTokenSurvivesARestartButNotWhatEndedIt: a page's token still
// opens the stream after the server restarts (the reconnect storm needs no
// reads), unless its sign-in ended before the restart.
func TestStreamTokenSurvivesARestartButNotWhatEndedIt(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	carol := a.member("Carol Cook")
	room := a.allTalk()
	bobStream := bob.pageStreamURL(t, room)
	carolStream := carol.pageStreamURL(t, room)
	wantStatus(t, carol.send(http.MethodDelete, "/session", "", ""), http.StatusSeeOther)
	a.stop()

	b := newTestAppAt(t, a.dbPath)
	wantStatus(t, b.openBare(t, bobStream, 0), http.StatusOK)
	wantRefused(t, b.openBare(t, carolStream, 0), "a sign-in ended before the restart")
}

// TestStreamTokenMarksTheRoomRead: a stream opened on its token marks the
// room read, as one opened on the cookie does, and tells the person's tabs
// (here another tab, open before it).
func TestStreamTokenMarksTheRoomRead(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()
	wantStatus(t, admin.postForm("/rooms/closeds", url.Values{
		"room[name]": {"Door"}, "user_ids[]": {fmt.Sprint(admin.user.ID), fmt.Sprint(bob.user.ID)},
	}), http.StatusSeeOther)
	door, _ := a.roomNamed(t, "Door")
	stream := bob.pageStreamURL(t, room)
	wantStatus(t, admin.post(room, "while away", "away-1"), http.StatusSeeOther)
	unread := func() bool {
		sr, err := a.store.MemberRoom(context.Background(), room, bob.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		return sr.Unread
	}
	if !unread() {
		t.Fatal("the room did not turn unread while Bob was away")
	}
	mention := fmt.Sprintf(`<div>Look, <a href="/users/%d" data-mention="%d">@Bob</a></div>`, bob.user.ID, bob.user.ID)
	wantStatus(t, admin.post(room, mention, "away-2"), http.StatusSeeOther)
	if sr, _ := a.store.MemberRoom(context.Background(), room, bob.user.ID); !sr.Mentioned {
		t.Fatal("the mention did not mark the room")
	}
	other := bob.openStream(t, door.ID, 0, 0)
	wantStatus(t, a.openBare(t, stream, 0), http.StatusOK)
	// The line is sent after the marks are cleared, the mention's too (the
	// batched marking cleared only the unread one).
	ev := other.next(t, "sidebar")
	sr, err := a.store.MemberRoom(context.Background(), room, bob.user.ID)
	if err != nil || sr.Unread || sr.Mentioned {
		t.Fatalf("room unread %v, mentioned %v (%v) after the sidebar line %s", sr.Unread, sr.Mentioned, err, ev.Data)
	}
}

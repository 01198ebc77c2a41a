package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/model"
	"pgregory.net/rapid"
)

// openBotStream connects to a bot's event stream, with a Last-Event-ID
// when > 0, as a bot's HTTP client does: no cookies.
func openBotStream(t testing.TB, a *testApp, key string, lastEventID int64) *sseStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.srv.URL+"/bots/"+key+"/events", nil)
	if lastEventID > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(lastEventID, 10))
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		res.Body.Close()
		t.Fatalf("bot stream: status %d, %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	s := &sseStream{res: res, events: make(chan sseEvent, 4096), cancel: cancel, done: make(chan struct{})}
	go s.read()
	t.Cleanup(s.close)
	return s
}

// nextAny waits for the stream's next event, whatever its name.
func (s *sseStream) nextAny(t testing.TB) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatal("stream closed while waiting for an event")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return sseEvent{}
}

func eventJSON(t testing.TB, ev sseEvent) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(ev.Data), &m); err != nil {
		t.Fatalf("event %d %s: data is not JSON: %v\n%s", ev.ID, ev.Name, err, ev.Data)
	}
	return m
}

// TestBotStreamCarriesEveryChangeAsJSON: a bot's stream names each change
// for programs, carries the message JSON of the bot API (with the boost for
// a boost's events), and has the durable id of the log; rooms the bot is
// not in send nothing.
func TestBotStreamCarriesEveryChangeAsJSON(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	ctx := context.Background()
	bot := admin.createBot(t, "Listener", "")
	elsewhere, err := a.store.CreateRoom(ctx, model.RoomClosed, "Private", admin.user.ID, []int64{admin.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	s := openBotStream(t, a, bot.Key(), 0)

	wantStatus(t, admin.post(elsewhere.ID, "not for bots", "p-1"), http.StatusSeeOther)
	wantStatus(t, admin.post(room, "Hello @Listener", "b-1"), http.StatusSeeOther)
	id, _ := parseID(a.messageIDByBody("Hello @Listener"))
	ev := s.nextAny(t)
	if ev.Name != "message_created" {
		t.Fatalf("event %q, want message_created", ev.Name)
	}
	m := eventJSON(t, ev)
	checkMessageJSON(t, a, m, room, "All Talk", "Hello @Listener")
	if m["id"] != float64(id) {
		t.Errorf("message %v, want %d", m["id"], id)
	}
	if html := m["body"].(map[string]any)["html"].(string); !strings.Contains(html, fmt.Sprintf(`data-mention="%d"`, bot.ID)) {
		t.Errorf("the mention is not in the html: %s", html)
	}
	logged, err := a.store.EventsAfter(ctx, room, 0, 100)
	if err != nil || len(logged) == 0 || logged[len(logged)-1].ID != ev.ID {
		t.Fatalf("event id %d is not the log's %v (%v)", ev.ID, logged, err)
	}

	msgPath := fmt.Sprintf("/rooms/%d/messages/%d", room, id)
	wantStatus(t, admin.sendForm(http.MethodPut, msgPath, url.Values{"message[body]": {"Edited"}}), http.StatusSeeOther)
	ev = s.nextAny(t)
	if m := eventJSON(t, ev); ev.Name != "message_updated" || m["body"].(map[string]any)["plain_text"] != "Edited" {
		t.Fatalf("%s %s", ev.Name, ev.Data)
	}

	wantStatus(t, admin.postForm(fmt.Sprintf("/messages/%d/boosts", id), url.Values{"boost[content]": {"🎉"}}), http.StatusSeeOther)
	ev = s.nextAny(t)
	m = eventJSON(t, ev)
	boost, _ := m["boost"].(map[string]any)
	if ev.Name != "boost_created" || boost == nil || boost["content"] != "🎉" || m["id"] != float64(id) {
		t.Fatalf("%s %s", ev.Name, ev.Data)
	}
	if booster := boost["booster"].(map[string]any); booster["id"] != float64(admin.user.ID) || booster["role"] != "administrator" {
		t.Errorf("booster %v", booster)
	}
	boostID := int64(boost["id"].(float64))

	wantStatus(t, admin.sendForm(http.MethodDelete, fmt.Sprintf("/messages/%d/boosts/%d", id, boostID), nil), http.StatusSeeOther)
	ev = s.nextAny(t)
	if m := eventJSON(t, ev); ev.Name != "boost_deleted" || m["boost"].(map[string]any)["id"] != float64(boostID) {
		t.Fatalf("%s %s", ev.Name, ev.Data)
	}

	wantStatus(t, admin.sendForm(http.MethodDelete, msgPath, nil), http.StatusSeeOther)
	ev = s.nextAny(t)
	m = eventJSON(t, ev)
	if ev.Name != "message_deleted" || m["id"] != float64(id) || m["deleted"] != true ||
		m["url"] != fmt.Sprintf("%s/rooms/%d/@%d", a.srv.URL, room, id) {
		t.Fatalf("%s %s", ev.Name, ev.Data)
	}

	// Replayed from the log, the same events come with the same names and
	// ids; the deleted message's earlier events say it is gone.
	r := openBotStream(t, a, bot.Key(), logged[len(logged)-1].ID-1)
	var names []string
	for range 5 {
		ev := r.nextAny(t)
		names = append(names, ev.Name)
		if ev.Name != "message_deleted" && ev.Name != "boost_deleted" && eventJSON(t, ev)["deleted"] != true {
			t.Errorf("replayed %s of a deleted message: %s", ev.Name, ev.Data)
		}
	}
	if got := strings.Join(names, ","); got != "message_created,message_updated,boost_created,boost_deleted,message_deleted" {
		t.Errorf("replayed %s", got)
	}
}

// TestBotStreamRefusesAWrongKey: a wrong or revoked key gets 401 JSON, not a
// stream.
func TestBotStreamRefusesAWrongKey(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bot := admin.createBot(t, "Keyed", "")
	for _, key := range []string{
		fmt.Sprintf("%d-%s", bot.ID, strings.Repeat("x", 12)), "999999-abcdefghijkl",
		fmt.Sprintf("%d-abcdefghijkl", admin.user.ID), "not-a-key", "",
	} {
		res := botCall(t, a, http.MethodGet, "/bots/"+key+"/events", "", "")
		if key == "" {
			if res.StatusCode != http.StatusNotFound && res.StatusCode != http.StatusUnauthorized {
				t.Errorf("empty key: %d", res.StatusCode)
			}
			continue
		}
		wantStatus(t, res, http.StatusUnauthorized)
		if m := decodeBotJSON[map[string]any](t, res); m["error"] == nil {
			t.Errorf("key %q: %v", key, m)
		}
	}
	if a.hub.Connections() != 0 {
		t.Errorf("%d streams registered", a.hub.Connections())
	}
	res := botCall(t, a, http.MethodGet, "/bots/"+bot.Key()+"/events?after=x", "", "")
	wantStatus(t, res, http.StatusBadRequest)
}

// TestBotStreamEndsOnKeyResetAndDeactivation: resetting the key ends the
// stream opened with the old one at once, and the old key opens no other;
// deactivating the bot ends the new key's stream.
func TestBotStreamEndsOnKeyResetAndDeactivation(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bot := admin.createBot(t, "Rekeyed", "")
	s := openBotStream(t, a, bot.Key(), 0)
	waitFor(t, "stream registered", 10*time.Second, func() bool { return a.hub.HasBotStreams(bot.ID) })

	wantStatus(t, admin.sendForm(http.MethodPut, fmt.Sprintf("/account/bots/%d/key", bot.ID), nil), http.StatusSeeOther)
	s.waitClosed(t)
	wantStatus(t, botCall(t, a, http.MethodGet, "/bots/"+bot.Key()+"/events", "", ""), http.StatusUnauthorized)

	rekeyed, err := a.store.Bot(context.Background(), bot.ID)
	if err != nil {
		t.Fatal(err)
	}
	s = openBotStream(t, a, rekeyed.Key(), 0)
	waitFor(t, "stream registered", 10*time.Second, func() bool { return a.hub.HasBotStreams(bot.ID) })
	wantStatus(t, admin.sendForm(http.MethodDelete, fmt.Sprintf("/account/bots/%d", bot.ID), nil), http.StatusSeeOther)
	s.waitClosed(t)
	wantStatus(t, botCall(t, a, http.MethodGet, "/bots/"+rekeyed.Key()+"/events", "", ""), http.StatusUnauthorized)
}

// TestBotStreamFollowsMembershipChanges: on an open stream, a room the bot
// is added to starts sending its events and a room it is removed from
// stops; the other rooms carry on.
func TestBotStreamFollowsMembershipChanges(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	allTalk := a.allTalk()
	bot := admin.createBot(t, "Joiner", "")
	s := openBotStream(t, a, bot.Key(), 0)
	waitFor(t, "stream registered", 10*time.Second, func() bool { return a.hub.HasBotStreams(bot.ID) })

	// A closed room made with the bot in it.
	res := admin.postForm("/rooms/closeds", url.Values{
		"room[name]": {"Ops"}, "user_ids[]": {fmt.Sprint(admin.user.ID), fmt.Sprint(bot.ID)},
	})
	wantStatus(t, res, http.StatusSeeOther)
	ops, ok := a.roomNamed(t, "Ops")
	if !ok {
		t.Fatal("no room Ops")
	}
	wantStatus(t, admin.post(ops.ID, "in ops", "ops-1"), http.StatusSeeOther)
	if ev := s.nextAny(t); eventJSON(t, ev)["body"].(map[string]any)["plain_text"] != "in ops" {
		t.Fatalf("got %s", ev.Data)
	}

	// A closed room the bot is added to later.
	res = admin.postForm("/rooms/closeds", url.Values{"room[name]": {"Later"}, "user_ids[]": {fmt.Sprint(admin.user.ID)}})
	wantStatus(t, res, http.StatusSeeOther)
	later, _ := a.roomNamed(t, "Later")
	wantStatus(t, admin.post(later.ID, "before the bot", "later-1"), http.StatusSeeOther)
	wantStatus(t, admin.sendForm(http.MethodPut, fmt.Sprintf("/rooms/closeds/%d", later.ID), url.Values{
		"room[name]": {"Later"}, "user_ids[]": {fmt.Sprint(admin.user.ID), fmt.Sprint(bot.ID)},
	}), http.StatusSeeOther)
	wantStatus(t, admin.post(later.ID, "after the bot", "later-2"), http.StatusSeeOther)
	if ev := s.nextAny(t); eventJSON(t, ev)["body"].(map[string]any)["plain_text"] != "after the bot" {
		t.Fatalf("got %s", ev.Data)
	}

	// Removed from Ops: its messages stop, All Talk's go on.
	wantStatus(t, admin.sendForm(http.MethodPut, fmt.Sprintf("/rooms/closeds/%d", ops.ID), url.Values{
		"room[name]": {"Ops"}, "user_ids[]": {fmt.Sprint(admin.user.ID)},
	}), http.StatusSeeOther)
	wantStatus(t, admin.post(ops.ID, "ops without the bot", "ops-2"), http.StatusSeeOther)
	wantStatus(t, admin.post(allTalk, "all talk", "all-1"), http.StatusSeeOther)
	if ev := s.nextAny(t); eventJSON(t, ev)["body"].(map[string]any)["plain_text"] != "all talk" {
		t.Fatalf("after removal got %s", ev.Data)
	}

	// A deleted room sends nothing more either; the stream stays open.
	wantStatus(t, admin.sendForm(http.MethodDelete, fmt.Sprintf("/rooms/%d", later.ID), nil), http.StatusSeeOther)
	wantStatus(t, admin.post(allTalk, "still here", "all-2"), http.StatusSeeOther)
	if ev := s.nextAny(t); eventJSON(t, ev)["body"].(map[string]any)["plain_text"] != "still here" {
		t.Fatalf("after deletion got %s", ev.Data)
	}
}

// TestBotStreamDeliversEachEventOnceWhilePosting: a bot that connects with
// any cursor while messages keep being posted, in its rooms and in one it
// is not in, gets every later event of its rooms exactly once and in the
// log's order, whether it came in the replay, live, or both at once.
func TestBotStreamDeliversEachEventOnceWhilePosting(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	ctx := context.Background()
	bot := admin.createBot(t, "Replayer", "")
	allTalk, err := a.store.MemberRoom(ctx, a.allTalk(), admin.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	withBot, err := a.store.CreateRoom(ctx, model.RoomClosed, "With bot", admin.user.ID, []int64{admin.user.ID, bot.ID})
	if err != nil {
		t.Fatal(err)
	}
	without, err := a.store.CreateRoom(ctx, model.RoomClosed, "Without", admin.user.ID, []int64{admin.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	rooms := []model.SidebarRoom{allTalk, {Room: withBot}, {Room: without}}
	botRooms := []int64{allTalk.ID, withBot.ID}
	n := 0
	post := func(room model.SidebarRoom) error {
		n++
		_, err := a.chat.Post(ctx, chat.PostParams{Room: room, Creator: admin.user, Body: fmt.Sprintf("message %d", n)})
		return err
	}
	for i := range 9 {
		if err := post(rooms[i%3]); err != nil {
			t.Fatal(err)
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		last, err := a.store.LastEventID(ctx)
		if err != nil {
			rt.Fatal(err)
		}
		// Any id, of the bot's rooms or not.
		cursor := rapid.Int64Range(max(1, last-20), last).Draw(rt, "cursor")
		during := rapid.SliceOfN(rapid.IntRange(0, 2), 1, 15).Draw(rt, "rooms posted to while connecting")
		head := rapid.IntRange(0, len(during)).Draw(rt, "posts before the stream opens")

		var wg sync.WaitGroup
		errs := make(chan error, 1)
		started := make(chan struct{})
		wg.Go(func() {
			for i, r := range during {
				if i == head {
					close(started)
				}
				if err := post(rooms[r]); err != nil {
					errs <- err
					return
				}
			}
			if head == len(during) {
				close(started)
			}
		})
		<-started
		s := openBotStream(t, a, bot.Key(), cursor)
		wg.Wait()
		select {
		case err := <-errs:
			rt.Fatal(err)
		default:
		}
		want, err := a.store.EventsAfterInRooms(ctx, botRooms, cursor, 1000)
		if err != nil {
			rt.Fatal(err)
		}
		var got []int64
		for len(want) > 0 && (len(got) == 0 || got[len(got)-1] < want[len(want)-1].ID) {
			got = append(got, s.nextAny(t).ID)
		}
		if !s.quiet("message_created", 50*time.Millisecond) {
			rt.Fatalf("an event after the last one: %v", got)
		}
		s.close()
		if len(got) != len(want) {
			rt.Fatalf("got events %v, want %d after %d", got, len(want), cursor)
		}
		for i, e := range want {
			if got[i] != e.ID {
				rt.Fatalf("event %d: got %d, want %d (all: %v)", i, got[i], e.ID, got)
			}
		}
	})
}

// TestBotStreamCursorZeroReplaysEverything: a tab without a cursor starts
// from now, and so does a bot; but a bot that says it has seen nothing
// (Last-Event-ID: 0, as a fresh cursor file does) gets the whole log of its
// rooms.
func TestBotStreamCursorZeroReplaysEverything(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(t, "Archivist", "")
	wantStatus(t, admin.post(room, "first", "z-1"), http.StatusSeeOther)
	wantStatus(t, admin.post(room, "second", "z-2"), http.StatusSeeOther)

	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/bots/"+bot.Key()+"/events", nil)
	req.Header.Set("Last-Event-ID", "0")
	ctx, cancel := context.WithCancel(context.Background())
	res, err := http.DefaultTransport.RoundTrip(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	s := &sseStream{res: res, events: make(chan sseEvent, 16), cancel: cancel, done: make(chan struct{})}
	go s.read()
	t.Cleanup(s.close)
	for _, want := range []string{"first", "second"} {
		if ev := s.nextAny(t); eventJSON(t, ev)["body"].(map[string]any)["plain_text"] != want {
			t.Fatalf("got %s, want %q", ev.Data, want)
		}
	}

	fresh := openBotStream(t, a, bot.Key(), 0)
	wantStatus(t, admin.post(room, "third", "z-3"), http.StatusSeeOther)
	if ev := fresh.nextAny(t); eventJSON(t, ev)["body"].(map[string]any)["plain_text"] != "third" {
		t.Fatalf("a stream without a cursor got %s", ev.Data)
	}
}

// TestBotStreamLongReplayComesInParts: a bot far behind gets 1,000 events,
// then the stream ends; reconnecting from the last id it got brings the
// rest, each once and in order.
func TestBotStreamLongReplayComesInParts(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	ctx := context.Background()
	bot := admin.createBot(t, "Latecomer", "")
	room, err := a.store.MemberRoom(ctx, a.allTalk(), admin.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	// One before the backlog, so the backlog's cursor is above 0 (no cursor).
	wantStatus(t, admin.post(room.ID, "before", "before"), http.StatusSeeOther)
	before, _ := a.store.LastEventID(ctx)
	const n = 1005
	for i := range n {
		if _, err := a.chat.Post(ctx, chat.PostParams{Room: room, Creator: admin.user, Body: fmt.Sprint("backlog ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	want, err := a.store.EventsAfterInRooms(ctx, []int64{room.ID}, before, 2000)
	if err != nil || len(want) != n {
		t.Fatalf("%d events, %v", len(want), err)
	}
	first := openBotStream(t, a, bot.Key(), before)
	var got []int64
	closed := false
	for !closed {
		select {
		case ev, ok := <-first.events:
			if !ok {
				closed = true
				break
			}
			got = append(got, ev.ID)
		case <-time.After(10 * time.Second):
			t.Fatalf("the first connection is still open after %d events", len(got))
		}
	}
	if len(got) != 1000 {
		t.Fatalf("the first connection brought %d events, want 1,000", len(got))
	}
	rest := openBotStream(t, a, bot.Key(), got[len(got)-1])
	for len(got) < n {
		got = append(got, rest.nextAny(t).ID)
	}
	for i, e := range want {
		if got[i] != e.ID {
			t.Fatalf("event %d: got %d, want %d", i, got[i], e.ID)
		}
	}
	if !rest.quiet("message_created", 50*time.Millisecond) {
		t.Error("more events than the log holds")
	}
}

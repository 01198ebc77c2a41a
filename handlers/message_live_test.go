package handlers

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestEditDeleteAndBoostsAreLiveAndReplay watches a room over a real SSE
// stream while a message is edited, boosted and unboosted and another is
// deleted, then reconnects with Last-Event-ID and checks that the same
// changes replay, in order, rendered from the messages' current state.
func TestEditDeleteAndBoostsAreLiveAndReplay(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bea := a.member("Bea Brown")
	cal := a.member("Cal Cole")
	room := a.allTalk()

	watch := cal.openStream(t, room, 0, a.hub.LastEventID())

	m := bea.postOK(room, "first draft", "live-a")
	created := watch.next(t, "message")
	if fragment(t, created.Data).Find(`hx-partial[hx-target="#messages"][hx-swap="beforeend"] #message_live-a`).Length() != 1 {
		t.Fatalf("append event: %s", created.Data)
	}

	type change struct {
		name  string
		do    func()
		check func(t *testing.T, data string)
	}
	replaced := func(want ...string) func(t *testing.T, data string) {
		return func(t *testing.T, data string) {
			t.Helper()
			frag := fragment(t, data)
			msg := frag.Find(`hx-partial[hx-target="#message_live-a"][hx-swap="outerHTML"] > #message_live-a`)
			if msg.Length() != 1 {
				t.Fatalf("not a replace of message_live-a: %s", data)
			}
			html, _ := msg.Html()
			for _, w := range want {
				if strings.HasPrefix(w, "!") {
					if strings.Contains(html, w[1:]) {
						t.Fatalf("replace still holds %q: %s", w[1:], html)
					}
				} else if !strings.Contains(html, w) {
					t.Fatalf("replace lacks %q: %s", w, html)
				}
			}
		}
	}
	var beaBoost int64
	var victim int64
	changes := []change{
		{"edit by the creator", func() {
			wantStatus(t, bea.postForm(fmt.Sprintf("/rooms/%d/messages/%d", room, m.ID),
				map[string][]string{"_method": {"put"}, "message[body]": {"second draft"}}), http.StatusSeeOther)
		}, replaced("second draft", "!first draft")},
		{"boost added", func() {
			wantStatus(t, admin.boost(m.ID, "🔥"), http.StatusSeeOther)
		}, replaced("🔥")},
		{"another boost added", func() {
			wantStatus(t, bea.boost(m.ID, "way to go"), http.StatusSeeOther)
			boosts := a.stored(room, "live-a").Boosts
			beaBoost = boosts[len(boosts)-1].ID
		}, replaced("🔥", "way to go")},
		{"boost removed by its booster", func() {
			wantStatus(t, bea.unboost(m.ID, beaBoost), http.StatusSeeOther)
		}, replaced("🔥", "!way to go")},
		{"another message posted", func() {
			victim = cal.postOK(room, "soon gone", "live-b").ID
		}, func(t *testing.T, data string) {
			if fragment(t, data).Find("#message_live-b").Length() != 1 {
				t.Fatalf("append of live-b: %s", data)
			}
		}},
		{"deleted by an administrator", func() {
			wantStatus(t, admin.send(http.MethodDelete, fmt.Sprintf("/rooms/%d/messages/%d", room, victim), "", ""), http.StatusSeeOther)
		}, func(t *testing.T, data string) {
			if fragment(t, data).Find(`hx-partial[hx-target="#message_live-b"][hx-swap="delete"]`).Length() != 1 {
				t.Fatalf("not a remove of message_live-b: %s", data)
			}
		}},
	}

	ids := []int64{created.ID}
	for _, c := range changes {
		c.do()
		ev := watch.next(t, "message")
		if ev.ID <= ids[len(ids)-1] {
			t.Fatalf("%s: event id %d after %d", c.name, ev.ID, ids[len(ids)-1])
		}
		ids = append(ids, ev.ID)
		t.Run("live "+c.name, func(t *testing.T) { c.check(t, ev.Data) })
	}
	watch.close()

	// Reconnect as a browser does, with the id of the append: every later
	// change replays in order, each from the current state (the edited text,
	// the boost that stayed, and removals for the deleted message, so a tab
	// that never saw it ends without it).
	again := cal.openStream(t, room, created.ID, 0)
	for i, c := range changes {
		ev := again.next(t, "message")
		if ev.ID != ids[i+1] {
			t.Fatalf("replay %d: id %d, want %d", i, ev.ID, ids[i+1])
		}
		frag := fragment(t, ev.Data)
		switch {
		case strings.Contains(c.name, "boost"), strings.Contains(c.name, "edit"):
			t.Run("replay "+c.name, func(t *testing.T) { replaced("second draft", "🔥", "!way to go", "!first draft")(t, ev.Data) })
		default:
			if frag.Find(`hx-partial[hx-target="#message_live-b"][hx-swap="delete"]`).Length() != 1 {
				t.Fatalf("replay of %s: %s", c.name, ev.Data)
			}
		}
	}
	// The replay holds nothing more: the next event is the next live change.
	wantStatus(t, cal.boost(m.ID, "👋"), http.StatusSeeOther)
	ev := again.next(t, "message")
	if ev.ID <= ids[len(ids)-1] {
		t.Fatalf("after the replay: id %d, want a new one", ev.ID)
	}
	replaced("👋", "🔥")(t, ev.Data)
	ids = append(ids, ev.ID)

	// A reconnect from the newest id replays nothing; new changes still arrive.
	latest := cal.openStream(t, room, ids[len(ids)-1], 0)
	wantStatus(t, admin.boost(m.ID, "💪"), http.StatusSeeOther)
	ev = latest.next(t, "message")
	if ev.ID <= ids[len(ids)-1] {
		t.Fatalf("first event after reconnecting at the newest id: %d", ev.ID)
	}
	replaced("💪", "👋")(t, ev.Data)
}

package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/model"
)

// fakeBot is a bot's webhook endpoint: it records each call and answers as
// told: with text, with JSON (nothing to post), or not before release.
type fakeBot struct {
	srv     *httptest.Server
	calls   chan map[string]any
	release chan struct{}
}

func newFakeBot(t *testing.T, answer func(payload map[string]any, w http.ResponseWriter, release <-chan struct{})) *fakeBot {
	t.Helper()
	fb := &fakeBot{calls: make(chan map[string]any, 16), release: make(chan struct{})}
	fb.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		b, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &p) != nil {
			t.Errorf("webhook request %s %q: %s", r.Method, r.Header.Get("Content-Type"), b)
			return
		}
		fb.calls <- p
		answer(p, w, fb.release)
	}))
	t.Cleanup(func() {
		close(fb.release)
		fb.srv.Close()
	})
	return fb
}

func (fb *fakeBot) next(t *testing.T) map[string]any {
	t.Helper()
	select {
	case p := <-fb.calls:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook was not called")
		return nil
	}
}

// waitForMessage polls the room until a message with this text appears.
func (a *testApp) waitForMessage(t *testing.T, roomID int64, plain string) model.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		msgs, err := a.store.Messages(context.Background(), roomID, db.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.Plain == plain {
				return m
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no message %q in room %d", plain, roomID)
	return model.Message{}
}

func TestMentionedBotGetsWebhookAndItsTextReplyIsPosted(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	fb := newFakeBot(t, func(p map[string]any, w http.ResponseWriter, _ <-chan struct{}) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "Pong: %s", p["message"].(map[string]any)["body"].(map[string]any)["plain"])
	})
	bot := admin.createBot(t, "Echo Bot", fb.srv.URL+"/hook")

	wantStatus(t, admin.post(room, "@Echo Bot ping <3", "w1"), http.StatusSeeOther)
	p := fb.next(t)
	msgID := a.messageIDByBody("@Echo Bot ping <3")
	want := fmt.Sprintf(`{"message":{"attachment":null,"body":{"html":%q,"plain":"ping <3"},"id":%s,"path":"/rooms/%d/@%s"},`+
		`"room":{"id":%d,"name":"All Talk","path":"/rooms/%d/%s/messages"},"user":{"id":%d,"name":"Ada Admin"}}`,
		p["message"].(map[string]any)["body"].(map[string]any)["html"], msgID, room, msgID, room, room, bot.Key(), admin.user.ID)
	var wantMap map[string]any
	if err := json.Unmarshal([]byte(want), &wantMap); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(p)
	if wantJSON, _ := json.Marshal(wantMap); string(got) != string(wantJSON) {
		t.Errorf("payload\n got %s\nwant %s", got, want)
	}
	if html := p["message"].(map[string]any)["body"].(map[string]any)["html"].(string); !strings.Contains(html, "@Echo Bot") {
		t.Errorf("html %q lacks the mention", html)
	}

	reply := a.waitForMessage(t, room, "Pong: ping <3")
	if reply.CreatorID != bot.ID {
		t.Errorf("reply by %d, want the bot %d", reply.CreatorID, bot.ID)
	}
}

func TestWebhooksGoOnlyWhereTheyShould(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	fb := newFakeBot(t, func(_ map[string]any, w http.ResponseWriter, _ <-chan struct{}) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ignored": true}`)) // not text: nothing is posted
	})
	bot := admin.createBot(t, "Quiet Bot", fb.srv.URL)
	enqueued := func() uint64 { return a.notify.webhooks.Stats().Enqueued }

	// Flush waits for the hook's lookups, so the count is final then.
	wantStatus(t, admin.post(room, "no mention here", "n1"), http.StatusSeeOther)
	a.notify.webhooks.Flush()
	if n := enqueued(); n != 0 {
		t.Errorf("unmentioned message: %d deliveries", n)
	}
	wantStatus(t, botPost(t, a, room, bot.Key(), "text/plain", "@Quiet Bot talking to myself"), http.StatusCreated)
	a.notify.webhooks.Flush()
	if n := enqueued(); n != 0 {
		t.Errorf("the bot's own message: %d deliveries", n)
	}

	// In a direct room with the bot, every message goes to it.
	direct, err := a.store.CreateRoom(context.Background(), model.RoomDirect, "", admin.user.ID, []int64{bot.ID})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, admin.post(direct.ID, "just between us", "d1"), http.StatusSeeOther)
	p := fb.next(t)
	r := p["room"].(map[string]any)
	if r["name"] != nil || r["path"] != fmt.Sprintf("/rooms/%d/%s/messages", direct.ID, bot.Key()) {
		t.Errorf("direct room in payload: %v", r)
	}
	if p["message"].(map[string]any)["body"].(map[string]any)["plain"] != "just between us" {
		t.Errorf("payload %v", p)
	}
	wantStatus(t, botPost(t, a, direct.ID, bot.Key(), "text/plain", "bot speaking"), http.StatusCreated)
	a.notify.webhooks.Flush()
	if n := enqueued(); n != 1 {
		t.Errorf("%d deliveries, want only the person's direct message", n)
	}
	// A non-text answer posts nothing: wait for the dispatcher to finish it.
	deadline := time.Now().Add(10 * time.Second)
	for a.notify.webhooks.Stats().Silent != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if s := a.notify.webhooks.Stats(); s.Silent != 1 || s.Replied != 0 {
		t.Errorf("stats %+v", s)
	}
}

func TestSlowBotPostsTheTimeoutNotice(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	fb := newFakeBot(t, func(_ map[string]any, w http.ResponseWriter, release <-chan struct{}) {
		<-release // answers only when the test ends, long after the timeout
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("too late"))
	})
	bot := admin.createBot(t, "Slow Bot", fb.srv.URL)

	wantStatus(t, admin.post(room, "@Slow Bot are you there?", "s1"), http.StatusSeeOther)
	// Had posting waited for the bot, the timeout would be behind us now.
	if s := a.notify.webhooks.Stats(); s.TimedOut != 0 {
		t.Errorf("posting waited for the bot: %+v", s)
	}
	fb.next(t)
	notice := a.waitForMessage(t, room, "Failed to respond within 3 seconds")
	if notice.CreatorID != bot.ID {
		t.Errorf("notice by %d, want the bot", notice.CreatorID)
	}
}

// Two bots in one direct room: each hears the person, and neither hears the
// other's answer (or they would talk to each other forever).
func TestWebhookRepliesTriggerNoWebhooks(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	answer := func(name string) func(map[string]any, http.ResponseWriter, <-chan struct{}) {
		return func(_ map[string]any, w http.ResponseWriter, _ <-chan struct{}) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprintf(w, "%s here", name)
		}
	}
	fa, fb := newFakeBot(t, answer("Alpha")), newFakeBot(t, answer("Beta"))
	alpha := admin.createBot(t, "Alpha", fa.srv.URL)
	beta := admin.createBot(t, "Beta", fb.srv.URL)
	direct, err := a.store.CreateRoom(context.Background(), model.RoomDirect, "", admin.user.ID, []int64{alpha.ID, beta.ID})
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, admin.post(direct.ID, "anyone?", "x1"), http.StatusSeeOther)
	a.waitForMessage(t, direct.ID, "Alpha here")
	a.waitForMessage(t, direct.ID, "Beta here")
	// Close waits for every delivery, and each reply's posting, to finish;
	// a webhook a reply set off would be counted (queued or dropped) by then.
	a.notify.webhooks.Close()
	if s := a.notify.webhooks.Stats(); s.Enqueued+s.Dropped != 2 || len(fa.calls)+len(fb.calls) != 2 {
		t.Errorf("stats %+v, calls %d+%d: replies set off webhooks", s, len(fa.calls), len(fb.calls))
	}
}

package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/live"
)

// TestBotRetriesReturnTheFirstMessage: a client_message_id in JSON, in a
// form or in the Idempotency-Key header makes a bot's post safe to retry:
// the same id in the same room answers 200 with the first message and
// stores nothing new; in another room it is a new message.
func TestBotRetriesReturnTheFirstMessage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(t, "Retrier", "")
	other, err := a.store.CreateRoom(t.Context(), "closed", "Elsewhere", admin.user.ID, []int64{admin.user.ID, bot.ID})
	if err != nil {
		t.Fatal(err)
	}
	path := func(roomID int64) string { return fmt.Sprintf("/rooms/%d/%s/messages", roomID, bot.Key()) }

	cases := []struct {
		name, contentType, body string
		headers                 []string
	}{
		{"JSON", "application/json", `{"body": "build 1 passed", "client_message_id": "ci-1"}`, nil},
		{"form", "application/x-www-form-urlencoded", "body=build+2+passed&client_message_id=ci-2", nil},
		{"header", "text/plain", "build 3 passed", []string{"Idempotency-Key", "ci-3"}},
		{"header and the same id in JSON", "application/json", `{"body": "build 4", "client_message_id": "ci-4"}`,
			[]string{"Idempotency-Key", "ci-4"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first := botCall(t, a, http.MethodPost, path(room), tc.contentType, tc.body, tc.headers...)
			wantStatus(t, first, http.StatusCreated)
			m1 := decodeBotJSON[map[string]any](t, first)
			before := a.messageCount()
			// The retry may even carry another body: the first message stands.
			retryBody := strings.Replace(tc.body, "build", "rebuilt", 1)
			again := botCall(t, a, http.MethodPost, path(room), tc.contentType, retryBody, tc.headers...)
			wantStatus(t, again, http.StatusOK)
			m2 := decodeBotJSON[map[string]any](t, again)
			if m2["id"] != m1["id"] || m2["body"].(map[string]any)["plain_text"] != m1["body"].(map[string]any)["plain_text"] {
				t.Errorf("retry answered %v, first was %v", m2, m1)
			}
			if again.Header.Get("Location") != first.Header.Get("Location") {
				t.Errorf("Location %q, first %q", again.Header.Get("Location"), first.Header.Get("Location"))
			}
			if a.messageCount() != before {
				t.Error("a retry stored a message")
			}
			// The id is the room's: elsewhere it posts anew.
			wantStatus(t, botCall(t, a, http.MethodPost, path(other.ID), tc.contentType, tc.body, tc.headers...), http.StatusCreated)
		})
	}

	for _, tc := range []struct {
		name, contentType, body string
		headers                 []string
		status                  int
	}{
		{"ids that differ", "application/json", `{"body": "x", "client_message_id": "one"}`, []string{"Idempotency-Key", "two"}, 422},
		{"an id with spaces", "text/plain", "x", []string{"Idempotency-Key", "not valid!"}, 422},
		{"an id too long", "application/json", `{"body": "x", "client_message_id": "` + strings.Repeat("a", 65) + `"}`, nil, 422},
		{"an id that is not a string", "application/json", `{"body": "x", "client_message_id": 7}`, nil, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := a.messageCount()
			res := botCall(t, a, http.MethodPost, path(room), tc.contentType, tc.body, tc.headers...)
			if res.StatusCode != tc.status {
				b, _ := io.ReadAll(res.Body)
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, b)
			}
			if m := decodeBotJSON[map[string]any](t, res); m["error"] == nil {
				t.Errorf("no error in %v", m)
			}
			if a.messageCount() != before {
				t.Error("a refused post stored a message")
			}
		})
	}
}

// TestConcurrentBotRetriesMakeOneMessage: sixteen posts at once with one
// id, as a bot retrying through a flaky network might send, store one
// message, answer one 201 and fifteen 200s with it, and publish it once.
func TestConcurrentBotRetriesMakeOneMessage(t *testing.T) {
	// Not parallel: hundreds of requests on http.DefaultTransport, whose
	// idle connections every other test's httptest server closes on exit.
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(t, "Racer", "")
	stream := admin.openStream(t, room, 0, a.hub.LastEventID())
	before := a.messageCount()

	const n = 16
	statuses := make([]int, n)
	ids := make([]any, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			res := botCall(t, a, http.MethodPost, fmt.Sprintf("/rooms/%d/%s/messages", room, bot.Key()),
				"text/plain", fmt.Sprintf("attempt %d", i), "Idempotency-Key", "deploy-42")
			statuses[i] = res.StatusCode
			ids[i] = decodeBotJSON[map[string]any](t, res)["id"]
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusOK:
		default:
			t.Errorf("post %d: status %d", i, s)
		}
		if ids[i] != ids[0] {
			t.Errorf("post %d answered message %v, post 0 %v", i, ids[i], ids[0])
		}
	}
	if created != 1 {
		t.Errorf("%d posts answered 201, want 1", created)
	}
	if got := a.messageCount(); got != before+1 {
		t.Errorf("%d messages stored, want 1", got-before)
	}
	stream.next(t, "message")
	if !stream.quiet("message", 100*time.Millisecond) {
		t.Error("the message was published twice")
	}
}

// TestBotBurstHasItsOwnLimit: with the shipped defaults a bot posting a
// burst of a hundred results is not refused, though a person's limit is
// lower; past the bots' limit it gets 429 with Retry-After and nothing is
// stored.
func TestBotBurstHasItsOwnLimit(t *testing.T) {
	// Not parallel: hundreds of requests on http.DefaultTransport, whose
	// idle connections every other test's httptest server closes on exit.
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(c *Config, _ *live.Options) {
		c.PostLimit, c.BotPostLimit = 0, 0 // the defaults
	})
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(t, "CI", "")
	for i := range DefaultBotPostLimit {
		res := botPost(t, a, room, bot.Key(), "text/plain", fmt.Sprint("result ", i))
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("post %d: status %d", i, res.StatusCode)
		}
	}
	before := a.messageCount()
	res := botPost(t, a, room, bot.Key(), "text/plain", "one too many")
	wantStatus(t, res, http.StatusTooManyRequests)
	if got, want := res.Header.Get("Retry-After"), fmt.Sprint(int(DefaultBotPostWindow.Seconds())); got != want {
		t.Errorf("Retry-After %q, want %q", got, want)
	}
	if m := decodeBotJSON[map[string]any](t, res); m["error"] == nil {
		t.Errorf("no error in %v", m)
	}
	if a.messageCount() != before {
		t.Error("a refused post was stored")
	}
	// People keep their own, lower limit.
	for i := range 60 {
		wantStatus(t, admin.post(room, "by hand", fmt.Sprint("hand-", i)), http.StatusSeeOther)
	}
	wantStatus(t, admin.post(room, "by hand", "hand-60"), http.StatusTooManyRequests)
}

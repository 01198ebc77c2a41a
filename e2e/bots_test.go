//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Journey 9: a bot posts with a plain HTTP request, as curl would; a person
// mentions it, its webhook answers, and the answer is posted as the bot. Both
// people see both of the bot's messages.
func TestJourneyBotPostsAndReplies(t *testing.T) {
	a := newApp(t)
	ada := a.newPerson(t, "Ada Admin")
	bo := a.newPerson(t, "Bo Member")

	// The bot's own server: it answers every webhook with a line of text.
	heard := make(chan string, 4)
	botServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var payload struct {
			Message struct {
				Body struct {
					Plain string `json:"plain"`
				} `json:"body"`
			} `json:"message"`
		}
		_ = json.NewDecoder(r.Body).Decode(&payload)
		heard <- payload.Message.Body.Plain
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "Beep boop, I heard you")
	}))
	t.Cleanup(botServer.Close)
	bot, err := a.Store().CreateBot(context.Background(), "Bender", botServer.URL)
	if err != nil {
		t.Fatal(err)
	}

	ada.signedIn()
	bo.signedIn()
	room := a.allTalk(ada.user)
	ada.openRoom(room)
	bo.openRoom(room)

	res, err := http.Post(fmt.Sprintf("%s/rooms/%d/%s/messages", a.URL, room, bot.Key()), "text/plain",
		strings.NewReader("Good morning, humans"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("the bot's post answered %d", res.StatusCode)
	}
	ada.waitForMessage("Good morning, humans")
	bo.waitForMessage("Good morning, humans")

	mention := fmt.Sprintf(`<div><a href="/users/%d" data-mention="%d">@Bender</a> are you there?</div>`, bot.ID, bot.ID)
	httpPost(t, a, bo.user.Email, room, mention)
	ada.waitForMessage("Beep boop, I heard you")
	bo.waitForMessage("Beep boop, I heard you")
	if got := <-heard; !strings.Contains(got, "are you there?") {
		t.Errorf("the webhook got %q, want Bo's message", got)
	}
	byBot := 0
	for _, m := range a.messages(room) {
		if m.CreatorID == bot.ID {
			byBot++
		}
	}
	if byBot != 2 {
		t.Errorf("the room stores %d messages by the bot, want its post and its answer", byBot)
	}
	for _, p := range []*person{ada, bo} {
		for _, text := range []string{"Good morning, humans", "Beep boop, I heard you"} {
			if n := p.countMessage(text); n != 1 {
				t.Errorf("%s sees %q %d times, want once", p.user.Name, text, n)
			}
		}
	}
	ada.visit("/account/bots")
	ada.wantAccessible("bots")
}

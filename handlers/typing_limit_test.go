package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/typing"
)

// Issue 19 item 13: a member sent 120 typing notices a second, each fanned
// out to every stream on the room. Repeats are coalesced (204, nothing sent)
// and past typing.Limit in a window the member gets 429; a watcher hears one
// notice for a burst of starts, and at most typing.Limit for a member
// alternating start and stop.
func TestTypingNoticesAreCoalescedAndLimited(t *testing.T) {
	rc := newRoomCast(t)
	room := rc.closedRoom(t, "Workshop")
	watcher := rc.member.openStream(t, room.ID, 0, 0)
	path := fmt.Sprintf("/rooms/%d/typing", room.ID)

	statuses := map[int]int{}
	for range 30 {
		res := rc.creator.postForm(path, url.Values{"state": {"start"}})
		statuses[res.StatusCode]++
	}
	if statuses[http.StatusNoContent] != typing.Limit || statuses[http.StatusTooManyRequests] != 30-typing.Limit {
		t.Errorf("30 starts answered %v, want %d × 204 then 429", statuses, typing.Limit)
	}
	// A message marks the end of what the burst sent.
	rc.creator.postOK(room.ID, "done typing", "done-typing")
	heard := 0
	for {
		var ev sseEvent
		select {
		case e, ok := <-watcher.events:
			if !ok {
				t.Fatal("stream closed before the message")
			}
			ev = e
		case <-time.After(10 * time.Second): // a hang guard
			t.Fatal("no message after the typing burst")
		}
		if ev.Name == "typing" {
			heard++
		}
		if ev.Name == "message" {
			break
		}
	}
	if heard != 1 {
		t.Errorf("the watcher heard %d typing notices for a burst of starts, want 1", heard)
	}
}

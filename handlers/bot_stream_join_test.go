package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
)

// A message posted while a bot is being added to its room reaches the bot's
// open stream. The change is written in the publication order, so a post
// commits wholly before it (and the bot, not yet a member, is owed nothing)
// or wholly after, once the stream follows the room. Written and published
// apart, a post could be published between the two, to no bot stream, and
// the stream's cursor would pass it by for good.
func TestBotStreamMissesNothingPostedAsItJoins(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bot := admin.createBot(t, "Newcomer", "")
	wantStatus(t, admin.postForm("/rooms/closeds", url.Values{
		"room[name]": {"Door"}, "user_ids[]": {fmt.Sprint(admin.user.ID)},
	}), http.StatusSeeOther)
	door, ok := a.roomNamed(t, "Door")
	if !ok {
		t.Fatal("no room Door")
	}
	room, err := a.store.MemberRoom(context.Background(), door.ID, admin.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := openBotStream(t, a, bot.Key(), 0)
	waitFor(t, "stream registered", 10*time.Second, func() bool { return a.hub.HasBotStreams(bot.ID) })

	posted := make(chan error, 1)
	_, err = a.chat.ChangeRoom(context.Background(), func(ctx context.Context) (db.RoomChange, error) {
		ch, err := a.store.UpdateClosedRoom(ctx, door.ID, "Door", []int64{admin.user.ID, bot.ID})
		if err != nil {
			return ch, err
		}
		go func() {
			_, err := a.chat.Post(context.Background(), chat.PostParams{Room: room, Creator: admin.user, Body: "as it joins"})
			posted <- err
		}()
		// Give the post every chance to be published before the bot's
		// stream follows the room: in the order, it cannot be.
		select {
		case err := <-posted:
			posted <- err
		case <-time.After(time.Second):
		}
		return ch, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-posted; err != nil {
		t.Fatal(err)
	}
	ev := s.nextAny(t)
	if got := eventJSON(t, ev)["body"].(map[string]any)["plain_text"]; got != "as it joins" {
		t.Fatalf("the bot's stream got %s, want the message posted as it joined", ev.Data)
	}
}

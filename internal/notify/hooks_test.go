package notify

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/internal/push"
	"github.com/campfire-go/campfire/internal/push/pushtest"
)

// heldStore is the real store whose reads of who a message concerns wait
// until released: a database that is slow to answer them.
type heldStore struct {
	*db.Store
	release chan struct{}
}

func (s heldStore) PushTargets(ctx context.Context, roomID, authorID int64) ([]db.PushTarget, error) {
	<-s.release
	return s.Store.PushTargets(ctx, roomID, authorID)
}

func (s heldStore) WebhookRecipients(ctx context.Context, roomID int64, direct bool, mentionIDs []int64, creatorID int64) ([]db.WebhookRecipient, error) {
	<-s.release
	return s.Store.WebhookRecipients(ctx, roomID, direct, mentionIDs, creatorID)
}

// Neither hook reads the database on the poster's goroutine: with both
// reads held up, Post returns; once they are let through, the bot's webhook
// is called and the member's push is sent.
func TestHooksDoNotHoldUpThePoster(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "notify.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := live.New(log, live.Options{})
	defer hub.Close()
	svc := chat.New(store, hub, log)
	defer svc.Close()

	// A bot's webhook server and a push service, both local.
	called := make(chan string, 4)
	answer := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			called <- r.URL.Path
			w.WriteHeader(status)
		}
	}
	botSrv := httptest.NewServer(answer(http.StatusNoContent))
	defer botSrv.Close()
	pushSrv := httptest.NewServer(answer(http.StatusCreated))
	defer pushSrv.Close()

	ada, err := store.FirstRun(ctx, db.FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "j"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := store.CreateMember(ctx, "Bob", "bob@example.com", "x")
	if err != nil {
		t.Fatal(err)
	}
	bot, err := store.CreateBot(ctx, "Helper", botSrv.URL+"/bot")
	if err != nil {
		t.Fatal(err)
	}
	agent, err := pushtest.NewAgent()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.SavePushSubscription(ctx, model.PushSubscription{
		UserID: bob.ID, Endpoint: pushSrv.URL + "/bob", P256dh: agent.P256dh(), Auth: agent.AuthKey(),
	}, 0); err != nil {
		t.Fatal(err)
	}
	r, err := store.CreateRoom(ctx, model.RoomDirect, "", ada.ID, []int64{bob.ID, bot.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.SetInvolvement(ctx, r.ID, bob.ID, model.InvolvementEverything); err != nil {
		t.Fatal(err)
	}
	room, err := store.MemberRoom(ctx, r.ID, ada.ID)
	if err != nil {
		t.Fatal(err)
	}

	held := heldStore{Store: store, release: make(chan struct{})}
	keys, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	p := NewPush(store, hub, keys, PushOptions{Client: push.NewClient(true)}, log)
	p.store = held
	w := NewWebhooks(store, svc, nil, 5*time.Second, log)
	w.store = held
	svc.AddHook(w.Hook)
	svc.AddHook(p.Hook)
	defer p.Close()
	defer w.Close()

	posted := make(chan error, 1)
	go func() {
		_, err := svc.Post(ctx, chat.PostParams{Room: room, Creator: ada, Body: "anyone there?"})
		posted <- err
	}()
	// A bound, not a measure: a Post that waits on the held reads never
	// returns before they are released.
	select {
	case err := <-posted:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		close(held.release)
		t.Fatal("Post waited on a hook's database read")
	}

	close(held.release)
	got := map[string]bool{}
	for range 2 {
		select {
		case path := <-called:
			got[path] = true
		case <-time.After(15 * time.Second):
			t.Fatalf("calls %v, then nothing", got)
		}
	}
	if !got["/bot"] || !got["/bob"] {
		t.Fatalf("calls %v, want the bot's webhook and Bob's push", got)
	}
}

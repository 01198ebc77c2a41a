package handlers

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/notify"
	"github.com/campfire-go/campfire/internal/push"
)

// testWebhookTimeout is how long a test bot has to answer: short, so the
// timeout path is quick to reach, yet far beyond what a local answer takes.
const testWebhookTimeout = 3 * time.Second

// testNotify is the app's webhook and push wiring as serve.go does it, with a
// short webhook timeout and local push endpoints allowed.
type testNotify struct {
	webhooks *notify.Webhooks
	push     *notify.Push
	keys     push.Keys
}

func newTestNotify(t testing.TB, store *db.Store, hub *live.Hub, c *chat.Service, h *Handler, log *slog.Logger) *testNotify {
	t.Helper()
	keys, err := notify.VAPIDKeys(context.Background(), store, "", "")
	if err != nil {
		t.Fatal(err)
	}
	n := &testNotify{keys: keys}
	n.webhooks = notify.NewWebhooks(store, c, nil, testWebhookTimeout, log)
	n.push = notify.NewPush(store, hub, keys, notify.PushOptions{Client: push.NewClient(true), Subscriber: "tests@example.com"}, log)
	c.AddHook(n.webhooks.Hook)
	c.AddHook(n.push.Hook)
	h.EnablePush(n.push, true)
	return n
}

func (n *testNotify) close() {
	n.webhooks.Close()
	n.push.Close()
}

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

// testNotify is the app's webhook and push wiring as serve.go does it
// (notify.Start), with a short webhook timeout and local push endpoints allowed.
type testNotify struct {
	*notify.Services
	webhooks *notify.Webhooks
	push     *notify.Push
	keys     push.Keys
}

func newTestNotify(t testing.TB, store *db.Store, hub *live.Hub, c *chat.Service, h *Handler, log *slog.Logger) *testNotify {
	t.Helper()
	ctx := context.Background()
	s, err := notify.Start(ctx, store, hub, c, notify.Options{
		PushAllowLocal: true, WebhookTimeout: testWebhookTimeout, PushSubscriber: "tests@example.com",
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := notify.VAPIDKeys(ctx, store, "", "")
	if err != nil {
		t.Fatal(err)
	}
	h.EnablePush(s.Push, true)
	return &testNotify{Services: s, webhooks: s.Webhooks, push: s.Push, keys: keys}
}

func (n *testNotify) close() { n.Services.Close() }

// Package notify tells the world outside the browser about new messages: bot
// webhooks and Web Push. Both hang on chat.Service as hooks that only hand
// the message to a bounded queue; there, who is concerned is read from the
// database and each delivery goes onto a bounded queue of its own, so posting
// never waits on the database, a bot or a push service.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/push"
)

const vapidSetting = "vapid_keys"

// VAPIDKeys returns the server's VAPID key pair: the one given (from the
// environment) when set, else the one kept in the database, made on first
// use. Whichever process stores first wins, so every start agrees.
func VAPIDKeys(ctx context.Context, store *db.Store, public, private string) (push.Keys, error) {
	if public != "" || private != "" {
		k := push.Keys{Public: public, Private: private}
		if err := k.Validate(); err != nil {
			return push.Keys{}, err
		}
		return k, nil
	}
	if v, err := store.Setting(ctx, vapidSetting); err == nil {
		return decodeKeys(v)
	} else if !errors.Is(err, db.ErrNotFound) {
		return push.Keys{}, err
	}
	k, err := push.GenerateKeys()
	if err != nil {
		return push.Keys{}, err
	}
	b, _ := json.Marshal(map[string]string{"public": k.Public, "private": k.Private})
	kept, err := store.SetSettingIfAbsent(ctx, vapidSetting, string(b))
	if err != nil {
		return push.Keys{}, err
	}
	return decodeKeys(kept)
}

func decodeKeys(v string) (push.Keys, error) {
	var m map[string]string
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return push.Keys{}, fmt.Errorf("notify: stored VAPID keys: %w", err)
	}
	k := push.Keys{Public: m["public"], Private: m["private"]}
	if err := k.Validate(); err != nil {
		return push.Keys{}, err
	}
	return k, nil
}

// Options configure Start.
type Options struct {
	// VAPIDPublic and VAPIDPrivate come from the environment; empty means
	// the pair kept in the database.
	VAPIDPublic, VAPIDPrivate string
	// PushAllowLocal accepts http and private push endpoints (tests, development).
	PushAllowLocal bool
	// WebhookTimeout is how long a bot has to answer; 0 means SPEC's 7 s.
	WebhookTimeout time.Duration
	// PushSubscriber is the VAPID contact; empty for a placeholder.
	PushSubscriber string
	// BaseURL (CAMPFIRE_URL) makes attachment URLs in webhook payloads
	// absolute; empty leaves them as paths.
	BaseURL string
}

// Services are the running webhook and push deliveries.
type Services struct {
	Webhooks *Webhooks
	Push     *Push
}

// Start runs webhook and push delivery and hangs both on the chat service.
// Give Services.Push to the handlers (EnablePush) and Close after serving.
func Start(ctx context.Context, store *db.Store, hub *live.Hub, chatSvc *chat.Service, opt Options, log *slog.Logger) (*Services, error) {
	keys, err := VAPIDKeys(ctx, store, opt.VAPIDPublic, opt.VAPIDPrivate)
	if err != nil {
		return nil, err
	}
	if opt.WebhookTimeout <= 0 {
		opt.WebhookTimeout = 7 * time.Second
	}
	s := &Services{
		Webhooks: NewWebhooks(store, chatSvc, nil, opt.WebhookTimeout, log),
		Push: NewPush(store, hub, keys, PushOptions{
			Client: push.NewClient(opt.PushAllowLocal), Subscriber: opt.PushSubscriber,
		}, log),
	}
	s.Webhooks.base = opt.BaseURL
	chatSvc.AddHook(s.Webhooks.Hook)
	chatSvc.AddHook(s.Push.Hook)
	return s, nil
}

// Close finishes queued deliveries and stops. Call it before closing the
// store: a webhook answer still being posted needs the database.
func (s *Services) Close() {
	s.Webhooks.Close()
	s.Push.Close()
}

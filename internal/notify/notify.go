// Package notify tells the world outside the browser about new messages: bot
// webhooks and Web Push. Both hang on chat.Service as hooks that only decide
// who is concerned and hand the work to bounded background queues, so posting
// never waits on a bot or a push service.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/campfire-go/campfire/db"
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

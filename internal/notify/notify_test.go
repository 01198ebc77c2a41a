package notify

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/push"
)

func TestVAPIDKeysAreMadeOnceAndKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys.db")
	store, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := VAPIDKeys(ctx, store, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Validate(); err != nil {
		t.Fatal(err)
	}
	store.Close()

	// A restart finds the same pair.
	store, err = db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	again, err := VAPIDKeys(ctx, store, "", "")
	if err != nil || again != first {
		t.Fatalf("after restart %v %v, want %v", again, err, first)
	}

	// Keys from the environment win, and must be a real pair.
	env, _ := push.GenerateKeys()
	got, err := VAPIDKeys(ctx, store, env.Public, env.Private)
	if err != nil || got != env {
		t.Errorf("env keys: %v %v", got, err)
	}
	if _, err := VAPIDKeys(ctx, store, first.Public, env.Private); err == nil {
		t.Error("a mismatched pair was accepted")
	}
}

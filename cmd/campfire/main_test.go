package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	"golang.org/x/crypto/bcrypt"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestConfig(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil || c.Port != 3000 || c.DBPath != "storage/campfire.db" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{
		{"PORT": "http"}, {"PORT": "70000"}, {"CAMPFIRE_TRUST_PROXY": "maybe"},
		{"VAPID_PUBLIC_KEY": "only-one"}, {"CAMPFIRE_LOG_LEVEL": "loud"},
		{"CAMPFIRE_POST_LIMIT": "60"}, {"CAMPFIRE_SYNCHRONOUS": "off"}, {"CAMPFIRE_POST_LIMIT": "0/10s"}, {"CAMPFIRE_POST_LIMIT": "5/soon"},
		{"CAMPFIRE_BOT_POST_LIMIT": "300"}, {"CAMPFIRE_BOT_POST_LIMIT": "-1/1m"},
	} {
		if _, err := loadConfig(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestPostLimitConfig(t *testing.T) {
	c, err := loadConfig(env(map[string]string{"CAMPFIRE_POST_LIMIT": "30 / 1m"}))
	if err != nil || c.PostLimit != 30 || c.PostWindow != time.Minute {
		t.Fatalf("%+v %v", c, err)
	}
	c, err = loadConfig(env(map[string]string{"CAMPFIRE_BOT_POST_LIMIT": "1000/5m"}))
	if err != nil || c.BotPostLimit != 1000 || c.BotPostWindow != 5*time.Minute || c.PostLimit != 0 {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "campfire.db")
	e := env(map[string]string{"CAMPFIRE_DB": dbPath})

	var out bytes.Buffer
	if err := run(ctx, []string{"version"}, e, nil, &out); err != nil || !strings.HasPrefix(out.String(), "campfire ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	if err := run(ctx, []string{"frobnicate"}, e, nil, &out); err == nil {
		t.Fatal("unknown command accepted")
	}

	store, err := db.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.FirstRun(ctx, db.FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"}); err != nil {
		t.Fatal(err)
	}
	store.Close()

	out.Reset()
	if err := run(ctx, []string{"reset-password", "ada@example.com"}, e, nil, &out); err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(out.String()[strings.LastIndex(out.String(), ": ")+2:])
	store, _ = db.Open(ctx, dbPath)
	u, err := store.ActiveUserByEmail(ctx, "ada@example.com")
	store.Close()
	if err != nil || bcrypt.CompareHashAndPassword([]byte(u.PasswordDigest), []byte(password)) != nil {
		t.Fatalf("the printed password does not sign in (%v)", err)
	}
	if err := run(ctx, []string{"reset-password", "nobody@example.com"}, e, nil, &out); err == nil {
		t.Fatal("reset for an unknown person succeeded")
	}

	backupPath := filepath.Join(dir, "copy.db")
	if err := run(ctx, []string{"backup", backupPath}, e, nil, &out); err != nil {
		t.Fatal(err)
	}
	copyStore, err := db.Open(ctx, backupPath)
	if err != nil {
		t.Fatal(err)
	}
	defer copyStore.Close()
	if _, err := copyStore.ActiveUserByEmail(ctx, "ada@example.com"); err != nil {
		t.Fatalf("backup lacks the user: %v", err)
	}
	if err := run(ctx, []string{"backup", backupPath}, e, nil, &out); err == nil {
		t.Fatal("backup overwrote an existing file")
	}
}

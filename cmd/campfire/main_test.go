package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
	"golang.org/x/crypto/bcrypt"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
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
	first, err := store.FirstRun(ctx, db.FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"})
	if err != nil {
		t.Fatal(err)
	}
	sid, err := store.CreateUserSession(ctx, first.ID, "192.0.2.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	store.Close()

	out.Reset()
	if err := run(ctx, []string{"reset-password", "ada@example.com"}, e, nil, &out); err != nil {
		t.Fatal(err)
	}
	password := strings.TrimSpace(out.String()[strings.LastIndex(out.String(), ": ")+2:])
	store, _ = db.Open(ctx, dbPath)
	_, digest, err := store.UserPassword(ctx, "ada@example.com")
	store.Close()
	if err != nil || bcrypt.CompareHashAndPassword([]byte(digest), []byte(password)) != nil {
		t.Fatalf("the printed password does not sign in (%v)", err)
	}
	// Every sign-in made with the old password has ended (issue 19, item 5).
	store, _ = db.Open(ctx, dbPath)
	_, err = store.SessionUser(ctx, sid)
	store.Close()
	if !errors.Is(err, db.ErrNotFound) {
		t.Errorf("a sign-in survived reset-password: %v", err)
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

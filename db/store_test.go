package db

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

func TestOpenMigratesOnceAndReopens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "Ada@Example.com", PasswordDigest: "x", JoinCode: "J"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	var version int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil || version < 1 {
		t.Fatalf("user_version %d (%v)", version, err)
	}
	if _, err := s.ActiveUserByEmail(ctx, "ada@example.com"); err != nil {
		t.Fatalf("emails are matched case-insensitively: %v", err)
	}
	if _, err := s.FirstRun(ctx, FirstRunParams{Name: "B", Email: "b@example.com", JoinCode: "K"}); err != ErrAlreadySetUp {
		t.Fatalf("second first run: %v", err)
	}
}

func TestReadersCannotWrite(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.r.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('x', 'y')`); err == nil {
		t.Fatal("the reader pool wrote")
	}
}

func TestSearchIndexFollowsMessages(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", JoinCode: "J"})
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.CreateRoom(ctx, model.RoomOpen, "r", u.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateMessage(ctx, NewMessage{RoomID: room.ID, CreatorID: u.ID, ClientMessageID: "a", HTML: "<p>running</p>", Plain: "running"})
	if err != nil {
		t.Fatal(err)
	}
	// The index follows in the background; each count waits for it.
	count := func(q string) int {
		if err := s.CatchUpSearch(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?`, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count("run") != 1 {
		t.Fatal("porter stemming: 'run' does not find 'running'")
	}
	if _, err := s.UpdateMessage(ctx, p.Message.ID, "<p>walking</p>", "walking"); err != nil {
		t.Fatal(err)
	}
	if count("run") != 0 || count("walk") != 1 {
		t.Fatal("the index did not follow the edit")
	}
	if _, _, err := s.DeleteMessage(ctx, p.Message.ID); err != nil {
		t.Fatal(err)
	}
	if count("walk") != 0 {
		t.Fatal("the index kept a deleted message")
	}
}

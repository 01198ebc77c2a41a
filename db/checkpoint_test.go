package db

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Commits never checkpoint; the store's own checkpoints copy the log into
// the database, and a truncating one empties the log file.
func TestCheckpointsLeaveTheCommitPath(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var auto int
	if err := s.w.QueryRowContext(ctx, "PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer's automatic checkpoint is %d (%v), want 0", auto, err)
	}
	admin, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"})
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.FirstRoomID(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		text := fmt.Sprintf("message number %d with a few words to index", i)
		if _, err := s.CreateMessage(ctx, NewMessage{RoomID: room, CreatorID: admin.ID,
			ClientMessageID: fmt.Sprintf("c%d", i), HTML: text, Plain: text}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.checkpoint(ctx, "PASSIVE"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.checkpoint(ctx, "TRUNCATE"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() != 0 {
		t.Fatalf("log after a truncating checkpoint: %v", err)
	}
	msgs, err := s.Messages(ctx, room, Page{})
	if err != nil || len(msgs) != PageSize {
		t.Fatalf("%d messages after checkpoints (%v)", len(msgs), err)
	}
}

func TestCloseTwice(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s.Close()
}

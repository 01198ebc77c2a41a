package db

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

func openTestStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "rooms.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDeleteRoomLeavesNothingBehind: messages, boosts, memberships, the
// replay log and the search index all go with the room.
func TestDeleteRoomLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	admin, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "A"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.CreateMember(ctx, "Bob", "bob@example.com", "x")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.CreateClosedRoom(ctx, "Attic", admin.ID, []int64{bob.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ch.Members, []int64{admin.ID, bob.ID}) {
		t.Fatalf("members %v", ch.Members)
	}
	for i, text := range []string{"dusty boxes", "old lamps"} {
		if _, err := s.CreateMessage(ctx, NewMessage{RoomID: ch.Room.ID, CreatorID: bob.ID,
			ClientMessageID: string(rune('a' + i)), HTML: text, Plain: text}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CatchUpSearch(ctx); err != nil {
		t.Fatal(err)
	}
	members, err := s.DeleteRoom(ctx, ch.Room.ID)
	if err != nil || !slices.Equal(members, []int64{admin.ID, bob.ID}) {
		t.Fatalf("members %v, %v", members, err)
	}
	if err := s.CatchUpSearch(ctx); err != nil {
		t.Fatal(err)
	}
	for table, q := range map[string]string{
		"messages":    `SELECT count(*) FROM messages WHERE room_id = ?`,
		"memberships": `SELECT count(*) FROM memberships WHERE room_id = ?`,
		"events":      `SELECT count(*) FROM events WHERE room_id = ?`,
	} {
		var n int
		if err := s.w.QueryRow(q, ch.Room.ID).Scan(&n); err != nil || n != 0 {
			t.Fatalf("%s: %d left (%v)", table, n, err)
		}
	}
	var n int
	if err := s.w.QueryRow(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'dusty'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("search index still finds the room's messages: %d (%v)", n, err)
	}
	if _, err := s.w.Exec(`INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("search index: %v", err)
	}
	if _, err := s.DeleteRoom(ctx, ch.Room.ID); err != ErrNotFound {
		t.Fatalf("second delete: %v", err)
	}
}

// TestClosedRoomUpdateKeepsCreatorAndRevokesTheRest.
func TestClosedRoomUpdateKeepsCreatorAndRevokesTheRest(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	admin, _ := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "A"})
	bob, _ := s.CreateMember(ctx, "Bob", "bob@example.com", "x")
	cy, _ := s.CreateMember(ctx, "Cy", "cy@example.com", "x")
	open, err := s.CreateOpenRoom(ctx, "Hall", bob.ID)
	if err != nil || len(open.Members) != 3 {
		t.Fatalf("open room members %v (%v)", open.Members, err)
	}
	ch, err := s.UpdateClosedRoom(ctx, open.Room.ID, "Hall", []int64{cy.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ch.Members, []int64{bob.ID, cy.ID}) || !slices.Equal(ch.Revoked, []int64{admin.ID}) || len(ch.Granted) != 0 {
		t.Fatalf("%+v", ch)
	}
	if _, err := s.UpdateClosedRoom(ctx, open.Room.ID, "Hall", []int64{cy.ID, 9999}); err != ErrUnknownUsers {
		t.Fatalf("unknown user: %v", err)
	}
	back, err := s.UpdateOpenRoom(ctx, open.Room.ID, "Hall")
	if err != nil || !slices.Equal(back.Granted, []int64{admin.ID}) || back.Room.Kind != model.RoomOpen {
		t.Fatalf("%+v (%v)", back, err)
	}
	direct, _, err := s.FindOrCreateDirectRoom(ctx, bob.ID, []int64{cy.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateOpenRoom(ctx, direct.Room.ID, "Sneaky"); err != ErrNotFound {
		t.Fatalf("a direct room became open: %v", err)
	}
	if r, _ := s.Room(ctx, direct.Room.ID); r.Kind != model.RoomDirect || r.Name != "" {
		t.Fatalf("direct room changed: %+v", r)
	}
}

package db

import (
	"context"
	"path/filepath"
	"testing"
)

// A message marks the room for the members it mentions who are not looking
// at it, once, until they read the room; nobody else.
func TestMentionMarksLastUntilRead(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ada, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"})
	if err != nil {
		t.Fatal(err)
	}
	bo, err := s.CreateMember(ctx, "Bo", "bo@example.com", "x")
	if err != nil {
		t.Fatal(err)
	}
	cy, err := s.CreateMember(ctx, "Cy", "cy@example.com", "x")
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.FirstRoomID(ctx, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	marks := func(uid int64) (unread, mentioned bool) {
		t.Helper()
		r, err := s.MemberRoom(ctx, room, uid)
		if err != nil {
			t.Fatal(err)
		}
		return r.Unread, r.Mentioned
	}

	// Bo is away and mentioned; Cy is looking and mentioned; Ada mentions
	// herself.
	p, err := s.CreateMessage(ctx, NewMessage{RoomID: room, CreatorID: ada.ID, ClientMessageID: "m1", HTML: "x", Plain: "x",
		MentionIDs: []int64{bo.ID, cy.ID, ada.ID}, PresentUserIDs: []int64{cy.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Mentioned) != 1 || p.Mentioned[0] != bo.ID {
		t.Fatalf("newly mentioned %v, want only Bo (%d)", p.Mentioned, bo.ID)
	}
	if u, m := marks(bo.ID); !u || !m {
		t.Fatalf("Bo: unread %v, mentioned %v", u, m)
	}
	if _, m := marks(cy.ID); m {
		t.Fatal("Cy, who was looking, is marked as mentioned")
	}
	if _, m := marks(ada.ID); m {
		t.Fatal("Ada is marked for mentioning herself")
	}
	// A second mention is no news: the mark is there already.
	p, err = s.CreateMessage(ctx, NewMessage{RoomID: room, CreatorID: ada.ID, ClientMessageID: "m2", HTML: "x", Plain: "x",
		MentionIDs: []int64{bo.ID}})
	if err != nil || len(p.Mentioned) != 0 {
		t.Fatalf("second mention: newly mentioned %v (%v), want none", p.Mentioned, err)
	}
	if changed, err := s.MarkRead(ctx, room, bo.ID); err != nil || !changed {
		t.Fatalf("mark read: %v, %v", changed, err)
	}
	if u, m := marks(bo.ID); u || m {
		t.Fatalf("after reading, Bo: unread %v, mentioned %v", u, m)
	}
}

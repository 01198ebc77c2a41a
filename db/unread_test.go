package db

import (
	"context"
	"testing"
)

// With nobody looking at the room, every other member gets an unread mark.
func TestNewMessageMarksRoomUnreadWhenNobodyIsPresent(t *testing.T) {
	s := openSearchStore(t)
	ctx := context.Background()
	admin, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "AAAA-BBBB-CCCC"})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := s.CreateMember(ctx, "Bob", "bob@example.com", "x")
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.FirstRoomID(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.CreateMessage(ctx, NewMessage{RoomID: room, CreatorID: admin.ID, ClientMessageID: "u1",
		HTML: "hi", Plain: "hi", PresentUserIDs: nil})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Unread) != 1 || p.Unread[0] != bob.ID {
		t.Errorf("unread for %v, want [%d]", p.Unread, bob.ID)
	}
	if n, _ := s.UnreadRoomCount(ctx, bob.ID); n != 1 {
		t.Errorf("bob has %d unread rooms", n)
	}
}

package db

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
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

// Members looking at the room are not marked, whether few or many look (a
// short list is scanned, a long one is a set); those already unread are not
// reported again.
func TestNewMessageSkipsPresentMembers(t *testing.T) {
	s := openSearchStore(t)
	ctx := context.Background()
	admin, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "AAAA-BBBB-CCCC"})
	if err != nil {
		t.Fatal(err)
	}
	var members []int64
	for i := range 30 {
		u, err := s.CreateMember(ctx, fmt.Sprintf("M%d", i), fmt.Sprintf("m%d@example.com", i), "x")
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, u.ID)
	}
	n := 0
	cmid := func() string { n++; return fmt.Sprintf("p%d", n) }
	room, err := s.CreateRoom(ctx, model.RoomClosed, "Thirty", admin.ID, members)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		present []int64
		want    []int64
	}{
		{present: members[:3], want: members[3:]},       // few look: the rest become unread
		{present: members[:20], want: nil},              // nobody new: the rest are unread already
		{present: []int64{admin.ID}, want: members[:3]}, // nobody looks: the first three too
	} {
		p, err := s.CreateMessage(ctx, NewMessage{RoomID: room.ID, CreatorID: admin.ID,
			ClientMessageID: cmid(), HTML: "hi", Plain: "hi", PresentUserIDs: tc.present})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Unread, tc.want) {
			t.Fatalf("present %v: unread %v, want %v", tc.present, p.Unread, tc.want)
		}
	}
	// Those who looked read it; a later post with many looking marks only
	// the ones who do not.
	for _, id := range members[:3] {
		if _, err := s.MarkRead(ctx, room.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	p, err := s.CreateMessage(ctx, NewMessage{RoomID: room.ID, CreatorID: admin.ID,
		ClientMessageID: cmid(), HTML: "hi", Plain: "hi", PresentUserIDs: append(members[1:25:25], admin.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Unread, members[:1]) {
		t.Fatalf("unread %v, want %v", p.Unread, members[:1])
	}
}

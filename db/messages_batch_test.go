package db

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/campfire-go/campfire/internal/model"
)

// One batch: a repeat of a client id within it yields the first message, a
// message for a room that is gone fails alone, and every other is stored
// with its event, in order.
func TestCreateMessagesBatch(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"})
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.FirstRoomID(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateRoom(ctx, model.RoomClosed, "Other", admin.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	nm := func(roomID int64, cmid, text string) NewMessage {
		return NewMessage{RoomID: roomID, CreatorID: admin.ID, ClientMessageID: cmid, HTML: text, Plain: text}
	}
	ps, err := s.CreateMessages(ctx, []NewMessage{
		nm(room, "a", "first a"),
		nm(other.ID, "a", "a in another room"),
		nm(room, "a", "second a"),
		nm(1<<40, "gone", "no such room"),
		nm(room, "b", "b"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 5 {
		t.Fatalf("%d results for 5 messages", len(ps))
	}
	for _, i := range []int{0, 1, 2, 4} {
		if ps[i].Err != nil {
			t.Fatalf("message %d: %v", i, ps[i].Err)
		}
	}
	if ps[3].Err == nil {
		t.Fatal("a message for a missing room was stored")
	}
	if ps[0].Duplicate || ps[1].Duplicate || ps[4].Duplicate || !ps[2].Duplicate {
		t.Fatalf("duplicates: %v %v %v %v", ps[0].Duplicate, ps[1].Duplicate, ps[2].Duplicate, ps[4].Duplicate)
	}
	if ps[2].Message.ID != ps[0].Message.ID || ps[2].Message.Plain != "first a" || ps[2].EventID != 0 {
		t.Fatalf("repeat gave %+v, want the first a", ps[2])
	}
	if ps[1].Message.ID == ps[0].Message.ID || ps[1].Message.RoomID != other.ID {
		t.Fatal("the same client id in another room is another message")
	}
	if !(ps[0].EventID < ps[1].EventID && ps[1].EventID < ps[4].EventID) {
		t.Fatalf("events out of order: %d %d %d", ps[0].EventID, ps[1].EventID, ps[4].EventID)
	}
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d messages stored, want 3 (%v)", n, err)
	}
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d events stored, want 3 (%v)", n, err)
	}
	if ps[4].Message.CreatorName != "Ada" || ps[4].Message.Plain != "b" {
		t.Fatalf("read back %+v", ps[4].Message)
	}
}

// A lone failing message is reported in its Posted, as in a batch; a message
// built from the creator's name and role equals the one read back.
func TestCreateMessagesAloneAndBuiltMessage(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	admin, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"})
	if err != nil {
		t.Fatal(err)
	}
	room, err := s.FirstRoomID(ctx, admin.ID)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.CreateMessages(ctx, []NewMessage{{RoomID: 1 << 40, CreatorID: admin.ID, ClientMessageID: "x", HTML: "x", Plain: "x"}})
	if err != nil || len(ps) != 1 || ps[0].Err == nil {
		t.Fatalf("lone bad message: %+v, %v", ps, err)
	}
	p, err := s.CreateMessage(ctx, NewMessage{RoomID: room, CreatorID: admin.ID, ClientMessageID: "y",
		HTML: "<p>y</p>", Plain: "y", CreatorName: admin.Name, CreatorRole: admin.Role})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.Message(ctx, p.Message.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Message, stored) {
		t.Fatalf("built %+v\nstored %+v", p.Message, stored)
	}
}

// BenchmarkCreateMessagesBatch is one group commit of 32 posts (what the
// committer writes under load), per message.
func BenchmarkCreateMessagesBatch(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "c.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	admin, err := s.FirstRun(ctx, FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "J"})
	if err != nil {
		b.Fatal(err)
	}
	room, err := s.FirstRoomID(ctx, admin.ID)
	if err != nil {
		b.Fatal(err)
	}
	const batch = 32
	nms := make([]NewMessage, batch)
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		for i := range nms {
			n++
			text := fmt.Sprintf("deploying build %d to staging after lunch", n)
			nms[i] = NewMessage{RoomID: room, CreatorID: admin.ID, ClientMessageID: fmt.Sprintf("c%d", n), HTML: text, Plain: text,
				CreatorName: "Ada", CreatorRole: model.RoleAdministrator}
		}
		if _, err := s.CreateMessages(ctx, nms); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "µs/message")
}

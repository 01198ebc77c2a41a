package views

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/model"
)

// benchMessage is a typical stored message: a sentence with a link and
// formatting, one boost.
func benchMessage() model.Message {
	t := time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC)
	return model.Message{
		ID: 123456, RoomID: 12, CreatorID: 345, ClientMessageID: "k3j4h5g6f7d8s9a0",
		HTML:      `Morning! The deploy notes are at <a href="https://example.com/releases/2024-06" rel="noreferrer">https://example.com/releases/2024-06</a>, can you check the <strong>migration</strong> part before <em>lunch</em>?`,
		Plain:     "Morning! The deploy notes are at https://example.com/releases/2024-06, can you check the migration part before lunch?",
		CreatedAt: t, UpdatedAt: t, CreatorName: "Ann Lee", CreatorRole: model.RoleMember,
		Boosts: []model.Boost{{ID: 9, MessageID: 123456, BoosterID: 7, BoosterName: "Bob Smith", Content: "👍", CreatedAt: t}},
	}
}

// BenchmarkMessage renders one message, as done once per post for every
// receiver and 40 times per room page.
func BenchmarkMessage(b *testing.B) {
	m := benchMessage()
	ctx := context.Background()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Message(m).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

// BenchmarkMessageAppend renders the SSE fragment of a new message.
func BenchmarkMessageAppend(b *testing.B) {
	m := benchMessage()
	ctx := context.Background()
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := MessageAppend(m).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
}

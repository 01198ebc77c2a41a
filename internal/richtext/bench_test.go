package richtext

import (
	"fmt"
	"testing"
)

// A typical composer message: a couple of blocks, formatting, a mention from
// the autocomplete, a typed @Name, a bare link, in a room of 50.
const benchMessage = `<div>Morning <a href="/users/7" data-mention="7">@Ann Lee</a>! The deploy notes are at https://example.com/releases/2024-06?tab=notes, can you check the <strong>migration</strong> part before <em>lunch</em>?<br>Also ping @bob smith about it.</div><div><br></div><ul><li>schema change</li><li>backfill (slow)</li></ul>`

func benchMembers() []Member {
	ms := make([]Member, 50)
	for i := range ms {
		ms[i] = Member{ID: int64(i + 1), Name: fmt.Sprintf("Person %d", i+1)}
	}
	ms[6].Name = "Ann Lee"
	ms[20].Name = "Bob Smith"
	return ms
}

func BenchmarkPrepare(b *testing.B) {
	members := benchMembers()
	b.ReportAllocs()
	for b.Loop() {
		Prepare(benchMessage, members)
	}
}

func BenchmarkPreparePlain(b *testing.B) {
	members := benchMembers()
	msg := "Build 1234 finished: https://ci.example.com/builds/1234 (green) cc @ann lee"
	b.ReportAllocs()
	for b.Loop() {
		Prepare(msg, members)
	}
}

func BenchmarkSanitize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Sanitize(benchMessage)
	}
}

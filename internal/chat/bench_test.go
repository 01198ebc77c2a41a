package chat

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
)

// benchService is the chat service over a real SQLite file with a room of ten.
func benchService(b *testing.B) (*Service, model.SidebarRoom, model.User) {
	b.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := live.New(log, live.Options{})
	b.Cleanup(hub.Close)
	admin, err := store.FirstRun(ctx, db.FirstRunParams{Name: "Ada", Email: "ada@example.com", PasswordDigest: "x", JoinCode: "j"})
	if err != nil {
		b.Fatal(err)
	}
	var others []int64
	for i := 0; i < 9; i++ {
		u, err := store.CreateMember(ctx, fmt.Sprintf("Member %d", i), fmt.Sprintf("m%d@example.com", i), "x")
		if err != nil {
			b.Fatal(err)
		}
		others = append(others, u.ID)
	}
	r, err := store.CreateRoom(ctx, model.RoomClosed, "Ten", admin.ID, others)
	if err != nil {
		b.Fatal(err)
	}
	room, err := store.MemberRoom(ctx, r.ID, admin.ID)
	if err != nil {
		b.Fatal(err)
	}
	svc := New(store, hub, log)
	b.Cleanup(svc.Close)
	return svc, room, admin
}

const benchBody = "Build 1234 finished: https://ci.example.com/builds/1234 (green), deploying to staging after lunch"

// BenchmarkPost is one message posted by one writer: sanitize, commit (message,
// full-text index, event, unread marks), read back, render, publish.
func BenchmarkPost(b *testing.B) {
	svc, room, admin := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		if _, err := svc.Post(ctx, PostParams{Room: room, Creator: admin, Body: benchBody,
			ClientMessageID: fmt.Sprintf("b%d", i)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostParallel posts from many goroutines at once, as concurrent
// requests do: the single writer and publishMu serialise the commits.
func BenchmarkPostParallel(b *testing.B) {
	svc, room, admin := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	var n atomicCounter
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := svc.Post(ctx, PostParams{Room: room, Creator: admin, Body: benchBody,
				ClientMessageID: fmt.Sprintf("p%d", n.next())}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

type atomicCounter struct{ v atomic.Int64 }

func (c *atomicCounter) next() int64 { return c.v.Add(1) }

// BenchmarkPostParallel64 is 64 posters at once (32 per CPU on this 2-core
// machine), the load of a busy server: what group commit is for.
func BenchmarkPostParallel64(b *testing.B) {
	svc, room, admin := benchService(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	var n atomicCounter
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := svc.Post(ctx, PostParams{Room: room, Creator: admin, Body: benchBody,
				ClientMessageID: fmt.Sprintf("q%d", n.next())}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

package linkpreview

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/model"
)

type recordingPublisher struct {
	mu  sync.Mutex
	got map[int64]model.LinkPreview
}

func (p *recordingPublisher) SetLinkPreview(_ context.Context, id int64, lp model.LinkPreview, _ *files.Blob) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.got[id] = lp
	return nil
}

func (p *recordingPublisher) RemoveLinkPreview(_ context.Context, id int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.got, id)
	return nil
}

func posted(id int64, html string) chat.Posted {
	return chat.Posted{Message: model.Message{ID: id, HTML: html}}
}

// Links to the app itself get no preview: fetched without a session, every
// page of ours is the sign-in page. Messages without a link queue nothing.
func TestHookQueuesOnlyLinksElsewhere(t *testing.T) {
	s := &Service{self: hostOf("https://Chat.Example.com/"), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for i := range s.queues {
		s.queues[i] = make(chan job, 8)
	}
	for id, html := range []string{
		`<div><a href="https://chat.example.com/rooms/1/@2">a permalink</a></div>`,
		`<div>no link</div>`,
		`<div><a href="https://chat.example.com:8443/x">ours on another port</a></div>`,
		`<div><a href="https://example.com/a">first</a> <a href="https://example.org/b">second</a></div>`,
	} {
		s.Hook(context.Background(), model.SidebarRoom{}, posted(int64(id), html))
	}
	q := s.queues[3%workers]
	if n := len(s.queues[0]) + len(s.queues[1]); n != 1 || len(q) != 1 {
		t.Fatalf("%d jobs queued (%d on message 3's queue), want 1", n, len(q))
	}
	if j := <-q; j.messageID != 3 || j.url != "https://example.com/a" {
		t.Errorf("queued %+v, want message 3's first link", j)
	}
}

// The whole way: a queued link is fetched, read and handed to the publisher.
func TestServiceMakesAPreview(t *testing.T) {
	srv := pageServer(t)
	done := make(chan int64, 4)
	pub := &recordingPublisher{got: map[int64]model.LinkPreview{}}
	s := New(pub, nil, Options{AllowLocal: true, Self: srv.URL + "/", Done: func(id int64, err error) {
		if err != nil {
			t.Errorf("message %d: %v", id, err)
		}
		done <- id
	}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer s.Close()

	other := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	s.Hook(context.Background(), model.SidebarRoom{}, posted(3, `<div><a href="`+other+`/article">elsewhere</a></div>`))
	select {
	case id := <-done:
		if id != 3 {
			t.Fatalf("preview tried for message %d, want 3", id)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no preview made")
	}
	pub.mu.Lock()
	defer pub.mu.Unlock()
	// No file storage given: the card comes without its image.
	if lp := pub.got[3]; lp.Title != "An article" || lp.Description != "About things" || lp.URL != other+"/article" || lp.ImageKey != "" {
		t.Errorf("preview %+v", lp)
	}
}

package db

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// A window says whether the room goes on before and after it exactly, so
// that no pager link leads to an empty page.
func TestMessageWindowKnowsTheRoomsEnds(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "w.db"))
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
	var ids []int64
	for i := range 2*PageSize + 5 {
		p, err := s.CreateMessage(ctx, NewMessage{RoomID: room, CreatorID: admin.ID,
			ClientMessageID: fmt.Sprintf("c%d", i), HTML: "x", Plain: "x"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.Message.ID)
	}
	n := len(ids)
	for _, c := range []struct {
		name         string
		page         Page
		first, count int
		older, newer bool
	}{
		{"newest", Page{}, n - PageSize, PageSize, true, false},
		{"before the newest page", Page{Before: ids[n-PageSize]}, n - 2*PageSize, PageSize, true, true},
		{"the first page", Page{Before: ids[5]}, 0, 5, false, true},
		{"after the first", Page{After: ids[0]}, 1, PageSize, true, true},
		{"the last of after", Page{After: ids[n-3]}, n - 2, 2, true, false},
		{"past the end", Page{After: ids[n-1]}, 0, 0, false, false},
		{"around the middle", Page{Around: ids[n/2]}, n/2 - PageSize/2, PageSize + 1, true, true},
		{"around near the end", Page{Around: ids[n-2]}, n - 2 - PageSize/2, PageSize/2 + 2, true, false},
		{"around the first", Page{Around: ids[0]}, 0, PageSize/2 + 1, false, true},
	} {
		w, err := s.MessageWindow(ctx, room, c.page)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Messages) != c.count || w.Older != c.older || w.Newer != c.newer {
			t.Errorf("%s: %d messages, older %v, newer %v; want %d, %v, %v", c.name, len(w.Messages), w.Older, w.Newer, c.count, c.older, c.newer)
			continue
		}
		if c.count > 0 && w.Messages[0].ID != ids[c.first] {
			t.Errorf("%s: starts at message %d, want %d", c.name, w.Messages[0].ID, ids[c.first])
		}
	}
}

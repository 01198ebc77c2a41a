package handlers

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/campfire-go/campfire/internal/chat"
)

// A room list read while a post commits is never sent after that post's
// unread mark: after each round of a post racing a list, the tab's last word
// on the room agrees with the database.
func TestSidebarListNeverPaintsOverAnUnreadMark(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()
	ctx := context.Background()

	// The administrator's tab is on the room but hidden, so each post makes
	// the room unread for them.
	s := admin.openStream(t, room, 0, 0)
	wantStatus(t, admin.postForm(fmt.Sprintf("/rooms/%d/presence", room), url.Values{"state": {"absent"}}), 204)
	bobRoom, err := a.store.MemberRoom(ctx, room, bob.user.ID)
	if err != nil {
		t.Fatal(err)
	}

	for i := range 60 {
		mine, err := a.store.MemberRoom(ctx, room, admin.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.chat.MarkRead(ctx, mine, admin.user.ID); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 1)
		wg.Go(func() {
			_, err := a.chat.Post(ctx, chat.PostParams{Room: bobRoom, Creator: bob.user, Body: "round " + strconv.Itoa(i)})
			if err != nil {
				errs <- err
			}
		})
		wg.Go(func() {
			// Rounds start the list a little later each time, so some
			// read it just before the post commits.
			time.Sleep(time.Duration(i%12) * 100 * time.Microsecond)
			a.chat.SidebarsChanged(ctx, []int64{admin.user.ID})
		})
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		end := "round-" + strconv.Itoa(i)
		a.hub.PublishUser(admin.user.ID, "test-end", []byte(end))

		shown := ""
		for ev := s.nextAny(t); ev.Name != "test-end" || ev.Data != end; ev = s.nextAny(t) {
			if ev.Name != "sidebar" {
				continue
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(ev.Data))
			if err != nil {
				t.Fatal(err)
			}
			if line := doc.Find(fmt.Sprintf("#sidebar_room_%d a", room)); line.Length() == 1 {
				shown = strconv.FormatBool(line.HasClass("unread"))
			}
		}
		stored, err := a.store.MemberRoom(ctx, room, admin.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := strconv.FormatBool(stored.Unread); shown != want {
			t.Fatalf("round %d: the tab was last told unread=%s, the database says %s", i, shown, want)
		}
	}
}

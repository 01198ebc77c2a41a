package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/campfire-go/campfire/db"
)

func TestPostMessagePlainForm(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()

	res := admin.post(room, "Hello, <world> & friends", "first-1")
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, fmt.Sprintf("/rooms/%d", room)) {
		t.Fatalf("redirect to %q", loc)
	}

	doc := document(t, admin.get(fmt.Sprintf("/rooms/%d", room)))
	msg := doc.Find("#messages[role=log] #message_first-1")
	if msg.Length() != 1 {
		t.Fatal("message not on the room page")
	}
	if got := msg.Find(".message__body").Text(); !strings.Contains(got, "Hello, <world> & friends") {
		t.Fatalf("body %q", got)
	}
	if msg.AttrOr("data-user-id", "") != fmt.Sprint(admin.user.ID) {
		t.Fatal("data-user-id missing")
	}
}

func TestPostMessageWithHTMX(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	res := admin.postForm(fmt.Sprintf("/rooms/%d/messages", a.allTalk()),
		url.Values{"message[body]": {"<div>Hi <strong>there</strong></div>"}, "message[client_message_id]": {"htmx-1"}},
		"HX-Request", "true")
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	if doc.Find(`hx-partial[hx-target="#messages"] #message_htmx-1 strong`).Length() != 1 {
		html, _ := doc.Html()
		t.Fatalf("fragment lacks the message:\n%s", html)
	}
}

func TestConcurrentPostsWithOneClientMessageIDMakeOneMessage(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()

	var wg sync.WaitGroup
	statuses := make(chan int, 50)
	for range 50 {
		wg.Go(func() {
			res := admin.postForm(fmt.Sprintf("/rooms/%d/messages", room),
				url.Values{"message[body]": {"only once"}, "message[client_message_id]": {"same-id"}},
				"HX-Request", "true")
			statuses <- res.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != http.StatusOK {
			t.Fatalf("status %d", s)
		}
	}
	if n := a.messageCount(); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
	events, err := a.store.EventsAfter(context.Background(), room, 0, 100)
	if err != nil || len(events) != 1 {
		t.Fatalf("%d events (%v), want 1", len(events), err)
	}
}

func TestInvalidMessagesAreRefusedAndChangeNothing(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	path := fmt.Sprintf("/rooms/%d/messages", room)

	cases := []struct {
		name string
		body string
		cmid string
		want int
	}{
		{"empty", "", "", http.StatusUnprocessableEntity},
		{"whitespace", "   \n\t ", "", http.StatusUnprocessableEntity},
		{"markup without text", "<div><br></div>", "", http.StatusUnprocessableEntity},
		{"too long", strings.Repeat("é", 10_001), "", http.StatusUnprocessableEntity},
		{"invalid utf-8", "caf\xe9", "", http.StatusUnprocessableEntity},
		{"bad client id", "hello", "has space", http.StatusUnprocessableEntity},
		{"client id too long", "hello", strings.Repeat("a", 65), http.StatusUnprocessableEntity},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := admin.postForm(path, url.Values{"message[body]": {c.body}, "message[client_message_id]": {c.cmid}})
			wantStatus(t, res, c.want)
			if c.body != "" && utf8Valid(c.body) && len(c.body) < 200 {
				doc := document(t, res)
				if got := doc.Find("#composer_body").Text(); got != c.body {
					t.Fatalf("composer lost the text: %q", got)
				}
			}
		})
	}

	t.Run("exactly 10,000 characters is fine", func(t *testing.T) {
		wantStatus(t, admin.post(room, strings.Repeat("é", 10_000), "max-len"), http.StatusSeeOther)
	})

	t.Run("huge body", func(t *testing.T) {
		res := admin.postForm(path, url.Values{"message[body]": {strings.Repeat("x", 2<<20)}})
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", res.StatusCode)
		}
	})

	for _, p := range []string{"/rooms/abc/messages", "/rooms/-1/messages", "/rooms/99999999999999999999/messages", "/rooms/424242/messages"} {
		t.Run("garbage room "+p, func(t *testing.T) {
			res := admin.postForm(p, url.Values{"message[body]": {"hi"}})
			if res.StatusCode < 400 || res.StatusCode >= 500 {
				t.Fatalf("status %d", res.StatusCode)
			}
		})
	}
	for _, q := range []string{"?before=x", "?after=-3", "?before=1e9"} {
		t.Run("garbage page "+q, func(t *testing.T) {
			res := admin.get(fmt.Sprintf("/rooms/%d%s", room, q))
			wantStatus(t, res, http.StatusBadRequest)
		})
	}

	if n := a.messageCount(); n != 1 {
		t.Fatalf("%d messages stored, want only the valid one", n)
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestCrossSitePostIsRefused(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	res := admin.postForm(fmt.Sprintf("/rooms/%d/messages", a.allTalk()),
		url.Values{"message[body]": {"forged"}}, "Sec-Fetch-Site", "cross-site")
	wantStatus(t, res, http.StatusForbidden)
	res = admin.postForm(fmt.Sprintf("/rooms/%d/messages", a.allTalk()),
		url.Values{"message[body]": {"forged"}}, "Origin", "https://evil.example")
	wantStatus(t, res, http.StatusForbidden)
	if n := a.messageCount(); n != 0 {
		t.Fatalf("%d messages", n)
	}
}

func TestPaginationAndPermalink(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	var ids []int64
	for i := range 100 {
		res := admin.post(room, fmt.Sprintf("message %d", i), fmt.Sprintf("m%d", i))
		wantStatus(t, res, http.StatusSeeOther)
	}
	for before := int64(1 << 40); ; {
		msgs, err := a.store.Messages(context.Background(), room, db.Page{Before: before})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			break
		}
		page := make([]int64, len(msgs))
		for i, m := range msgs {
			page[i] = m.ID
		}
		ids = append(page, ids...)
		before = msgs[0].ID
	}
	if len(ids) != 100 {
		t.Fatalf("%d messages stored", len(ids))
	}
	doc := document(t, admin.get(fmt.Sprintf("/rooms/%d", room)))
	if n := doc.Find("#messages .message").Length(); n != 40 {
		t.Fatalf("%d messages on the page, want 40", n)
	}
	if doc.Find("#messages .message").Last().AttrOr("id", "") != "message_m99" {
		t.Fatal("the newest message is not last")
	}
	// The page of 40 before message m60.
	res := admin.get(fmt.Sprintf("/rooms/%d/messages?before=%d", room, ids[60]), "HX-Request", "true")
	wantStatus(t, res, http.StatusOK)
	frag := document(t, res)
	if n := frag.Find(".message").Length(); n != 40 || frag.Find(".message").First().AttrOr("id", "") != "message_m20" {
		t.Fatalf("before page: %d messages starting %s", n, frag.Find(".message").First().AttrOr("id", ""))
	}
	// Nothing after the newest message.
	wantStatus(t, admin.get(fmt.Sprintf("/rooms/%d/messages?after=%d", room, ids[len(ids)-1])), http.StatusNoContent)
	// A permalink opens the room around the message.
	target := ids[10]
	doc = document(t, admin.get(fmt.Sprintf("/rooms/%d/@%d", room, target)))
	if doc.Find("#message_m10").Length() != 1 {
		t.Fatal("permalink page lacks its message")
	}
	wantStatus(t, admin.get(fmt.Sprintf("/rooms/%d/@%d", room, 1<<40)), http.StatusNotFound)
}

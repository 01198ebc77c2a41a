package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/campfire-go/campfire/internal/model"
)

// search GETs the results page for q and returns the matched message ids.
func (c *client) search(t *testing.T, q string) []string {
	t.Helper()
	res := c.get("/searches?q=" + url.QueryEscape(q))
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	var ids []string
	doc.Find("#search-results article[data-message-id]").Each(func(_ int, s *goquery.Selection) {
		ids = append(ids, s.AttrOr("data-message-id", ""))
	})
	return ids
}

func (a *testApp) messageIDByBody(body string) string {
	a.t.Helper()
	var id int64
	if err := a.store.Writer().QueryRow(`SELECT id FROM messages WHERE body_plain = ?`, body).Scan(&id); err != nil {
		a.t.Fatalf("message %q: %v", body, err)
	}
	return fmt.Sprint(id)
}

func TestSearchFindsStemsOnlyInTheUsersRooms(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()
	ctx := context.Background()

	secret, err := a.store.CreateRoom(ctx, model.RoomClosed, "Admins only", admin.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, admin.post(room, "She runs every morning", "m1"), http.StatusSeeOther)
	wantStatus(t, admin.post(room, "We run the tests", "m2"), http.StatusSeeOther)
	wantStatus(t, admin.post(room, "Nothing to see here", "m3"), http.StatusSeeOther)
	wantStatus(t, admin.post(secret.ID, "The secret run book", "s1"), http.StatusSeeOther)

	runs, run, book := a.messageIDByBody("She runs every morning"), a.messageIDByBody("We run the tests"),
		a.messageIDByBody("The secret run book")

	// Stemming: "running" finds "runs" and "run"; newest first.
	got := bob.search(t, "running")
	if want := []string{run, runs}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bob searching running: %v, want %v", got, want)
	}
	// Scoping: the closed room's message never reaches Bob, whatever he types.
	for _, q := range []string{"secret", "run book", "book", "run"} {
		for _, id := range bob.search(t, q) {
			if id == book {
				t.Errorf("bob found the closed room's message searching %q", q)
			}
		}
	}
	// The admin is in the closed room and finds it.
	if got := admin.search(t, "book"); fmt.Sprint(got) != fmt.Sprint([]string{book}) {
		t.Errorf("admin searching book: %v", got)
	}
	// Words are ANDed.
	if got := bob.search(t, "run tests"); fmt.Sprint(got) != fmt.Sprint([]string{run}) {
		t.Errorf("run tests: %v", got)
	}
}

func TestSearchResultsHighlightEscapedTextAndLinkToPermalinks(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	wantStatus(t, admin.post(room, `if a<b && c>d then <i>deploy</i> "now"`, "h1"), http.StatusSeeOther)

	res := admin.get("/searches?q=deploy")
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	body := doc.Find("#search-results .message__body")
	if body.Length() != 1 {
		t.Fatalf("%d results", body.Length())
	}
	if mark := body.Find("mark"); mark.Length() != 1 || mark.Text() != "deploy" {
		t.Errorf("highlight: %d marks, %q", mark.Length(), mark.Text())
	}
	if body.Find("i, script").Length() != 0 {
		t.Errorf("the message's markup reached the results: %s", must(body.Html()))
	}
	if !strings.Contains(body.Text(), "a<b && c>d") {
		t.Errorf("text not shown as text: %q", body.Text())
	}
	id := a.messageIDByBody(strings.TrimSpace(doc.Find("#search-results .message__body").Text()))
	link, _, _ := strings.Cut(doc.Find("#search-results a.message__permalink").AttrOr("href", ""), "#")
	if want := fmt.Sprintf("/rooms/%d/@%s", room, id); link != want {
		t.Errorf("permalink %q, want %q", link, want)
	}
}

func must(s string, err error) string {
	if err != nil {
		return err.Error()
	}
	return s
}

// Whatever arrives as a query, the answer is a page, never an error.
func TestHostileSearchQueriesNeverFail(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	wantStatus(t, admin.post(a.allTalk(), "quoted words and stars", "q1"), http.StatusSeeOther)
	garbage := make([]byte, 10<<10)
	for i := range garbage {
		garbage[i] = byte(i*7919) ^ byte(i>>3)
	}
	queries := []string{
		`"`, `""`, `*`, `**`, `NEAR(`, `NEAR(quoted words`, `-`, `-quoted`, `AND`, `OR`, `NOT`, `quoted AND`,
		`AND OR NOT`, `"quoted`, `quoted"words`, `body_plain:quoted`, `^quoted`, `{quoted words}`, `(`, `)`,
		`quoted*`, `'; DROP TABLE messages; --`, "\x00", "\xff\xfe\xfd", "quo\xffted", string(garbage),
		strings.Repeat("quoted ", 2000), strings.Repeat("(", 5000), "\ue000quoted\ue001",
	}
	for _, q := range queries {
		res := admin.get("/searches?q=" + url.QueryEscape(q))
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %.40q: %d", q, res.StatusCode)
		}
		res = admin.postForm("/searches", url.Values{"q": {q}})
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("POST %.40q: %d", q, res.StatusCode)
		}
	}
	// The words inside hostile queries still match.
	if got := admin.search(t, `"quoted* -words(`); len(got) != 1 {
		t.Errorf("hostile query with real words found %d", len(got))
	}
}

func TestRecentSearchesAreDedupedCappedAndCleared(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")

	res := admin.postForm("/searches", url.Values{"q": {`  "deploy*  `}})
	wantStatus(t, res, http.StatusSeeOther)
	if loc := res.Header.Get("Location"); loc != "/searches?q=deploy" {
		t.Errorf("Location %q", loc)
	}
	for i := range 12 {
		wantStatus(t, admin.postForm("/searches", url.Values{"q": {fmt.Sprint("word", i)}}), http.StatusSeeOther)
	}
	wantStatus(t, admin.postForm("/searches", url.Values{"q": {"word5"}}), http.StatusSeeOther)
	wantStatus(t, bob.postForm("/searches", url.Values{"q": {"bobs own"}}), http.StatusSeeOther)

	recent := func(c *client) []string {
		res := c.get("/searches")
		wantStatus(t, res, http.StatusOK)
		var qs []string
		document(t, res).Find(".searches__recent-list a").Each(func(_ int, s *goquery.Selection) {
			qs = append(qs, s.Text())
		})
		return qs
	}
	got := recent(admin)
	want := []string{"word5", "word11", "word10", "word9", "word8", "word7", "word6", "word4", "word3", "word2"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("recent searches %v, want %v", got, want)
	}
	// An empty query is not remembered.
	wantStatus(t, admin.postForm("/searches", url.Values{"q": {`"*"`}}), http.StatusSeeOther)
	if len(recent(admin)) != 10 {
		t.Error("an empty query was remembered")
	}

	res = admin.send(http.MethodDelete, "/searches/clear", "", "")
	wantStatus(t, res, http.StatusSeeOther)
	if len(recent(admin)) != 0 {
		t.Error("clear left searches")
	}
	if fmt.Sprint(recent(bob)) != "[bobs own]" {
		t.Errorf("clearing touched another user's searches: %v", recent(bob))
	}
	// The form way: POST with _method=delete.
	res = bob.postForm("/searches/clear", url.Values{"_method": {"delete"}})
	wantStatus(t, res, http.StatusSeeOther)
	if len(recent(bob)) != 0 {
		t.Error("form clear left searches")
	}
}

func TestSidebarLinksToSearch(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	res := admin.get(fmt.Sprintf("/rooms/%d", a.allTalk()))
	wantStatus(t, res, http.StatusOK)
	if document(t, res).Find(`#sidebar a[href="/searches"]`).Length() != 1 {
		t.Error("no search link in the sidebar")
	}
}

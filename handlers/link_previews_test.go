package handlers

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/linkpreview"
	"github.com/campfire-go/campfire/internal/model"
	"github.com/campfire-go/campfire/views"
)

type previewDone struct {
	messageID int64
	err       error
}

// startPreviews hangs link previews on the test app, allowed to fetch from
// this host, and returns where each finished preview is reported.
func (a *testApp) startPreviews(t *testing.T) <-chan previewDone {
	t.Helper()
	done := make(chan previewDone, 64)
	blobs, err := files.Open(filepath.Join(filepath.Dir(a.dbPath), "files"))
	if err != nil {
		t.Fatal(err)
	}
	s := linkpreview.New(a.chat, blobs, linkpreview.Options{AllowLocal: true, Done: func(id int64, err error) {
		done <- previewDone{id, err}
	}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	a.chat.AddHook(s.Hook)
	a.chat.AddEditHook(s.EditHook)
	t.Cleanup(s.Close)
	return done
}

func waitPreview(t *testing.T, done <-chan previewDone, messageID int64) error {
	t.Helper()
	select {
	case d := <-done:
		if d.messageID != messageID {
			t.Fatalf("preview of message %d, want %d", d.messageID, messageID)
		}
		return d.err
	case <-time.After(20 * time.Second):
		t.Fatalf("no preview attempt for message %d", messageID)
		return nil
	}
}

// linkSite is a web site on this host with an article, a page without a
// title, and a page that answers only when the test lets it.
func linkSite(t *testing.T) (*httptest.Server, chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	card := testPNG(t, 800, 400)
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Fallback</title>
<meta property="og:title" content="Fire &amp; <b>safety</b>">
<meta property="og:description" content="How to keep a campfire small">
<meta property="og:image" content="/card.png"></head><body>hi</body></html>`)
	})
	mux.HandleFunc("/card.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(card)
	})
	mux.HandleFunc("/untitled", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><meta name="description" content="no title"></head></html>`)
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<title>Bomb</title><meta property="og:image" content="/bomb.png">`)
	})
	mux.HandleFunc("/bomb.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(bombPNG(t, 60000, 60000))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<title>Slow but there</title>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, release
}

func TestLinkPreviewAppearsLiveWithItsImageFromOurOrigin(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	outsider := a.member("Olive Outsider")
	done := a.startPreviews(t)
	site, _ := linkSite(t)
	closed, err := a.store.CreateRoom(t.Context(), model.RoomClosed, "Fire drills", admin.user.ID, []int64{bob.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	room := closed.ID

	stream := admin.openStream(t, room, 0, 0)
	m := bob.postOK(room, "Read "+site.URL+"/article please, and "+site.URL+"/untitled", "lp1")
	stream.next(t, "message")
	if err := waitPreview(t, done, m.ID); err != nil {
		t.Fatal(err)
	}

	// The message is replaced live with its card.
	live := fragment(t, stream.next(t, "message").Data)
	if live.Find(`hx-partial[hx-swap="outerHTML"]`).Length() != 1 {
		t.Fatal("the update is not a replace of the message")
	}
	card := live.Find("#message_lp1 .message__preview")
	if got := strings.TrimSpace(card.Find(".link-preview__title").Text()); got != "Fire & <b>safety</b>" {
		t.Errorf("card title %q: want the page's title as text", got)
	}
	if card.Find("b").Length() != 0 {
		t.Error("the page's markup reached the card")
	}
	if href, _ := card.Find("a.link-preview").Attr("href"); href != site.URL+"/article" {
		t.Errorf("card link %q", href)
	}
	if got := card.Find(".link-preview__description").Text(); got != "How to keep a campfire small" {
		t.Errorf("description %q", got)
	}
	img := card.Find("img.link-preview__image")
	src, _ := img.Attr("src")
	if !strings.HasPrefix(src, fmt.Sprintf("/messages/%d/preview_image?v=", m.ID)) {
		t.Fatalf("card image %q is not on our origin", src)
	}
	if w, _ := img.Attr("width"); w != fmt.Sprint(linkpreview.ImageWidth) {
		t.Errorf("image width attribute %q, want %d (resized)", w, linkpreview.ImageWidth)
	}
	// The page shows it too, and the image is the resized copy, served to
	// members only.
	if admin.roomMessage(room, "lp1").Find(".message__preview .link-preview__title").Length() != 1 {
		t.Error("the room page shows no card")
	}
	if b := decodeImage(t, admin.get(src, "Sec-Fetch-Dest", "image")).Bounds(); b.Dx() != linkpreview.ImageWidth || b.Dy() != linkpreview.ImageWidth/2 {
		t.Errorf("preview image %v", b)
	}
	wantStatus(t, outsider.get(src), http.StatusNotFound)
	wantStatus(t, admin.get("/messages/999999/preview_image"), http.StatusNotFound)
}

func TestLinkPreviewNeverDelaysThePost(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	done := a.startPreviews(t)
	site, release := linkSite(t)
	room := a.allTalk()

	// The site has not answered yet (it waits for release): the post is
	// answered all the same. Were the fetch on the request path, this would
	// hang until the test's deadline.
	m := bob.postOK(room, site.URL+"/slow", "lp-slow")
	if m.Preview != nil {
		t.Fatal("a preview before the page answered")
	}
	close(release)
	if err := waitPreview(t, done, m.ID); err != nil {
		t.Fatal(err)
	}
	if got := a.stored(room, "lp-slow"); got.Preview == nil || got.Preview.Title != "Slow but there" {
		t.Errorf("preview %+v", got.Preview)
	}
}

func TestLinkPreviewFailuresAreSilent(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	done := a.startPreviews(t)
	site, _ := linkSite(t)
	room := a.allTalk()
	for cmid, body := range map[string]string{
		"untitled": site.URL + "/untitled",
		"missing":  site.URL + "/nothing-here",
		"refused":  "http://127.0.0.1:1/",
	} {
		m := admin.postOK(room, body, cmid)
		if err := waitPreview(t, done, m.ID); err == nil {
			t.Errorf("%s: made a preview", cmid)
		}
		if got := a.stored(room, cmid); got.Preview != nil {
			t.Errorf("%s: preview %+v", cmid, got.Preview)
		}
	}
	// A bomb as the page's image: the card comes without a picture.
	m := admin.postOK(room, site.URL+"/bomb", "bomb")
	if err := waitPreview(t, done, m.ID); err != nil {
		t.Fatal(err)
	}
	got := a.stored(room, "bomb")
	if got.Preview == nil || got.Preview.Title != "Bomb" || got.Preview.ImageKey != "" {
		t.Errorf("bomb preview %+v", got.Preview)
	}
	// No link, no fetch: the next attempt reported is the next link's.
	admin.postOK(room, "no link here", "plain")
	m = admin.postOK(room, site.URL+"/article", "after")
	if err := waitPreview(t, done, m.ID); err != nil {
		t.Fatal(err)
	}
}

func TestLinkPreviewRemovedByItsCreatorOnly(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	admin := a.admin()
	bob := a.member("Bob Builder")
	done := a.startPreviews(t)
	site, _ := linkSite(t)
	room := a.allTalk()
	m := bob.postOK(room, site.URL+"/article", "rm1")
	if err := waitPreview(t, done, m.ID); err != nil {
		t.Fatal(err)
	}
	key := a.stored(room, "rm1").Preview.ImageKey
	if !a.blobOnDisk(key) {
		t.Fatal("preview image not on disk")
	}
	path := views.LinkPreviewURL(room, m.ID)
	del := map[string][]string{"_method": {"delete"}}

	// Administrators may delete a message, but its preview is its creator's.
	wantStatus(t, admin.postForm(path, del), http.StatusForbidden)
	if a.stored(room, "rm1").Preview == nil {
		t.Fatal("removed by someone else")
	}
	stream := admin.openStream(t, room, 0, 0)
	wantStatus(t, bob.postForm(path, del, "HX-Request", "true"), http.StatusNoContent)
	if got := a.stored(room, "rm1"); got.Preview != nil {
		t.Errorf("preview %+v after removal", got.Preview)
	}
	if live := fragment(t, stream.next(t, "message").Data); live.Find("#message_rm1").Length() != 1 ||
		live.Find(".message__preview").Length() != 0 {
		t.Error("the removal was not published as the message without its card")
	}
	if a.blobOnDisk(key) {
		t.Error("the removed preview's image is still on disk")
	}
	wantStatus(t, bob.postForm(path, del), http.StatusNotFound)
	wantStatus(t, bob.postForm(views.LinkPreviewURL(room, 999999), del), http.StatusNotFound)
}

// The card follows the message's link through edits: an edit that adds a
// link gets a card, one that changes it gets the new link's, one that takes
// it out loses it, and one that leaves it alone does not bring back a card
// its creator removed.
func TestLinkPreviewFollowsEdits(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	done := a.startPreviews(t)
	site, _ := linkSite(t)
	room := a.allTalk()
	m := bob.postOK(room, "no link yet", "ed1")
	path := fmt.Sprintf("/rooms/%d/messages/%d", room, m.ID)
	edit := func(body string) {
		t.Helper()
		wantStatus(t, bob.postForm(path, url.Values{"_method": {"put"}, "message[body]": {body}}), http.StatusSeeOther)
	}
	title := func() string {
		if p := a.stored(room, "ed1").Preview; p != nil {
			return p.Title
		}
		return ""
	}

	edit("now with " + site.URL + "/article")
	if err := waitPreview(t, done, m.ID); err != nil || title() != "Fire & <b>safety</b>" {
		t.Fatalf("after adding a link: %v, card %q", err, title())
	}
	oldImage := a.stored(room, "ed1").Preview.ImageKey

	stream := bob.openStream(t, room, 0, 0)
	edit("rather " + site.URL + "/bomb")
	if err := waitPreview(t, done, m.ID); err != nil || title() != "Bomb" {
		t.Fatalf("after changing the link: %v, card %q", err, title())
	}
	if a.blobOnDisk(oldImage) {
		t.Error("the old card's image is still on disk")
	}
	for range 3 { // the edit, the old card's removal, the new card
		if stream.next(t, "message").Data == "" {
			t.Fatal("empty event")
		}
	}

	edit("no link at all")
	if err := waitPreview(t, done, m.ID); err == nil || title() != "" {
		t.Fatalf("after taking the link out: %v, card %q", err, title())
	}
	edit("back to " + site.URL + "/bomb")
	if err := waitPreview(t, done, m.ID); err != nil || title() != "Bomb" {
		t.Fatalf("after putting a link back: %v, card %q", err, title())
	}

	edit("the same " + site.URL + "/bomb, reworded")
	wantStatus(t, bob.postForm(views.LinkPreviewURL(room, m.ID), url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	edit("once more " + site.URL + "/bomb")
	if title() != "" {
		t.Errorf("card %q came back", title())
	}
	// Neither edit of the same link queued anything: the next attempt
	// reported is the next post's.
	next := bob.postOK(room, site.URL+"/untitled", "ed2")
	if err := waitPreview(t, done, next.ID); err == nil {
		t.Error("the untitled page made a card")
	}
}

// A post's fetch still under way when an edit changes the link must not
// put the old link's card over the new one: a message's jobs run in order.
func TestLinkPreviewOfAnEditIsNotOvertakenByThePosts(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	a.admin()
	bob := a.member("Bob Builder")
	done := a.startPreviews(t)
	site, release := linkSite(t)
	room := a.allTalk()
	m := bob.postOK(room, site.URL+"/slow", "ed-race")
	wantStatus(t, bob.postForm(fmt.Sprintf("/rooms/%d/messages/%d", room, m.ID),
		url.Values{"_method": {"put"}, "message[body]": {"rather " + site.URL + "/article"}}), http.StatusSeeOther)
	// Give the edit's job the time to overtake, as it did when any worker
	// took any job (the local fetch takes milliseconds), then let the
	// post's fetch finish.
	reported := 0
	select {
	case <-done:
		reported++
	case <-time.After(2 * time.Second):
	}
	close(release)
	for ; reported < 2; reported++ {
		waitPreview(t, done, m.ID)
	}
	if p := a.stored(room, "ed-race").Preview; p == nil || p.URL != site.URL+"/article" {
		t.Fatalf("card %+v, want the edited link's", p)
	}
}

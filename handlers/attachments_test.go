package handlers

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/live"
)

// An image posted with the plain form is stored once, shown from a preview
// at most 1,200 px wide with its size in the HTML, and served to members with
// its sniffed type, caching and ranges.
func TestImageAttachmentIsShownAndServed(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	// Wide enough for a preview, short enough that decoding it under the
	// race detector on a busy machine stays well inside the client's timeout.
	photo := jpegBytes(t, 1600, 320)

	wantStatus(t, ada.attach(room, "the view", "img1", "view.jpg", photo), http.StatusSeeOther)
	m := a.stored(room, "img1")
	if m.Attachment == nil || m.Attachment.Width != 1600 || m.Attachment.PreviewWidth != 1200 || m.Attachment.PreviewHeight != 240 {
		t.Fatalf("attachment %+v", m.Attachment)
	}
	if m.Plain != "the view\nview.jpg" {
		t.Errorf("plain text %q: the file's name belongs to the searchable text", m.Plain)
	}
	el := ada.roomMessage(room, "img1")
	link := el.Find(".message__attachment")
	img := link.Find("img")
	href, _ := link.Attr("href")
	src, _ := img.Attr("src")
	if w, _ := img.Attr("width"); w != "1200" || img.AttrOr("height", "") != "240" {
		t.Errorf("img size %s×%s", w, img.AttrOr("height", ""))
	}
	if href != fmt.Sprintf("/attachments/%d/view.jpg", m.Attachment.ID) || src != href+"?variant=preview" {
		t.Fatalf("href %q, src %q", href, src)
	}
	if body := el.Find(".message__body").Text(); strings.TrimSpace(body) != "the view" {
		t.Errorf("body %q", body)
	}

	res := ada.get(href)
	wantStatus(t, res, http.StatusOK)
	got, _ := io.ReadAll(res.Body)
	if !bytes.Equal(got, photo) {
		t.Fatal("the download is not the upload")
	}
	for k, want := range map[string]string{
		"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff",
		"Cache-Control": "private, max-age=31536000, immutable", "Content-Disposition": `inline; filename=view.jpg`,
		"ETag": `"` + m.Attachment.Key + `"`,
	} {
		if v := res.Header.Get(k); v != want {
			t.Errorf("%s: %q, want %q", k, v, want)
		}
	}

	res = ada.get(src, "Sec-Fetch-Dest", "image")
	wantStatus(t, res, http.StatusOK)
	cfg, format, err := image.DecodeConfig(res.Body)
	if err != nil || format != "jpeg" || cfg.Width != 1200 || cfg.Height != 240 || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("preview %s %dx%d %v (%s)", format, cfg.Width, cfg.Height, err, res.Header.Get("Content-Type"))
	}

	wantStatus(t, ada.get(href, "If-None-Match", `"`+m.Attachment.Key+`"`), http.StatusNotModified)
	res = ada.get(href, "Range", "bytes=2-11")
	wantStatus(t, res, http.StatusPartialContent)
	if part, _ := io.ReadAll(res.Body); !bytes.Equal(part, photo[2:12]) {
		t.Errorf("range: %x", part)
	}
	wantStatus(t, ada.get(fmt.Sprintf("/attachments/%d/view.jpg?variant=huge", m.Attachment.ID)), http.StatusNotFound)
	wantStatus(t, ada.get("/attachments/999999/x.jpg"), http.StatusNotFound)
	wantStatus(t, ada.get("/attachments/abc/x.jpg"), http.StatusNotFound)
}

// Only the members of the message's room see its file: anyone else gets
// 404, also after leaving the room.
func TestAttachmentsAreForTheRoomOnly(t *testing.T) {
	t.Parallel()
	rc := newRoomCast(t)
	room := rc.closedRoom(t, "Secrets")
	wantStatus(t, rc.creator.attach(room.ID, "", "s1", "plan.pdf", []byte("%PDF-1.4 the plan")), http.StatusSeeOther)
	att := rc.a.stored(room.ID, "s1").Attachment
	path := fmt.Sprintf("/attachments/%d/plan.pdf", att.ID)

	wantStatus(t, rc.member.get(path), http.StatusOK)
	wantStatus(t, rc.ou.get(path), http.StatusNotFound)
	wantStatus(t, rc.ou.get(path+"?variant=preview"), http.StatusNotFound)
	if res := rc.anon.get(path); res.StatusCode == http.StatusOK {
		t.Fatal("anonymous download")
	}

	// Removed from the room, the member loses its files too.
	wantStatus(t, rc.creator.form(http.MethodPut, fmt.Sprintf("/rooms/closeds/%d", room.ID), url.Values{
		"room[name]": {"Secrets"}, "user_ids[]": {fmt.Sprint(rc.admin.user.ID)},
	}), http.StatusSeeOther)
	wantStatus(t, rc.member.get(path), http.StatusNotFound)
}

// A file alone is a message; SVG, HTML and other files are only ever
// downloaded, typed by their content.
func TestFilesAreTypedBySniffingAndDownloaded(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	for i, tc := range []struct {
		name, content, wantType, wantDisposition string
	}{
		{"report.pdf", "%PDF-1.7\n...", "application/pdf", "inline"},
		{"page.html", "<!DOCTYPE html><script>alert(1)</script>", "text/html; charset=utf-8", "attachment"},
		{"logo.svg", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`, "text/xml; charset=utf-8", "attachment"},
		{"image.png", "<html>not a png at all</html>", "text/html; charset=utf-8", "attachment"},
		{"notes.txt", "just some notes", "text/plain; charset=utf-8", "attachment"},
	} {
		cmid := fmt.Sprintf("f%d", i)
		wantStatus(t, ada.attach(room, "", cmid, tc.name, []byte(tc.content)), http.StatusSeeOther)
		m := a.stored(room, cmid)
		if m.HTML != "" || m.Plain != tc.name || m.Attachment.HasPreview() {
			t.Errorf("%s: html %q, plain %q, preview %v", tc.name, m.HTML, m.Plain, m.Attachment.HasPreview())
		}
		card := ada.roomMessage(room, cmid).Find(".message__attachment")
		if !strings.Contains(card.Text(), tc.name) || card.Find("img").Length() != 0 {
			t.Errorf("%s: card %q", tc.name, card.Text())
		}
		res := ada.get(card.AttrOr("href", ""))
		wantStatus(t, res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != tc.wantType {
			t.Errorf("%s: Content-Type %q, want %q", tc.name, ct, tc.wantType)
		}
		if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, tc.wantDisposition+";") {
			t.Errorf("%s: Content-Disposition %q, want %s", tc.name, cd, tc.wantDisposition)
		}
	}
}

func TestBadUploadsAreRefusedAndChangeNothing(t *testing.T) {
	t.Parallel()
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(c *Config, _ *live.Options) { c.MaxUpload = 64 << 10 })
	ada := a.admin()
	room := a.allTalk()
	before := a.count(`SELECT count(*) FROM messages`)

	// Over the limit: 413, with the limit said.
	res := ada.attach(room, "big", "b1", "big.bin", bytes.Repeat([]byte("x"), 65<<10))
	wantStatus(t, res, http.StatusRequestEntityTooLarge)
	if body := readAll(t, res); !strings.Contains(body, "64 KB") {
		t.Errorf("413 says %q", body)
	}
	// Declared too large: refused before a byte of it is read.
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+fmt.Sprintf("/rooms/%d/messages", room), pr)
	req.ContentLength = 10 << 20 // and never a byte of it sent
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	wantStatus(t, ada.do(req), http.StatusRequestEntityTooLarge)
	// Empty, a bomb, a second file, no text and no file: 422.
	wantStatus(t, ada.attach(room, "", "b2", "empty.txt", nil), http.StatusUnprocessableEntity)
	res = ada.attach(room, "", "b3", "bomb.png", pngBomb(t))
	wantStatus(t, res, http.StatusUnprocessableEntity)
	if body := readAll(t, res); !strings.Contains(body, "too large") {
		t.Errorf("the bomb's 422 says %q", body)
	}
	ct, form := multipartForm(t, map[string]string{"message[body]": "two"}, "message[attachment]", "a.txt", []byte("a"))
	form = strings.Replace(form, "--"+strings.TrimPrefix(ct, "multipart/form-data; boundary=")+"--",
		"--"+strings.TrimPrefix(ct, "multipart/form-data; boundary=")+"\r\nContent-Disposition: form-data; name=\"other\"; filename=\"b.txt\"\r\n\r\nb\r\n--"+
			strings.TrimPrefix(ct, "multipart/form-data; boundary=")+"--", 1)
	wantStatus(t, ada.send(http.MethodPost, fmt.Sprintf("/rooms/%d/messages", room), ct, form), http.StatusUnprocessableEntity)
	ct, form = multipartForm(t, map[string]string{"message[body]": "  "}, "message[attachment]", "", nil)
	wantStatus(t, ada.send(http.MethodPost, fmt.Sprintf("/rooms/%d/messages", room), ct, form), http.StatusUnprocessableEntity)
	// Not multipart at all, or cut short.
	wantStatus(t, ada.send(http.MethodPost, fmt.Sprintf("/rooms/%d/messages", room), "multipart/form-data; boundary=zz", "--zz\r\nbroken"), http.StatusBadRequest)

	if n := a.count(`SELECT count(*) FROM messages`); n != before {
		t.Errorf("%d messages stored by refused uploads", n-before)
	}
	if n := a.count(`SELECT count(*) FROM blobs`); n != 0 {
		t.Errorf("%d blob rows left", n)
	}
	if keys := a.blobFiles(t); len(keys) != 0 {
		t.Errorf("files left behind: %v", keys)
	}
}

// A file that claims to be an image but does not decode is kept as a plain
// download; a name with a path, control characters and 1,000 letters is
// cleaned for display and never used as a path.
func TestUndecodableImagesAndHostileNames(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	broken := pngBytes(t, 40, 40)
	broken = broken[:len(broken)-30]
	wantStatus(t, ada.attach(room, "", "u1", "broken.png", broken), http.StatusSeeOther)
	m := a.stored(room, "u1")
	if m.Attachment.HasPreview() || m.Attachment.ContentType != "application/octet-stream" {
		t.Errorf("broken image: %+v", m.Attachment)
	}
	res := ada.get(fmt.Sprintf("/attachments/%d/x", m.Attachment.ID))
	wantStatus(t, res, http.StatusOK)
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("broken image served %q", cd)
	}

	// The name as RFC 2231 lets a client spell any byte.
	hostile := url.PathEscape("../../etc/" + strings.Repeat("n", 1000) + "\x07\u202E.txt")
	form := "--zz\r\nContent-Disposition: form-data; name=\"message[client_message_id]\"\r\n\r\nu2\r\n" +
		"--zz\r\nContent-Disposition: form-data; name=\"message[attachment]\"; filename*=UTF-8''" + hostile + "\r\n\r\nhello\r\n--zz--\r\n"
	wantStatus(t, ada.send(http.MethodPost, fmt.Sprintf("/rooms/%d/messages", room), "multipart/form-data; boundary=zz", form), http.StatusSeeOther)
	name := a.stored(room, "u2").Attachment.Filename
	if strings.ContainsAny(name, "/\\\x07\u202E") || len(name) > 255 || !strings.HasSuffix(name, ".txt") {
		t.Errorf("stored name %q", name)
	}
	for _, key := range a.blobFiles(t) {
		if !a.hasFile(key) {
			t.Errorf("file %s not at its key's path", key)
		}
	}
}

// Deleting a message removes its file, unless another message uses the
// same content; a room deleted with its messages takes their files along.
func TestDeletingMessagesRemovesTheirFiles(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	photo := jpegBytes(t, 1300, 100)
	wantStatus(t, ada.attach(room, "", "d1", "a.jpg", photo), http.StatusSeeOther)
	wantStatus(t, ada.attach(room, "", "d2", "b.jpg", photo), http.StatusSeeOther)
	first, second := a.stored(room, "d1"), a.stored(room, "d2")
	if first.Attachment.Key != second.Attachment.Key || first.Attachment.PreviewKey == first.Attachment.Key {
		t.Fatalf("same content, keys %s and %s; preview %s", first.Attachment.Key, second.Attachment.Key, first.Attachment.PreviewKey)
	}
	if keys := a.blobFiles(t); len(keys) != 2 {
		t.Fatalf("files %v, want the photo and its preview once", keys)
	}
	del := func(id int64) {
		wantStatus(t, ada.postForm(fmt.Sprintf("/rooms/%d/messages/%d", room, id), url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	}
	del(first.ID)
	if !a.hasFile(first.Attachment.Key) || !a.hasFile(first.Attachment.PreviewKey) {
		t.Fatal("a file still used by another message was removed")
	}
	del(second.ID)
	if keys := a.blobFiles(t); len(keys) != 0 {
		t.Fatalf("files left after both messages went: %v", keys)
	}
	if n := a.count(`SELECT count(*) FROM blobs`); n != 0 {
		t.Fatalf("%d blob rows left", n)
	}

	// A whole room.
	ch, err := a.store.CreateClosedRoom(context.Background(), "Doomed", ada.user.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, ada.attach(ch.Room.ID, "", "d3", "c.txt", []byte("in a doomed room")), http.StatusSeeOther)
	wantStatus(t, ada.postForm(fmt.Sprintf("/rooms/%d", ch.Room.ID), url.Values{"_method": {"delete"}}), http.StatusSeeOther)
	if keys := a.blobFiles(t); len(keys) != 0 {
		t.Fatalf("files left after the room went: %v", keys)
	}
}

// A retry of the same post (same client_message_id) with its file stores
// nothing new, and leaves no stray file.
func TestDuplicateUploadLeavesNoStrayFile(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	wantStatus(t, ada.attach(room, "once", "dup", "one.txt", []byte("first content")), http.StatusSeeOther)
	wantStatus(t, ada.attach(room, "once", "dup", "one.txt", []byte("other content")), http.StatusSeeOther)
	if n := a.count(`SELECT count(*) FROM messages WHERE client_message_id = 'dup'`); n != 1 {
		t.Fatalf("%d messages", n)
	}
	if keys := a.blobFiles(t); len(keys) != 1 || keys[0] != a.stored(room, "dup").Attachment.Key {
		t.Fatalf("files %v", keys)
	}
}

// Search finds a message by its file's name; editing the text keeps it.
func TestSearchFindsAttachmentsByName(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	wantStatus(t, ada.attach(room, "minutes attached", "s1", "quarterly-budget.xlsx", []byte("PK\x03\x04 sheet")), http.StatusSeeOther)
	m := a.stored(room, "s1")
	found := func(q string) int {
		rs, err := a.store.SearchMessages(context.Background(), ada.user.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	if found("quarterly budget") != 1 || found("minutes") != 1 {
		t.Fatal("not found by its file's name")
	}
	wantStatus(t, ada.postForm(fmt.Sprintf("/rooms/%d/messages/%d", room, m.ID), url.Values{
		"_method": {"put"}, "message[body]": {"notes from Monday"},
	}), http.StatusSeeOther)
	if found("quarterly") != 1 || found("Monday") != 1 || found("minutes") != 0 {
		t.Fatal("the edit lost the file's name from search")
	}
	// The edit form shows the text, not the name; emptied, the file remains.
	edit := document(t, ada.get(fmt.Sprintf("/rooms/%d/messages/%d/edit", room, m.ID)))
	if v := edit.Find("textarea").Text(); v != "notes from Monday" {
		t.Errorf("edit form text %q", v)
	}
	wantStatus(t, ada.postForm(fmt.Sprintf("/rooms/%d/messages/%d", room, m.ID), url.Values{
		"_method": {"put"}, "message[body]": {""},
	}), http.StatusSeeOther)
	if got, _ := a.store.Message(context.Background(), m.ID); got.Plain != "quarterly-budget.xlsx" || got.Attachment == nil {
		t.Errorf("after emptying: %q %+v", got.Plain, got.Attachment)
	}
}

// htmx posts the same form and gets the fragment; the fragment carries the
// attachment the room's other tabs get.
func TestAttachmentFragmentForHTMX(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	res := ada.attach(room, "look", "h1", "tiny.png", pngBytes(t, 30, 20), "HX-Request", "true")
	wantStatus(t, res, http.StatusOK)
	doc := fragment(t, readAll(t, res))
	img := doc.Find("#message_h1 .message__attachment img")
	if img.AttrOr("width", "") != "30" || img.AttrOr("height", "") != "20" {
		t.Fatalf("fragment image %v", img.Nodes)
	}
	msgs, err := a.store.Messages(context.Background(), room, db.Page{})
	if err != nil || len(msgs) != 1 || msgs[0].Attachment.Key != msgs[0].Attachment.PreviewKey {
		t.Fatalf("a small image is its own preview: %+v %v", msgs, err)
	}
}

// A sound or a film plays in the message, in the browser's own player,
// with the download card below it; other files keep the card alone.
func TestSoundsAndFilmsPlayInTheMessage(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	ada := a.admin()
	room := a.allTalk()
	wav := append([]byte("RIFF\x24\x00\x00\x00WAVEfmt "), make([]byte, 64)...)
	webm := append([]byte("\x1a\x45\xdf\xa3"), make([]byte, 64)...)
	for _, tc := range []struct{ id, name, player string }{
		{"snd", "standup.wav", "audio"},
		{"film", "demo.webm", "video"},
		{"doc", "notes.txt", ""},
	} {
		content := map[string][]byte{"audio": wav, "video": webm, "": []byte("plain words")}[tc.player]
		wantStatus(t, ada.attach(room, "", tc.id, tc.name, content), http.StatusSeeOther)
		m := a.stored(room, tc.id)
		el := ada.roomMessage(room, tc.id)
		href := fmt.Sprintf("/attachments/%d/%s", m.Attachment.ID, tc.name)
		card := el.Find("a.message__attachment--file")
		if card.Length() != 1 || card.AttrOr("href", "") != href || card.AttrOr("download", "") != tc.name {
			t.Errorf("%s: download card %d, href %q", tc.name, card.Length(), card.AttrOr("href", ""))
		}
		players := el.Find("audio, video")
		if tc.player == "" {
			if players.Length() != 0 {
				t.Errorf("%s: a player for a %s file", tc.name, m.Attachment.ContentType)
			}
			continue
		}
		p := el.Find("figure.message__attachment " + tc.player + "[controls]")
		if p.Length() != 1 || p.AttrOr("src", "") != href || p.AttrOr("aria-label", "") != tc.name {
			t.Errorf("%s (%s): %d %s players, src %q", tc.name, m.Attachment.ContentType, p.Length(), tc.player, p.AttrOr("src", ""))
		}
	}
}

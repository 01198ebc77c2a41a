package handlers

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The room page is a plain form first; the island's scripts ride along and
// Trix gets the nonce its injected style needs under the page's CSP.
func TestRoomPageCarriesThePlainComposerAndTheIsland(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	res := admin.get(fmt.Sprintf("/rooms/%d", room))
	wantStatus(t, res, http.StatusOK)
	csp := res.Header.Get("Content-Security-Policy")
	doc := document(t, res)

	form := doc.Find(`form#composer[method=post]`)
	if form.AttrOr("action", "") != fmt.Sprintf("/rooms/%d/messages", room) ||
		form.Find(`textarea[name="message[body]"]`).Length() != 1 ||
		form.Find(`input[type=hidden][name="message[client_message_id]"]`).AttrOr("value", "") == "" ||
		form.Find(`button[type=submit][name=send]`).Length() != 1 {
		t.Fatal("the plain composer form is incomplete")
	}
	if got := form.AttrOr("data-autocomplete-url", ""); got != fmt.Sprintf("/autocompletable/users?room_id=%d", room) {
		t.Fatalf("autocomplete url %q", got)
	}
	if form.AttrOr("data-user-name", "") != "Ada Admin" {
		t.Fatal("composer lacks the writer's name for pending messages")
	}

	nonce := doc.Find(`meta[name="trix-csp-nonce"]`).AttrOr("content", "")
	if nonce == "" || !strings.Contains(csp, "'nonce-"+nonce+"'") {
		t.Fatalf("trix nonce %q not allowed by %q", nonce, csp)
	}
	for _, src := range []string{"vendor/trix-2.1.19.umd.min.", "js/composer.", "js/messages."} {
		s := doc.Find(`script[src*="` + src + `"]`)
		if s.Length() != 1 {
			t.Fatalf("no script %s", src)
		}
		res := admin.get(s.AttrOr("src", ""))
		wantStatus(t, res, http.StatusOK)
		body, _ := io.ReadAll(res.Body)
		if !strings.Contains(res.Header.Get("Content-Type"), "javascript") || len(body) == 0 {
			t.Fatalf("%s served as %q, %d bytes", src, res.Header.Get("Content-Type"), len(body))
		}
	}
}

// The edit form is a plain textarea of the text; with scripts it becomes a
// Trix editor loaded with the stored HTML, so formatting survives an edit.
func TestEditPageOffersTheStoredHTMLToTheRichEditor(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	m := admin.postOK(room, "<div>Some <strong>bold</strong> words</div>", "rich-edit")
	res := admin.get(fmt.Sprintf("/rooms/%d/messages/%d/edit", room, m.ID))
	wantStatus(t, res, http.StatusOK)
	doc := document(t, res)
	ta := doc.Find(`textarea#edit_body[name="message[body]"][data-rich-editor]`)
	if ta.Length() != 1 || ta.Text() != "Some bold words" || ta.AttrOr("data-rich-html", "") != m.HTML {
		t.Fatalf("textarea %d, text %q, html %q", ta.Length(), ta.Text(), ta.AttrOr("data-rich-html", ""))
	}
	if doc.Find(`script[src*="js/composer."]`).Length() != 1 || doc.Find(`meta[name="trix-csp-nonce"]`).Length() != 1 {
		t.Fatal("the edit page does not load the editor")
	}

	// A refused edit keeps what was typed, sanitized, for the editor.
	res = admin.postForm(fmt.Sprintf("/rooms/%d/messages/%d", room, m.ID), map[string][]string{
		"_method": {"put"}, "message[body]": {`<div><script>x</script><br></div>`},
	})
	wantStatus(t, res, http.StatusUnprocessableEntity)
	html := document(t, res).Find("textarea#edit_body").AttrOr("data-rich-html", "")
	if strings.Contains(html, "script") {
		t.Fatalf("unsanitized HTML offered to the editor: %q", html)
	}
}

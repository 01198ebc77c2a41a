package handlers

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// FuzzSearch sends arbitrary queries to search, by GET and by POST. FTS5
// syntax, quotes, operators and broken bytes are only words to us: every query
// answers 200 (GET) or 303 (POST), never an error, and finds only messages of
// rooms the searcher belongs to.
func FuzzSearch(f *testing.F) {
	a := newTestApp(f)
	admin := a.admin()
	bob := a.member("Bob Builder")
	admin.post(a.allTalk(), "the deploy is running late", "s1")
	for _, q := range []string{"deploy", `"unbalanced`, "NEAR(a b)", "a AND OR NOT b", "*", "-x", "col:term",
		"\xff\xfe", strings.Repeat("( ", 500), "runs", "^start", "a\x00b", "🔥 deploy", `deploy" OR "x`} {
		f.Add(q, false)
	}
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, q string, post bool) {
		mu.Lock()
		defer mu.Unlock()
		var status int
		var body string
		if post {
			status, body = bob.try(t, http.MethodPost, "/searches", "application/x-www-form-urlencoded",
				url.Values{"q": {q}}.Encode())
			if status != http.StatusSeeOther && status != http.StatusTooManyRequests && status != http.StatusBadRequest {
				t.Fatalf("POST q=%q: status %d\n%s", q, status, body)
			}
			return
		}
		status, body = bob.try(t, http.MethodGet, "/searches?"+url.Values{"q": {q}}.Encode(), "", "")
		if status != http.StatusOK && status != http.StatusBadRequest {
			t.Fatalf("GET q=%q: status %d\n%s", q, status, body)
		}
	})
}

// FuzzBotAPI posts arbitrary bodies in arbitrary content types to the bot API:
// a message is created exactly when the answer is 201, the answer is always
// JSON, and nothing is ever a 5xx.
func FuzzBotAPI(f *testing.F) {
	a := newTestApp(f)
	admin := a.admin()
	room := a.allTalk()
	bot := admin.createBot(f, "Fuzzy", "")
	path := fmt.Sprintf("/rooms/%d/%s/messages", room, bot.Key())
	for _, s := range [][2]string{
		{"Hello!", "application/x-www-form-urlencoded"}, {"body=Hi+there", "application/x-www-form-urlencoded"},
		{`{"body":"json"}`, "application/json"}, {`{"body":`, "application/json"}, {`{"body":42}`, "application/json"},
		{"", "text/plain"}, {"   ", "text/plain"}, {"\xff\xfe", "text/plain"}, {"<script>x</script>", "text/html"},
		{"--x\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nmulti\r\n--x--\r\n", "multipart/form-data; boundary=x"},
		{"a=%zz", "application/x-www-form-urlencoded"}, {"plain", "application/octet-stream"}, {"x", ";;;"},
	} {
		f.Add(s[0], s[1])
	}
	var mu sync.Mutex
	f.Fuzz(func(t *testing.T, body, contentType string) {
		if strings.ContainsFunc(contentType, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			t.Skip("not a header value an HTTP client can send")
		}
		mu.Lock()
		defer mu.Unlock()
		before := a.countMessages(t)
		res := botCall(t, a, http.MethodPost, path, contentType, body)
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 500 {
			t.Fatalf("status %d for %q (%q)\n%s", res.StatusCode, body, contentType, out)
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("answer is %q, not JSON (status %d)", ct, res.StatusCode)
		}
		after := a.countMessages(t)
		if created := res.StatusCode == http.StatusCreated; created != (after == before+1) || (!created && after != before) {
			t.Fatalf("status %d but messages %d → %d (body %q, type %q)", res.StatusCode, before, after, body, contentType)
		}
	})
}

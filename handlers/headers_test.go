package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/campfire-go/campfire/db"
)

// csp parses a Content-Security-Policy into directive → sources.
func csp(t *testing.T, header string) map[string][]string {
	t.Helper()
	if header == "" {
		t.Fatal("no Content-Security-Policy")
	}
	out := map[string][]string{}
	for _, d := range strings.Split(header, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			out[strings.ToLower(f[0])] = f[1:]
		}
	}
	return out
}

// checkHeaders asserts the hardening headers of every response and returns
// the style nonce the policy allows ("" if none).
func checkHeaders(t *testing.T, what string, res *http.Response) string {
	t.Helper()
	p := csp(t, res.Header.Get("Content-Security-Policy"))
	scripts, ok := p["script-src"]
	if !ok {
		scripts = p["default-src"]
	}
	if len(scripts) == 0 {
		t.Errorf("%s: no script-src or default-src", what)
	}
	for _, dir := range []string{"default-src", "script-src", "style-src"} {
		for _, src := range p[dir] {
			switch strings.ToLower(src) {
			case "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "data:", "http:", "https:":
				if dir != "style-src" || src != "data:" {
					t.Errorf("%s: %s allows %s", what, dir, src)
				}
			}
		}
	}
	for dir, want := range map[string]string{"object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'"} {
		if got := strings.Join(p[dir], " "); got != want {
			t.Errorf("%s: %s is %q, want %q", what, dir, got, want)
		}
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s: %s is %q, want %q", what, name, got, want)
		}
	}
	for _, src := range p["style-src"] {
		if strings.HasPrefix(src, "'nonce-") {
			return strings.TrimSuffix(strings.TrimPrefix(src, "'nonce-"), "'")
		}
	}
	return ""
}

// checkPageSatisfiesCSP scans a rendered page for anything the policy would
// block or that would need a weaker one: inline scripts, event handler
// attributes, style attributes, javascript: URLs, htmx's hx-on, styles
// without the nonce, and an htmx config that lets htmx eval.
func checkPageSatisfiesCSP(t *testing.T, what string, doc *goquery.Document, nonce string) {
	t.Helper()
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		n := s.Get(0)
		for _, a := range n.Attr {
			name := strings.ToLower(a.Key)
			switch {
			case strings.HasPrefix(name, "on"):
				t.Errorf("%s: <%s %s=%q>: inline event handler", what, n.Data, a.Key, a.Val)
			case name == "style":
				t.Errorf("%s: <%s style=%q>: style attribute", what, n.Data, a.Val)
			case strings.HasPrefix(name, "hx-on"):
				t.Errorf("%s: <%s %s>: hx-on needs eval", what, n.Data, a.Key)
			case (name == "href" || name == "src" || name == "action" || name == "formaction") &&
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				t.Errorf("%s: <%s %s=%q>", what, n.Data, a.Key, a.Val)
			}
		}
		switch n.Data {
		case "script":
			src, ok := s.Attr("src")
			if !ok {
				t.Errorf("%s: inline <script>: %q", what, s.Text())
			} else if !strings.HasPrefix(src, "/static/") {
				t.Errorf("%s: script from %q", what, src)
			}
		case "style":
			if got, _ := s.Attr("nonce"); nonce == "" || got != nonce {
				t.Errorf("%s: <style> with nonce %q, policy allows %q", what, got, nonce)
			}
		}
	})
	if doc.Find("head title").Length() == 0 {
		return // a fragment; the page it lands in carries the config
	}
	if doc.Find("script[src]").Length() == 0 {
		t.Errorf("%s: a page without its scripts", what)
	}
	cfg, ok := doc.Find(`meta[name="htmx-config"]`).Attr("content")
	if !ok {
		t.Errorf("%s: no htmx-config meta", what)
		return
	}
	var c map[string]any
	if err := json.Unmarshal([]byte(cfg), &c); err != nil {
		t.Errorf("%s: htmx-config is not JSON: %v", what, err)
		return
	}
	if c["allowEval"] != false {
		t.Errorf("%s: htmx-config allowEval is %v, want false", what, c["allowEval"])
	}
}

// TestEveryPageHasStrictHeadersAndSatisfiesCSP visits every kind of page and
// fragment, including a room full of hostile messages, and checks headers and
// markup against the policy.
func TestEveryPageHasStrictHeadersAndSatisfiesCSP(t *testing.T) {
	a := newTestApp(t)
	anon := a.anonymous()
	visit := func(c *client, what, path string, headers ...string) {
		t.Helper()
		res := c.get(path, headers...)
		nonce := checkHeaders(t, what, res)
		if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			checkPageSatisfiesCSP(t, what, document(t, res), nonce)
		}
	}
	visit(anon, "first run", "/first_run")

	admin := a.admin()
	room := a.allTalk()
	hostile := []string{
		`<img src="x" onerror="alert(1)">`,
		`<p style="color:red" onclick="alert(1)">styled</p>`,
		`<script>alert(1)</script><a href="javascript:alert(1)">x</a>`,
		`<div hx-on:click="alert(1)" hx-get="/rooms">htmx</div>`,
		`<svg onload=alert(1)><style>*{}</style></svg>`,
		`</div><script>alert(1)</script>`,
		"plain https://example.com/?a=<b>&c=\"d\" :fire:",
	}
	for i, body := range hostile {
		wantStatus(t, admin.post(room, body, fmt.Sprintf("hostile-%d", i)), http.StatusSeeOther)
	}
	msgs, err := a.store.Messages(t.Context(), room, db.Page{})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("no messages: %v", err)
	}
	first := msgs[0]

	visit(anon, "sign in", "/session/new")
	visit(anon, "not found", "/no/such/page")
	visit(admin, "room", fmt.Sprintf("/rooms/%d", room))
	visit(admin, "room at message", fmt.Sprintf("/rooms/%d/@%d", room, first.ID))
	visit(admin, "edit message", fmt.Sprintf("/rooms/%d/messages/%d/edit", room, first.ID))
	visit(admin, "message fragment", fmt.Sprintf("/rooms/%d/messages/%d", room, first.ID), "HX-Request", "true")
	visit(admin, "older messages fragment", fmt.Sprintf("/rooms/%d/messages?before=%d", room, msgs[len(msgs)-1].ID), "HX-Request", "true")
	visit(admin, "missing room", "/rooms/999999")
	visit(admin, "bad stream", "/events?room_id=x")

	// Every GET route in routes.go, including ones added after this test,
	// as a full page and as an htmx fragment.
	replacer := strings.NewReplacer("{roomID}", fmt.Sprint(room), "{messageID}", fmt.Sprint(first.ID))
	for _, route := range declaredRoutes(t) {
		method, pattern, _ := strings.Cut(route, " ")
		if method != http.MethodGet || pattern == "/events" || strings.Contains(pattern, "*") {
			continue
		}
		path := replacer.Replace(pattern)
		visit(admin, route, path)
		visit(admin, route+" (htmx)", path, "HX-Request", "true")
	}

	// Error and form pages rendered from a post.
	res := admin.postForm(fmt.Sprintf("/rooms/%d/messages", room), url.Values{"message[body]": {""}})
	checkPageSatisfiesCSP(t, "composer error", document(t, res), checkHeaders(t, "composer error", res))
	res = anon.postForm("/session", url.Values{"email_address": {"ada@example.com"}, "password": {"wrong"}})
	checkPageSatisfiesCSP(t, "sign-in error", document(t, res), checkHeaders(t, "sign-in error", res))

	// Static files and the health check carry the same headers.
	checkHeaders(t, "health", anon.get("/up"))
}

// TestHostileMessagesRenderInert checks the stored HTML itself: what a
// message shows is what the sanitizer allowed, with nothing that runs.
func TestHostileMessagesRenderInert(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	room := a.allTalk()
	wantStatus(t, admin.post(room, `<b onmouseover="x()">bold</b><iframe src="/"></iframe><form action="/session"><input name="a"></form>`, "inert"), http.StatusSeeOther)
	doc := document(t, admin.get(fmt.Sprintf("/rooms/%d", room)))
	msg := doc.Find("#message_inert")
	if msg.Length() != 1 {
		t.Fatal("message not rendered")
	}
	// The body is what the author controls; the message's own menus have
	// forms and inputs of the app's making.
	if body := msg.Find(".message__body"); body.Length() > 0 {
		msg = body
	}
	if msg.Find("iframe, form, input, object, embed").Length() != 0 {
		h, _ := goquery.OuterHtml(msg)
		t.Fatalf("active elements survived: %s", h)
	}
	for _, n := range msg.Find("*").Nodes {
		for _, attr := range n.Attr {
			if strings.HasPrefix(attr.Key, "on") {
				t.Fatalf("handler survived: %s", attr.Key)
			}
		}
	}
}

package handlers

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Hostile input: every target here asserts a model of what the answer must
// be, not only that nothing panicked. Seeds beyond f.Add live in
// testdata/fuzz/<target>. Run one with, for example:
//
//	go test ./handlers -run '^$' -fuzz '^FuzzPostMessage$' -fuzztime 60s

// FuzzMethodOverride sends arbitrary form posts through the body limit and
// the _method override: the method becomes PUT, PATCH or DELETE exactly when
// the query or a parseable form body asks for it, and the handler still reads
// the body byte for byte.
func FuzzMethodOverride(f *testing.F) {
	f.Add("message%5Bbody%5D=hi&_method=delete", "application/x-www-form-urlencoded", "")
	f.Add("_method=PATCH", "application/x-www-form-urlencoded; charset=utf-8", "")
	f.Add("%5Fmethod=put", "application/x-www-form-urlencoded", "")
	f.Add("_method=put;x=1", "application/x-www-form-urlencoded", "")
	f.Add("_method=GET", "application/x-www-form-urlencoded", "")
	f.Add("plain text body", "text/plain", "delete")
	f.Add("_method=delete", "multipart/form-data; boundary=x", "")
	f.Add("a=%zz&_method=put", "application/x-www-form-urlencoded", "")
	f.Add("", "application/x-www-form-urlencoded", "Patch")
	f.Add("_method=DELETE&_method=PUT", "APPLICATION/X-WWW-FORM-URLENCODED", "")
	f.Fuzz(func(t *testing.T, body, contentType, queryMethod string) {
		target := "/rooms/1/messages/2"
		if queryMethod != "" {
			target += "?" + url.Values{"_method": {queryMethod}}.Encode()
		}
		req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)

		var gotMethod string
		var gotBody []byte
		h := (&Handler{cfg: Config{MaxUpload: DefaultMaxUpload}}).limitBodies(methodOverride(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			gotMethod = r.Method
			gotBody, _ = io.ReadAll(r.Body)
		})))
		h.ServeHTTP(httptest.NewRecorder(), req)

		want := req.URL.Query().Get("_method")
		// A media type with broken parameters still names its type.
		if ct, _, _ := mime.ParseMediaType(contentType); want == "" && ct == "application/x-www-form-urlencoded" {
			if vals, err := url.ParseQuery(body); err == nil {
				want = vals.Get("_method")
			}
		}
		switch strings.ToUpper(want) {
		case http.MethodPut, http.MethodPatch, http.MethodDelete:
			want = strings.ToUpper(want)
		default:
			want = http.MethodPost
		}
		if gotMethod != want {
			t.Errorf("method %q, want %q (body %q, type %q, query %q)", gotMethod, want, body, contentType, queryMethod)
		}
		if !bytes.Equal(gotBody, []byte(body)) {
			t.Errorf("handler read %q, client sent %q", gotBody, body)
		}
	})
}

// FuzzPostMessage posts arbitrary bodies and client_message_ids through the
// real router as a signed-in member. Nothing may answer 5xx; a post is stored
// exactly when it is answered 303, once per client_message_id, so the number
// of messages always equals the number of distinct accepted ids.
func FuzzPostMessage(f *testing.F) {
	a := newTestApp(f)
	a.admin()
	bob := a.member("Bob Builder")
	room := a.allTalk()

	f.Add("<div>Hello <strong>world</strong></div>", "cm-1", false)
	f.Add("hello again", "cm-1", false)
	f.Add("", "cm-empty", false)
	f.Add("   \n\t ", "cm-blank", false)
	f.Add("no id given", "", false)
	f.Add("bad id", "has space", false)
	f.Add("bad id", strings.Repeat("x", 65), false)
	f.Add(`<img src=x onerror=alert(1)><script>alert(1)</script>`, "cm-xss", true)
	f.Add("\xff\xfe\x00 invalid utf-8", "cm-bytes", false)
	f.Add(strings.Repeat("long ", 2500), "cm-long", false)
	f.Add(`<hx-partial hx-target="body">gotcha</hx-partial>`, "cm-partial", true)
	f.Add("@Bob Builder :fire: /play trombone", "cm-play", true)

	var (
		mu       sync.Mutex
		accepted = map[string]bool{}
		anon     int // accepted posts without an id get one from the server
	)
	f.Fuzz(func(t *testing.T, body, cmid string, htmx bool) {
		mu.Lock()
		defer mu.Unlock()
		before := a.countMessages(t)
		form := url.Values{"message[body]": {body}, "message[client_message_id]": {cmid}}
		var headers []string
		if htmx {
			headers = []string{"HX-Request", "true"}
		}
		status, resBody := bob.try(t, http.MethodPost, fmt.Sprintf("/rooms/%d/messages", room),
			"application/x-www-form-urlencoded", form.Encode(), headers...)
		if status >= 500 {
			t.Fatalf("status %d for body %q cmid %q:\n%s", status, body, cmid, resBody)
		}
		ok := (!htmx && status == http.StatusSeeOther) || (htmx && status == http.StatusOK)
		if ok {
			if cmid == "" {
				anon++
			} else {
				accepted[cmid] = true
			}
		} else if status != http.StatusUnprocessableEntity && status != http.StatusBadRequest &&
			status != http.StatusRequestEntityTooLarge && status != http.StatusTooManyRequests {
			t.Fatalf("unexpected status %d for body %q cmid %q", status, body, cmid)
		}
		after := a.countMessages(t)
		if want := len(accepted) + anon; after != want {
			t.Fatalf("%d messages stored, want %d (status %d, body %q, cmid %q)", after, want, status, body, cmid)
		}
		if !ok && after != before {
			t.Fatalf("a refused post (%d) changed the message count %d → %d", status, before, after)
		}
	})
}

// FuzzParseCursor: a cursor is accepted exactly when it is empty or a
// non-negative decimal integer, and then means that integer.
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"", "0", "1", "42", "-1", "+7", "007", "1e3", " 5", "9223372036854775807",
		"9223372036854775808", "0x10", "abc", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseCursor(s)
		if s == "" {
			if err != nil || n != 0 {
				t.Fatalf("empty cursor: %d %v", n, err)
			}
			return
		}
		want, perr := strconv.ParseInt(s, 10, 64)
		if perr != nil || want < 0 {
			if err == nil {
				t.Fatalf("accepted %q as %d", s, n)
			}
			return
		}
		if err != nil || n != want {
			t.Fatalf("%q: got %d %v, want %d", s, n, err, want)
		}
	})
}

// FuzzStreamCursor opens /events with arbitrary after= and Last-Event-ID
// values: a bad after= is a 400, a bad Last-Event-ID is ignored, and nothing
// is ever a 5xx.
func FuzzStreamCursor(f *testing.F) {
	a := newTestApp(f)
	admin := a.admin()
	room := a.allTalk()
	admin.post(room, "one", "one")

	for _, s := range [][2]string{
		{"0", ""}, {"1", "1"}, {"", "-1"}, {"-1", "5"}, {"abc", "abc"}, {"1", "99999999999999999999"},
		{"9223372036854775807", "9223372036854775807"}, {"1", "  7  "}, {"%00", "\x7f"}, {"1", "1,2"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, after, lastEventID string) {
		q := url.Values{"room_id": {strconv.FormatInt(room, 10)}, "after": {after}}
		var headers []string
		if lastEventID != "" {
			headers = []string{"Last-Event-ID", lastEventID}
		}
		status := admin.tryStream(t, q.Encode(), headers...)
		want := http.StatusOK
		if _, err := parseCursor(after); err != nil {
			want = http.StatusBadRequest
		}
		if status != want {
			t.Fatalf("after=%q Last-Event-ID=%q: status %d, want %d", after, lastEventID, status, want)
		}
	})
}

// FuzzSignIn posts arbitrary sign-in forms, each from a new address: only the
// right email and password sign in (303); a malformed form is 400, anything
// else 401; never a 5xx.
func FuzzSignIn(f *testing.F) {
	a := newTestApp(f)
	a.admin()
	a.member("Fuzz Person") // fuzz.person@example.com / secret-password
	var ips atomic.Int64

	for _, s := range []string{
		"email_address=fuzz.person%40example.com&password=secret-password",
		"email_address=fuzz.person%40example.com&password=wrong",
		"email_address=FUZZ.PERSON%40example.com&password=secret-password",
		"email_address=&password=",
		"email_address=fuzz.person%40example.com&password=secret-password;",
		"email_address=%zz",
		"password=secret-password&email_address=fuzz.person@example.com&email_address=x",
		"email_address=' OR 1=1 --&password=x",
		"\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		c := a.freshAnonymous(&ips)
		status, resBody := c.try(t, http.MethodPost, "/session", "application/x-www-form-urlencoded", body)
		vals, err := url.ParseQuery(body)
		want := http.StatusUnauthorized
		switch {
		case err != nil:
			want = http.StatusBadRequest
		case signInMatches(vals.Get("email_address"), vals.Get("password")):
			want = http.StatusSeeOther
		}
		if status != want {
			t.Fatalf("body %q: status %d, want %d\n%s", body, status, want, resBody)
		}
	})
}

// signInMatches is the one pair of credentials FuzzSignIn's person has.
func signInMatches(email, password string) bool {
	// Addresses are compared lower-cased and trimmed, as the store does.
	return strings.ToLower(strings.TrimSpace(email)) == "fuzz.person@example.com" && password == "secret-password"
}

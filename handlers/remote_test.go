package handlers

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// throughProxy sends req as a proxy that appends its own header lines would:
// the browser's lines first, then the proxy's. c.do would replace them all.
func (c *client) throughProxy(t *testing.T, req *http.Request, header string, lines ...string) *http.Response {
	t.Helper()
	for _, l := range lines {
		req.Header.Add(header, l)
	}
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}

func (c *client) badSignIn(t *testing.T, spoofed string) *http.Response {
	t.Helper()
	// An account of its own per spoofed line: the address limit is tested,
	// not the per-account one.
	form := url.Values{"email_address": {"nobody-" + spoofed + "@example.com"}, "password": {"wrong"}}
	req, _ := http.NewRequest(http.MethodPost, c.app.srv.URL+"/session", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.throughProxy(t, req, "X-Forwarded-For", spoofed, c.ip)
}

// Behind a proxy that adds its own X-Forwarded-For line, a browser that sends
// a line of its own with a new address each time still meets the sign-in
// limit of the address the proxy saw. (Before the fix only the first line was
// read: every attempt counted against a made-up address, and all passed.)
func TestSpoofedForwardedLineMeetsTheSignInLimit(t *testing.T) {
	a := newTestApp(t)
	a.admin()
	c := a.anonymous()
	for i := range addressFailureLimit {
		if res := c.badSignIn(t, fmt.Sprintf("198.51.100.%d", i+1)); res.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("attempt %d already limited", i+1)
		}
	}
	wantStatus(t, c.badSignIn(t, "198.51.100.200"), http.StatusTooManyRequests)
	// Another address is not limited by it.
	if res := a.anonymous().badSignIn(t, c.ip); res.StatusCode == http.StatusTooManyRequests {
		t.Fatal("a browser that claims the limited address is limited too")
	}
}

// A banned address stays banned when the browser sends an X-Forwarded-For
// line of its own before the proxy's. (Before the fix the made-up first line
// was checked, and the request went through.)
func TestSpoofedForwardedLineMeetsTheBan(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	spammer := a.member("Sam Spammer")
	wantStatus(t, admin.postForm(fmt.Sprintf("/users/%d/ban", spammer.user.ID), nil), http.StatusSeeOther)

	c := a.anonymous().fromIP(spammer.ip)
	wantStatus(t, c.badSignIn(t, "198.51.100.7"), http.StatusTooManyRequests)
}

// The links a page shows and the Secure flag of the cookie it sets agree on
// the scheme, whichever way the proxy writes X-Forwarded-Proto. (Before the
// fix "http, https" gave an http join link but a Secure cookie, and an added
// "http" line after the browser's "https" a Secure cookie for a plain-HTTP
// browser.)
func TestLinksAndSecureCookiesAgreeOnTheScheme(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		https bool
	}{
		{"one https", []string{"https"}, true},
		{"a chain on one line", []string{"http, https"}, true},
		{"the proxy's own line", []string{"https", "http"}, false},
		{"the proxy's own line, TLS", []string{"http", "HTTPS"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestApp(t)
			admin := a.admin()

			req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/account/edit", nil)
			req.Header.Set("X-Forwarded-For", admin.ip)
			res := admin.throughProxy(t, req, "X-Forwarded-Proto", tc.lines...)
			wantStatus(t, res, http.StatusOK)
			body, _ := io.ReadAll(res.Body)
			host := strings.TrimPrefix(a.srv.URL, "http://")
			want := "http://" + host + "/join/"
			if tc.https {
				want = "https://" + host + "/join/"
			}
			if !strings.Contains(string(body), want) {
				t.Errorf("the account page has no join link starting %s", want)
			}

			form := url.Values{"email_address": {"ada@example.com"}, "password": {"secret-password"}}
			req, _ = http.NewRequest(http.MethodPost, a.srv.URL+"/session", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", admin.ip)
			res = a.anonymous().throughProxy(t, req, "X-Forwarded-Proto", tc.lines...)
			wantStatus(t, res, http.StatusSeeOther)
			if got := sessionCookie(t, res).Secure; got != tc.https {
				t.Errorf("session cookie Secure %v, want %v", got, tc.https)
			}
		})
	}
}

func TestRemote(t *testing.T) {
	trusted := &Handler{cfg: Config{TrustProxy: true}}
	direct := &Handler{}
	for _, tc := range []struct {
		name   string
		h      *Handler
		tls    bool
		header http.Header
		want   remote
	}{
		{"no proxy", direct, false, nil, remote{IP: "192.0.2.1", Host: "chat.example"}},
		{"no proxy, TLS", direct, true, nil, remote{IP: "192.0.2.1", TLS: true, Host: "chat.example"}},
		{"untrusted headers", direct, false, http.Header{"X-Forwarded-For": {"198.51.100.1"}, "X-Forwarded-Proto": {"https"}},
			remote{IP: "192.0.2.1", Host: "chat.example"}},
		{"the proxy's entry", trusted, false, http.Header{"X-Forwarded-For": {"10.0.0.1, 198.51.100.1"}},
			remote{IP: "198.51.100.1", Host: "chat.example"}},
		{"the proxy's line", trusted, false, http.Header{"X-Forwarded-For": {"10.0.0.1", "198.51.100.1, 2001:db8::1"}},
			remote{IP: "2001:db8::1", Host: "chat.example"}},
		{"an unreadable last entry is not skipped", trusted, false, http.Header{"X-Forwarded-For": {"198.51.100.1", "unknown"}},
			remote{IP: "192.0.2.1", Host: "chat.example"}},
		{"an empty last entry is not skipped", trusted, false, http.Header{"X-Forwarded-For": {"198.51.100.1,"}},
			remote{IP: "192.0.2.1", Host: "chat.example"}},
		{"plain HTTP at the proxy, TLS to us", trusted, true, http.Header{"X-Forwarded-Proto": {"http"}},
			remote{IP: "192.0.2.1", Host: "chat.example"}},
		{"an unknown scheme keeps the connection's", trusted, true, http.Header{"X-Forwarded-Proto": {"wss"}},
			remote{IP: "192.0.2.1", TLS: true, Host: "chat.example"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "http://chat.example/", nil)
			r.RemoteAddr = "192.0.2.1:4321"
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range tc.header {
				r.Header[k] = v
			}
			if got := tc.h.remote(r); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

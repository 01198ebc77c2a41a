package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/campfire-go/campfire/internal/live"
	"golang.org/x/crypto/bcrypt"
)

func sessionCookie(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range res.Cookies() {
		if c.Name == "session_token" {
			return c
		}
	}
	t.Fatalf("%s %s: no session_token cookie", res.Request.Method, res.Request.URL.Path)
	return nil
}

// signInWith signs a new person in with extra request headers and returns
// the sign-in response.
func (a *testApp) signInWith(t *testing.T, name string, headers ...string) (*client, *http.Response) {
	t.Helper()
	email := fmt.Sprintf("%s@example.com", name)
	digest, _ := bcrypt.GenerateFromPassword([]byte("secret-password"), bcrypt.MinCost)
	u, err := a.store.CreateMember(context.Background(), name, email, string(digest))
	if err != nil {
		t.Fatal(err)
	}
	c := a.anonymous()
	c.user = u
	res := c.postForm("/session", url.Values{"email_address": {email}, "password": {"secret-password"}}, headers...)
	wantStatus(t, res, http.StatusSeeOther)
	return c, res
}

func TestSessionCookieFlags(t *testing.T) {
	behindTLS := []string{"X-Forwarded-Proto", "https"}
	for _, tc := range []struct {
		name       string
		opt        testOption
		headers    []string
		wantSecure bool
	}{
		{"plain HTTP", nil, nil, false},
		{"TLS at a trusted proxy", nil, behindTLS, true},
		{"TLS at a proxy chain", nil, []string{"X-Forwarded-Proto", "http, https"}, true},
		{"claimed TLS, proxy not trusted", func(c *Config, _ *live.Options) { c.TrustProxy = false }, behindTLS, false},
		{"Secure forced", func(c *Config, _ *live.Options) { c.SecureCookies = true }, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []testOption
			if tc.opt != nil {
				opts = append(opts, tc.opt)
			}
			a := newTestAppAt(t, t.TempDir()+"/campfire.db", opts...)
			a.admin()
			c, res := a.signInWith(t, "cookie", tc.headers...)
			ck := sessionCookie(t, res)
			if !ck.HttpOnly {
				t.Error("session cookie is not HttpOnly")
			}
			if ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("SameSite is %v, want Lax", ck.SameSite)
			}
			if ck.Secure != tc.wantSecure {
				t.Errorf("Secure is %v, want %v", ck.Secure, tc.wantSecure)
			}
			// Signing out replaces the cookie with the same flags.
			req, _ := http.NewRequest(http.MethodDelete, a.srv.URL+"/session", nil)
			req.AddCookie(&http.Cookie{Name: "session_token", Value: ck.Value})
			setHeaders(req, tc.headers)
			out := c.do(req)
			wantStatus(t, out, http.StatusSeeOther)
			if gone := sessionCookie(t, out); gone.Secure != tc.wantSecure || gone.MaxAge >= 0 {
				t.Errorf("sign-out cookie: Secure %v MaxAge %d", gone.Secure, gone.MaxAge)
			}
		})
	}
}

// TestStreamsWorkThroughTheSecureCookieWriter: the writer that marks cookies
// must still flush event streams.
func TestStreamsWorkThroughTheSecureCookieWriter(t *testing.T) {
	a := newTestApp(t)
	admin := a.admin()
	if status := admin.tryStream(t, fmt.Sprintf("room_id=%d&after=0", a.allTalk()), "X-Forwarded-Proto", "https"); status != http.StatusOK {
		t.Fatalf("stream behind TLS: %d", status)
	}
}

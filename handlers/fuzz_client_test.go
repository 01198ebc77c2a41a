package handlers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Fuzz targets get a fresh *testing.T per input, while the app (and its
// clients) belong to the *testing.F: these helpers fail the input's T.

// try sends a request from the client, reporting the input's failures on t.
// It returns the status and the body read in full.
func (c *client) try(t *testing.T, method, path, contentType, body string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, c.app.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Skipf("not a request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	setHeaders(req, headers)
	res, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// tryStream opens /events, returns the status as soon as headers arrive and
// hangs up: a 200 would otherwise stream forever.
func (c *client) tryStream(t *testing.T, query string, headers ...string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.app.srv.URL+"/events?"+query, nil)
	if err != nil {
		t.Skipf("not a request: %v", err)
	}
	req.Header.Set("X-Forwarded-For", c.ip)
	setHeaders(req, headers)
	hc := *c.http
	hc.Timeout = 0
	res, err := hc.Do(req)
	if err != nil {
		if strings.Contains(err.Error(), "invalid header field") {
			t.Skip("the client refuses to send this header; so would any proxy")
		}
		t.Fatal(err)
	}
	cancel()
	res.Body.Close()
	return res.StatusCode
}

// freshAnonymous is a browser with no cookies from an address never seen
// before, so per-address limits do not mix inputs.
func (a *testApp) freshAnonymous(n *atomic.Int64) *client {
	jar, _ := cookiejar.New(nil)
	i := n.Add(1)
	return &client{
		app: a,
		ip:  fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255),
		http: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
}

// countMessages counts every stored message.
func (a *testApp) countMessages(t testing.TB) int {
	t.Helper()
	var n int
	if err := a.store.Writer().QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

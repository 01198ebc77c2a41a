package handlers

import (
	"io"
	"net/http"
	"testing"
)

func TestUpChecksTheDatabase(t *testing.T) {
	a := newTestApp(t)
	c := a.anonymous()
	res := c.get("/up")
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	if len(res.Cookies()) != 0 {
		t.Errorf("a health check set cookies: %v", res.Cookies())
	}

	// With the database gone the check fails, so a load balancer stops
	// sending people to a server that cannot store their messages.
	if err := a.store.Close(); err != nil {
		t.Fatal(err)
	}
	res = c.get("/up")
	wantStatus(t, res, http.StatusServiceUnavailable)
	if body, _ := io.ReadAll(res.Body); string(body) != "database unavailable\n" {
		t.Errorf("body %q", body)
	}
}

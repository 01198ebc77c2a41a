package handlers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/campfire-go/campfire/internal/model"
)

// sendForm sends a form with a real method (PUT, PATCH, DELETE or POST).
func (c *client) sendForm(method, path string, form url.Values, headers ...string) *http.Response {
	c.app.t.Helper()
	return c.send(method, path, "application/x-www-form-urlencoded", form.Encode(), headers...)
}

// user reloads a user from the database.
func (a *testApp) user(id int64) model.User {
	a.t.Helper()
	u, err := a.store.User(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

func (a *testApp) account() model.Account {
	a.t.Helper()
	acc, err := a.store.Account(context.Background())
	if err != nil {
		a.t.Fatal(err)
	}
	return acc
}

// count runs a COUNT query on the writer, which sees every commit.
func (a *testApp) count(query string, args ...any) int {
	a.t.Helper()
	var n int
	if err := a.store.Writer().QueryRow(query, args...).Scan(&n); err != nil {
		a.t.Fatal(err)
	}
	return n
}

// signedInAs reports which user, if any, the client's session signs in, by
// asking the server for a page that names the current user.
func (c *client) signedInAs(t testing.TB) int64 {
	t.Helper()
	res := c.get("/users/me/profile")
	if res.StatusCode != http.StatusOK {
		return 0
	}
	id, _ := document(t, res).Find(`meta[name="current-user-id"]`).Attr("content")
	n, _ := parseID(id)
	return n
}

// fromIP makes the client's requests come from the address.
func (c *client) fromIP(ip string) *client {
	c.ip = ip
	return c
}

func (c *client) mustPost(t testing.TB, roomID int64, body, cmid string) {
	t.Helper()
	wantStatus(t, c.post(roomID, body, cmid), http.StatusSeeOther)
}

func decodeJSON(t testing.TB, res *http.Response, v any) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON", ct)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// waitClosed waits for the server to end the stream.
func (s *sseStream) waitClosed(t testing.TB) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-s.events:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the stream is still open")
		}
	}
}

type goquerySelection = goquery.Selection

func readAll(t testing.TB, res *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

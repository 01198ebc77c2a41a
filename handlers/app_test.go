package handlers

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"golang.org/x/crypto/bcrypt"
)

// testApp is the real app (router, store on a SQLite file, hub, chat) served
// by httptest.
type testApp struct {
	t      testing.TB
	dbPath string
	store  *db.Store
	hub    *live.Hub
	chat   *chat.Service
	h      *Handler
	srv    *httptest.Server
	ips    atomic.Int64
	notify *testNotify // webhooks and Web Push, see notify_harness_test.go
	files  *files.Store
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	return newTestAppAt(t, filepath.Join(t.TempDir(), "campfire.db"))
}

// testOption adjusts the app's configuration before it starts.
type testOption func(*Config, *live.Options)

// newTestAppAt serves the app on an existing database file, as a restarted
// server would.
func newTestAppAt(t testing.TB, path string, opts ...testOption) *testApp {
	t.Helper()
	return newTestAppLogging(t, path, slog.New(slog.NewTextHandler(io.Discard, nil)), opts...)
}

// newTestAppLogging is newTestAppAt with the app's log going to log.
func newTestAppLogging(t testing.TB, path string, log *slog.Logger, opts ...testOption) *testApp {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	last, err := store.LastEventID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// TrustProxy lets each test client claim its own address, so the sign-in
	// rate limit (per address) does not bite tests that sign in many people.
	// Tests post in bulk; the post limit has its own test that sets it.
	blobs, err := files.Open(filepath.Join(filepath.Dir(path), "files"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{TrustProxy: true, PostLimit: 1 << 20, BotPostLimit: 1 << 20, PasswordCost: bcrypt.MinCost, Files: blobs}
	liveOpts := live.Options{LastEventID: last, Heartbeat: time.Second}
	for _, o := range opts {
		o(&cfg, &liveOpts)
	}
	hub := live.New(log, liveOpts)
	c := chat.New(store, hub, log)
	// Files beside the database are collected at start, as app.New does.
	if _, err := files.Collect(ctx, blobs, store); err != nil {
		t.Fatal(err)
	}
	c.UseFiles(blobs, cmp.Or(cfg.MaxUpload, DefaultMaxUpload))
	hub.OnPresence(c.PresenceChanged)
	h := New(cfg, store, hub, c, log)
	a := &testApp{t: t, dbPath: path, store: store, hub: hub, chat: c, h: h, files: blobs}
	a.notify = newTestNotify(t, store, hub, c, h, log)
	a.srv = httptest.NewServer(h.Routes())
	t.Cleanup(a.stop)
	return a
}

func (a *testApp) stop() {
	if a.srv == nil {
		return
	}
	a.hub.Close()
	a.srv.CloseClientConnections()
	a.srv.Close()
	a.notify.close()
	a.chat.Close()
	a.h.Close()
	a.store.Close()
	a.srv = nil
}

// client is one browser: a cookie jar and its own address.
type client struct {
	app  *testApp
	http *http.Client
	ip   string
	user model.User
}

func (a *testApp) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{
		app: a,
		ip:  fmt.Sprintf("203.0.113.%d", a.ips.Add(1)%250+1),
		http: &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
	}
}

// admin runs the first run and returns the signed-in administrator.
func (a *testApp) admin() *client {
	a.t.Helper()
	c := a.anonymous()
	res := c.postForm("/first_run", url.Values{
		"user[name]": {"Ada Admin"}, "user[email_address]": {"ada@example.com"}, "user[password]": {"secret-password"},
	})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("first run: %d", res.StatusCode)
	}
	u, err := a.store.ActiveUserByEmail(context.Background(), "ada@example.com")
	if err != nil {
		a.t.Fatal(err)
	}
	c.user = u
	return c
}

// member adds a person (a member of every open room) and signs them in.
func (a *testApp) member(name string) *client {
	a.t.Helper()
	email := strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"
	digest, _ := bcrypt.GenerateFromPassword([]byte("secret-password"), bcrypt.MinCost)
	u, err := a.store.CreateMember(context.Background(), name, email, string(digest))
	if err != nil {
		a.t.Fatal(err)
	}
	c := a.anonymous()
	res := c.postForm("/session", url.Values{"email_address": {email}, "password": {"secret-password"}})
	if res.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("sign in %s: %d", name, res.StatusCode)
	}
	c.user = u
	return c
}

func (c *client) do(req *http.Request) *http.Response {
	c.app.t.Helper()
	req.Header.Set("X-Forwarded-For", c.ip)
	res, err := c.http.Do(req)
	if err != nil {
		c.app.t.Fatal(err)
	}
	c.app.t.Cleanup(func() { res.Body.Close() })
	return res
}

func (c *client) get(path string, headers ...string) *http.Response {
	c.app.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.app.srv.URL+path, nil)
	setHeaders(req, headers)
	return c.do(req)
}

func (c *client) postForm(path string, form url.Values, headers ...string) *http.Response {
	c.app.t.Helper()
	return c.send(http.MethodPost, path, "application/x-www-form-urlencoded", form.Encode(), headers...)
}

func (c *client) send(method, path, contentType, body string, headers ...string) *http.Response {
	c.app.t.Helper()
	req, _ := http.NewRequest(method, c.app.srv.URL+path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	setHeaders(req, headers)
	return c.do(req)
}

func setHeaders(req *http.Request, kv []string) {
	for i := 0; i+1 < len(kv); i += 2 {
		req.Header.Set(kv[i], kv[i+1])
	}
}

// post sends a message from this client as a plain form would.
func (c *client) post(roomID int64, body, cmid string) *http.Response {
	c.app.t.Helper()
	return c.postForm(fmt.Sprintf("/rooms/%d/messages", roomID), url.Values{
		"message[body]": {body}, "message[client_message_id]": {cmid},
	})
}

func (a *testApp) allTalk() int64 {
	a.t.Helper()
	var id int64
	rooms, err := a.store.SidebarRooms(context.Background(), 1)
	if err != nil || len(rooms) == 0 {
		a.t.Fatalf("no rooms: %v", err)
	}
	id = rooms[0].ID
	return id
}

func document(t testing.TB, res *http.Response) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func wantStatus(t testing.TB, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		body, _ := io.ReadAll(res.Body)
		t.Fatalf("%s %s: status %d, want %d\n%s", res.Request.Method, res.Request.URL.Path, res.StatusCode, want, body)
	}
}

func (a *testApp) messageCount() int {
	a.t.Helper()
	var msgs []model.Message
	msgs, err := a.store.Messages(context.Background(), a.allTalk(), db.Page{})
	if err != nil {
		a.t.Fatal(err)
	}
	return len(msgs)
}

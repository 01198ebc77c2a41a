//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
	campfire "github.com/campfire-go/campfire/internal/app"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/model"
	"golang.org/x/crypto/bcrypt"
)

// password is every seeded person's password.
const password = "secret-password"

// app is the real server (internal/app, as cmd/campfire builds it) on a
// fixed 127.0.0.1 port and a SQLite file in the test's temp dir. It can be
// stopped and started again on the same port and file while browsers keep
// their pages open.
type app struct {
	t      testing.TB
	dbPath string
	addr   string
	URL    string
	logs   *syncBuffer

	srv  *campfire.Server
	stop context.CancelFunc
	done chan error

	readRate atomic.Int64 // slowReads
}

func newApp(t testing.TB) *app {
	t.Helper()
	a := &app{t: t, dbPath: filepath.Join(t.TempDir(), "campfire.db"), logs: &syncBuffer{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a.addr = ln.Addr().String()
	a.URL = "http://" + a.addr
	a.serve(ln)
	t.Cleanup(func() {
		a.Stop()
		if logs := a.logs.String(); t.Failed() && logs != "" {
			t.Logf("server log:\n%s", logs)
		}
	})
	return a
}

// Start serves again on the same port and database after Stop.
func (a *app) Start() {
	a.t.Helper()
	var ln net.Listener
	var err error
	// The port was ours a moment ago; the kernel may take a beat to free it.
	deadline := time.Now().Add(5 * time.Second)
	for {
		if ln, err = net.Listen("tcp", a.addr); err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		a.t.Fatalf("listen again on %s: %v", a.addr, err)
	}
	a.serve(ln)
}

func (a *app) serve(ln net.Listener) {
	a.t.Helper()
	log := slog.New(slog.NewTextHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := campfire.New(context.Background(), campfire.Config{DBPath: a.dbPath, AllowLocalFetch: true}, log)
	if err != nil {
		ln.Close()
		a.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a.srv, a.stop, a.done = srv, cancel, make(chan error, 1)
	slow := slowListener{Listener: ln, rate: &a.readRate}
	go func() { a.done <- srv.Serve(ctx, slow) }()
}

// Stop shuts the server down as a signal would: streams close, the listener
// goes away, the database is closed. Pages in the browser stay open.
func (a *app) Stop() {
	a.t.Helper()
	if a.srv == nil {
		return
	}
	a.stop()
	if err := <-a.done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.t.Errorf("serve: %v", err)
	}
	if err := a.srv.Close(); err != nil {
		a.t.Errorf("close: %v", err)
	}
	a.srv = nil
}

// Store is the running server's store.
func (a *app) Store() *db.Store {
	a.t.Helper()
	if a.srv == nil {
		a.t.Fatal("the server is stopped")
	}
	return a.srv.Store
}

// seedUser makes a person who can sign in: the administrator (with the
// account and All Talk) for the first, members of every open room after.
func (a *app) seedUser(name string) model.User {
	a.t.Helper()
	ctx := context.Background()
	digest, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		a.t.Fatal(err)
	}
	email := emailOf(name)
	has, err := a.Store().HasUsers(ctx)
	if err != nil {
		a.t.Fatal(err)
	}
	var u model.User
	if !has {
		u, err = a.Store().FirstRun(ctx, db.FirstRunParams{Name: name, Email: email, PasswordDigest: string(digest), JoinCode: "e2e-join-code"})
	} else {
		u, err = a.Store().CreateMember(ctx, name, email, string(digest))
	}
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

func emailOf(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com"
}

// allTalk is the id of the room the first run made.
func (a *app) allTalk(u model.User) int64 {
	a.t.Helper()
	id, err := a.Store().FirstRoomID(context.Background(), u.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	return id
}

// messages lists a room's stored messages (the newest page).
func (a *app) messages(roomID int64) []model.Message {
	a.t.Helper()
	msgs, err := a.Store().Messages(context.Background(), roomID, db.Page{})
	if err != nil {
		a.t.Fatal(err)
	}
	return msgs
}

// postOffline posts a message while the server is stopped, through the chat
// service on the same database file, as another process on the host would.
// Nobody is listening, so it only reaches browsers by replay.
func (a *app) postOffline(roomID int64, author model.User, body string) model.Message {
	a.t.Helper()
	if a.srv != nil {
		a.t.Fatal("postOffline needs the server stopped")
	}
	ctx := context.Background()
	store, err := db.Open(ctx, a.dbPath)
	if err != nil {
		a.t.Fatal(err)
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	hub := live.New(log, live.Options{})
	defer hub.Close()
	room, err := store.MemberRoom(ctx, roomID, author.ID)
	if err != nil {
		a.t.Fatal(err)
	}
	posted, err := chat.New(store, hub, log).Post(ctx, chat.PostParams{Room: room, Creator: author, Body: body})
	if err != nil {
		a.t.Fatal(err)
	}
	return posted.Message
}

// syncBuffer collects the server's log for a failing test's report.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsKeepNoBotKeys: a bot's key, its only credential, is in the path of
// every bot API request; the request log (at debug, the most verbose) shows
// the path without it (issue 19, item 14).
func TestLogsKeepNoBotKeys(t *testing.T) {
	var logs syncBuffer
	a := newTestAppLogging(t, filepath.Join(t.TempDir(), "campfire.db"),
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	admin := a.admin()
	bot := admin.createBot(t, "Logbot", "")
	room := a.allTalk()

	wantStatus(t, botPost(t, a, room, bot.Key(), "text/plain", "hello"), http.StatusCreated)
	botCall(t, a, http.MethodGet, fmt.Sprintf("/rooms/%d/%s/messages", room, bot.Key()), "", "")
	botCall(t, a, http.MethodGet, fmt.Sprintf("/rooms/999/%s/messages", bot.Key()), "", "")
	wrong := bot.Key()[:len(bot.Key())-1] + "x"
	botCall(t, a, http.MethodGet, fmt.Sprintf("/rooms/%d/%s/messages", room, wrong), "", "")

	out := logs.String()
	if !strings.Contains(out, fmt.Sprintf("/rooms/%d/[bot-key]/messages", room)) {
		t.Fatalf("bot requests not logged as expected:\n%s", out)
	}
	if strings.Contains(out, bot.Token) || strings.Contains(out, wrong) {
		t.Errorf("a bot key reached the log:\n%s", out)
	}
}

// TestClientsLeavingAreNotLoggedAsErrors: a request cut short because its
// client went away is logged at debug; anyone can do that at will, so at
// ERROR it would let anyone fill the error log. A failure with the client
// still there stays an error.
func TestClientsLeavingAreNotLoggedAsErrors(t *testing.T) {
	var logs syncBuffer
	a := newTestAppLogging(t, filepath.Join(t.TempDir(), "campfire.db"),
		slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for name, fail := range map[string]func(http.ResponseWriter, *http.Request, error){
		"page": a.h.serverError, "bot": a.h.botServerError,
	} {
		before := strings.Count(logs.String(), "level=ERROR")
		r := httptest.NewRequestWithContext(gone, http.MethodGet, "/rooms/1", nil)
		fail(httptest.NewRecorder(), r, fmt.Errorf("query: %w", context.Canceled))
		if n := strings.Count(logs.String(), "level=ERROR"); n != before {
			t.Errorf("%s: a client leaving was logged at ERROR:\n%s", name, logs.String())
		}
		if !strings.Contains(logs.String(), "level=DEBUG") {
			t.Errorf("%s: a client leaving was not logged at all", name)
		}
		rec := httptest.NewRecorder()
		fail(rec, httptest.NewRequest(http.MethodGet, "/rooms/1", nil), errors.New("disk I/O error"))
		if n := strings.Count(logs.String(), "level=ERROR"); n != before+1 || rec.Code != http.StatusInternalServerError {
			t.Errorf("%s: a real failure: %d errors logged, status %d", name, n-before, rec.Code)
		}
	}
}

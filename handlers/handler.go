// Package handlers is the HTTP surface: routes, middleware, and one file per
// noun. Handlers parse requests, call the store or the chat service, and render
// views; they hold no business rules of their own.
package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/streamtoken"
)

// SessionCookie names the cookie of a signed-in browser.
const SessionCookie = "session_token"

// Config is what the handlers need to know about their deployment.
type Config struct {
	// TrustProxy honours X-Forwarded-For and X-Forwarded-Proto from a reverse proxy.
	TrustProxy bool
	// SecureCookies marks the session cookie Secure (always, not only behind TLS).
	SecureCookies bool
	// BaseURL, like https://chat.example.com, is the app's address for
	// absolute links; empty uses each request's scheme and Host.
	BaseURL string
	// SessionLifetime is how long a sign-in lasts unused; each use renews it.
	// Zero means a year, as in Campfire.
	SessionLifetime time.Duration
	// PostLimit messages per PostWindow is the most one person may post;
	// more is answered 429. Zero means the defaults (60 per 10 seconds:
	// far above anyone typing, low enough to stop a script flooding a room).
	PostLimit  int
	PostWindow time.Duration
	// BotPostLimit posts per BotPostWindow is the most one bot may post. A
	// bot posts in bursts no person does (a CI run reporting a hundred
	// results at once), so it has its own, higher limit. Zero means the
	// defaults (300 per minute).
	BotPostLimit  int
	BotPostWindow time.Duration
	// Files is the storage of uploaded files (avatars, the logo, link
	// preview images).
	Files *files.Store
	// MaxUpload is the largest file one upload may carry; zero means
	// DefaultMaxUpload. Other bodies stay under 1 MiB.
	MaxUpload int64
	// PasswordCost is the bcrypt cost of new password hashes; zero means
	// bcrypt's default. Tests lower it: at full cost a hash under the race
	// detector takes seconds.
	PasswordCost int
}

// DefaultMaxUpload is the largest file an upload may carry when nothing
// else is configured.
const DefaultMaxUpload = 100 << 20

// DefaultSessionLifetime is how long a sign-in lasts unused when nothing
// else is configured.
const DefaultSessionLifetime = 365 * 24 * time.Hour

// Handler holds every dependency of the HTTP handlers.
type Handler struct {
	cfg      Config
	push     pushSetup // Web Push, once EnablePush is called
	store    *db.Store
	sessions *scs.SessionManager
	hub      *live.Hub
	chat     *chat.Service
	log      *slog.Logger
	// failures counts wrong passwords and join codes per address,
	// accountFailures wrong passwords per account.
	failures        *rateLimiter
	accountFailures *rateLimiter
	posts           *rateLimiter
	botPosts        *rateLimiter
	// transfer is the secret of session-transfer links, read once.
	transfer transferKey
	// tokens makes and checks stream tokens (stream_tokens.go); nil when
	// they could not be set up, and streams then use the cookie.
	tokens *streamtoken.Keeper
	// cookieStream is the stream behind the session's middleware, for
	// requests without a good token.
	cookieStream http.Handler
	stopGC       func()
	// stopChecks ends the check of open streams' sign-ins.
	stopChecks chan struct{}
	dummyState
}

// The session store must keep scs's context-aware contract.
var _ scs.CtxStore = (*db.SessionStore)(nil)

// New wires the handlers. Close stops their background work.
func New(cfg Config, store *db.Store, hub *live.Hub, chatSvc *chat.Service, log *slog.Logger) *Handler {
	if cfg.SessionLifetime == 0 {
		cfg.SessionLifetime = DefaultSessionLifetime
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.PostLimit <= 0 {
		cfg.PostLimit = 60
	}
	if cfg.PostWindow <= 0 {
		cfg.PostWindow = 10 * time.Second
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	if cfg.BotPostLimit <= 0 {
		cfg.BotPostLimit = DefaultBotPostLimit
	}
	if cfg.BotPostWindow <= 0 {
		cfg.BotPostWindow = DefaultBotPostWindow
	}
	// Sessions are read on the reader pool, written on the writer.
	sessionStore := store.Sessions(30 * time.Minute)
	sm := scs.New()
	sm.Store = sessionStore
	sm.Codec = sessionCodec{}
	sm.Lifetime = cfg.SessionLifetime
	sm.Cookie.Name = SessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.SecureCookies
	sm.Cookie.Persist = true
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Error("session", "error", err, "path", logPath(r))
		http.Error(w, "Something went wrong. Please try again.", http.StatusInternalServerError)
	}

	h := &Handler{
		cfg:             cfg,
		store:           store,
		sessions:        sm,
		hub:             hub,
		chat:            chatSvc,
		log:             log,
		failures:        newRateLimiter(addressFailureLimit, attemptWindow),
		accountFailures: newRateLimiter(accountFailureLimit, attemptWindow),
		posts:           newRateLimiter(cfg.PostLimit, cfg.PostWindow),
		botPosts:        newRateLimiter(cfg.BotPostLimit, cfg.BotPostWindow),
	}
	if err := h.startStreamTokens(context.Background()); err != nil {
		log.Warn("stream tokens are off; streams use the session cookie", "error", err)
	}
	h.cookieStream = sm.LoadAndSave(h.loadUser(h.refuseSubresources(h.requireUser(http.HandlerFunc(h.stream)))))
	h.stopGC = sessionStore.Stop
	h.stopChecks = make(chan struct{})
	go h.checkSessions(sessionCheckInterval, h.stopChecks)
	return h
}

// Close stops background work started by New.
func (h *Handler) Close() {
	h.stopGC()
	close(h.stopChecks)
	h.failures.stop()
	h.accountFailures.stop()
	h.posts.stop()
	h.botPosts.stop()
}

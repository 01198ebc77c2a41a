// Package app is the composition root: it reads the deployment's Config,
// wires the whole app (store, live hub, chat service, notifications,
// handlers) and serves it. The command and the browser journeys both build the
// server here, so the journeys exercise exactly what ships.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/handlers"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/connguard"
	"github.com/campfire-go/campfire/internal/files"
	"github.com/campfire-go/campfire/internal/linkpreview"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/metrics"
	"github.com/campfire-go/campfire/internal/notify"
)

// eventRetention is how long the replay log keeps events; a tab away longer
// than that reloads instead of replaying.
const eventRetention = 7 * 24 * time.Hour

// shutdownGrace bounds how long Serve waits for requests in flight.
const shutdownGrace = 15 * time.Second

// Defaults of the limits that keep one person or client from taking every
// file descriptor (docs/RELIABILITY.md, issue 19).
const (
	defaultStreamsPerUser    = 32
	defaultStreamsPerAddress = 512
	// connsPerAddress caps every connection from one address, streams and
	// keep-alive connections together.
	connsPerAddress = 1024
	// anonymousIdle is how long a client without a session may keep an idle
	// connection open (signed-in browsers keep IdleTimeout).
	anonymousIdle = 5 * time.Second
)

// Server is the wired app, separate from any listener.
type Server struct {
	Store *db.Store
	Hub   *live.Hub
	Chat  *chat.Service
	Files *files.Store

	handlers *handlers.Handler
	notify   *notify.Services
	previews *linkpreview.Service
	routes   http.Handler
	metrics  *metrics.Metrics // nil when off
	log      *slog.Logger
	budget   connguard.Budget
}

// New opens (and migrates) the database and wires the app on it. Close
// releases what New started. Of cfg it reads the database, proxy, cookie,
// posting and push settings; the listener and the logger are the caller's.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if err := CheckStorage(filepath.Dir(cfg.DBPath)); err != nil {
		return nil, err
	}
	store, err := db.OpenWith(ctx, cfg.DBPath, db.Options{Synchronous: cfg.Synchronous, ExternalCheckpoints: cfg.Litestream})
	if err != nil {
		return nil, err
	}
	last, err := store.LastEventID(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	// A Config built by hand (tests) may leave the folder unset.
	storage := cmp.Or(cfg.StoragePath, filepath.Join(filepath.Dir(cfg.DBPath), "files"))
	blobs, err := openFiles(ctx, storage, store, log)
	if err != nil {
		store.Close()
		return nil, err
	}
	if ok, err := store.PlannerStable(ctx); err == nil && !ok {
		log.Warn("SQLite was built without -DSQLITE_ENABLE_QPSG: queries with joins are planned anew each time, " +
			"about twice as slow; build with make (it sets CGO_CFLAGS)")
	}
	budget := connguard.BudgetFor(connguard.FDLimit()).WithStreams(cfg.MaxStreams)
	hubOpts := live.Options{LastEventID: last, Limits: live.Limits{
		PerUser:    cmp.Or(cfg.StreamsPerUser, defaultStreamsPerUser),
		PerAddress: cmp.Or(cfg.StreamsPerAddress, defaultStreamsPerAddress),
		Total:      budget.Streams,
	}}
	var m *metrics.Metrics
	if cfg.MetricsAddr != "" {
		m = metrics.New()
		hubOpts.OnReplay = m.Replayed
	}
	hub := live.New(log, hubOpts)
	chatSvc := chat.New(store, hub, log)
	maxUpload := cmp.Or(cfg.MaxUpload, DefaultMaxUpload)
	chatSvc.UseFiles(blobs, maxUpload)
	if m != nil {
		chatSvc.OnCommit(m.Committed)
	}
	// The hub reports arrivals and departures to the chat service, which
	// announces who is here back through the hub.
	hub.OnPresence(chatSvc.PresenceChanged)
	h := handlers.New(handlers.Config{
		TrustProxy: cfg.TrustProxy, SecureCookies: cfg.SecureCookies, SessionLifetime: cfg.SessionLifetime,
		PostLimit: cfg.PostLimit, PostWindow: cfg.PostWindow,
		BotPostLimit: cfg.BotPostLimit, BotPostWindow: cfg.BotPostWindow,
		BaseURL: cfg.BaseURL,
		Files:   blobs, MaxUpload: maxUpload,
	}, store, hub, chatSvc, log)
	// After a message with a link is posted: its preview, in the background.
	previews := linkpreview.Start(chatSvc, blobs, linkpreview.Options{AllowLocal: cfg.AllowLocalFetch, Self: cfg.BaseURL}, log)

	// After a message is posted: bots' webhooks and Web Push, both queued.
	n, err := notify.Start(ctx, store, hub, chatSvc, notify.Options{
		VAPIDPublic: cfg.VAPIDPublic, VAPIDPrivate: cfg.VAPIDPrivate, PushAllowLocal: cfg.PushAllowLocal,
		BaseURL: cfg.BaseURL,
	}, log)
	if err != nil {
		h.Close()
		hub.Close()
		previews.Close()
		chatSvc.Close()
		store.Close()
		return nil, err
	}
	h.EnablePush(n.Push, cfg.PushAllowLocal)
	routes := h.Routes()
	if m != nil {
		m.Watch(metrics.Sources{
			Streams: hub.Streams, Delivered: hub.Delivered,
			Push: func() metrics.Queue {
				st := n.Push.Stats()
				return metrics.Queue{Queued: st.Queued, Delivered: st.Sent, Failed: st.Failed + st.Gone, Dropped: st.Dropped}
			},
			Webhooks: func() metrics.Queue {
				st := n.Webhooks.Stats()
				return metrics.Queue{Queued: st.Queued, Delivered: st.Replied + st.Silent, Failed: st.Failed + st.TimedOut, Dropped: st.Dropped}
			},
		})
		routes = m.Instrument(routes)
	}
	return &Server{Store: store, Hub: hub, Chat: chatSvc, Files: blobs, handlers: h, notify: n, previews: previews,
		routes: routes, metrics: m, log: log, budget: budget}, nil
}

// openFiles opens the folder of uploaded files and, before anything can
// upload, removes what a crash or a cascade left in it (files.Collect).
func openFiles(ctx context.Context, dir string, store *db.Store, log *slog.Logger) (*files.Store, error) {
	blobs, err := files.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("%w; create it, and give it to the user running campfire, or set CAMPFIRE_STORAGE", err)
	}
	st, err := files.Collect(ctx, blobs, store)
	if err != nil {
		return nil, err
	}
	if st != (files.Stats{}) {
		log.Info("collected unused files", "unreferenced", st.Unreferenced, "orphans", st.Orphans, "stale_uploads", st.Stale)
	}
	return blobs, nil
}

// Metrics serves the Prometheus metrics, or is nil when they are off. Serve
// it on its own listener: it is for the operator, not for visitors.
func (s *Server) Metrics() http.Handler {
	if s.metrics == nil {
		return nil
	}
	return s.metrics.Handler()
}

// CheckStorage makes the storage folder and checks files can be made in it:
// SQLite's journal and the certificate cache are created there as needed, and
// a folder that refuses them should stop the start, not a later write.
func CheckStorage(dir string) error {
	fix := "; create it, and give it to the user running campfire (chown), or set CAMPFIRE_DB to a file in a folder that user may write"
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("storage folder %s cannot be created: %w%s", dir, err, fix)
	}
	probe, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("storage folder %s is not writable: %w%s", dir, err, fix)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// Handler is the app's whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.routes }

// Close stops the app's background work and closes the database.
func (s *Server) Close() error {
	s.Hub.Close()
	// Queued webhook answers still post through the store: finish them first.
	s.notify.Close()
	// Posts already handed to the committer are written and published.
	s.Chat.Close()
	// Previews being made publish through the chat service and the store.
	s.previews.Close()
	s.handlers.Close()
	return s.Store.Close()
}

// Serve answers requests on ln until ctx ends, then shuts down gracefully:
// open event streams are closed so browsers reconnect (and replay) later.
// It returns nil after a clean shutdown. It does not Close the server.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	gl := s.guard(ln)
	srv := s.httpServer(ctx, gl.Mark(s.routes))
	srv.ConnState, srv.ConnContext = gl.ConnState, gl.ConnContext
	return s.serve(ctx, []*http.Server{srv}, []func() error{func() error { return srv.Serve(gl) }})
}

// guard wraps the app's listener in the connection limits (internal/connguard).
func (s *Server) guard(ln net.Listener) *connguard.Listener {
	s.log.Info("connection limits", "connections", s.budget.Conns, "streams", s.budget.Streams)
	return connguard.Wrap(ln, connguard.Options{
		MaxConns: s.budget.Conns, PerAddress: connsPerAddress,
		AnonymousIdle: anonymousIdle, SessionCookie: handlers.SessionCookie, Log: s.log,
		Eager: true,
	})
}

// httpServer is the app's server for handler h: the timeouts suit pages and
// event streams alike.
func (s *Server) httpServer(ctx context.Context, h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// No WriteTimeout: it would cut every event stream. Streams bound each
		// write themselves, and ordinary pages are small.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		// TLS handshake failures (scanners, old clients) are not the
		// operator's problem: debug level.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
}

// serve runs each server's loop until ctx ends or one fails, then shuts
// them all down. The first server is the app's; the others only redirect.
func (s *Server) serve(ctx context.Context, srvs []*http.Server, loops []func() error) error {
	// Shutdown waits for handlers to return; streams only return when closed.
	srvs[0].RegisterOnShutdown(s.Hub.Close)

	pruneCtx, stopPrune := context.WithCancel(ctx)
	defer stopPrune()
	go s.pruneEvents(pruneCtx)

	errc := make(chan error, len(loops))
	for _, loop := range loops {
		go func() { errc <- loop() }()
	}
	var failed error
	select {
	case failed = <-errc:
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	for _, srv := range srvs {
		if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) && failed == nil {
			failed = err
		}
	}
	if errors.Is(failed, http.ErrServerClosed) {
		return nil
	}
	return failed
}

func (s *Server) pruneEvents(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		cutoff := time.Now().Add(-eventRetention).UnixMilli()
		if n, err := s.Store.PruneEvents(ctx, cutoff); err != nil && ctx.Err() == nil {
			s.log.Warn("prune events", "error", err)
		} else if n > 0 {
			s.log.Info("pruned events", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

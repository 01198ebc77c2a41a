package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/handlers"
	"github.com/campfire-go/campfire/internal/chat"
	"github.com/campfire-go/campfire/internal/live"
	"github.com/campfire-go/campfire/internal/notify"
)

// eventRetention is how long the replay log keeps events; a tab away longer
// than that reloads instead of replaying.
const eventRetention = 7 * 24 * time.Hour

// app is the wired server, separate from the listener so tests can serve it.
type app struct {
	store    *db.Store
	hub      *live.Hub
	chat     *chat.Service
	handlers *handlers.Handler
	notify   *notify.Services
	log      *slog.Logger
}

func newApp(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	if dir := filepath.Dir(cfg.DBPath); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	store, err := db.OpenWith(ctx, cfg.DBPath, db.Options{Synchronous: cfg.Synchronous})
	if err != nil {
		return nil, err
	}
	last, err := store.LastEventID(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	// The hub reports arrivals and departures to the announcer, which renders
	// who is here and publishes it back through the hub.
	presence := handlers.NewPresenceAnnouncer(store, log)
	hub := live.New(log, live.Options{LastEventID: last, OnPresence: presence.Changed})
	presence.Attach(hub)
	chatSvc := chat.New(store, hub, log)
	h := handlers.New(handlers.Config{
		TrustProxy: cfg.TrustProxy, SecureCookies: cfg.SecureCookies,
		PostLimit: cfg.PostLimit, PostWindow: cfg.PostWindow,
	},
		store, hub, chatSvc, log)

	// After a message is posted: bots' webhooks and Web Push, both queued.
	n, err := notify.Start(ctx, store, hub, chatSvc, notify.Options{
		VAPIDPublic: cfg.VAPIDPublic, VAPIDPrivate: cfg.VAPIDPrivate, PushAllowLocal: cfg.PushAllowLocal,
	}, log)
	if err != nil {
		h.Close()
		hub.Close()
		store.Close()
		return nil, err
	}
	h.EnablePush(n.Push, cfg.PushAllowLocal)
	return &app{store: store, hub: hub, chat: chatSvc, handlers: h, notify: n, log: log}, nil
}

// close stops the app's background work and closes the database.
func (a *app) close() error {
	a.hub.Close()
	a.notify.Close()
	a.handlers.Close()
	return a.store.Close()
}

func newLogger(cfg config, out io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.close()

	srv := &http.Server{
		Addr:              net.JoinHostPort("", strconv.Itoa(cfg.Port)),
		Handler:           a.handlers.Routes(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
		// No WriteTimeout: it would cut every event stream. Streams bound each
		// write themselves, and ordinary pages are small.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	// Shutdown waits for handlers to return; streams only return when closed.
	srv.RegisterOnShutdown(a.hub.Close)

	go a.pruneEvents(ctx)

	// Bound before logging, so the log names the real port (PORT=0 picks one).
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		return err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	errc := make(chan error, 1)
	go func() {
		log.Info("listening", "addr", "http://localhost:"+strconv.Itoa(port), "db", cfg.DBPath, "version", version)
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (a *app) pruneEvents(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		cutoff := time.Now().Add(-eventRetention).UnixMilli()
		if n, err := a.store.PruneEvents(ctx, cutoff); err != nil && ctx.Err() == nil {
			a.log.Warn("prune events", "error", err)
		} else if n > 0 {
			a.log.Info("pruned events", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

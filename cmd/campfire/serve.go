package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/campfire-go/campfire/internal/server"
)

func newLogger(cfg config, out io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

func serve(ctx context.Context, cfg config, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	s, err := server.New(ctx, server.Config{
		DBPath:        cfg.DBPath,
		TrustProxy:    cfg.TrustProxy,
		SecureCookies: cfg.SecureCookies,
	}, log)
	if err != nil {
		return err
	}
	defer s.Close()

	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(cfg.Port)))
	if err != nil {
		return err
	}
	log.Info("listening", "addr", "http://localhost:"+strconv.Itoa(cfg.Port), "db", cfg.DBPath, "version", version)
	err = s.Serve(ctx, ln)
	log.Info("shut down")
	return err
}

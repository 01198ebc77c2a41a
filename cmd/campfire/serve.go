package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/campfire-go/campfire/internal/app"
)

func newLogger(cfg app.Config, out io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

func serve(ctx context.Context, cfg app.Config, stdout io.Writer) error {
	log := newLogger(cfg, stdout)
	s, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := servePprof(ctx, cfg.PprofAddr, log); err != nil {
		return err
	}
	if err := serveMetrics(ctx, cfg.MetricsAddr, s.Metrics(), log); err != nil {
		return err
	}

	if len(cfg.TLSDomains) > 0 {
		err = serveHTTPS(ctx, cfg, s, log)
		log.Info("shut down")
		return err
	}
	ln, err := listenPort(cfg.Port, "PORT")
	if err != nil {
		return err
	}
	// Logged after binding, so the log names the real port (PORT=0 picks one).
	port := ln.Addr().(*net.TCPAddr).Port
	log.Info("listening", "addr", "http://localhost:"+strconv.Itoa(port), "db", cfg.DBPath, "version", version)
	err = s.Serve(ctx, ln)
	log.Info("shut down")
	return err
}

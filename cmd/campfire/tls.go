package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/campfire-go/campfire/internal/app"
)

// listenPort binds a port and says what to do when it cannot.
func listenPort(port int, setting string) (net.Listener, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("", strconv.Itoa(port)))
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("port %d is already in use: stop the program using it (ss -ltnp shows which) or set %s", port, setting)
	case errors.Is(err, syscall.EACCES):
		return nil, fmt.Errorf("port %d needs privileges: run as a service with CAP_NET_BIND_SERVICE (docs/campfire.service), or set %s", port, setting)
	case err != nil:
		return nil, fmt.Errorf("%s=%d: %w", setting, port, err)
	}
	return ln, nil
}

// certObtainTimeout bounds getting the first certificate at start.
const certObtainTimeout = 3 * time.Minute

// serveHTTPS serves the app over HTTPS with its own certificate. Ports, the
// certificate cache and the certificate itself are all checked before it
// says it is listening: a problem stops the start with what to fix.
func serveHTTPS(ctx context.Context, cfg app.Config, s *app.Server, log *slog.Logger) error {
	acme := app.ACMEConfig{
		Domains:   cfg.TLSDomains,
		CacheDir:  filepath.Join(filepath.Dir(cfg.DBPath), "certs"),
		Directory: cfg.ACMEDirectory,
		Email:     cfg.ACMEEmail,
	}
	if cfg.ACMERootCA != "" {
		pem, err := os.ReadFile(cfg.ACMERootCA)
		if err != nil {
			return fmt.Errorf("CAMPFIRE_ACME_ROOT_CA: %w", err)
		}
		acme.RootCAs = x509.NewCertPool()
		if !acme.RootCAs.AppendCertsFromPEM(pem) {
			return fmt.Errorf("CAMPFIRE_ACME_ROOT_CA %s holds no PEM certificate", cfg.ACMERootCA)
		}
	}
	m, err := app.NewACME(acme)
	if err != nil {
		return err
	}
	tlsLn, err := listenPort(cfg.HTTPSPort, "CAMPFIRE_HTTPS_PORT")
	if err != nil {
		return err
	}
	httpLn, err := listenPort(cfg.HTTPPort, "CAMPFIRE_HTTP_PORT")
	if err != nil {
		tlsLn.Close()
		return err
	}
	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	// The listeners serve while the certificate is obtained: ACME's
	// challenges arrive on them.
	go func() { done <- s.ServeTLS(serveCtx, tlsLn, httpLn, m, cfg.TLSDomains) }()

	log.Info("obtaining certificate", "domains", strings.Join(cfg.TLSDomains, ","), "cache", acme.CacheDir)
	obtainCtx, cancel := context.WithTimeout(ctx, certObtainTimeout)
	err = app.ObtainCertificates(obtainCtx, m, cfg.TLSDomains)
	cancel()
	if err != nil {
		stop()
		<-done
		return fmt.Errorf("%w\n\ncheck that %s resolve(s) to this machine, that ports 80 and 443 reach it from the internet, "+
			"and that the ACME server (%s) accepts the name", err, strings.Join(cfg.TLSDomains, ", "), directoryName(cfg.ACMEDirectory))
	}
	httpsPort := tlsLn.Addr().(*net.TCPAddr).Port
	log.Info("listening on HTTPS", "addr", "https://"+cfg.TLSDomains[0]+portSuffix(httpsPort),
		"https_port", httpsPort, "http_port", httpLn.Addr().(*net.TCPAddr).Port, "db", cfg.DBPath, "version", version)
	return <-done
}

func portSuffix(p int) string {
	if p == 443 {
		return ""
	}
	return ":" + strconv.Itoa(p)
}

func directoryName(dir string) string {
	if dir == "" {
		return "Let's Encrypt"
	}
	return dir
}

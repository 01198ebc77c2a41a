package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// ACMEConfig is how the server gets its own certificate.
type ACMEConfig struct {
	// Domains are the names the certificate covers; the first is canonical.
	Domains []string
	// CacheDir keeps the account key and certificates across restarts.
	CacheDir string
	// Directory is the ACME server's directory URL; empty means Let's Encrypt.
	Directory string
	// RootCAs, when set, are the only roots trusted for the ACME server's
	// own HTTPS (a test server such as Pebble).
	RootCAs *x509.CertPool
	// Email is the contact Let's Encrypt writes to about expiring certificates.
	Email string
}

// NewACME checks the certificate cache folder and returns the manager that
// obtains, caches and renews the certificates. A renewal starts when a third
// of a certificate's lifetime is left (autocert's default, so short-lived
// certificates renew in proportion).
func NewACME(cfg ACMEConfig) (*autocert.Manager, error) {
	if err := checkCacheDir(cfg.CacheDir); err != nil {
		return nil, err
	}
	dir := cfg.Directory
	if dir == "" {
		dir = autocert.DefaultACMEDirectory
	}
	client := &acme.Client{DirectoryURL: dir}
	if cfg.RootCAs != nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
		client.HTTPClient = &http.Client{Transport: t, Timeout: time.Minute}
	}
	return &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(cfg.CacheDir),
		HostPolicy: autocert.HostWhitelist(cfg.Domains...),
		Client:     client,
		Email:      cfg.Email,
	}, nil
}

// checkCacheDir makes sure certificates can be read from and written to
// the folder, so a bad one stops the start rather than the first visitor.
func checkCacheDir(dir string) error {
	fix := "; make sure the storage folder exists and the user running campfire owns it"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("certificate cache %s cannot be created: %w%s", dir, err, fix)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("certificate cache %s cannot be read: %w%s", dir, err, fix)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") || e.IsDir() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err == nil {
			_, err = f.Read(make([]byte, 1))
			f.Close()
		}
		if err != nil && !errors.Is(err, os.ErrNotExist) && !errors.Is(err, io.EOF) {
			return fmt.Errorf("certificate cache file %s cannot be read: %w%s", filepath.Join(dir, e.Name()), err, fix)
		}
	}
	probe, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("certificate cache %s is not writable: %w%s", dir, err, fix)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// ObtainCertificates gets (from the cache, or from the ACME server) a
// certificate for every domain, so a refused name stops the start with the
// ACME server's reason instead of failing each visitor's handshake.
func ObtainCertificates(ctx context.Context, m *autocert.Manager, domains []string) error {
	for _, d := range domains {
		// A hello as a current browser sends: autocert picks an ECDSA
		// certificate, the one browsers will be served.
		hello := &tls.ClientHelloInfo{
			ServerName:        d,
			CipherSuites:      []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
			SignatureSchemes:  []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256},
			SupportedCurves:   []tls.CurveID{tls.CurveP256},
			SupportedVersions: []uint16{tls.VersionTLS13, tls.VersionTLS12},
		}
		// autocert bounds the issuance itself (five minutes); ctx ends the wait.
		errc := make(chan error, 1)
		go func() {
			_, err := m.GetCertificate(hello)
			errc <- err
		}()
		select {
		case err := <-errc:
			if err != nil {
				return fmt.Errorf("no certificate for %s: %w", d, err)
			}
		case <-ctx.Done():
			return fmt.Errorf("no certificate for %s: %w", d, ctx.Err())
		}
	}
	return nil
}

// hstsMaxAge is a year: browsers then refuse plain HTTP for the site.
const hstsMaxAge = 365 * 24 * 60 * 60

// withHSTS tells browsers to use HTTPS only, on answers sent over TLS.
func withHSTS(next http.Handler) http.Handler {
	v := "max-age=" + strconv.Itoa(hstsMaxAge)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", v)
		}
		next.ServeHTTP(w, r)
	})
}

// redirectToHTTPS sends plain-HTTP visitors to the same page over HTTPS. The
// host is one of ours whatever the request claims, so the redirect cannot
// be pointed elsewhere.
func redirectToHTTPS(domains []string, httpsPort int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := domains[0]
		asked := r.Host
		if h, _, err := net.SplitHostPort(asked); err == nil {
			asked = h
		}
		for _, d := range domains {
			if strings.EqualFold(asked, d) {
				host = d
			}
		}
		if httpsPort != 443 {
			host = net.JoinHostPort(host, strconv.Itoa(httpsPort))
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "Use HTTPS: https://"+host+"/", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusMovedPermanently)
	})
}

// ServeTLS answers HTTPS (HTTP/2 and HTTP/1.1) on tlsLn with m's
// certificates, and on httpLn ACME's http-01 challenges and redirects to
// HTTPS, until ctx ends; then it shuts both down as Serve does.
func (s *Server) ServeTLS(ctx context.Context, tlsLn, httpLn net.Listener, m *autocert.Manager, domains []string) error {
	httpsPort := tlsLn.Addr().(*net.TCPAddr).Port
	gl := s.guard(tlsLn)
	secure := s.httpServer(ctx, gl.Mark(withHSTS(s.routes)))
	// The hooks find the guarded connection under the TLS one, so HTTP/1.1
	// gets the anonymous idle limit too; HTTP/2 keeps IdleTimeout.
	secure.ConnState, secure.ConnContext = gl.ConnState, gl.ConnContext
	secure.TLSConfig = m.TLSConfig()
	secure.TLSConfig.MinVersion = tls.VersionTLS12
	plain := &http.Server{
		Handler:           m.HTTPHandler(redirectToHTTPS(domains, httpsPort)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	return s.serve(ctx, []*http.Server{secure, plain}, []func() error{
		func() error { return secure.ServeTLS(gl, "", "") },
		func() error { return plain.Serve(httpLn) },
	})
}

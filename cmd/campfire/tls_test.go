package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tlsServer is a campfire process serving HTTPS with its own certificate.
type tlsServer struct {
	*server
	httpsPort, httpPort string
}

var httpsListening = regexp.MustCompile(`msg="listening on HTTPS" .*https_port=(\d+) http_port=(\d+)`)

// startTLSServer runs `campfire serve` with extra settings and waits until
// it says it serves HTTPS.
func startTLSServer(t *testing.T, dbPath string, env ...string) *tlsServer {
	t.Helper()
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(os.Environ(), "CAMPFIRE_DB="+dbPath, "CAMPFIRE_LOG_LEVEL=info")
	cmd.Env = append(cmd.Env, env...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &tlsServer{server: &server{t: t, cmd: cmd, out: out, done: make(chan struct{})}}
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(s.kill)
	deadline := time.After(90 * time.Second)
	for {
		if m := httpsListening.FindStringSubmatch(out.String()); m != nil {
			s.httpsPort, s.httpPort = m[1], m[2]
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("server exited before serving HTTPS:\n%s", out.String())
		case <-deadline:
			t.Fatalf("server not serving HTTPS within 90s:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// httpsBrowser trusts Pebble's issuing root and reaches the server's name
// on loopback. dials counts the TCP connections it opens.
func (s *tlsServer) httpsBrowser(roots *x509.CertPool, dials *atomic.Int32) *http.Client {
	jar, _ := cookiejar.New(nil)
	d := &net.Dialer{}
	return &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: roots},
			ForceAttemptHTTP2: true,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if dials != nil {
					dials.Add(1)
				}
				_, port, _ := net.SplitHostPort(addr)
				return d.DialContext(ctx, network, "127.0.0.1:"+port)
			},
		},
	}
}

func (s *tlsServer) url(path string) string {
	return "https://" + testDomain + ":" + s.httpsPort + path
}

// servedCertificate is the certificate a browser is shown now.
func (s *tlsServer) servedCertificate(t *testing.T, roots *x509.CertPool) *x509.Certificate {
	t.Helper()
	conn, err := tls.Dial("tcp", "127.0.0.1:"+s.httpsPort, &tls.Config{ServerName: testDomain, RootCAs: roots})
	if err != nil {
		t.Fatalf("TLS handshake: %v", err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

// TestHTTPSWithPebble: the server gets its certificate from a local ACME
// server at start, serves the app over HTTP/2 with HSTS and Secure cookies,
// redirects plain HTTP to HTTPS, and carries many event streams on one
// connection.
func TestHTTPSWithPebble(t *testing.T) {
	p := startPebble(t, 90*24*time.Hour)
	storage := t.TempDir()
	s := startTLSServer(t, filepath.Join(storage, "campfire.db"), p.env(testDomain)...)
	roots := p.issuingRoots(t)

	cert := s.servedCertificate(t, roots)
	if err := cert.VerifyHostname(testDomain); err != nil {
		t.Fatalf("served certificate: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(storage, "certs")); len(entries) < 2 {
		t.Fatalf("certificate cache holds %d files, want the account key and the certificate", len(entries))
	}

	var dials atomic.Int32
	c := s.httpsBrowser(roots, &dials)
	res, err := c.PostForm(s.url("/first_run"), url.Values{
		"user[name]": {"Ada"}, "user[email_address]": {"ada@example.com"}, "user[password]": {"secret-password"},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.ProtoMajor != 2 {
		t.Fatalf("first run over HTTPS: %d %s", res.StatusCode, res.Proto)
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Errorf("no HSTS: %q", hsts)
	}
	for _, ck := range res.Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s is not Secure", ck.Name)
		}
	}
	// The first run leads, through /, to the first room.
	loc := res.Header.Get("Location")
	for i := 0; i < 3 && !strings.HasPrefix(loc, "/rooms/"); i++ {
		res, err := c.Get(s.url(loc))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc = res.Header.Get("Location")
	}
	room := strings.TrimPrefix(loc, "/rooms/")
	if room == "" || loc == room {
		t.Fatalf("no room after the first run (at %q)", loc)
	}

	// Plain HTTP answers only with a redirect to the same page over HTTPS.
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err = plain.Get("http://127.0.0.1:" + s.httpPort + "/rooms/" + room + "?at=1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if want := s.url("/rooms/" + room + "?at=1"); res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != want {
		t.Fatalf("HTTP answered %d → %q, want 301 → %q", res.StatusCode, res.Header.Get("Location"), want)
	}

	// Twenty tabs' streams share the browser's one connection.
	const tabs = 20
	lines := make([]*bufio.Reader, tabs)
	for i := range tabs {
		res, err := c.Get(s.url("/events?room_id=" + room))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		if res.StatusCode != http.StatusOK || res.ProtoMajor != 2 {
			t.Fatalf("stream %d: %d %s", i, res.StatusCode, res.Proto)
		}
		lines[i] = bufio.NewReader(res.Body)
	}
	res, err = c.PostForm(s.url("/rooms/"+room+"/messages"), url.Values{
		"message[body]": {"over one connection"}, "message[client_message_id]": {"h2-1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode >= 400 {
		t.Fatalf("post over HTTPS: %d", res.StatusCode)
	}
	for i, r := range lines {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatalf("stream %d ended before the message: %v", i, err)
			}
			if strings.Contains(line, "over one connection") {
				break
			}
		}
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connections for one browser, want 1", n)
	}
}

// TestCertificateRenewedBeforeExpiry: with short-lived certificates the
// server gets a new one on its own while the old one is still valid, and
// serves it.
func TestCertificateRenewedBeforeExpiry(t *testing.T) {
	p := startPebble(t, 15*time.Second)
	s := startTLSServer(t, filepath.Join(t.TempDir(), "campfire.db"), p.env(testDomain)...)
	roots := p.issuingRoots(t)
	first := s.servedCertificate(t, roots)
	deadline := time.Now().Add(90 * time.Second)
	for {
		next := s.servedCertificate(t, roots)
		if next.SerialNumber.Cmp(first.SerialNumber) != 0 {
			if !next.NotBefore.Before(first.NotAfter) {
				t.Fatalf("renewed only after expiry: old until %v, new from %v", first.NotAfter, next.NotBefore)
			}
			if err := next.VerifyHostname(testDomain); err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("certificate (valid until %v) not renewed:\n%s", first.NotAfter, s.out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// runToExit runs `campfire serve` expecting it to refuse to start.
func runToExit(t *testing.T, env ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), "serve")
	cmd.Env = append(os.Environ(), "CAMPFIRE_LOG_LEVEL=info")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestHTTPSBadSetup: each way the HTTPS setup can be wrong stops the start
// with a message saying what is wrong, and a non-zero exit, before the
// server says it serves.
func TestHTTPSBadSetup(t *testing.T) {
	p := startPebble(t, 90*24*time.Hour)
	busy, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := busy.Addr().(*net.TCPAddr).Port

	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, storage string) []string
		want  []string
	}{
		{"a domain the ACME server refuses", func(t *testing.T, storage string) []string {
			return p.env(blockedDomain)
		}, []string{"no certificate for " + blockedDomain, "rejectedIdentifier", "check that " + blockedDomain}},
		{"the HTTPS port taken", func(t *testing.T, storage string) []string {
			return append(p.env(testDomain), fmt.Sprintf("CAMPFIRE_HTTPS_PORT=%d", busyPort))
		}, []string{fmt.Sprintf("port %d is already in use", busyPort), "CAMPFIRE_HTTPS_PORT"}},
		{"the HTTP port taken", func(t *testing.T, storage string) []string {
			return append(p.env(testDomain), fmt.Sprintf("CAMPFIRE_HTTP_PORT=%d", busyPort))
		}, []string{fmt.Sprintf("port %d is already in use", busyPort), "CAMPFIRE_HTTP_PORT"}},
		{"a storage folder that cannot be written", func(t *testing.T, storage string) []string {
			// A file where the folder should be: refused even to root.
			if err := os.WriteFile(filepath.Join(storage, "storage"), nil, 0o600); err != nil {
				t.Fatal(err)
			}
			return append(p.env(testDomain), "CAMPFIRE_DB="+filepath.Join(storage, "storage", "campfire.db"))
		}, []string{"storage folder", "cannot be created", "chown"}},
		{"a certificate cache that cannot be read", func(t *testing.T, storage string) []string {
			if err := os.MkdirAll(filepath.Join(storage, "certs", testDomain), 0o700); err != nil {
				t.Fatal(err)
			}
			return p.env(testDomain)
		}, []string{"no certificate for " + testDomain, "is a directory"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storage := t.TempDir()
			env := append([]string{"CAMPFIRE_DB=" + filepath.Join(storage, "campfire.db")}, tc.setup(t, storage)...)
			out, err := runToExit(t, env...)
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() == 0 {
				t.Fatalf("exit %v, want a non-zero exit:\n%s", err, out)
			}
			if strings.Contains(out, "listening on HTTPS") {
				t.Fatalf("said it serves before failing:\n%s", out)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("message lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

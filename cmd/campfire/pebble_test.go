package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pebble is Let's Encrypt's ACME test server, running on loopback.
type pebble struct {
	dir     string // its installation: binary and test certificates
	acmeURL string // the ACME directory
	mgmtURL string // the management interface (issuing roots)
}

// The name the tests ask certificates for, and one Pebble refuses.
const (
	testDomain    = "chat.campfire.test"
	blockedDomain = "blocked.campfire.test"
)

func pebbleDir(t *testing.T) string {
	t.Helper()
	tools := os.Getenv("CAMPFIRE_TEST_TOOLS")
	if tools == "" {
		home, _ := os.UserHomeDir()
		tools = filepath.Join(home, ".cache", "campfire-test-tools")
	}
	dir := filepath.Join(tools, "pebble")
	if _, err := os.Stat(filepath.Join(dir, "bin", "pebble")); err != nil {
		t.Fatalf("Pebble is not installed in %s: run scripts/install-test-deps.sh", dir)
	}
	return dir
}

// freePort finds a loopback port for Pebble, which cannot report the one
// it bound; a clash with another process shows as Pebble failing to start.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startPebble runs Pebble issuing certificates valid for validity. Every
// challenge passes (PEBBLE_VA_ALWAYS_VALID): the names are not real, and
// what is tested is our side of ACME, not DNS.
func startPebble(t *testing.T, validity time.Duration) *pebble {
	t.Helper()
	dir := pebbleDir(t)
	acmePort, mgmtPort := freePort(t), freePort(t)
	cfg := map[string]any{"pebble": map[string]any{
		"listenAddress":           fmt.Sprintf("127.0.0.1:%d", acmePort),
		"managementListenAddress": fmt.Sprintf("127.0.0.1:%d", mgmtPort),
		"certificate":             filepath.Join(dir, "cert.pem"),
		"privateKey":              filepath.Join(dir, "key.pem"),
		"httpPort":                5002,
		"tlsPort":                 5001,
		"domainBlocklist":         []string{blockedDomain},
		"keyAlgorithm":            "ecdsa",
		"profiles": map[string]any{"default": map[string]any{
			"description": "test", "validityPeriod": int(validity.Seconds()),
		}},
	}}
	b, _ := json.Marshal(cfg)
	cfgPath := filepath.Join(t.TempDir(), "pebble.json")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(dir, "bin", "pebble"), "-config", cfgPath)
	cmd.Env = append(os.Environ(), "PEBBLE_VA_ALWAYS_VALID=1", "PEBBLE_VA_NOSLEEP=1", "PEBBLE_WFE_NONCEREJECT=0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	ready := make(chan struct{})
	var log strings.Builder
	go func() {
		defer close(exited)
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			if !signalled {
				log.WriteString(sc.Text() + "\n")
			}
			if !signalled && strings.Contains(sc.Text(), "ACME directory available at") {
				signalled = true
				close(ready)
			}
		}
		_ = cmd.Wait()
	}()
	select {
	case <-ready:
	case <-exited:
		t.Fatalf("pebble exited:\n%s", log.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("pebble not ready within 30s:\n%s", log.String())
	}
	// Pebble says where it listens before it binds: wait for both ports.
	for _, port := range []int{acmePort, mgmtPort} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("pebble not listening on %d within 30s:\n%s", port, log.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return &pebble{
		dir:     dir,
		acmeURL: fmt.Sprintf("https://127.0.0.1:%d/dir", acmePort),
		mgmtURL: fmt.Sprintf("https://127.0.0.1:%d", mgmtPort),
	}
}

// serverRoot is Pebble's own HTTPS root, which the server must trust.
func (p *pebble) serverRoot() string { return filepath.Join(p.dir, "pebble.minica.pem") }

// issuingRoots are the roots of the certificates Pebble issues (made anew
// at each start), which our test browsers trust.
func (p *pebble) issuingRoots(t *testing.T) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(p.serverRoot())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := c.Get(p.mgmtURL + "/roots/0")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	root, _ := io.ReadAll(res.Body)
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(root) {
		t.Fatalf("no root from pebble: %s", root)
	}
	return roots
}

// env is what the server needs to get its certificate from Pebble.
func (p *pebble) env(domains string) []string {
	return []string{
		"CAMPFIRE_TLS_DOMAIN=" + domains,
		"CAMPFIRE_HTTPS_PORT=0",
		"CAMPFIRE_HTTP_PORT=0",
		"CAMPFIRE_ACME_DIRECTORY=" + p.acmeURL,
		"CAMPFIRE_ACME_ROOT_CA=" + p.serverRoot(),
	}
}

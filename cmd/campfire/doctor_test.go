package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/campfire-go/campfire/db"
)

// runDoctor runs `campfire doctor` with the given settings.
func runDoctor(t *testing.T, settings map[string]string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), []string{"doctor"}, env(settings), nil, &out)
	return out.String(), err
}

func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("doctor did not say %q:\n%s", l, out)
		}
	}
}

// TestDoctorHealthy: a working deployment behind a proxy passes, and the
// checks that need built-in HTTPS say they were skipped.
func TestDoctorHealthy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "campfire.db")
	store, err := db.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	store.Close()
	out, err := runDoctor(t, map[string]string{"CAMPFIRE_DB": path})
	if err != nil {
		t.Fatalf("doctor failed a healthy deployment: %v\n%s", err, out)
	}
	wantLines(t, out, "ok    storage folder", "ok    database "+path+" passes SQLite's integrity check",
		"free on the storage folder's disk", "skip  clock", "skip  domain")
}

// TestDoctorFindsProblems: a damaged database, a storage folder that cannot
// be written, a name that does not resolve: each is a FAIL with a fix, and
// doctor exits non-zero.
func TestDoctorFindsProblems(t *testing.T) {
	t.Run("damaged database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "campfire.db")
		if err := os.WriteFile(path, bytes.Repeat([]byte("not a database "), 512), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := runDoctor(t, map[string]string{"CAMPFIRE_DB": path})
		if err == nil {
			t.Fatalf("doctor passed a damaged database:\n%s", out)
		}
		wantLines(t, out, "FAIL  database "+path, "fix: ", "restore the latest backup")
	})
	t.Run("storage folder not writable", func(t *testing.T) {
		dir := t.TempDir()
		// A file where the folder should be: refused even to root.
		if err := os.WriteFile(filepath.Join(dir, "storage"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := runDoctor(t, map[string]string{"CAMPFIRE_DB": filepath.Join(dir, "storage", "campfire.db")})
		if err == nil {
			t.Fatalf("doctor passed a storage folder it cannot write:\n%s", out)
		}
		wantLines(t, out, "FAIL  storage folder", "chown")
	})
	t.Run("domain that does not resolve", func(t *testing.T) {
		p := startPebble(t, 90*24*time.Hour)
		withLookup(t, func(context.Context, string) ([]string, error) {
			return nil, &net.DNSError{Err: "no such host", Name: testDomain, IsNotFound: true}
		})
		out, err := runDoctor(t, pebbleSettings(p, filepath.Join(t.TempDir(), "campfire.db")))
		if err == nil {
			t.Fatalf("doctor passed a name that does not resolve:\n%s", out)
		}
		wantLines(t, out, "ok    clock agrees with the ACME server's", "FAIL  "+testDomain+" does not resolve",
			"fix: add an A (and AAAA) record for "+testDomain)
	})
}

// withLookup answers doctor's DNS questions for the test's length: the
// test's names are not in any DNS, and tests talk to 127.0.0.1 only.
func withLookup(t *testing.T, fn func(context.Context, string) ([]string, error)) {
	saved := lookupHost
	lookupHost = fn
	t.Cleanup(func() { lookupHost = saved })
}

func pebbleSettings(p *pebble, dbPath string) map[string]string {
	settings := map[string]string{"CAMPFIRE_DB": dbPath}
	for _, kv := range p.env(testDomain) {
		k, v, _ := strings.Cut(kv, "=")
		settings[k] = v
	}
	return settings
}

// TestDoctorReachesTheServer: with the server running on its name, doctor
// reaches it over HTTPS and finds the clock in agreement.
func TestDoctorReachesTheServer(t *testing.T) {
	p := startPebble(t, 90*24*time.Hour)
	path := filepath.Join(t.TempDir(), "campfire.db")
	s := startTLSServer(t, path, p.env(testDomain)...)
	withLookup(t, func(_ context.Context, host string) ([]string, error) {
		if host != testDomain {
			t.Errorf("looked up %q", host)
		}
		return []string{"127.0.0.1"}, nil
	})
	browserRoots = p.issuingRoots(t)
	t.Cleanup(func() { browserRoots = nil })
	settings := pebbleSettings(p, path)
	settings["CAMPFIRE_HTTPS_PORT"] = s.httpsPort
	out, err := runDoctor(t, settings)
	if err != nil {
		t.Fatalf("doctor failed a working deployment: %v\n%s", err, out)
	}
	wantLines(t, out, "ok    clock agrees", "ok    "+testDomain+" answers over HTTPS; its certificate is valid for")
}

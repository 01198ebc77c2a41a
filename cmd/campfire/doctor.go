package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/campfire-go/campfire/db"
	"github.com/campfire-go/campfire/internal/app"
	"github.com/campfire-go/campfire/internal/files"
	_ "github.com/mattn/go-sqlite3" // the driver the store uses
	"golang.org/x/crypto/acme/autocert"
)

// A check's verdict: ok, a warning, or a problem that needs fixing.
type verdict string

const (
	pass    verdict = "ok"
	warn    verdict = "warn"
	fail    verdict = "FAIL"
	skipped verdict = "skip"
)

type finding struct {
	verdict verdict
	what    string
	fix     string
}

// minFreeDisk is the least free space doctor is content with: room for the
// database to grow, its backups and SQLite's temporary files.
const minFreeDisk = 1 << 30

// maxClockSkew is how far the clock may be off: certificates and sessions
// carry times, and ACME refuses requests from a clock far off.
const maxClockSkew = time.Minute

// doctor checks a deployment and says what to fix. The database is opened
// read-only and not migrated; the only writes are the storage check's probe
// file, removed at once (and the storage folder, made if missing, as the
// server would). It fails when any check found a problem.
func doctor(ctx context.Context, cfg app.Config, stdout io.Writer) error {
	dir := filepath.Dir(cfg.DBPath)
	checks := []finding{
		checkStorageFolder(dir),
		checkDatabaseIntegrity(ctx, cfg.DBPath),
		checkFiles(ctx, cfg.DBPath, cmp.Or(cfg.StoragePath, filepath.Join(dir, "files"))),
		checkFreeDisk(dir),
		checkClock(ctx, cfg),
	}
	checks = append(checks, checkReachable(ctx, cfg)...)
	problems := 0
	for _, f := range checks {
		fmt.Fprintf(stdout, "%-4s  %s\n", f.verdict, f.what)
		if f.fix != "" {
			fmt.Fprintf(stdout, "      fix: %s\n", f.fix)
		}
		if f.verdict == fail {
			problems++
		}
	}
	if problems > 0 {
		return fmt.Errorf("doctor found %d problem(s)", problems)
	}
	return nil
}

func checkStorageFolder(dir string) finding {
	if err := app.CheckStorage(dir); err != nil {
		return finding{fail, err.Error(), "the server cannot start without it"}
	}
	return finding{pass, "storage folder " + dir + " is writable", ""}
}

// checkFiles checks the folder of uploaded files is writable and holds
// every file the database records (a restore that forgot the backup's
// .files folder shows here).
func checkFiles(ctx context.Context, dbPath, folder string) finding {
	if err := app.CheckStorage(folder); err != nil {
		return finding{fail, "files folder: " + err.Error(), "uploads fail without it; fix CAMPFIRE_STORAGE or the folder's owner"}
	}
	if _, err := os.Stat(dbPath); err != nil {
		return finding{pass, "files folder " + folder + " is writable", ""}
	}
	keys, err := db.BlobKeysIn(ctx, dbPath)
	if err != nil {
		// A database from before files: nothing to find.
		return finding{pass, "files folder " + folder + " is writable", ""}
	}
	var missing int
	for _, k := range keys {
		if !files.ValidKey(k) {
			missing++
			continue
		}
		if _, err := os.Stat(filepath.Join(folder, files.RelPath(k))); err != nil {
			missing++
		}
	}
	if missing > 0 {
		return finding{fail, fmt.Sprintf("%d of the %d files the database records are not in %s", missing, len(keys), folder),
			"restore the folder from the backup's .files folder (README: Backups and restore), or fix CAMPFIRE_STORAGE"}
	}
	return finding{pass, fmt.Sprintf("files folder %s is writable and holds all %d files the database records", folder, len(keys)), ""}
}

// checkDatabaseIntegrity runs SQLite's own integrity check on the file, read-only.
func checkDatabaseIntegrity(ctx context.Context, path string) finding {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return finding{warn, "no database at " + path + " yet", "it is made at the first start; if you expected one, check CAMPFIRE_DB"}
	}
	d, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		return finding{fail, "database " + path + ": " + err.Error(), "restore the latest backup (README: Backups and restore)"}
	}
	defer d.Close()
	rows, err := d.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return finding{fail, "database " + path + " cannot be read: " + err.Error(),
			"if it is not a Campfire database, fix CAMPFIRE_DB; otherwise restore the latest backup (README: Backups and restore)"}
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return finding{fail, "database " + path + ": " + err.Error(), "restore the latest backup (README: Backups and restore)"}
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return finding{fail, "database " + path + " cannot be read: " + err.Error(),
			"if it is not a Campfire database, fix CAMPFIRE_DB; otherwise restore the latest backup (README: Backups and restore)"}
	}
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], "…")
		}
		return finding{fail, "database " + path + " is damaged: " + strings.Join(problems, "; "),
			"stop the server and restore the latest backup (README: Backups and restore)"}
	}
	return finding{pass, "database " + path + " passes SQLite's integrity check", ""}
}

func checkFreeDisk(dir string) finding {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return finding{warn, "free disk space unknown: " + err.Error(), ""}
	}
	free := st.Bavail * uint64(st.Bsize)
	what := fmt.Sprintf("%s free on the storage folder's disk", bytesText(free))
	if free < minFreeDisk {
		return finding{fail, what, "free space or move the storage folder to a larger disk: SQLite stops writing when the disk is full"}
	}
	return finding{pass, what, ""}
}

func bytesText(n uint64) string {
	switch {
	case n >= 1<<30:
		return strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GiB"
	default:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	}
}

// acmeClient reaches the ACME server as the server itself would.
func acmeClient(cfg app.Config) (*http.Client, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	if cfg.ACMERootCA != "" {
		pem, err := os.ReadFile(cfg.ACMERootCA)
		if err != nil {
			return nil, fmt.Errorf("CAMPFIRE_ACME_ROOT_CA: %w", err)
		}
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
		t.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	return &http.Client{Transport: t, Timeout: 15 * time.Second}, nil
}

// checkClock compares the clock with the ACME server's, the one whose
// opinion matters for certificates. Without built-in HTTPS there is nothing
// to compare with.
func checkClock(ctx context.Context, cfg app.Config) finding {
	if len(cfg.TLSDomains) == 0 {
		return finding{skipped, "clock: no CAMPFIRE_TLS_DOMAIN, so no ACME server to compare with", ""}
	}
	dir := cfg.ACMEDirectory
	if dir == "" {
		dir = autocert.DefaultACMEDirectory
	}
	c, err := acmeClient(cfg)
	if err != nil {
		return finding{fail, "clock: " + err.Error(), ""}
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, dir, nil)
	sent := time.Now()
	res, err := c.Do(req)
	if err != nil {
		return finding{fail, "ACME server " + dir + " cannot be reached: " + err.Error(),
			"allow outgoing HTTPS to it; without it no certificate can be had or renewed"}
	}
	res.Body.Close()
	theirs, err := http.ParseTime(res.Header.Get("Date"))
	if err != nil {
		return finding{warn, "clock: the ACME server sent no usable Date", ""}
	}
	ours := sent.Add(time.Since(sent) / 2)
	skew := ours.Sub(theirs).Round(time.Second)
	// Date has whole seconds: a second off is the header's rounding.
	if skew > maxClockSkew || skew < -maxClockSkew {
		return finding{fail, fmt.Sprintf("clock is %v off the ACME server's", skew),
			"keep the clock synchronised: timedatectl set-ntp true"}
	}
	return finding{pass, "clock agrees with the ACME server's (within " + maxClockSkew.String() + ")", ""}
}

// How doctor reaches the outside: the system's DNS and trusted roots. Tests
// replace them, so that they talk to 127.0.0.1 only.
var (
	lookupHost   = net.DefaultResolver.LookupHost
	browserRoots *x509.CertPool // nil: the system's
)

// checkReachable looks each configured name up and connects to it on the
// HTTPS port, as a browser would.
func checkReachable(ctx context.Context, cfg app.Config) []finding {
	if len(cfg.TLSDomains) == 0 {
		return []finding{{skipped, "domain: no CAMPFIRE_TLS_DOMAIN (behind a proxy, check it there)", ""}}
	}
	var out []finding
	for _, d := range cfg.TLSDomains {
		addrs, err := lookupHost(ctx, d)
		if err != nil || len(addrs) == 0 {
			out = append(out, finding{fail, d + " does not resolve: " + errText(err),
				"add an A (and AAAA) record for " + d + " pointing at this machine's public address"})
			continue
		}
		addr := net.JoinHostPort(addrs[0], strconv.Itoa(cfg.HTTPSPort))
		dialer := &net.Dialer{Timeout: 10 * time.Second}
		conn, err := tls.DialWithDialer(dialer, "tcp", addr, &tls.Config{ServerName: d, RootCAs: browserRoots})
		if err != nil {
			out = append(out, finding{fail, d + " (" + strings.Join(addrs, ", ") + ") is not reachable over HTTPS: " + err.Error(),
				"start the server, open port " + strconv.Itoa(cfg.HTTPSPort) + " (and 80) in the firewall, and check the DNS record points here"})
			continue
		}
		leaf := conn.ConnectionState().PeerCertificates[0]
		conn.Close()
		left := time.Until(leaf.NotAfter).Round(time.Hour)
		out = append(out, finding{pass, fmt.Sprintf("%s answers over HTTPS; its certificate is valid for %v more", d, left), ""})
	}
	return out
}

func errText(err error) string {
	if err == nil {
		return "no addresses"
	}
	return err.Error()
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// These helpers drive the real binary as an operator would: built with the
// release tags, started with environment variables, spoken to over HTTP, and
// killed with signals.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds cmd/campfire once per test run.
func binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "campfire-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "campfire")
		cmd := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", binPath, ".")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out.String())
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// lockedBuffer collects a process's output for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is one running campfire process.
type server struct {
	t    testing.TB
	cmd  *exec.Cmd
	base string
	out  *lockedBuffer
	done chan struct{}
}

// startServer runs `campfire serve` on dbPath with PORT=0, reads the port
// it bound from its log, and waits until /up answers there. (Picking a free
// port first and passing it races with other processes on the machine.)
func startServer(t testing.TB, dbPath string, extraEnv ...string) *server {
	t.Helper()
	return startCommand(t, exec.Command(binary(t), "serve"), dbPath, extraEnv...)
}

// startServerWithFileLimit starts the server with at most nofile open files
// (soft and hard, so Go cannot raise it), as a small host would.
func startServerWithFileLimit(t testing.TB, nofile int, dbPath string, extraEnv ...string) *server {
	t.Helper()
	cmd := exec.Command("sh", "-c", fmt.Sprintf(`ulimit -n %d && exec "$0" serve`, nofile), binary(t))
	return startCommand(t, cmd, dbPath, extraEnv...)
}

func startCommand(t testing.TB, cmd *exec.Cmd, dbPath string, extraEnv ...string) *server {
	t.Helper()
	cmd.Env = append(os.Environ(),
		"PORT=0",
		"CAMPFIRE_DB="+dbPath,
		"CAMPFIRE_TRUST_PROXY=1",
		"CAMPFIRE_LOG_LEVEL=info",
	)
	cmd.Env = append(cmd.Env, extraEnv...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, out: out, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(s.done) }()
	t.Cleanup(s.kill)

	deadline := time.Now().Add(20 * time.Second)
	for {
		if s.base == "" {
			if m := listeningPattern.FindStringSubmatch(out.String()); m != nil {
				s.base = "http://127.0.0.1:" + m[1]
			}
		}
		if s.base != "" {
			if res, err := http.Get(s.base + "/up"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return s
				}
			}
		}
		select {
		case <-s.done:
			t.Fatalf("server exited before it was up:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not up within 20s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var listeningPattern = regexp.MustCompile(`msg=listening addr=http://localhost:(\d+)`)

// kill sends SIGKILL: no shutdown code runs, as in a crash or an OOM kill.
func (s *server) kill() {
	_ = s.cmd.Process.Kill()
	<-s.done
}

// stop asks for a graceful shutdown and waits for it.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.t.Errorf("server did not stop within 20s:\n%s", s.out.String())
		s.kill()
	}
}

// browser is one client with its own cookies and address.
type browser struct {
	t    testing.TB
	srv  *server
	http *http.Client
	ip   string
}

func (s *server) browser(ip string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, srv: s, ip: ip, http: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
		// Each browser has its own connections, as separate machines would.
		Transport: &http.Transport{MaxIdleConnsPerHost: 2},
	}}
}

// retarget points the browser (and its cookies) at a restarted server.
func (b *browser) retarget(s *server) {
	old, _ := url.Parse(b.srv.base)
	nu, _ := url.Parse(s.base)
	b.http.Jar.SetCookies(nu, b.http.Jar.Cookies(old))
	b.srv = s
}

func (b *browser) request(method, path, contentType, body string, headers ...string) (*http.Response, error) {
	req, err := http.NewRequest(method, b.srv.base+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("X-Forwarded-For", b.ip)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.http.Do(req)
}

// must performs a request that has to get an answer, returning its status,
// headers and body.
func (b *browser) must(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	ct := ""
	body := ""
	if form != nil {
		ct, body = "application/x-www-form-urlencoded", form.Encode()
	}
	res, err := b.request(method, path, ct, body)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	_, _ = bufio.NewReader(res.Body).WriteTo(&sb)
	return res, sb.String()
}

// post sends a message as a plain form would.
func (b *browser) post(roomPath, body, cmid string) (*http.Response, error) {
	form := url.Values{"message[body]": {body}, "message[client_message_id]": {cmid}}
	res, err := b.request(http.MethodPost, roomPath+"/messages", "application/x-www-form-urlencoded", form.Encode())
	if err != nil {
		return nil, err
	}
	_, _ = bufio.NewReader(res.Body).WriteTo(new(strings.Builder))
	res.Body.Close()
	return res, nil
}

// firstRun sets up the administrator and returns the signed-in browser and
// the path of the first room.
func (s *server) firstRun() (*browser, string) {
	s.t.Helper()
	b := s.browser("198.51.100.1")
	res, body := b.must(http.MethodPost, "/first_run", url.Values{
		"user[name]": {"Ada Admin"}, "user[email_address]": {"ada@example.com"}, "user[password]": {"secret-password"},
	})
	if res.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("first run: %d\n%s", res.StatusCode, body)
	}
	return b, b.roomPath()
}

// signInAs signs a person in from a new browser (a session of its own).
func (s *server) signInAs(ip, email string) *browser {
	s.t.Helper()
	b := s.browser(ip)
	res, body := b.must(http.MethodPost, "/session", url.Values{
		"email_address": {email}, "password": {"secret-password"},
	})
	if res.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("sign in: %d\n%s", res.StatusCode, body)
	}
	return b
}

func (b *browser) roomPath() string {
	b.t.Helper()
	res, body := b.must(http.MethodGet, "/", nil)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/rooms/") {
		b.t.Fatalf("GET /: %d %q\n%s", res.StatusCode, loc, body)
	}
	return loc
}

var streamURLPattern = regexp.MustCompile(`after=(\d+)`)

// cursor reads the event id the room page is current to, from its stream URL.
func (b *browser) cursor(roomPath string) int64 {
	b.t.Helper()
	res, body := b.must(http.MethodGet, roomPath, nil)
	if res.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d", roomPath, res.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	src, ok := doc.Find("[sse-connect]").Attr("sse-connect")
	m := streamURLPattern.FindStringSubmatch(src)
	if !ok || m == nil {
		b.t.Fatalf("room page has no stream cursor: %q", src)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	return n
}

// openDB opens the database file read-only, beside or after the server.
func openDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	d, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// cmidCounts returns how many messages carry each client_message_id.
func cmidCounts(t testing.TB, d *sql.DB) map[string]int {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), `SELECT client_message_id, count(*) FROM messages GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

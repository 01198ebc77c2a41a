package handlers

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/campfire-go/campfire/internal/live"
)

// smallSendBuffers accepts connections with a fixed, small kernel send
// buffer. Left alone, Linux grows a socket's send buffer to megabytes, which
// a stuck client fills slowly; small buffers make the same test fast.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(8 << 10)
	}
	return c, err
}

// serveSmallBuffers serves the app a second time, on small send buffers.
func (a *testApp) serveSmallBuffers(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: a.h.Routes()}
	go srv.Serve(smallSendBuffers{ln})
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// stuckStream opens /events over a raw socket with a tiny receive buffer,
// reads the response headers, and then never reads again: a browser tab on
// a frozen machine, or a client attacking the server's memory.
func (c *client) stuckStream(t *testing.T, host string, roomID int64) net.Conn {
	t.Helper()
	u, _ := url.Parse(c.app.srv.URL)
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	conn, err := d.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var cookies []string
	for _, ck := range c.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	fmt.Fprintf(conn, "GET /events?room_id=%d&after=0 HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nX-Forwarded-For: %s\r\nAccept: text/event-stream\r\n\r\n",
		roomID, host, strings.Join(cookies, "; "), c.ip)
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReaderSize(conn, 64), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stuck stream: status %d", res.StatusCode)
	}
	return conn
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestStuckStreamDoesNotHoldBackOthers: one client that never reads its
// stream gets dropped; a healthy stream on the same room receives every one
// of 200 messages, and keeps receiving after the drop.
func TestStuckStreamDoesNotHoldBackOthers(t *testing.T) {
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(_ *Config, o *live.Options) { o.Buffer = 4 })
	admin := a.admin()
	bob := a.member("Bob Builder")
	carol := a.member("Carol Stuck")
	room := a.allTalk()

	healthy := bob.openStream(t, room, 0, a.hub.LastEventID())
	carol.stuckStream(t, a.serveSmallBuffers(t), room)
	waitFor(t, "both streams registered", 10*time.Second, func() bool { return a.hub.Connections() == 2 })

	// Bodies of a few kilobytes fill the socket buffers quickly.
	filler := strings.Repeat("a message long enough to fill buffers ", 60)
	const n = 200
	for i := range n {
		wantStatus(t, admin.post(room, fmt.Sprintf("%d %s", i, filler), fmt.Sprintf("iso-%03d", i)), http.StatusSeeOther)
	}
	got := collectMessages(t, healthy, n)
	for i, cmid := range got {
		if want := fmt.Sprintf("iso-%03d", i); cmid != want {
			t.Fatalf("healthy stream: event %d is %s, want %s", i, cmid, want)
		}
	}
	waitFor(t, "stuck stream evicted", 10*time.Second, func() bool { return a.hub.Connections() == 1 })

	wantStatus(t, admin.post(room, "after the eviction", "iso-after"), http.StatusSeeOther)
	if ev := healthy.next(t, "message"); !strings.Contains(ev.Data, "message_iso-after") {
		t.Fatalf("healthy stream after eviction got %s", ev.Data)
	}
}

// TestPostFloodIsLimitedPerPerson: past the limit one person gets 429 with
// Retry-After and nothing is stored; another person posts on unhindered.
func TestPostFloodIsLimitedPerPerson(t *testing.T) {
	a := newTestAppAt(t, t.TempDir()+"/campfire.db", func(c *Config, _ *live.Options) {
		c.PostLimit, c.PostWindow = 20, time.Hour
	})
	a.admin()
	flooder := a.member("Flo Flooder")
	other := a.member("Otto Other")
	room := a.allTalk()

	for i := range 20 {
		wantStatus(t, flooder.post(room, "flood", fmt.Sprintf("flood-%d", i)), http.StatusSeeOther)
	}
	before := a.countMessages(t)
	res := flooder.post(room, "one too many", "flood-20")
	wantStatus(t, res, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	res = flooder.postForm(fmt.Sprintf("/rooms/%d/messages", room), url.Values{
		"message[body]": {"htmx flood"}, "message[client_message_id]": {"flood-21"},
	}, "HX-Request", "true")
	wantStatus(t, res, http.StatusTooManyRequests)
	if got := a.countMessages(t); got != before {
		t.Fatalf("refused posts were stored: %d → %d", before, got)
	}

	// Another person, in the same room at the same time, is unaffected.
	for i := range 20 {
		wantStatus(t, other.post(room, "calm", fmt.Sprintf("calm-%d", i)), http.StatusSeeOther)
	}
	// The flooder can still read.
	wantStatus(t, flooder.get(fmt.Sprintf("/rooms/%d", room)), http.StatusOK)
}

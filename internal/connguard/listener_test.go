package connguard

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"syscall"
	"testing"
	"time"
)

// serve runs an http.Server on a guarded loopback listener, wired as the
// app's server is.
func serve(t *testing.T, opt Options) (*Listener, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gl := Wrap(ln, opt)
	srv := &http.Server{
		Handler: gl.Mark(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "ok")
		})),
		IdleTimeout: time.Hour,
		ConnState:   gl.ConnState,
		ConnContext: gl.ConnContext,
	}
	go srv.Serve(gl)
	t.Cleanup(func() { srv.Close() })
	return gl, ln.Addr().String()
}

// request sends one keep-alive GET on c and reads the answer.
func request(t *testing.T, c net.Conn, br *bufio.Reader, cookie string) {
	t.Helper()
	hdr := ""
	if cookie != "" {
		hdr = "Cookie: " + cookie + "\r\n"
	}
	if _, err := fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n%s\r\n", hdr); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
}

// closedByServer waits (with a hang guard, not a timing assertion) for the
// server to close c.
func closedByServer(t *testing.T, c net.Conn, br *bufio.Reader) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := br.ReadByte()
	if !errors.Is(err, io.EOF) {
		t.Fatalf("connection not closed by the server: %v", err)
	}
}

func dial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, bufio.NewReader(c)
}

// Issue 19 item 1: idle keep-alive connections of anonymous clients held a
// descriptor each for the whole idle timeout (two minutes). They now get a
// short wait; a signed-in browser's connection keeps the long one.
func TestAnonymousIdleConnectionsAreClosedSoon(t *testing.T) {
	_, addr := serve(t, Options{AnonymousIdle: 50 * time.Millisecond, SessionCookie: "session_token"})

	member, mr := dial(t, addr)
	request(t, member, mr, "session_token=abc")
	anon, ar := dial(t, addr)
	request(t, anon, ar, "")
	closedByServer(t, anon, ar)
	// The member's connection outlived the anonymous one and still serves.
	request(t, member, mr, "session_token=abc")
}

// With built-in HTTPS the server's hooks see a *tls.Conn: the anonymous
// client's idle connection was held for the whole idle timeout.
func TestAnonymousIdleConnectionsAreClosedSoonOverTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gl := Wrap(ln, Options{AnonymousIdle: 50 * time.Millisecond, SessionCookie: "session_token"})
	certs := httptest.NewUnstartedServer(nil)
	certs.StartTLS()
	cfg := certs.TLS.Clone()
	certs.Close()
	cfg.NextProtos = []string{"http/1.1"}
	srv := &http.Server{
		Handler:     gl.Mark(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })),
		IdleTimeout: time.Hour,
		ConnState:   gl.ConnState,
		ConnContext: gl.ConnContext,
		TLSConfig:   cfg,
	}
	go srv.ServeTLS(gl, "", "")
	t.Cleanup(func() { srv.Close() })

	dialTLS := func() (net.Conn, *bufio.Reader) {
		c, err := tls.Dial("tcp", ln.Addr().String(), &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	member, mr := dialTLS()
	request(t, member, mr, "session_token=abc")
	anon, ar := dialTLS()
	request(t, anon, ar, "")
	closedByServer(t, anon, ar)
	request(t, member, mr, "session_token=abc")
}

func TestConnectionsAreCappedInAllAndPerAddress(t *testing.T) {
	gl, addr := serve(t, Options{MaxConns: 3, PerAddress: 2, CountLoopback: true})
	a, ar := dial(t, addr)
	request(t, a, ar, "")
	b, br := dial(t, addr)
	request(t, b, br, "")
	over, or := dial(t, addr)
	closedByServer(t, over, or)
	if gl.Refused() != 1 {
		t.Errorf("refused %d, want 1", gl.Refused())
	}
	// A closed connection gives its place back.
	a.Close()
	for {
		c, cr := dial(t, addr)
		if _, err := fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err == nil {
			if res, err := http.ReadResponse(cr, nil); err == nil && res.StatusCode == 200 {
				break
			}
		}
		c.Close()
		if gl.Refused() > 100 {
			t.Fatal("the place of a closed connection was never given back")
		}
	}

	// Loopback is not counted per address unless asked (behind a proxy,
	// every client arrives from it).
	gl2, addr2 := serve(t, Options{PerAddress: 1})
	for range 3 {
		c, cr := dial(t, addr2)
		request(t, c, cr, "")
	}
	if gl2.Refused() != 0 {
		t.Errorf("loopback refused %d", gl2.Refused())
	}
}

// failingListener fails accept with EMFILE a number of times, then accepts.
type failingListener struct {
	net.Listener
	fails int
	calls int
}

func (f *failingListener) Accept() (net.Conn, error) {
	f.calls++
	if f.calls <= f.fails {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return f.Listener.Accept()
}

// Out of descriptors, accept is retried after a growing pause rather than at
// once, and the error never reaches the server.
func TestAcceptBacksOffWhenOutOfDescriptors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var slept []time.Duration
	fl := &failingListener{Listener: ln, fails: 10}
	gl := Wrap(fl, Options{sleep: func(d time.Duration) { slept = append(slept, d) }})
	go func() {
		if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
			defer c.Close()
			time.Sleep(time.Second)
		}
	}()
	c, err := gl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	want := []time.Duration{5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000}
	for i := range want {
		want[i] *= time.Millisecond
	}
	if !slices.Equal(slept, want) {
		t.Errorf("pauses %v, want %v", slept, want)
	}
}

func TestBudgetKeepsAReserve(t *testing.T) {
	for _, tc := range []struct {
		limit          int
		conns, streams int
	}{
		{0, 0, 0},
		{256, 192, 128},
		{1024, 960, 720},
		{1 << 20, 1<<20 - 64, (1<<20 - 64) - (1<<20-64)/4},
	} {
		if b := BudgetFor(tc.limit); b.Conns != tc.conns || b.Streams != tc.streams {
			t.Errorf("BudgetFor(%d) = %+v, want conns %d streams %d", tc.limit, b, tc.conns, tc.streams)
		}
	}
}

// TestBudgetWithStreams: CAMPFIRE_MAX_STREAMS lowers the streams, or raises
// them up to the connections less the smallest reserve; with no known limit
// it is the only cap.
func TestBudgetWithStreams(t *testing.T) {
	b := BudgetFor(20000) // 19,936 connections, 14,952 streams
	for _, tc := range []struct{ n, want int }{{0, 14952}, {100, 100}, {19200, 19200}, {25000, 19936 - 64}} {
		if got := b.WithStreams(tc.n); got.Streams != tc.want || got.Conns != b.Conns {
			t.Errorf("WithStreams(%d) = %+v, want %d streams of %d connections", tc.n, got, tc.want, b.Conns)
		}
	}
	if got := BudgetFor(256).WithStreams(1000); got.Streams != 128 {
		t.Errorf("256 files: %d streams, want the 128 that keep 64 connections", got.Streams)
	}
	if got := (Budget{}).WithStreams(500); got.Streams != 500 || got.Conns != 0 {
		t.Errorf("no known limit: %+v, want 500 streams", got)
	}
}

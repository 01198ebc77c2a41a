// Package connguard keeps the server's file descriptors for the people using
// it. Every connection costs one, and when they run out the process can
// accept nothing: not a page, not /up. The listener here caps connections in
// all and per client address, backs off when accept fails for want of
// descriptors instead of retrying at once, and lets anonymous clients keep an
// idle keep-alive connection only briefly.
package connguard

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Options configure a Listener. Zero values mean no limit.
type Options struct {
	// MaxConns caps open connections, event streams included; the one over
	// it is closed as soon as it is accepted.
	MaxConns int
	// PerAddress caps open connections per client IP (per /64 for IPv6).
	// Loopback is exempt unless CountLoopback is set: behind a reverse
	// proxy every client arrives from it.
	PerAddress    int
	CountLoopback bool
	// AnonymousIdle is how long a keep-alive connection whose last request
	// carried no session cookie may wait for the next request.
	AnonymousIdle time.Duration
	// SessionCookie names the cookie that marks a signed-in browser.
	SessionCookie string
	Log           *slog.Logger
	// Eager accepts each connection as soon as the kernel has it, and hands
	// them on while few accepted ones have yet to send a request (eager.go).
	Eager bool
	// sleep waits between failed accepts; tests record it.
	sleep func(time.Duration)
}

// Accept backs off from 5 ms, doubling to a second, while accept fails for
// want of file descriptors.
const (
	firstBackoff = 5 * time.Millisecond
	maxBackoff   = time.Second
)

// Listener is a net.Listener with the limits of Options. Give its ConnState
// and ConnContext to the http.Server and wrap the handler in Mark.
type Listener struct {
	net.Listener
	opt Options

	mu     sync.Mutex
	open   int
	byAddr map[string]int

	refused atomic.Uint64

	eager eagerState // eager.go
}

// Wrap returns ln with the limits of opt.
func Wrap(ln net.Listener, opt Options) *Listener {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.sleep == nil {
		opt.sleep = time.Sleep
	}
	return &Listener{Listener: ln, opt: opt, byAddr: map[string]int{}}
}

// Accept returns the next connection within the limits. Connections over a
// limit are closed at once; running out of descriptors is waited out.
func (l *Listener) Accept() (net.Conn, error) {
	if l.opt.Eager {
		c, err := l.eagerNext()
		if err != nil {
			return nil, err
		}
		l.markFresh(c)
		return c, nil
	}
	for {
		c, err := l.acceptLimited()
		if err != nil {
			// Not c: a nil *Conn in a net.Conn is not a nil net.Conn.
			return nil, err
		}
		if c != nil {
			return c, nil
		}
	}
}

// acceptLimited accepts the next connection and counts it, or closes it at
// once when it is over a limit (nil, nil).
func (l *Listener) acceptLimited() (*Conn, error) {
	nc, err := l.acceptRaw()
	if err != nil {
		return nil, err
	}
	key := l.addressKey(nc.RemoteAddr())
	if !l.take(key) {
		l.refused.Add(1)
		_ = nc.Close()
		return nil, nil
	}
	return &Conn{Conn: nc, l: l, key: key}, nil
}

// acceptRaw accepts the next connection, waiting out a shortage of
// descriptors.
func (l *Listener) acceptRaw() (net.Conn, error) {
	var delay time.Duration
	for {
		nc, err := l.Listener.Accept()
		if err != nil {
			if !outOfDescriptors(err) {
				return nil, err
			}
			if delay == 0 {
				l.opt.Log.Warn("accept: out of file descriptors; backing off", "error", err)
				delay = firstBackoff
			} else {
				delay = min(2*delay, maxBackoff)
			}
			l.opt.sleep(delay)
			continue
		}
		if delay > 0 {
			l.opt.Log.Info("accept: descriptors available again")
		}
		return nc, nil
	}
}

// Refused counts connections closed for being over a limit.
func (l *Listener) Refused() uint64 { return l.refused.Load() }

func outOfDescriptors(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

func (l *Listener) take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.opt.MaxConns > 0 && l.open >= l.opt.MaxConns {
		return false
	}
	if key != "" && l.opt.PerAddress > 0 && l.byAddr[key] >= l.opt.PerAddress {
		return false
	}
	l.open++
	if key != "" {
		l.byAddr[key]++
	}
	return true
}

func (l *Listener) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if key != "" {
		if l.byAddr[key]--; l.byAddr[key] <= 0 {
			delete(l.byAddr, key)
		}
	}
}

// addressKey is what a connection counts against per address: its IP, the
// /64 of an IPv6 one, "" (uncounted) for loopback unless counted.
func (l *Listener) addressKey(a net.Addr) string {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return ""
	}
	ip := ap.Addr().Unmap().WithZone("")
	switch {
	case ip.IsLoopback() && !l.opt.CountLoopback:
		return ""
	case ip.Is6():
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// Conn is an accepted connection, counted until it closes (also after
// net/http hands it over to an event stream).
type Conn struct {
	net.Conn
	l         *Listener
	key       string
	closeOnce sync.Once
	// anonymous: the last request carried no session cookie. idleNext: the
	// server has just gone idle on it, and its next read deadline is the
	// keep-alive wait.
	anonymous, idleNext atomic.Bool
	// fresh: handed on by an eager listener in generation gen, no request
	// read yet (eager.go).
	fresh atomic.Bool
	gen   uint64
}

// CountedSocket is the connection under the wrapper, for writers that want
// the socket itself (writev, non-blocking writes); close through the Conn.
func (c *Conn) CountedSocket() net.Conn { return c.Conn }

// Close closes the connection and gives its place back.
func (c *Conn) Close() error {
	err := c.Conn.Close()
	c.closeOnce.Do(func() { c.l.release(c.key) })
	c.l.unfresh(c)
	return err
}

// SetReadDeadline shortens the keep-alive wait of anonymous clients.
// net/http sets the idle deadline with the first read deadline after it
// reports the connection idle (ConnState), so that is the one shortened.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if c.idleNext.Swap(false) && c.anonymous.Load() && c.l.opt.AnonymousIdle > 0 {
		if limit := time.Now().Add(c.l.opt.AnonymousIdle); t.IsZero() || t.After(limit) {
			t = limit
		}
	}
	return c.Conn.SetReadDeadline(t)
}

// ConnState is the http.Server hook that notes when a connection goes idle.
// An HTTP/2 connection is left alone: it does not wait for its next request
// with a read deadline, and a shortened one would cut its streams.
func (l *Listener) ConnState(nc net.Conn, s http.ConnState) {
	c, ok := guarded(nc)
	if !ok || s == http.StateNew {
		return
	}
	l.unfresh(c)
	if s == http.StateIdle {
		if tc, isTLS := nc.(*tls.Conn); isTLS && tc.ConnectionState().NegotiatedProtocol == "h2" {
			return
		}
		c.idleNext.Store(true)
	}
}

// guarded finds the Conn under nc, which is a *tls.Conn when the server
// serves HTTPS itself; its deadlines reach the Conn through the TLS layer.
func guarded(nc net.Conn) (*Conn, bool) {
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	c, ok := nc.(*Conn)
	return c, ok
}

type connKey struct{}

// ConnContext is the http.Server hook that lets Mark find a request's connection.
func (l *Listener) ConnContext(ctx context.Context, nc net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, nc)
}

// Mark records, for each request, whether its client is anonymous (no
// session cookie), which decides how long its connection may idle after.
func (l *Listener) Mark(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nc, _ := r.Context().Value(connKey{}).(net.Conn)
		if c, ok := guarded(nc); ok {
			_, err := r.Cookie(l.opt.SessionCookie)
			c.anonymous.Store(err != nil)
		}
		next.ServeHTTP(w, r)
	})
}

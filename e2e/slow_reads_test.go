//go:build e2e

package e2e

import (
	"net"
	"sync/atomic"
	"syscall"
	"time"
)

// slowListener hands out connections whose reads can be slowed to a rate,
// as a slow uplink would: a journey can catch an upload half-way whatever
// the machine's speed, since the server takes the body no faster than rate.
type slowListener struct {
	net.Listener
	rate *atomic.Int64 // bytes a second; 0 for no limit
}

func (l slowListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return slowConn{Conn: c, rate: l.rate}, nil
}

type slowConn struct {
	net.Conn
	rate *atomic.Int64
}

// SyscallConn is the socket's own, so that the event hub keeps writing to
// it directly as it does in production (internal/live's netSink); only
// reads are slowed.
func (c slowConn) SyscallConn() (syscall.RawConn, error) {
	return c.Conn.(syscall.Conn).SyscallConn()
}

// Read takes at most a tenth of a second's worth of bytes, then waits that
// tenth of a second.
func (c slowConn) Read(p []byte) (int, error) {
	rate := c.rate.Load()
	if rate <= 0 {
		return c.Conn.Read(p)
	}
	if chunk := int(rate / 10); len(p) > chunk {
		p = p[:max(chunk, 1)]
	}
	n, err := c.Conn.Read(p)
	time.Sleep(100 * time.Millisecond)
	return n, err
}

// slowReads makes the server read every connection at rate bytes a second
// (0: at full speed again).
func (a *app) slowReads(rate int64) { a.readRate.Store(rate) }

package live

import (
	"crypto/tls"
	"net"
	"testing"
	"time"
)

type wrappedConn struct{ net.Conn }

func (w wrappedConn) CountedSocket() net.Conn { return w.Conn }

// The server counts connections with a wrapper (internal/connguard); a stream
// must still write to the socket itself, or it loses writev and the direct
// non-blocking write every event tries first.
func TestNetSinkWritesUnderAConnectionWrapper(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	s := newNetSink(wrappedConn{server}, time.Second)
	defer s.close()
	if _, ok := s.w.(*net.TCPConn); !ok || s.raw == nil {
		t.Fatalf("the sink writes to %T (raw %v), want the TCP socket", s.w, s.raw != nil)
	}
	if n, err := s.tryWrite([]byte("data: x\n\n")); n != 9 || err != nil {
		t.Fatalf("direct write: %d, %v", n, err)
	}
	b := make([]byte, 9)
	if _, err := client.Read(b); err != nil || string(b) != "data: x\n\n" {
		t.Fatalf("read %q, %v", b, err)
	}
}

// A stream over TLS is hijacked as a *tls.Conn, which has NetConn: the sink
// must write through TLS, never to the socket under it.
func TestNetSinkKeepsTLS(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	tc := tls.Server(a, &tls.Config{})
	s := newNetSink(tc, time.Second)
	if s.w != net.Conn(tc) {
		t.Fatalf("the sink writes to %T, want the TLS connection", s.w)
	}
}
